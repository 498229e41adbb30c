"""Hide filters: [filters] hide keeps stories out of every list and unread count, stored and
found again with is:hidden; a change of filters sets every story's flag again; a bad filter is
a one-line config error. A loopback feed server, a real store, the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from tests.server import LoopbackServer, Route, rss

STORIES = [
    ("a1", "Ferry timetable changes for winter"),
    ("a2", "Sponsored: the best harbour hotels"),
    ("a3", "Weekly quiz: how well do you know the harbour?"),
]


def cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def titles(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> list[str]:
    code, out, err = cli(capsys, home, *args, "--json")
    assert (code, err) == (0, "")
    return sorted(story["title"] for story in json.loads(out))


def unread(capsys: pytest.CaptureFixture[str], home: Path) -> int:
    code, out, _ = cli(capsys, home, "feeds", "--json")
    assert code == 0
    return sum(feed["unread"] for feed in json.loads(out))


def filters(home: Path, *hide: str) -> None:
    (home / "config.toml").write_text(f"[filters]\nhide = {json.dumps(list(hide))}\n")


def publish(server: LoopbackServer, stories: list[tuple[str, str]]) -> None:
    items = [{"title": title, "guid": guid, "description": "News."} for guid, title in stories]
    server.routes["/feed.xml"] = Route(rss("Harbour Times", items))


@pytest.fixture
def harbour(server: LoopbackServer) -> LoopbackServer:
    publish(server, STORIES)
    return server


def test_hidden_stories_leave_lists_counts_and_search_but_is_hidden_finds_them(
    capsys: pytest.CaptureFixture[str], home: Path, harbour: LoopbackServer
) -> None:
    filters(home, "title:sponsored", "feed:1 AND title:quiz")
    assert cli(capsys, home, "add", harbour.url("/feed.xml"))[0] == 0
    shown = ["Ferry timetable changes for winter"]
    assert titles(capsys, home, "articles") == shown
    assert titles(capsys, home, "articles", "--unread") == shown
    assert unread(capsys, home) == 1
    assert titles(capsys, home, "search", "hotels OR quiz") == []
    assert titles(capsys, home, "search", "harbour") == []
    assert titles(capsys, home, "search", "news") == shown
    assert titles(capsys, home, "search", "is:hidden") == sorted(t for _, t in STORIES[1:])
    assert titles(capsys, home, "search", "harbour is:hidden") == sorted(t for _, t in STORIES[1:])


def test_stories_arriving_on_a_refresh_are_hidden(
    capsys: pytest.CaptureFixture[str], home: Path, harbour: LoopbackServer
) -> None:
    filters(home, "title:sponsored")
    assert cli(capsys, home, "add", harbour.url("/feed.xml"))[0] == 0
    publish(harbour, [*STORIES, ("a4", "Sponsored: yachts for sale")])
    assert cli(capsys, home, "refresh", "--force")[0] == 0
    assert "Sponsored: yachts for sale" not in titles(capsys, home, "articles")
    assert titles(capsys, home, "search", "is:hidden") == [
        "Sponsored: the best harbour hotels",
        "Sponsored: yachts for sale",
    ]
    assert unread(capsys, home) == 2


def test_a_change_of_filters_sets_every_flag_again(
    capsys: pytest.CaptureFixture[str], home: Path, harbour: LoopbackServer
) -> None:
    assert cli(capsys, home, "add", harbour.url("/feed.xml"))[0] == 0
    assert len(titles(capsys, home, "articles")) == 3
    filters(home, "quiz")
    assert titles(capsys, home, "articles") == sorted(t for _, t in STORIES[:2])
    assert unread(capsys, home) == 2
    filters(home, "ferry", "title:sponsored")
    assert titles(capsys, home, "articles") == [STORIES[2][1]]
    assert titles(capsys, home, "search", "is:hidden") == sorted(t for _, t in STORIES[:2])
    (home / "config.toml").write_text("")
    assert len(titles(capsys, home, "articles")) == 3
    assert unread(capsys, home) == 3


@pytest.mark.parametrize(
    ("hide", "problem"),
    [
        ("(quiz", "unbalanced parentheses"),
        ("is:unread", "is: cannot be used in a filter"),
        ("age:<2d", "age: cannot be used in a filter"),
        ("colour:red", "unknown field colour"),
    ],
)
def test_a_bad_filter_is_one_line_naming_the_file_and_the_entry(
    capsys: pytest.CaptureFixture[str], home: Path, hide: str, problem: str
) -> None:
    filters(home, "title:sponsored", hide)
    code, out, err = cli(capsys, home, "articles")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"newsroom: error: {home / 'config.toml'}: filters.hide[2] ")
    assert json.dumps(hide) in err and problem in err


def test_moving_a_feed_into_a_filtered_folder_hides_its_stories(
    capsys: pytest.CaptureFixture[str], home: Path, harbour: LoopbackServer
) -> None:
    filters(home, "folder:Ignored")
    assert cli(capsys, home, "add", harbour.url("/feed.xml"))[0] == 0
    assert len(titles(capsys, home, "articles")) == 3
    assert cli(capsys, home, "edit", "1", "--folder", "Ignored")[0] == 0
    assert titles(capsys, home, "articles") == []
    assert unread(capsys, home) == 0
    assert cli(capsys, home, "edit", "1", "--folder", "")[0] == 0
    assert len(titles(capsys, home, "articles")) == 3
