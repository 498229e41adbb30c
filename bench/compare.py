"""newsroom against newsboat on the same loopback feeds, turn about, in one run.

Two workloads: 150 feeds x 40 items with 20 ms server latency (cold and warm refresh, peak
memory), and 1,000 feeds x 100 items (refresh, TUI time to first paint and resident memory after
it, search, key latency while a refresh runs). Feeds are served from eight loopback addresses so
that newsroom's per-host politeness cap does not stand in for network limits. Both programs run
as fresh processes in their own temporary homes; newsboat uses `reload-threads 16`.

Usage: python bench/compare.py [--runs R] [--quick]   (--quick: smaller workloads, one run)
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import fcntl
import hashlib
import os
import platform
import pty
import resource
import select
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import newsboat  # noqa: E402
from newsboat import COLUMNS, LINES  # noqa: E402

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
HOSTS = [f"127.0.0.{n}" for n in range(1, 9)]
MODIFIED = "Mon, 02 Nov 2026 10:00:00 GMT"


def make_feed(n: int, items: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>Bench feed {n}</title><link>http://bench.example/</link><description>d"
        "</description>",
    ]
    for i in range(items):
        when = formatdate(1_790_000_000 - (n * items + i) * 97, usegmt=True)
        parts.append(
            f"<item><title>Feed {n} story {i}: council weighs the harbour plan</title>"
            f"<link>http://bench.example/{n}/{i}</link><guid>feed{n}-item{i}</guid>"
            f"<pubDate>{when}</pubDate><description>&lt;p&gt;Paragraph one of story {i} in"
            f" feed {n}, with enough words to look like a real teaser for a real story."
            "&lt;/p&gt;&lt;p&gt;A second paragraph follows.&lt;/p&gt;</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (a reader stopped after its first paint) is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Feeds:
    """N feeds spread over HOSTS, with ETags and 304s, each answer after ``latency`` seconds."""

    def __init__(self, feeds: int, items: int, latency: float) -> None:
        bodies = {f"/feed/{n}.xml": make_feed(n, items) for n in range(feeds)}
        etags = {path: '"' + hashlib.sha1(b).hexdigest() + '"' for path, b in bodies.items()}
        self.latency = latency
        self.requests = 0
        self.not_modified = 0
        bench = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as web servers do: no 40 ms stalls on keep-alive

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                time.sleep(bench.latency)
                body = bodies.get(self.path, b"")
                bench.requests += 1
                if self.headers.get("If-None-Match") == etags.get(self.path) or (
                    self.headers.get("If-Modified-Since") == MODIFIED
                ):
                    bench.not_modified += 1
                    self.send_response(304)
                    body = b""
                else:
                    self.send_response(200 if body else 404)
                    self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etags.get(self.path, '"none"'))
                self.send_header("Last-Modified", MODIFIED)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.servers = []
        for host in HOSTS:
            server = _Server((host, 0), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        self.urls = [
            f"http://{HOSTS[n % len(HOSTS)]}:{self.servers[n % len(HOSTS)].server_address[1]}"
            f"/feed/{n}.xml"
            for n in range(feeds)
        ]

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@dataclass
class Run:
    seconds: float
    peak_mib: float


def timed(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to completion; wall time and the peak resident memory of the process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{argv[0]} failed: {error.strip()[:300]}")
    return Run(elapsed, usage.ru_maxrss / 1024)


class Newsroom:
    def __init__(self, home: Path, urls: list[str]) -> None:
        self.home = home
        home.mkdir(parents=True)
        (home / "urls").write_text("\n".join(urls) + "\n")
        subprocess.run(
            [NEWSROOM, "--home", str(home), "import", str(home / "urls")],
            check=True,
            capture_output=True,
        )

    def command(self, *args: str) -> list[str]:
        return [NEWSROOM, "--home", str(self.home), *args]

    def refresh(self) -> Run:
        return timed(self.command("refresh", "--force"))  # every feed, as newsboat's reload

    def stories(self) -> int:
        with sqlite3.connect(self.home / "newsroom.db") as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]


class Newsboat:
    """newsboat through bench/newsboat.py, in its own work directory."""

    def __init__(self, home: Path, urls: list[str]) -> None:
        self.home = home
        self.urls = urls

    def refresh(self) -> Run:
        run = newsboat.reload(self.urls, self.home)
        return Run(run.seconds, run.peak_mib)

    def stories(self) -> int:
        with sqlite3.connect(self.home / "cache.db") as db:
            return db.execute("SELECT count(*) FROM rss_item").fetchone()[0]


def screen_until(argv: list[str], env: dict[str, str], marker: bytes) -> Run:
    """Start a full-screen program in a pseudo-terminal of newsboat's size: the time until
    ``marker`` is on screen and its resident memory then. Then it is stopped."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the program
        os.execvpe(argv[0], argv, env)
    started = time.perf_counter()
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    seen = b""
    deadline = started + 120
    while marker not in seen:
        if time.perf_counter() > deadline:
            raise SystemExit(f"{argv[0]} never showed {marker!r}")
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen = seen[-4096:] + os.read(fd, 65536)
            except OSError:
                break
    elapsed = time.perf_counter() - started
    rss = newsboat.resident_mib(pid)
    os.kill(pid, signal.SIGTERM)
    end = time.monotonic() + 5
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)  # keep the pty drained while it exits
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                break
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    return Run(elapsed, rss)


