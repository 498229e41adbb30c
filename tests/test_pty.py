"""The real app in a pseudo-terminal: hostile feed text must never reach the terminal raw."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from reader.config import load_config
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss
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


def read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    """Read until ``marker`` has been written (or ``seconds`` have passed)."""
    output = b""
    deadline = time.monotonic() + seconds
    while marker not in output and time.monotonic() < deadline:
        output += read_for(fd, 0.2)
    return output


def start_tui(
    home: Path, follower: int, columns: int, lines: int, argv: list[str] | None = None
) -> subprocess.Popen:
    """The installed TUI on the follower side of a pty, in a session of its own."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
    return subprocess.Popen(
        argv or [NEWSROOM, "--home", str(home)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )


@contextmanager
def tui_in_pty(
    home: Path, columns: int, lines: int, argv: list[str] | None = None
) -> Iterator[tuple[subprocess.Popen, int]]:
    """The TUI running in a pty: (process, leader fd); killed if a test leaves it running."""
    leader, follower = pty.openpty()
    proc = start_tui(home, follower, columns, lines, argv)
    os.close(follower)
    try:
        yield proc, leader
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(leader)


def quit_tui(proc: subprocess.Popen, leader: int) -> bytes:
    """Press q; what the TUI writes while it leaves (the terminal restored)."""
    os.write(leader, b"q")
    output = read_for(leader, 2)
    proc.wait(timeout=10)
    return output


def test_escape_sequences_never_reach_the_terminal(home: Path) -> None:
    _, store = hostile_store(home)
    store.close()
    (home / "config.toml").write_text("[tui]\nrefresh_on_start = false\n")
    with tui_in_pty(home, 160, 48) as (proc, leader):
        output = read_for(leader, 4)
        os.write(leader, b"\r")  # open the first story: its body and header render too
        output += read_for(leader, 1.5)
        os.write(leader, b"j\r")
        output += read_for(leader, 1.5)
        output += quit_tui(proc, leader)
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


OSC52 = b"\x1b]52;c;SEFDS0VE\x1b\\"  # puts "HACKED" on the clipboard
CLEAR = b"\x1b[2J"


def json_feed(title: str) -> Route:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": [{"id": "1", "title": "First story", "content_text": "Text."}],
    }
    return Route(json.dumps(document).encode(), content_type="application/feed+json")


