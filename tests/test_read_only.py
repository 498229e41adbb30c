"""The commands that only read work on a home nobody may write (a read-only folder, database and
mount); a command that must write fails with one line.

Run as root, file modes do not stop anything, so each command then runs in a mount namespace of
its own where the home is a read-only bind mount (which stops root too); without root, the modes
are enough. Both are how a real read-only home looks to newsroom: os.access says it cannot write.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.core.store.schema import MIGRATIONS
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
# The home bound read-only onto itself, then the command ($0 is the home).
READ_ONLY_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'

Run = Callable[..., subprocess.CompletedProcess[str]]


def newsroom(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSROOM, "--home", str(home), *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def read_only() -> Run:
    """Runs a command with its home read-only (see the module's docstring)."""
    if os.geteuid() != 0:
        return newsroom
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: no read-only mount for the home")
    probe = subprocess.run(
        ["unshare", "--mount", "sh", "-c", READ_ONLY_MOUNT, "/tmp", "true"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip(f"running as root and cannot mount read-only: {probe.stderr.decode()}")

    def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
        command = [NEWSROOM, "--home", str(home), *args]
        return subprocess.run(
            ["unshare", "--mount", "sh", "-c", READ_ONLY_MOUNT, str(home), *command],
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


STORIES = [
    {
        "title": f"Lighthouse story {n}",
        "link": f"http://127.0.0.1:9/story/{n}",  # never fetched: the home is read-only
        "guid": f"g{n}",
        "description": f"The keeper of the lighthouse wrote part {n} of the log.",
        "pubDate": f"Mon, 02 Nov 2026 1{n}:00:00 GMT",
    }
    for n in range(3)
]


@pytest.fixture
def stocked(home: Path, server: LoopbackServer) -> Iterator[Path]:
    """A home with one feed and its stories, then made read-only (and writable again after)."""
    server.routes["/feed"] = Route(rss("Harbour Log", STORIES))
    assert newsroom(home, "add", server.url("/feed")).returncode == 0
    db = home / "newsroom.db"
    yield home
    home.chmod(0o755)
    for path in home.iterdir():
        path.chmod(0o644)
    assert db.exists()


def lock(home: Path) -> None:
    for path in home.iterdir():
        path.chmod(0o444)
    home.chmod(0o555)


def reads_work(home: Path, run: Run) -> None:
    def ok(*args: str) -> str:
        result = run(home, *args)
        assert (result.returncode, result.stderr) == (0, ""), args
        return result.stdout

    assert [f["title"] for f in json.loads(ok("feeds", "--json"))] == ["Harbour Log"]
    assert "Harbour Log" in ok("feeds")
    stories = json.loads(ok("articles", "--json"))
    assert [s["title"] for s in stories] == [f"Lighthouse story {n}" for n in (2, 1, 0)]
    assert "Lighthouse story 0" in ok("articles")
    assert len(json.loads(ok("search", "keeper", "--json"))) == 3
    story = str(stories[0]["id"])
    # No stored page text and no way to keep one: the feed's text, and a note saying why.
    shown = ok("show", story)
    assert "The keeper of the lighthouse wrote part 2" in shown
    assert "the database is read-only" in shown
    assert json.loads(ok("show", story, "--json"))["source"] == "feed"
    assert json.loads(ok("history", story, "--json"))[0]["version"] == 1
    assert json.loads(ok("diff", story, "--json"))["to"] == 1
    assert "Harbour Log" in ok("export")
    assert "Harbour Log" in ok("export", "--format", "json")


def writes_fail_in_one_line(home: Path, run: Run) -> None:
    for args in (("mark", "1", "--star"), ("refresh", "--force")):
        result = run(home, *args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1, (args, result.stderr)
        assert lines == [f"newsroom: error: cannot write {home / 'newsroom.db'}: it is read-only"]


def test_reading_a_read_only_home(stocked: Path, read_only: Run) -> None:
    assert not (stocked / "newsroom.db-wal").exists()  # closed cleanly: no -wal, no -shm
    lock(stocked)
    reads_work(stocked, read_only)
    writes_fail_in_one_line(stocked, read_only)
    assert sorted(p.name for p in stocked.iterdir()) == ["newsroom.db"]  # nothing created


def test_reading_a_read_only_home_with_a_wal(stocked: Path, read_only: Run) -> None:
    """Another process has the database open and wrote to it: the -wal and -shm files exist and
    the latest change is only in the -wal."""
    writer = sqlite3.connect(stocked / "newsroom.db", isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE articles SET starred = 1 WHERE guid = 'g1'")
        assert (stocked / "newsroom.db-wal").stat().st_size > 0
        lock(stocked)
        starred = json.loads(read_only(stocked, "articles", "--starred", "--json").stdout)
        assert [s["title"] for s in starred] == ["Lighthouse story 1"]
        reads_work(stocked, read_only)
        writes_fail_in_one_line(stocked, read_only)
    finally:
        stocked.chmod(0o755)
        writer.close()


def test_an_old_database_read_only_fails_in_one_line(stocked: Path, read_only: Run) -> None:
    with sqlite3.connect(stocked / "newsroom.db") as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    conn.close()
    lock(stocked)
    result = read_only(stocked, "feeds")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"newsroom: error: cannot write {stocked / 'newsroom.db'}: it is read-only,"
        " and it needs an upgrade to open"
    ]
