"""The command line as a new user meets it: unquoted searches, error lines that say what to do,
one way of writing times in text, and a help line for every command and flag."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.parser import build_parser
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))

PAGE = b"""<!doctype html><html><head><title>Ferry</title></head><body><article>
<h1>Harbour ferry back on time</h1><p>The harbour ferry sailed on time this morning, the first
time in a week, after the engine was repaired overnight by the crew.</p></article></body></html>"""


def newsroom(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [NEWSROOM, "--home", str(home), *args], capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def error_line(home: Path, *args: str) -> str:
    """The one line a usage error prints, with exit code 2."""
    result = newsroom(home, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert line.startswith("newsroom: error: ")
    return line


def out(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    assert main(["--home", str(home), *args]) == 0
    return capsys.readouterr().out


@pytest.fixture
def harbour(home: Path, server: LoopbackServer) -> LoopbackServer:
    """A feed of two stories, one of them about the ferry, published 2 Nov 2026 at 14:09 UTC."""
    stories = [
        ("ferry", "Harbour ferry back on time", "The harbour ferry sailed on time."),
        ("strike", "Harbour strike ends", "Dockers at the harbour went back to work."),
    ]
    server.routes["/feed.xml"] = Route(
        rss(
            "Harbour Times",
            [
                {
                    "title": title,
                    "link": server.url(f"/{key}"),
                    "guid": key,
                    "description": text,
                    "pubDate": "Mon, 02 Nov 2026 14:09:00 GMT",
                }
                for key, title, text in stories
            ],
        )
    )
    server.routes["/ferry"] = Route(PAGE, content_type="text/html")
    server.routes["/strike"] = Route(PAGE.replace(b"ferry", b"strike"), content_type="text/html")
    assert main(["--home", str(home), "add", server.url("/feed.xml")]) == 0
    return server


def titles(capsys: pytest.CaptureFixture[str], home: Path, command: str, *args: str) -> list[str]:
    found = json.loads(out(capsys, home, command, "--json", *args))
    return [story["title"] for story in found]


def test_search_takes_its_words_unquoted(
    home: Path, harbour: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert titles(capsys, home, "search", "harbour", "ferry") == ["Harbour ferry back on time"]
    assert titles(capsys, home, "search", "harbour ferry") == ["Harbour ferry back on time"]
    assert titles(capsys, home, "search", "--limit", "5", "harbour", "strike") == [
        "Harbour strike ends"
    ]
    assert titles(capsys, home, "search", "--", "harbour", "-ferry") == ["Harbour strike ends"]


def test_a_search_word_starting_with_a_dash_is_told_to_go_after_dashes(home: Path) -> None:
    alone = error_line(home, "search", "-ferry")
    assert "newsroom search -- -ferry" in alone
    among = error_line(home, "search", "harbour", "-ferry", "--json")
    assert "newsroom search -- harbour -ferry" in among
    # A mistyped flag is still named as one, not taken for a search word.
    assert "unrecognized arguments: --jsn" in error_line(home, "search", "harbour", "--jsn")
    assert "required: QUERY" in error_line(home, "search")


def test_archive_says_what_is_missing_or_too_much(home: Path, tmp_path: Path) -> None:
    warc = str(tmp_path / "x.warc")
    neither = error_line(home, "archive", "--warc", warc)
    assert "give a story ID, or --updated" in neither and "not both" not in neither
    assert "not both" in error_line(home, "archive", "1", "--updated", "--warc", warc)
    assert not Path(warc).exists()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('[store]\nkeep_days = "30"\n', "store.keep_days must be a whole number"),
        ('[tui]\nbrowser = "firefox"\n', "tui.browser must be a list of strings"),
        ('[tui]\nclipboard = "yes"\n', "tui.clipboard must be true or false"),
        ("[fetch]\nuser_agent = 3\n", "fetch.user_agent must be a string in quotes"),
        ('[watch]\nevery_minutes = "5"\n', "watch.every_minutes must be a number"),
        ('[watch]\nignore_by_feed = ["x"]\n', "watch.ignore_by_feed must be a table of lists"),
    ],
)
def test_config_type_errors_are_in_plain_words(home: Path, setting: str, message: str) -> None:
    (home / "config.toml").write_text(setting)
    assert message in error_line(home, "feeds")


def test_text_output_writes_times_one_way(
    home: Path, harbour: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    [story] = json.loads(out(capsys, home, "search", "ferry", "--json"))
    assert story["published"] == "2026-11-02T14:09:00Z"  # JSON stays ISO 8601
    ident = str(story["id"])
    shown = out(capsys, home, "show", ident)
    markdown = out(capsys, home, "show", ident, "--markdown")
    listed = out(capsys, home, "articles")
    for text in (shown, markdown, listed):
        assert "2026-11-02 14:09 UTC" in text, text
    history = out(capsys, home, "history", ident)
    assert re.search(r"^v1 +\d{4}-\d\d-\d\d \d\d:\d\d UTC  feed", history, re.M), history
    for text in (shown, listed, history):
        assert not re.search(r"\d\d:\d\d:\d\dZ", text), text
    assert json.loads(out(capsys, home, "show", ident, "--json"))["published"] == (
        "2026-11-02T14:09:00Z"
    )


def test_every_command_and_flag_has_a_help_line() -> None:
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = [a.dest for a in parser._actions if not a.help]
    shown = {choice.dest: choice.help for choice in commands._choices_actions}
    for name, command in commands.choices.items():
        assert shown.get(name), f"{name} has no help line"
        missing += [
            f"{name} {'/'.join(a.option_strings) or a.metavar or a.dest}"
            for a in command._actions
            if not a.help or "\n" in a.help
        ]
    assert missing == []
