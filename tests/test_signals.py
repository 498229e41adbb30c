"""SIGTERM while a refresh hangs on a silent server: the TUI and the daemon end within 5 seconds,
the terminal is restored and the database is sound."""

from __future__ import annotations

import os
import pty
import signal
import sqlite3
import subprocess
import sys
import termios
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.server import LoopbackServer, Route, rss
from tests.test_pty import read_for, start_tui

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))


def silent(request: BaseHTTPRequestHandler) -> None:
    time.sleep(60)  # accepts the request, never answers


def subscribe(home: Path, server: LoopbackServer) -> None:
    server.raw["/silent.xml"] = silent
    for n in range(5):
        items = [{"title": f"Feed {n} story {i}", "guid": f"{n}-{i}"} for i in range(5)]
        server.routes[f"/{n}.xml"] = Route(rss(f"Feed {n}", items), delay=0.05)
    urls = [server.url("/silent.xml")] + [server.url(f"/{n}.xml") for n in range(5)]
    (home / "urls").write_text("\n".join(urls) + "\n")
    subprocess.run([NEWSROOM, "--home", str(home), "import", str(home / "urls")], check=True)


def assert_sound(home: Path) -> None:
    with sqlite3.connect(home / "newsroom.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM feeds").fetchone()[0] == 6


def terminated_within(proc: subprocess.Popen, seconds: float) -> float:
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=seconds + 5)
    return time.monotonic() - started


@pytest.mark.slow
def test_sigterm_ends_the_tui_during_a_refresh(home: Path, server: LoopbackServer) -> None:
    subscribe(home, server)
    (home / "config.toml").write_text("[fetch]\nfeed_timeout = 60\n")  # the signal must win
    leader, follower = pty.openpty()
    before = termios.tcgetattr(follower)
    proc = start_tui(home, follower, 120, 40)
    try:
        painted = read_for(leader, 4)
        assert b"Feeds" in painted and server.hits["/silent.xml"] == 1  # refreshing, stuck
        elapsed = terminated_within(proc, 5)
        output = read_for(leader, 0.5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    after = termios.tcgetattr(follower)
    os.close(leader)
    os.close(follower)
    assert elapsed < 5
    assert proc.returncode == 0
    assert b"\x1b[?1049l" in output  # left the alternate screen
    assert b"Traceback" not in output
    assert after[3] == before[3]  # echo and canonical mode are back
    assert_sound(home)


@pytest.mark.slow
def test_sigterm_ends_the_daemon_during_a_refresh(home: Path, server: LoopbackServer) -> None:
    subscribe(home, server)
    (home / "config.toml").write_text("[fetch]\nfeed_timeout = 60\n")
    proc = subprocess.Popen(
        [NEWSROOM, "--home", str(home), "watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while server.hits["/silent.xml"] == 0 or len(server.hits) < 6:
        assert time.monotonic() < deadline, "the daemon never started refreshing"
        time.sleep(0.1)
    time.sleep(0.5)  # the good feeds are stored, the silent one is still pending
    elapsed = terminated_within(proc, 5)
    _, stderr = proc.communicate()
    assert elapsed < 5
    assert proc.returncode == 0
    assert b"Traceback" not in stderr
    assert_sound(home)
    with sqlite3.connect(home / "newsroom.db") as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 25
