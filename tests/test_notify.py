"""Telling people of changes: watch --json, the daemon's lines, the command hook, Apprise and the
terminal notification, against a loopback newsroom and a real store."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.core.notify import Alert, run_command, terminal_alert, terminal_protocol
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
TITLE = "Lighthouse future in doubt"
PARAGRAPHS = [
    "The harbour board met on Tuesday to decide the future of the old lighthouse on the point.",
    "Members heard from engineers who said the tower needs urgent repairs to its foundations.",
    "A decision on funding is expected later this month after a public consultation.",
]
ADDED = "Update: the board has voted to fund the repairs in full, its chair said."
FIELDS = {
    "id",
    "feed",
    "title",
    "url",
    "kind",
    "version",
    "words_added",
    "words_removed",
    "seen_at",
}
HOOK = "import sys\nwith open(sys.argv[1], 'ab') as out:\n    out.write(sys.stdin.buffer.read())\n"


def set_page(server: LoopbackServer, paragraphs: list[str]) -> None:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>{body}"
    server.routes["/story"] = Route(
        f"{html}</article></body></html>".encode(), content_type="text/html"
    )


@pytest.fixture
def site(server: LoopbackServer) -> LoopbackServer:
    item = {"title": TITLE, "guid": "s1", "link": server.url("/story"), "description": "Teaser."}
    server.routes["/feed.xml"] = Route(rss("Harbour Times", [item]))
    set_page(server, PARAGRAPHS)
    return server


def cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def watched(capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer) -> None:
    """Subscribed, with the page's baseline taken, then the page gains a paragraph."""
    assert cli(capsys, home, "add", site.url("/feed.xml"))[0] == 0
    code, out, _ = cli(capsys, home, "watch", "--once", "--all", "--json")
    assert code == 0 and json.loads(out)["changes"] == []
    set_page(site, [*PARAGRAPHS, ADDED])


def config(home: Path, text: str) -> None:
    (home / "config.toml").write_text(text)


def test_a_page_change_in_watch_json_and_to_the_hook(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer, tmp_path: Path
) -> None:
    hook, received = tmp_path / "hook.py", tmp_path / "received.jsonl"
    hook.write_text(HOOK)
    config(home, f"[notify]\ncommand = {json.dumps([sys.executable, str(hook), str(received)])}\n")
    watched(capsys, home, site)
    code, out, err = cli(capsys, home, "watch", "--once", "--all", "--json")
    assert code == 0 and err == ""
    summary = json.loads(out)
    [change] = summary["changes"]
    assert change == {"id": 1, "kind": "update", "version": change["version"], "title": TITLE}
    assert summary["failures"] == []
    [line] = received.read_bytes().splitlines()
    alert = json.loads(line)
    assert set(alert) == FIELDS
    assert (alert["id"], alert["kind"], alert["version"]) == (1, "update", change["version"])
    assert (alert["feed"], alert["title"], alert["url"]) == (
        "Harbour Times",
        TITLE,
        site.url("/story"),
    )
    assert (alert["words_added"], alert["words_removed"]) == (len(ADDED.split()), 0)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", alert["seen_at"])


NEW_TITLE = "Lighthouse saved: board votes to fund repairs"


def test_a_headline_change_in_the_feed_reaches_refresh_json_and_the_hook(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer, tmp_path: Path
) -> None:
    hook, received = tmp_path / "hook.py", tmp_path / "received.jsonl"
    hook.write_text(HOOK)
    config(home, f"[notify]\ncommand = {json.dumps([sys.executable, str(hook), str(received)])}\n")
    assert cli(capsys, home, "add", site.url("/feed.xml"))[0] == 0
    item = {"title": NEW_TITLE, "guid": "s1", "link": site.url("/story"), "description": "Teaser."}
    site.routes["/feed.xml"] = Route(rss("Harbour Times", [item]))
    code, out, err = cli(capsys, home, "refresh", "--force", "--json")
    assert code == 0 and err == ""
    [change] = json.loads(out)["changes"]
    assert change == {"id": 1, "kind": "headline", "version": 2, "title": NEW_TITLE}
    [line] = received.read_bytes().splitlines()
    alert = json.loads(line)
    assert (alert["id"], alert["kind"], alert["version"], alert["title"]) == (
        1,
        "headline",
        2,
        NEW_TITLE,
    )
    code, out, _ = cli(capsys, home, "refresh", "--force", "--json")  # nothing told again
    assert json.loads(out)["changes"] == [] and len(received.read_bytes().splitlines()) == 1


def test_a_failing_hook_is_a_warning_and_the_pass_completes(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer
) -> None:
    command = [sys.executable, "-c", "import sys; sys.exit(3)"]
    config(home, f"[notify]\ncommand = {json.dumps(command)}\n")
    watched(capsys, home, site)
    code, out, err = cli(capsys, home, "watch", "--once", "--all", "--json")
    assert code == 0
    assert json.loads(out)["changed"] == 1
    [line] = err.splitlines()
    assert line.startswith("newsroom: warning: notify command")
    assert line.endswith("failed with exit code 3")
    code, out, _ = cli(capsys, home, "articles", "--updated", "--json")
    assert [a["id"] for a in json.loads(out)] == [1]


ALERT = Alert(1, "Feed", "Title", None, "edit", 2, 1, 1, "2026-12-02T10:00:00Z")


def test_a_missing_hook_program_is_a_warning() -> None:
    problem = run_command(["/nonexistent/notify-prog"], ALERT)
    assert (
        problem
        == "notify command /nonexistent/notify-prog could not start: No such file or directory"
    )