def tui_env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm-256color", "LINES": str(LINES), "COLUMNS": str(COLUMNS)}


def best(runs: list[Run]) -> Run:
    return Run(min(r.seconds for r in runs), max(r.peak_mib for r in runs))


def key_latency(home: Path) -> tuple[float, float]:
    """p50 and p95 (ms) of j, k, page down, enter and escape on the big store while the TUI
    refreshes every feed. Each is timed inside the app, from the key event until its effect is
    on screen (the first screen refresh after the state changed). Pilot's own press() waits for
    the whole process to go idle, which a refresh never does, so it is not used for timing."""
    sys.path.insert(0, str(ROOT))
    from reader.ui.app import make_app  # before Textual itself, as `newsroom` imports them

    from textual import events  # isort: skip

    from reader.config import load_config
    from reader.core.store import Store

    async def run() -> list[float]:
        config = load_config(home)
        with sqlite3.connect(config.db_path) as db:  # every feed fetched and parsed again
            db.execute(
                "UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL,"
                " next_check_at = 0"
            )
        store = Store(config.db_path)
        app = make_app(config, store, refresh_on_start=True)
        timings: list[float] = []

        async def timed_key(key: str, done: Callable[[], bool]) -> None:
            started = time.perf_counter()
            app.post_message(events.Key(key, key if len(key) == 1 else None))
            while not done():
                if time.perf_counter() - started > 10:
                    raise SystemExit(f"the key {key!r} had no effect")
                await asyncio.sleep(0.0005)
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)
            await painted.wait()
            timings.append((time.perf_counter() - started) * 1000)

        deadline = time.monotonic() + 60
        async with app.run_test(size=(COLUMNS, LINES)) as pilot:
            while not (app.articles.rows and app.refreshing):
                if time.monotonic() > deadline:
                    raise SystemExit("the TUI never started its refresh")
                await pilot.pause(0.01)
            deadline = time.monotonic() + 120
            while app.refreshing and time.monotonic() < deadline:
                # Down the list a page at a time (it loads more as the cursor nears its end),
                # so every enter opens a story not drawn yet. Keys are judged by the story
                # they leave highlighted, which a reload of the list keeps.
                for key in ("j", "k", "j", "pagedown"):
                    before = app.articles.current
                    await timed_key(
                        key, lambda b=before: getattr(app.articles.current, "id", None) != b.id
                    )
                story = app.articles.current
                await timed_key(
                    "enter", lambda s=story: getattr(app.reader.article, "id", None) == s.id
                )
                await timed_key("escape", lambda: not app.reading)
                if app.articles.cursor >= len(app.articles.rows) - 3:  # the very end
                    await timed_key("g", lambda: app.articles.cursor == 0)
            # Leaving run_test shuts the app down at once: let worker results land first.
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
        store.close()
        return timings

    timings = asyncio.run(run())
    if len(timings) < 20:
        return float("nan"), float("nan")  # the refresh ended first (a --quick run)
    cuts = statistics.quantiles(timings, n=20)
    return statistics.median(timings), cuts[18]


def row(name: str, ours: float, theirs: float, unit: str, target: str) -> str:
    ratio = ours / theirs if theirs else float("inf")
    return f"| {name} | {ours:.2f} {unit} | {theirs:.2f} {unit} | {ratio:.2f}x | {target} |"


