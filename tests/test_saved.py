"""Saved searches: [[saved]] tables checked at load, `articles --saved`, and notify = true telling
the [notify] command of each new matching story once. A loopback feed server, a real store, the
command line."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.config import load_config
from reader.core.store import Store
from reader.ui.app import make_app
from reader.ui.screens.dialogs import InputDialog
from reader.ui.view import View
from tests.server import LoopbackServer, Route, rss
from tests.tui_data import frozen_clock, settle

WIDE = (160, 48)

HOOK = "import sys\nwith open(sys.argv[1], 'ab') as out:\n    out.write(sys.stdin.buffer.read())\n"
FIRST = [
    ("a1", "Ferry timetable changes for winter"),
    ("a2", "Council approves new bus lanes"),
]


def cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def publish(server: LoopbackServer, stories: list[tuple[str, str]]) -> None:
    items = [
        {"title": title, "guid": guid, "description": "Local news."} for guid, title in stories
    ]
    server.routes["/feed.xml"] = Route(rss("Harbour Times", items))


@pytest.fixture
def harbour(server: LoopbackServer) -> LoopbackServer:
    publish(server, FIRST)
    return server


def test_articles_saved_lists_a_saved_search_newest_first(
    capsys: pytest.CaptureFixture[str], home: Path, harbour: LoopbackServer
) -> None:
    (home / "config.toml").write_text(
        '[[saved]]\nname = "Boats"\nquery = "ferry OR yacht"\n\n'
        '[[saved]]\nname = "Roads"\nquery = "title:bus"\n'
    )
    assert cli(capsys, home, "add", harbour.url("/feed.xml"))[0] == 0
    code, out, err = cli(capsys, home, "articles", "--saved", "Boats", "--json")
    assert (code, err) == (0, "")
    assert [a["title"] for a in json.loads(out)] == [FIRST[0][1]]
    code, out, _ = cli(capsys, home, "articles", "--saved", "Roads")
    assert code == 0 and "bus lanes" in out and "Ferry" not in out


def test_an_unknown_saved_search_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    (home / "config.toml").write_text('[[saved]]\nname = "Boats"\nquery = "ferry"\n')
    code, out, err = cli(capsys, home, "articles", "--saved", "Trains")
    assert (code, out) == (2, "")
    assert err == "newsroom: error: no saved search named 'Trains' (known: Boats)\n"


@pytest.mark.parametrize(
    ("tables", "problem"),
    [
        ('name = "Boats"\nquery = "ferry AND"', 'saved "Boats": bad query: AND needs a term'),
        ('name = "Boats"\nquery = "x"\n[[saved]]\nname = "Boats"\nquery = "y"', "used twice"),
        ('name = ""\nquery = "ferry"', "saved[1]: name must be a string that is not empty"),
        ('name = "Boats"', "saved[1]: query must be a string"),
        ('name = "Boats"\nquery = "x"\nnotify = "yes"', 'saved "Boats": notify must be true'),
        ('name = "Boats"\nquery = "x"\ncolour = "red"', "saved[1]: unknown key colour"),
    ],
)
def test_a_bad_saved_search_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], home: Path, tables: str, problem: str
) -> None:
    (home / "config.toml").write_text(f"[[saved]]\n{tables}\n")
    code, out, err = cli(capsys, home, "feeds")
    assert (code, out) == (2, "")
    assert err.startswith(f"newsroom: error: {home / 'config.toml'}: ")
    assert err.count("\n") == 1 and problem in err


def test_notify_tells_the_command_of_each_new_match_once(
    capsys: pytest.CaptureFixture[str], home: Path, harbour: LoopbackServer, tmp_path: Path
) -> None:
    hook, received = tmp_path / "hook.py", tmp_path / "received.jsonl"
    hook.write_text(HOOK)
    command = json.dumps([sys.executable, str(hook), str(received)])
    (home / "config.toml").write_text(
        f"[notify]\ncommand = {command}\n\n"
        '[filters]\nhide = ["title:sponsored"]\n\n'
        '[[saved]]\nname = "Boats"\nquery = "ferry OR yacht"\nnotify = true\n\n'
        '[[saved]]\nname = "Quiet"\nquery = "ferry"\n'
    )
    assert cli(capsys, home, "add", harbour.url("/feed.xml"))[0] == 0
    second = [
        *FIRST,
        ("a3", "Ferry strike called off"),
        ("a4", "Sponsored: yacht charters"),  # hidden: never announced
        ("a5", "Library opening hours"),
    ]
    publish(harbour, second)
    code, _, err = cli(capsys, home, "refresh", "--force")
    assert (code, err) == (0, "")
    [line] = received.read_bytes().splitlines()
    alert = json.loads(line)
    assert alert["seen_at"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", alert["seen_at"])
    code, out, _ = cli(capsys, home, "search", "strike", "--json")
    [story] = json.loads(out)
    assert {k: v for k, v in alert.items() if k != "seen_at"} == {
        "id": story["id"],
        "feed": "Harbour Times",
        "title": "Ferry strike called off",
        "url": None,
        "kind": "match",
        "version": 1,
        "words_added": 0,
        "words_removed": 0,
        "saved": "Boats",
    }
    assert cli(capsys, home, "refresh", "--force")[0] == 0
    assert len(received.read_bytes().splitlines()) == 1
    publish(harbour, [*second, ("a6", "Yacht club regatta returns")])
    assert cli(capsys, home, "refresh", "--force")[0] == 0
    lines = received.read_bytes().splitlines()
    assert [json.loads(line)["title"] for line in lines] == [
        "Ferry strike called off",
        "Yacht club regatta returns",
    ]


async def test_a_saved_view_in_the_tui_and_saving_the_search(
    capsys: pytest.CaptureFixture[str], home: Path, harbour: LoopbackServer
) -> None:
    settings = (
        "# my settings\n[tui]\nrefresh_on_start = false\n\n"
        '[[saved]]\nname = "Boats"\nquery = "ferry OR yacht"\n'
    )
    (home / "config.toml").write_text(settings)
    publish(harbour, [*FIRST, ("a3", "Yacht club regatta returns")])
    assert cli(capsys, home, "add", harbour.url("/feed.xml"))[0] == 0
    [ferry] = json.loads(cli(capsys, home, "search", "ferry", "--json")[1])
    assert cli(capsys, home, "mark", str(ferry["id"]))[0] == 0  # read: not counted
    config = load_config(home)
    app = make_app(config, Store(config.db_path), clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        boats = View.of_saved("Boats").option_id
        assert " ".join(str(app.feeds.get_option(boats).prompt).split()) == "1 Boats"
        app.feeds.focus()
        app.feeds.select_id(boats)
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(a.title for a in app.articles.rows) == [
            "Ferry timetable changes for winter",
            "Yacht club regatta returns",
        ]
        assert app.articles.border_title is not None and "Boats" in str(app.articles.border_title)

        await pilot.press("slash", *"title:bus", "enter")
        await settle(pilot)
        assert [a.title for a in app.articles.rows] == ["Council approves new bus lanes"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        app.screen.query_one("#dialog-input").value = "Roads"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        roads = View.of_saved("Roads").option_id
        assert " ".join(str(app.feeds.get_option(roads).prompt).split()) == "1 Roads"
        assert [s.name for s in app.config.saved] == ["Boats", "Roads"]
        app.feeds.focus()
        app.feeds.select_id(roads)
        await pilot.press("enter")
        await settle(pilot)
        assert [a.title for a in app.articles.rows] == ["Council approves new bus lanes"]
        await pilot.press("enter")  # reading the story: the view's count goes
        await settle(pilot)
        story = app.store.article(app.articles.rows[0].id)
        assert story is not None and story.read
        assert " ".join(str(app.feeds.get_option(roads).prompt).split()) == "Roads"
    text = (home / "config.toml").read_text()
    assert text.startswith(settings)
    assert [(s.name, s.query, s.notify) for s in load_config(home).saved] == [
        ("Boats", "ferry OR yacht", False),
        ("Roads", "title:bus", False),
    ]


async def test_the_save_key_needs_a_search(home: Path) -> None:
    config = load_config(home)
    app = make_app(config, Store(config.db_path), clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, InputDialog)
        assert [str(n.message) for n in app._notifications] == [
            "Search first (press /), then save the search"
        ]
    assert not (home / "config.toml").exists()
