"""Refresh benchmark: N feeds x M items from a loopback server, cold then warm.

Runs the installed `newsroom` command in a temporary home, as a user would, and reports wall time
and peak memory (max RSS) of each run. Usage: python bench/refresh.py [--feeds N] [--items M]
[--latency MS] [--runs R]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))


def make_feed(n: int, items: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>Bench feed {n}</title><link>http://127.0.0.1/</link><description>d</description>",
    ]
    for i in range(items):
        date = formatdate(1_790_000_000 - (n * items + i) * 97, usegmt=True)
        parts.append(
            f"<item><title>Feed {n} story {i}: council weighs the harbour plan</title>"
            f"<link>http://127.0.0.1/{n}/{i}</link><guid>feed{n}-item{i}</guid>"
            f"<pubDate>{date}</pubDate><description>&lt;p&gt;Paragraph one of story {i} in feed"
            f" {n}, with enough words to look like a real teaser for a real story.&lt;/p&gt;"
            "&lt;p&gt;A second paragraph follows.&lt;/p&gt;</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


class FeedServer:
    """Serves /feed/<n>.xml with ETags and 304s, after ``latency`` seconds per request."""

    def __init__(self, feeds: int, items: int, latency: float) -> None:
        bodies = {f"/feed/{n}.xml": make_feed(n, items) for n in range(feeds)}
        etags = {path: '"' + hashlib.sha1(b).hexdigest() + '"' for path, b in bodies.items()}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                time.sleep(latency)
                body = bodies.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == etags[self.path]:
                    self.send_response(304)
                    self.send_header("ETag", etags[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etags[self.path])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.urls = [self.base + path for path in bodies]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def timed(home: Path, *args: str) -> tuple[float, float, str]:
    """Run newsroom in a fresh child; returns (seconds, peak RSS in MiB, stdout)."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "t = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(t, rss, p.returncode); print(p.stdout, end='')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, NEWSROOM, "--home", str(home), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    head, _, rest = out.partition("\n")
    seconds, rss, returncode = head.split()
    if returncode != "0":
        raise SystemExit(f"newsroom {' '.join(args)} failed")
    return float(seconds), float(rss), rest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=150)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--latency", type=float, default=20.0, help="server latency in ms")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    server = FeedServer(args.feeds, args.items, args.latency / 1000)
    print(
        f"refresh of {args.feeds} feeds x {args.items} items, {args.latency:.0f} ms latency,"
        f" best of {args.runs}"
    )
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            urls = home / "urls"
            urls.write_text("\n".join(server.urls) + "\n")
            subprocess.run(
                [NEWSROOM, "--home", tmp, "import", str(urls)], check=True, capture_output=True
            )
            seconds, rss, out = timed(home, "refresh", "--json")
            summary = json.loads(out)
            assert summary["new"] == args.feeds * args.items, summary
            cold.append((seconds, rss))
            seconds, rss, out = timed(home, "refresh", "--json")
            assert json.loads(out)["not_modified"] == args.feeds, out
            warm.append((seconds, rss))
    print(f"{'run':<6}{'seconds':>10}{'peak MiB':>10}")
    for name, runs in (("cold", cold), ("warm", warm)):
        seconds = min(s for s, _ in runs)
        rss = max(r for _, r in runs)
        print(f"{name:<6}{seconds:>10.2f}{rss:>10.1f}")
    server.httpd.shutdown()


if __name__ == "__main__":
    main()
