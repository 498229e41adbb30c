"""The real app in a pseudo-terminal: hostile feed text must never reach the terminal raw."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.tui_data import hostile_store

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))


def read_for(fd: int, seconds: float) -> bytes:
    chunks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def start_tui(home: Path, follower: int, columns: int, lines: int) -> subprocess.Popen:
    """The installed TUI on the follower side of a pty, in a session of its own."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
    return subprocess.Popen(
        [NEWSROOM, "--home", str(home)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )


def test_escape_sequences_never_reach_the_terminal(home: Path) -> None:
    _, store = hostile_store(home)
    store.close()
    (home / "config.toml").write_text("[tui]\nrefresh_on_start = false\n")
    leader, follower = pty.openpty()
    proc = start_tui(home, follower, 160, 48)
    os.close(follower)
    try:
        output = read_for(leader, 4)
        os.write(leader, b"\r")  # open the first story: its body and header render too
        output += read_for(leader, 1.5)
        os.write(leader, b"j\r")
        output += read_for(leader, 1.5)
        os.write(leader, b"q")
        output += read_for(leader, 2)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(leader)
    assert b"Escapes" in output and b"REDTEXT" in output  # the hostile stories did render
    # The printable rest of each sequence may show; its introducer and terminator may not.
    forbidden = (
        b"\x1b]0;PWNED",
        b"PWNED\x07",
        b"\x1b]52;",
        b"\x1b[31mREDTEXT",
        "\u009b".encode(),
        b"\x0e",
        "\u202e".encode(),
    )
    for payload in forbidden:
        assert payload not in output, payload
    assert proc.returncode == 0