def test_a_hook_past_its_deadline_is_killed_and_reaped(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = "import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(60)"
    started = time.monotonic()
    problem = run_command([sys.executable, "-c", script, str(pid_file)], ALERT, timeout=1)
    assert problem and "was stopped" in problem
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):  # a zombie would still take the signal
        os.kill(int(pid_file.read_text()), 0)


def test_text_output_says_why_checks_failed(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer
) -> None:
    watched(capsys, home, site)
    site.routes["/story"] = Route(b"oops", status=500, content_type="text/plain")
    code, out, _ = cli(capsys, home, "watch", "--once", "--all")
    assert code == 0
    assert "1 failed" in out
    [failure] = [line for line in out.splitlines() if "story 1 failed" in line]
    assert "500" in failure
    code, out, _ = cli(capsys, home, "watch", "--once", "--all", "--json")
    [failure_json] = json.loads(out)["failures"]
    assert failure_json["id"] == 1 and "500" in failure_json["error"]


@contextlib.contextmanager
def daemon(home: Path, *args: str, own_group: bool = False) -> Iterator[subprocess.Popen[str]]:
    """`newsroom watch` running; killed if a line a test waits for never comes (a missing
    line must fail, not hang), and stopped with SIGTERM unless the test ended it."""
    process = subprocess.Popen(
        [NEWSROOM, "--home", str(home), "watch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=own_group,  # a group of its own, as a shell gives a foreground job
    )
    watchdog = threading.Timer(30, process.kill)
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=10)


def first_lines(home: Path, *args: str) -> tuple[str, str]:
    """The daemon's start line and the line after it, flushed as it happens."""
    with daemon(home, *args) as process:
        assert process.stdout is not None
        return process.stdout.readline(), process.stdout.readline()


def test_the_daemon_prints_a_start_line_and_a_line_per_change(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer
) -> None:
    watched(capsys, home, site)
    start, line = first_lines(home, "--all")
    assert "watching the stories of 1 feed\n" in start
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\d \d\d:\d\d UTC  update\s+1  {TITLE}\n", line)


def test_ctrl_c_stops_the_daemon_without_a_traceback(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer
) -> None:
    """Ctrl-C reaches the whole process group, extraction workers too."""
    watched(capsys, home, site)
    with daemon(home, "--all", own_group=True) as process:
        assert process.stdout is not None
        process.stdout.readline()
        assert "update" in process.stdout.readline()  # a page was extracted: workers are up
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_the_daemon_prints_a_change_the_feed_brought(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer
) -> None:
    assert cli(capsys, home, "add", site.url("/feed.xml"))[0] == 0
    item = {"title": NEW_TITLE, "guid": "s1", "link": site.url("/story"), "description": "Teaser."}
    site.routes["/feed.xml"] = Route(rss("Harbour Times", [item]))
    with sqlite3.connect(home / "newsroom.db") as db:  # the feed is due: the daemon fetches it
        db.execute("UPDATE feeds SET next_check_at = 0")
    _, line = first_lines(home)
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\d \d\d:\d\d UTC  headline\s+1  {NEW_TITLE}\n", line)


class Receiver:
    """An HTTP endpoint on 127.0.0.1 recording the JSON posted to it (Apprise's json://)."""

    def __init__(self) -> None:
        self.posts: list[Any] = []
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                posts.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.httpd.shutdown()
    r.httpd.server_close()


def test_the_apprise_receiver_gets_the_change(
    capsys: pytest.CaptureFixture[str], home: Path, site: LoopbackServer, receiver: Receiver
) -> None:
    pytest.importorskip("apprise")
    config(home, f'[notify]\nurls = ["json://127.0.0.1:{receiver.port}/"]\n')
    watched(capsys, home, site)
    # In a process of its own: Apprise leaves idle worker threads, and the CLI leaves those
    # with os._exit, which would end the test run.
    done = subprocess.run(
        [NEWSROOM, "--home", str(home), "watch", "--once", "--all", "--json"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == b""
    [post] = receiver.posts
    assert post["title"] == f"update: {TITLE}"
    assert site.url("/story") in post["message"] and "Harbour Times" in post["message"]


def test_urls_without_apprise_are_a_clear_error(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # as if it were not installed
    config(home, '[notify]\nurls = ["json://127.0.0.1:9/"]\n')
    code, out, err = cli(capsys, home, "watch", "--once", "--json")
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert "pip install 'newsroom[notify]'" in line and "config.toml" in line


HOSTILE = "\x1b]0;owned\a\x9d8;;evil\x9c\x1b[2J\u202eheadline\nsecond\tline"


@settings(max_examples=200, deadline=None)
@given(title=st.text(), osc=st.sampled_from([9, 777]))
def test_a_terminal_notification_carries_no_control_from_the_feed(title: str, osc: int) -> None:
    sequence = terminal_alert("edit", title + HOSTILE, osc=osc)
    prefix = "\x1b]9;newsroom: " if osc == 9 else "\x1b]777;notify;newsroom;"
    assert sequence.startswith(prefix) and sequence.endswith("\a")
    inner = sequence[len(prefix) : -1]
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", inner)
    assert len(inner) <= 200


def test_the_terminal_protocol_follows_the_terminal() -> None:
    assert terminal_protocol({"TERM": "xterm-256color", "VTE_VERSION": "7600"}) == 777
    assert terminal_protocol({"TERM": "foot"}) == 777
    assert terminal_protocol({"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}) == 9
