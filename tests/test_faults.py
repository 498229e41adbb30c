"""Faults around the database: kills mid-refresh, concurrent writers, a damaged file."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
FEEDS, ITEMS = 20, 30


def feeds(server: LoopbackServer) -> str:
    for n in range(FEEDS):
        items = [
            {"title": f"Feed {n} story {i}", "guid": f"{n}-{i}", "description": "text"}
            for i in range(ITEMS)
        ]
        server.routes[f"/{n}.xml"] = Route(rss(f"Feed {n}", items), delay=0.01)
    return "\n".join(server.url(f"/{n}.xml") for n in range(FEEDS)) + "\n"


def newsroom(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NEWSROOM, "--home", str(home), *args], input=stdin, capture_output=True, timeout=60
    )


@pytest.mark.slow
def test_sigkill_during_refresh_leaves_a_sound_database(home: Path, server: LoopbackServer):
    assert newsroom(home, "import", "-", stdin=feeds(server).encode()).returncode == 0
    rng = random.Random(7)
    for _ in range(50):
        proc = subprocess.Popen(
            [NEWSROOM, "--home", str(home), "refresh"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 0.6))
        proc.kill()
        proc.wait()
        # Let the next run fetch again, so kills keep landing inside writes.
        conn = sqlite3.connect(home / "newsroom.db", timeout=10)
        conn.execute("UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL")
        conn.commit()
        conn.close()
    conn = sqlite3.connect(home / "newsroom.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counts = [
        n
        for (n,) in conn.execute(
            "SELECT count(a.id) FROM feeds f LEFT JOIN articles a ON a.feed_id = f.id GROUP BY f.id"
        )
    ]
    assert all(n in (0, ITEMS) for n in counts), counts  # never a partly stored feed
    conn.close()
    assert newsroom(home, "refresh").returncode == 0
    assert len(newsroom(home, "articles", "--limit", "1000").stdout.splitlines()) == FEEDS * ITEMS


STORIES = 12


def changing_pages(server: LoopbackServer) -> str:
    """A feed of fresh stories whose pages gain a paragraph on every fetch, so every watch pass
    has versions to store."""
    fetches: Counter[str] = Counter()

    def story(request: BaseHTTPRequestHandler) -> Route:
        fetches[request.path] += 1
        paragraphs = "".join(
            f"<p>Update {n} on the harbour story: the board heard from engineers and residents"
            f" about the repairs to the old lighthouse and the cost of them.</p>"
            for n in range(fetches[request.path] + 3)
        )
        html = f"<html><body><article><h1>Harbour</h1>{paragraphs}</article></body></html>"
        return Route(html.encode(), content_type="text/html", validators=False)

    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 600))
    items = []
    for n in range(STORIES):
        server.routes[f"/story/{n}"] = story
        link = server.url(f"/story/{n}")
        items.append({"title": f"Story {n}", "guid": f"s{n}", "link": link, "pubDate": when})
    server.routes["/watched.xml"] = Route(rss("Watched", items))
    return server.url("/watched.xml")


def child_processes(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(child) for child in task.read_text().split())
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may be slow to reap orphans)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


@pytest.mark.slow
def test_sigkill_during_watch_passes_keeps_every_version(
    home: Path, server: LoopbackServer
) -> None:
    assert newsroom(home, "add", changing_pages(server)).returncode == 0
    rng = random.Random(11)
    versions_before = 0
    children: set[int] = set()
    for _ in range(50):
        proc = subprocess.Popen(
            [NEWSROOM, "--home", str(home), "watch", "--once", "--all"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Killed at a random moment once it extracts (a worker is up beside the resource
        # tracker): however loaded the machine, the kills land among the writes, not all during
        # start-up.
        started = time.monotonic()
        while len(child_processes(proc.pid)) < 2 and time.monotonic() - started < 15:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.1, 1.5))
        children |= child_processes(proc.pid)
        proc.kill()
        proc.wait()
        with sqlite3.connect(home / "newsroom.db", timeout=10) as conn:
            assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
            assert versions >= versions_before  # a committed version is never lost
            versions_before = versions
            # Each story's versions are numbered without gaps: none was half written.
            for seqs, count in conn.execute(
                "SELECT max(seq) - min(seq) + 1, count(*) FROM versions GROUP BY article_id"
            ):
                assert seqs == count
    assert versions_before > STORIES  # the kills did land between stored versions
    assert children  # the extraction processes, which must not outlive a killed parent
    deadline = time.monotonic() + 5
    while alive := {pid for pid in children if running(pid)}:
        assert time.monotonic() < deadline, f"orphaned extraction processes: {alive}"
        time.sleep(0.1)
    with sqlite3.connect(home / "newsroom.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finished = newsroom(home, "watch", "--once", "--all", "--json")
    assert finished.returncode == 0, finished.stderr


@pytest.mark.slow
def test_two_writers_in_tight_loops(home: Path, server: LoopbackServer) -> None:
    newsroom(home, "import", "-", stdin=feeds(server).encode())
    assert newsroom(home, "refresh").returncode == 0
    command = [NEWSROOM, "--home", str(home), "mark"]
    script = (
        "import subprocess, sys\n"
        "for n in range(40):\n"
        f"    args = {command!r} + [str(n % 50 + 1), '--read' if n % 2 else '--star']\n"
        "    r = subprocess.run(args, capture_output=True)\n"
        "    if r.returncode: sys.exit(r.stderr.decode())\n"
    )
    marker = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    for _ in range(6):
        done = newsroom(home, "refresh", "--json")
        assert done.returncode == 0, done.stderr
    _, err = marker.communicate(timeout=120)
    assert marker.returncode == 0, err
    conn = sqlite3.connect(home / "newsroom.db")
    assert conn.execute("SELECT count(*) FROM articles WHERE starred = 1").fetchone()[0] == 20
    assert conn.execute("SELECT count(*) FROM articles WHERE read = 1").fetchone()[0] == 20


def test_a_damaged_database_is_reported_and_kept(home: Path) -> None:
    garbage = b"SQLite format 3\x00" + bytes(range(256)) * 40
    (home / "newsroom.db").write_bytes(garbage)
    result = newsroom(home, "feeds")
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "newsroom.db" in lines[0] and b"Traceback" not in result.stderr
    assert (home / "newsroom.db").read_bytes() == garbage


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs: a disk that fills up, and that can be made read-only."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)])
    if made.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def one_line_failure(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_read_only_home_is_reported(tmpfs: Path, server: LoopbackServer) -> None:
    server.routes["/0.xml"] = Route(rss("Feed", [{"title": "A story", "guid": "a"}]))
    assert newsroom(tmpfs, "add", server.url("/0.xml")).returncode == 0
    before = (tmpfs / "newsroom.db").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    listed = newsroom(tmpfs, "feeds")  # reading needs no write
    assert listed.returncode == 0 and b"A story" not in listed.stderr
    for args in (("refresh", "--force"), ("add", server.url("/1.xml"))):
        assert "is read-only" in one_line_failure(newsroom(tmpfs, *args))
    assert (tmpfs / "newsroom.db").read_bytes() == before


def test_a_full_disk_is_reported_and_nothing_stored_is_lost(
    tmpfs: Path, server: LoopbackServer
) -> None:
    server.routes["/small.xml"] = Route(rss("Small", [{"title": "Kept", "guid": "k"}]))
    assert newsroom(tmpfs, "add", server.url("/small.xml")).returncode == 0
    story = "w" * 3000  # 3 feeds x 300 stories of 3 kB: far more than the 1 MiB disk
    for n in range(3):
        items = [{"title": f"S {i}", "guid": f"{n}-{i}", "description": story} for i in range(300)]
        server.routes[f"/{n}.xml"] = Route(rss(f"Big {n}", items))
    urls = "".join(server.url(f"/{n}.xml") + "\n" for n in range(3))
    assert newsroom(tmpfs, "import", "-", stdin=urls.encode()).returncode == 0
    assert "disk is full" in one_line_failure(newsroom(tmpfs, "refresh"))
    with sqlite3.connect(tmpfs / "newsroom.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT title FROM articles WHERE guid = 'k'").fetchone() == ("Kept",)
        # No feed is half stored: each has all its stories or none of the new ones.
        counts = db.execute("SELECT count(*) FROM articles GROUP BY feed_id").fetchall()
        assert all(count in (1, 300) for (count,) in counts)


def test_a_truncated_database_is_reported_and_kept(home: Path, server: LoopbackServer) -> None:
    (home / "urls").write_text(feeds(server))
    assert newsroom(home, "import", str(home / "urls")).returncode == 0
    assert newsroom(home, "refresh").returncode == 0
    database = home / "newsroom.db"
    truncated = database.read_bytes()[: database.stat().st_size // 2]
    database.write_bytes(truncated)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    assert "newsroom.db" in one_line_failure(newsroom(home, "articles"))
    assert database.read_bytes() == truncated