def small(runs: int, feeds: int, items: int, latency: float) -> list[str]:
    server = Feeds(feeds, items, latency)
    cold: dict[str, list[Run]] = {"newsroom": [], "newsboat": []}
    warm: dict[str, list[Run]] = {"newsroom": [], "newsboat": []}
    conditional: dict[str, int] = {}  # 304s answered in the last warm refresh
    try:
        for turn in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                readers: dict[str, Newsroom | Newsboat] = {
                    "newsroom": Newsroom(Path(tmp) / "newsroom", server.urls),
                    "newsboat": Newsboat(Path(tmp) / "newsboat", server.urls),
                }
                order = list(readers) if turn % 2 == 0 else list(reversed(readers))
                for name in order:  # turn about: neither always goes first
                    cold[name].append(readers[name].refresh())
                    assert readers[name].stories() == feeds * items, name
                for name in order:
                    # newsboat 2.21 only keeps a feed's validators from its second download on
                    # (its issue #2734), so "warm" is the third refresh, for both.
                    readers[name].refresh()
                    server.not_modified = 0
                    warm[name].append(readers[name].refresh())
                    conditional[name] = server.not_modified
    finally:
        server.close()
    ours_cold, boat_cold = best(cold["newsroom"]), best(cold["newsboat"])
    ours_warm, boat_warm = best(warm["newsroom"]), best(warm["newsboat"])
    title = f"{feeds} feeds x {items} items, {latency * 1000:.0f} ms latency"
    return [
        row(f"{title}: cold refresh", ours_cold.seconds, boat_cold.seconds, "s", "<= 1.0x"),
        row(f"{title}: warm refresh", ours_warm.seconds, boat_warm.seconds, "s", "<= 0.5x"),
        row(f"{title}: peak memory", ours_cold.peak_mib, boat_cold.peak_mib, "MiB", "<= 3x"),
        f"| (warm: 304s answered, newsroom / newsboat) | {conditional['newsroom']} |"
        f" {conditional['newsboat']} | | |",
    ]


def big(feeds: int, items: int) -> list[str]:
    server = Feeds(feeds, items, 0.0)
    lines = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ours = Newsroom(Path(tmp) / "newsroom", server.urls)
            boat = Newsboat(Path(tmp) / "newsboat", server.urls)
            title = f"{feeds:,} feeds x {items} items"
            ours_refresh, boat_refresh = ours.refresh(), boat.refresh()
            assert ours.stories() == boat.stories() == feeds * items
            lines.append(
                row(f"{title}: refresh", ours_refresh.seconds, boat_refresh.seconds, "s", "<= 1.0x")
            )
            # First paint: the newest story's title on screen for newsroom; the feed list for
            # newsboat (bench/newsboat.py knows what it looks like).
            ours_paint = min(
                (screen_until(ours.command(), tui_env(), b"Feed 0 story 0") for _ in range(3)),
                key=lambda r: r.seconds,
            )
            boat_paint = min(
                (newsboat.startup_to_feed_list(boat.home) for _ in range(3)),
                key=lambda r: r.seconds,
            )
            lines.append(
                row(
                    f"{title}: TUI first paint",
                    ours_paint.seconds,
                    boat_paint.seconds,
                    "s",
                    "<= 0.1x",
                )
            )
            lines.append(
                row(
                    f"{title}: TUI memory after first paint",
                    ours_paint.peak_mib,
                    boat_paint.peak_mib,
                    "MiB",
                    "<= 1.0x",
                )
            )
            search = min(timed(ours.command("search", "harbour plan")).seconds for _ in range(3))
            lines.append(f"| {title}: `newsroom search` | {search:.2f} s | (none) | | < 1 s |")
            # In a process of its own, so the feed server's threads do not share its GIL, and
            # with the 20 ms answers of the first workload: feed servers are not on this machine.
            server.latency = 0.020
            measured = subprocess.run(
                [sys.executable, __file__, "--keys", str(ours.home)],
                capture_output=True,
                text=True,
            )
            if measured.returncode:
                output = (measured.stdout + measured.stderr).strip()[-800:]
                raise SystemExit(f"key latency: exit {measured.returncode}: {output}")
            p50, p95 = map(float, measured.stdout.split())
            lines.append(
                f"| {title}: keys during a refresh, p50 / p95 | {p50:.0f} / {p95:.0f} ms"
                " | (none) | | p95 < 50 ms |"
            )
    finally:
        server.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small workloads, one run")
    parser.add_argument("--keys", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.keys:
        print(*key_latency(Path(args.keys)), flush=True)
        return
    if not newsboat.available():
        raise SystemExit("newsboat is not installed (Debian: apt-get install newsboat)")
    # Bytecode as an installed wheel has it; a checkout run with PYTHONDONTWRITEBYTECODE would
    # otherwise compile every module on every start.
    compileall.compile_dir(ROOT / "reader", quiet=1)
    version = subprocess.run(["newsboat", "-v"], capture_output=True, text=True).stdout
    print(f"{date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python")
    print(f"{platform.python_version()}, {version.splitlines()[0]}")
    print()
    print("| measure | newsroom | newsboat | ratio | target |")
    print("|---|---|---|---|---|")
    runs, scale = (1, 10) if args.quick else (args.runs, 1)
    print("\n".join(small(runs, 150 // scale, 40, 0.020)), flush=True)
    print("\n".join(big(1000 // scale, 100)), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(benchmark driver itself: {peak:.0f} MiB)")


if __name__ == "__main__":
    main()