def test_a_hostile_feed_title_and_reason_phrase_never_reach_the_terminal(
    home: Path, server: LoopbackServer
) -> None:
    """Opening a feed titled with OSC 52 and a screen clear, and highlighting a feed whose
    server answered 503 with the same in its reason phrase, writes neither to the terminal."""
    server.routes["/feed.json"] = json_feed((b"Daily News " + OSC52 + CLEAR).decode())

    def unavailable(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(
            b"HTTP/1.1 503 Down " + OSC52 + CLEAR + b"\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        )

    server.raw["/down"] = unavailable
    store = Store(load_config(home).db_path)
    store.add_feed(server.url("/feed.json"))
    store.add_feed(server.url("/down"))
    store.close()
    with tui_in_pty(home, 160, 48) as (proc, leader):
        output = read_until(leader, b"Refreshed 2 feeds", 15)
        # To the feeds pane; highlight the failing feed (second), then open the first.
        for keys in (b"\t", b"\t", b"jjjjj", b"k", b"\r"):
            os.write(leader, keys)
            output += read_for(leader, 0.4)
        output += quit_tui(proc, leader)
    assert b"Refreshed 2 feeds" in output
    assert b"Daily News ]52;c;SEFDS0VE" in output  # the title, shown without its controls
    assert b"HTTP 503 Down" in output  # the error, on the status line
    assert b"\x1b]52" not in output
    assert proc.returncode == 0


def test_a_feed_titled_with_markup_can_be_added_and_opened(
    home: Path, server: LoopbackServer
) -> None:
    server.routes["/feed.json"] = json_feed("[/] Broken [b]feed")
    (home / "config.toml").write_text("[tui]\nrefresh_on_start = false\n")
    with tui_in_pty(home, 160, 48) as (proc, leader):
        read_for(leader, 2)
        os.write(leader, b"a")
        read_for(leader, 0.5)
        os.write(leader, server.url("/feed.json").encode() + b"\r")
        output = read_until(leader, b"Subscribed to", 10)
        for keys in (b"\t", b"\t", b"jjjj", b"\r"):  # open it from the feeds pane
            os.write(leader, keys)
            output += read_for(leader, 0.4)
        running = proc.poll() is None
        output += quit_tui(proc, leader)
    assert running
    assert b"Subscribed to [/] Broken [b]feed" in output
    assert proc.returncode == 0


def test_an_internal_error_exits_1_with_one_line_and_a_log(home: Path) -> None:
    """Whatever goes wrong inside the TUI: exit code 1, one line on the terminal, and the
    traceback in newsroom.log in the home. The fault is put in an action on purpose."""
    (home / "config.toml").write_text("[tui]\nrefresh_on_start = false\n")
    script = (
        "import sys\n"
        "from reader.cli import main\n"
        "from reader.ui.app import NewsroomApp\n"
        "def broken(self):\n"
        "    raise RuntimeError('the help screen broke [/] \\x1b]52;c;SEFDS0VE\\x07')\n"
        "NewsroomApp.action_help = broken\n"
        f"sys.exit(main(['--home', {str(home)!r}]))\n"
    )
    with tui_in_pty(home, 120, 40, [sys.executable, "-c", script]) as (proc, leader):
        read_for(leader, 2)
        os.write(leader, b"?")
        output = read_until(leader, b"newsroom: error", 10)
        proc.wait(timeout=10)
        output += read_for(leader, 0.3)
    log = home / "newsroom.log"
    line = f"newsroom: error: the TUI stopped on an internal error (details in {log})"
    assert proc.returncode == 1
    assert line.encode() in output
    assert b"Traceback" not in output and b"the help screen broke" not in output
    assert b"\x1b]52" not in output
    written = log.read_text()
    assert "Traceback" in written and "RuntimeError: the help screen broke" in written


STORY_PAGE = (
    "<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>{}"
    "</article></body></html>"
)
PARAGRAPHS = (
    "<p>The city council voted on Monday evening to approve the harbour expansion plan after"
    " a debate that lasted more than four hours and drew a large crowd to the chamber.</p>"
    "<p>Supporters said the new quay would bring hundreds of jobs to the waterfront, while"
    " residents of the old town warned about traffic and noise from the container yard.</p>"
)
LATER = (
    "<p>Update: the port authority said on Tuesday that construction would start in spring"
    " and that a public consultation on the traffic plan would open next week.</p>"
)


def test_a_recorded_change_raises_a_terminal_notification(
    home: Path, server: LoopbackServer
) -> None:
    """With [notify] terminal = true, the TUI's watcher turns a change into OSC 9."""
    page = {"html": STORY_PAGE.format(PARAGRAPHS)}
    server.routes["/story"] = lambda request: Route(page["html"].encode(), content_type="text/html")
    server.routes["/feed"] = Route(
        rss("Desk", [{"title": "Harbour vote", "guid": "s1", "link": server.url("/story")}])
    )
    (home / "config.toml").write_text(
        "[tui]\nrefresh_on_start = false\n[watch]\nevery_minutes = 0.1\n[notify]\nterminal = true\n"
    )
    for argv in (["add", server.url("/feed")], ["show", "1"]):  # show: the page's baseline
        subprocess.run([NEWSROOM, "--home", str(home), *argv], check=True, capture_output=True)
    page["html"] = STORY_PAGE.format(PARAGRAPHS + LATER)
    store = Store(load_config(home).db_path)
    store.schedule_watches([(1, 0)])  # due now
    store.close()
    with tui_in_pty(home, 120, 30) as (proc, leader):
        output = read_until(leader, b"\x1b]9;", 30)
        output += read_for(leader, 0.5)
        output += quit_tui(proc, leader)
    assert b"\x1b]9;newsroom: update: Harbour vote\x07" in output
