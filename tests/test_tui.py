"""The TUI driven with Pilot: every binding and flow, on a real store (and a loopback server)."""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.pilot import Pilot

import reader.ui
from reader.config import ConfigError, load_config
from reader.core.changes import feed_change
from reader.core.fulltext import FullText, feed_text
from reader.core.store import Store
from reader.ui.app import NewsroomApp, make_app
from reader.ui.bindings import APP, KNOWN_IDS
from reader.ui.screens.add_feed import AddFeedDialog
from reader.ui.screens.dialogs import ConfirmDialog, InputDialog
from reader.ui.screens.diff import DiffScreen
from reader.ui.screens.help import HelpScreen
from reader.ui.view import View
from tests.server import LoopbackServer, Route, rss
from tests.tui_data import FROZEN, demo_store, frozen_clock, hostile_store, settle

WIDE = (160, 48)


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def app(home: Path) -> NewsroomApp:
    config, store = demo_store(home)
    return make_app(config, store, clock=frozen_clock, refresh_on_start=False)


async def test_startup_focus_on_newest_story(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.focused is app.articles
        newest = app.store.articles(limit=1)[0]
        assert app.articles.current.id == newest.id
        assert len(app.articles.rows) == 16
        assert app.feeds.option_count > 4


async def test_navigation_keys(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "down")
        assert app.articles.cursor == 3
        await pilot.press("k", "up")
        assert app.articles.cursor == 1
        await pilot.press("G")
        assert app.articles.cursor == 15
        await pilot.press("g")
        assert app.articles.cursor == 0


async def test_open_marks_read_and_shows_the_story(app: NewsroomApp) -> None:
    def counts(feed_id: int) -> tuple[str, str]:
        """The Unread view's line and the feed's line, as the feeds pane shows them."""
        return tuple(  # type: ignore[return-value]
            str(app.feeds.get_option(key).prompt) for key in ("unread", f"feed:{feed_id}")
        )

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        feed_id = app.articles.rows[1].feed_id
        unread = {f.id: f.unread for f in app.store.feeds()}
        total, unread = sum(unread.values()), unread[feed_id]
        assert counts(feed_id)[0].split()[0] == str(total)
        await pilot.press("j", "enter")
        await settle(pilot)
        story = app.articles.current
        assert app.reader.article.id == story.id
        assert app.store.article(story.id).read
        assert app.articles.current.read
        shown = counts(feed_id)
        assert shown[0].split()[0] == str(total - 1)
        assert shown[1].split()[0] == str(unread - 1)
        await pilot.press("m")
        await settle(pilot)
        assert not app.store.article(story.id).read
        assert counts(feed_id)[0].split()[0] == str(total)
        assert counts(feed_id)[1].split()[0] == str(unread)


async def test_star(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        story = app.articles.current
        await pilot.press("s")
        await settle(pilot)
        assert app.store.article(story.id).starred and app.articles.current.starred
        await pilot.press("s")
        await settle(pilot)
        assert not app.store.article(story.id).starred


async def test_next_unread_and_space(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        first_unread = next(a for a in app.articles.rows if not a.read)
        await pilot.press("n")
        await settle(pilot)
        assert app.reader.article is not None
        assert app.reader.article.id != first_unread.id or app.articles.cursor > 0
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("space")
        assert app.reader.article is not None


async def test_feed_selection_mark_all_and_undo(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert app.focused is app.reader
        await pilot.press("tab")
        assert app.focused is app.feeds
        app.feeds.select_id(f"feed:{app.store.feeds()[0].id}")
        feed = app.feeds.selected_feed
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.articles
        assert {a.feed_id for a in app.articles.rows} == {feed.id}
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.store.feed(feed.id) and not app.store.articles(feed_id=feed.id, unread=True)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(app.store.articles(feed_id=feed.id, unread=True)) == 4


async def test_mark_all_can_be_declined(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.feeds.select_id(f"feed:{app.store.feeds()[0].id}")
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert len(app.store.articles(unread=True, limit=100)) == 16


async def test_search(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        await pilot.press(*"comet", "enter")
        await settle(pilot)
        assert [a.title for a in app.articles.rows] == [
            "Astronomers spot the return of comet Halvard-Niemi"
        ]
        assert "Search: comet" in str(app.articles.border_title)
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.articles.rows) == 16


async def test_filter_cycle_and_updated_view(home: Path) -> None:
    # Five minutes into the demo: a headline and two first paragraphs have changed.
    config, store = demo_store(home)
    config, store = demo_store(home, elapsed=300)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        store.mark(app.articles.rows[0].id, read=True)
        await pilot.press("f")
        await settle(pilot)
        assert app.filter == "unread" and len(app.articles.rows) == 15
        await pilot.press("f")
        await settle(pilot)
        assert app.filter == "starred" and app.articles.rows == []
        await pilot.press("f", "f")
        await settle(pilot)
        assert app.filter == "all"
        await pilot.press("u")
        await settle(pilot)
        assert app.view == View("updated")
        assert {a.title for a in app.articles.rows} >= {
            "Carvel and Ostmark agree to share Velm river water in the dry months"
        }
        assert all(a.updated for a in app.articles.rows)


async def test_add_feed_dialog(home: Path, server: LoopbackServer) -> None:
    config, store = demo_store(home)
    server.routes["/harbour.xml"] = Route(
        rss("Harbour Radio", [{"title": "Tide tables", "guid": "t1", "description": "High."}])
    )
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddFeedDialog)
        await pilot.press(*server.url("/harbour.xml"), "enter")
        await settle(pilot)
        assert any(f.title == "Harbour Radio" for f in store.feeds())
        assert any(a.title == "Tide tables" for a in app.articles.rows)


async def test_help_lists_every_binding(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        descriptions = {description for _, description, _ in app.screen.rows}
        for needed in ("Refresh", "Refresh all", "Search", "Browser", "Star", "Quit", "Changes"):
            assert needed in descriptions
        ids = {b.id for b in NewsroomApp.BINDINGS}
        assert len(app.screen.rows) >= len(ids)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_keys_can_be_remapped(home: Path) -> None:
    (home / "config.toml").write_text('[keys]\n"app.search" = "ctrl+f"\n')
    _, store = demo_store(home)
    app = make_app(load_config(home), store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        assert ("^f", "Search") in {(k, d) for k, d, _ in app.screen.rows}
        await pilot.press("escape")
        assert (await palette(pilot, "search"))[0].startswith("Search  ^f\n")


async def test_the_keys_of_every_screen_can_be_remapped(home: Path) -> None:
    (home / "config.toml").write_text('[keys]\n"help.close" = "x"\n"diff.base" = "B"\n')
    demo_store(home)
    config, store = demo_store(home, elapsed=300)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("x")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        comparing = [n for n in app._notifications if "Comparing" in str(n.message)]
        await pilot.press("b")
        assert [n for n in app._notifications if "Comparing" in str(n.message)] == comparing
        await pilot.press("B")
        assert any("Comparing with version" in str(n.message) for n in app._notifications)


def test_unknown_binding_id_is_a_config_error(home: Path) -> None:
    (home / "config.toml").write_text('[keys]\n"app.serch" = "ctrl+f"\n')
    _, store = demo_store(home)
    with pytest.raises(ConfigError, match=r"keys\.app\.serch"):
        make_app(load_config(home), store)
    (home / "config.toml").write_text('[keys]\n"diff.bsae" = "B"\n')
    with pytest.raises(ConfigError, match=r"keys\.diff\.bsae .*diff\.base"):
        make_app(load_config(home), store)


async def test_open_in_browser_goes_through_the_policy(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    # A web browser cannot run here: this is the one thing replaced in these tests.
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    config, store = hostile_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.articles.current.url == "javascript:alert(1)"
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
    assert opened == []
    config, store = demo_store(home / "demo")
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert opened == [app.store.articles(limit=1)[0].url]


async def test_hostile_markup_is_shown_literally(home: Path) -> None:
    config, store = hostile_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#articles", offset=(10, 0))
        await pilot.click("#reader", offset=(3, 2))
        await settle(pilot)
        assert app.is_running
        shown = "\n".join(line.text for line in app.reader.lines)
        assert "[@click=app.quit]x[/]" in shown
        assert "\x1b" not in shown


async def test_a_failing_worker_does_not_take_the_app_down(home: Path) -> None:
    config, _ = demo_store(home)

    class BrokenStore(Store):
        def search(self, query: str, *, limit: int = 50):  # type: ignore[override]
            raise RuntimeError("index exploded")

    broken = BrokenStore(config.db_path)
    app = make_app(config, broken, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ferry", "enter")
        await settle(pilot)
        assert app.is_running
        assert "Loading the stories failed: index exploded" in [
            str(n.message) for n in app._notifications
        ]
        await pilot.press("j")
        assert app.articles.cursor == 1


def wire_app(home: Path, server: LoopbackServer, items: list[dict[str, str]]) -> NewsroomApp:
    """An app subscribed to one feed of ``items`` on ``server``, refreshing as it starts."""
    server.routes["/f.xml"] = Route(rss("Wire", items))
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(server.url("/f.xml"))
    return make_app(config, store, refresh_on_start=True)


async def test_refresh_keeps_the_cursor_on_its_story(home: Path, server: LoopbackServer) -> None:
    items = [
        {
            "title": f"Story {n}",
            "guid": f"g{n}",
            "description": "d",
            "pubDate": f"Mon, 02 Nov 2026 {10 + n:02d}:00:00 GMT",
        }
        for n in range(5)
    ]
    app = wire_app(home, server, items)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert len(app.articles.rows) == 5
        await pilot.press("j", "j")
        story = app.articles.current
        newer = [
            {
                "title": f"Newer {n}",
                "guid": f"n{n}",
                "description": "d",
                "pubDate": f"Tue, 03 Nov 2026 {10 + n:02d}:00:00 GMT",
            }
            for n in range(3)
        ]
        server.routes["/f.xml"] = Route(rss("Wire", newer + items))
        await pilot.press("R")
        await settle(pilot)
        assert len(app.articles.rows) == 8
        assert app.articles.current.id == story.id
        assert "Refreshed 1 feed: 3 new" in str(app.query_one("#status").render())


async def test_a_refresh_keeps_a_story_far_down_the_list(
    home: Path, server: LoopbackServer
) -> None:
    """The list holds more than its first page once the reader scrolls; a reload after a
    refresh must not take them back to the top."""

    def item(n: int, day: int) -> dict[str, str]:
        return {
            "title": f"Story {day}-{n}",
            "guid": f"g{day}-{n}",
            "description": "d",
            "pubDate": f"{day:02d} Nov 2026 {n // 60:02d}:{n % 60:02d}:00 GMT",
        }

    old = [item(n, 2) for n in range(250)]
    app = wire_app(home, server, old)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("end", "up")
        await settle(pilot)
        story, cursor = app.articles.current, app.articles.cursor
        assert cursor == 248
        server.routes["/f.xml"] = Route(rss("Wire", [item(n, 3) for n in range(3)] + old))
        await pilot.press("R")
        await settle(pilot)
        assert "3 new" in str(app.query_one("#status").render())
        assert app.articles.current.id == story.id and app.articles.cursor == cursor + 3


async def test_narrow_terminal_reading_pane_takes_over(app: NewsroomApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.reader.display or app.reader.size.width == 0
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.size.width > 70 and app.articles.size.width == 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.articles.size.width > 40 and app.focused is app.articles


async def test_diff_view_and_quit(home: Path) -> None:
    from reader.ui.screens.diff import DiffScreen, DiffView

    demo_store(home)
    config, store = demo_store(home, elapsed=300)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        headline = next(i for i, a in enumerate(app.articles.rows) if a.change_kind == "headline")
        app.articles.move_to(headline)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        shown = "\n".join(line.text for line in app.screen.query_one(DiffView).lines)
        assert "Neighbours reopen talks over the Velm river dam" in shown
        assert "Carvel and Ostmark agree to share Velm river water" in shown
        await pilot.press("escape")
        await pilot.press("g")  # a story that never changed
        app.articles.move_to(len(app.articles.rows) - 1)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_the_diff_is_worked_out_while_keys_keep_answering(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two long versions take seconds to compare: q closes the diff meanwhile, and quits."""
    from reader.ui.screens import diff as diff_screen

    # The real diff, held back until the test lets it go: it stands for a slow one.
    go, done = threading.Event(), threading.Event()
    real = diff_screen.diff_texts

    def held(*args: str):  # type: ignore[no-untyped-def]
        go.wait(5)
        try:
            return real(*args)
        finally:
            done.set()

    monkeypatch.setattr(diff_screen, "diff_texts", held)
    demo_store(home)
    config, store = demo_store(home, elapsed=300)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("d")
        for _ in range(100):
            if isinstance(app.screen, diff_screen.DiffScreen):
                break
            await pilot.pause(0.01)
        await pilot.pause()
        view = app.screen.query_one(diff_screen.DiffView)
        assert [line.text.strip() for line in view.lines] == [diff_screen.WORKING]
        await pilot.press("q")
        assert not isinstance(app.screen, diff_screen.DiffScreen)
        assert not done.is_set()  # closed while the diff was still being worked out
        go.set()
        await settle(pilot)
        await pilot.press("q")
    assert not app.is_running


async def test_diff_base_is_the_version_read(home: Path) -> None:
    from reader.ui.screens.diff import DiffScreen

    config, store = demo_store(home)
    dam = next(a for a in store.articles() if a.title.startswith("Neighbours"))
    store.mark(dam.id, read=True)  # read at version 1
    demo_store(home, elapsed=100)  # headline changes: version 2 (feed)
    store.sync_search_index()
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.articles.move_to(next(i for i, a in enumerate(app.articles.rows) if a.id == dam.id))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        assert app.screen.base == 1


async def palette(pilot: Pilot, query: str = "") -> list[str]:
    """Open the command palette, type ``query`` and return its entries as shown: the name and
    keys, then what the command does."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    if query:
        await pilot.press(*query)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return [str(option.prompt) for option in pilot.app.screen.query_one(CommandList).options]


async def test_palette_offers_the_actions(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        titles = {entry.split("\n")[0] for entry in await palette(pilot)}
        assert {"Add feed  a", "Import OPML", "Export OPML", "Search  /", "Help  ?"} <= titles
        assert {"Move down  j, ↓", "Refresh all feeds  R", "Undo  ^z"} <= titles
        assert any("theme" in t.lower() for t in titles)
        named = [row for row in APP if row.title]
        assert len(named) == len(APP) - 2  # not quit (Textual's own entry), nor the palette itself
        assert all(any(t.startswith(row.title + "  ") for t in titles) for row in named)
        await pilot.press("escape")
        entries = await palette(pilot, "star")
        assert entries[0] == "Star story  s\nStar or unstar"
        await pilot.press("enter")
        await settle(pilot)
        assert app.articles.current.starred
        await palette(pilot, "import")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        assert app.screen.title_text == "Import OPML or newsboat urls file"


def _thread_worker_writes(source: str) -> list[str]:
    """``self.<attribute> = ...`` inside a method run as a thread worker (@work(thread=True))."""
    found = []
    for method in ast.walk(ast.parse(source)):
        if not isinstance(method, ast.FunctionDef) or not any(
            isinstance(d, ast.Call)
            and getattr(d.func, "id", "") == "work"
            and any(
                k.arg == "thread" and getattr(k.value, "value", None) is True for k in d.keywords
            )
            for d in method.decorator_list
        ):
            continue
        for node in ast.walk(method):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found += [
                    f"{method.name}: self.{part.attr}"
                    for target in targets
                    for part in ast.walk(target)
                    if isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id == "self"
                ]
    return found


def test_thread_workers_never_write_the_apps_state() -> None:
    """Their results come back as messages, applied on the event loop."""
    ui = Path(reader.ui.__file__).parent
    assert [w for path in ui.rglob("*.py") for w in _thread_worker_writes(path.read_text())] == []
    bad = (
        "@work(thread=True, group='marks')\n"
        "def undo(self):\n"
        "    ids, self.undo_ids = self.undo_ids, []\n"
        "    self.count += 1\n"
        "@work(group='x')\n"
        "async def fine(self):\n"
        "    self.state = 1\n"
    )
    assert _thread_worker_writes(bad) == ["undo: self.undo_ids", "undo: self.count"]


def test_every_binding_comes_from_the_tables() -> None:
    """Each screen's keys have an id the keymap check knows and say what they do."""
    seen: set[str] = set()
    for module in pkgutil.walk_packages(reader.ui.__path__, "reader.ui."):
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.name:
                for binding in cls.__dict__.get("BINDINGS", []):
                    assert isinstance(binding, Binding), (cls, binding)
                    assert binding.id in KNOWN_IDS and binding.tooltip, (cls, binding)
                    seen.add(binding.id)
    assert seen == KNOWN_IDS


async def test_import_and_export_from_the_palette(app: NewsroomApp, tmp_path: Path) -> None:
    target = tmp_path / "out.opml"
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.export_file(str(target))
        await settle(pilot)
        assert target.read_text().count("xmlUrl") == 4
        other = tmp_path / "urls"
        other.write_text("http://127.0.0.1:9/none.xml\n")
        app.refresh_on_start = False
        app.import_file(str(other))
        await settle(pilot)
        assert len(app.store.feeds()) == 5


async def test_failing_feed_is_marked_and_its_error_readable(
    home: Path, server: LoopbackServer
) -> None:
    server.routes["/down.xml"] = Route(b"gone", status=500, content_type="text/plain")
    config = load_config(home)
    store = Store(config.db_path)
    feed, _ = store.add_feed(server.url("/down.xml"))
    app = make_app(config, store, refresh_on_start=True)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        assert any("failed" in str(n.message) for n in app._notifications)
        app.feeds.focus()
        app.feeds.select_id(f"feed:{feed.id}")
        await pilot.pause()
        option = app.feeds.get_option(f"feed:{feed.id}")
        assert str(option.prompt).startswith("!")
        assert "HTTP 500" in str(app.query_one("#status").render())


async def test_opening_a_story_brings_its_full_text(home: Path) -> None:
    from reader.demo import DemoServer

    config = load_config(home)
    store = Store(config.db_path)
    with DemoServer() as demo:
        store.add_feeds(demo.feeds())
        app = make_app(config, store, refresh_on_start=True)
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await settle(pilot)
            index = next(i for i, a in enumerate(app.articles.rows) if a.title.startswith("Port"))
            app.articles.move_to(index)
            await pilot.press("enter")
            await settle(pilot)
            assert app.reader.source == "extracted", [n.message for n in app._notifications]
            body = app.reader.texts["extracted"].markdown
            assert "Queues for the bridge buses" in body  # beyond the feed's teaser
            assert "Trending" not in body and "cookies" not in body
            await pilot.press("t")
            assert app.reader.source == "feed"
            await pilot.press("t")
            assert app.reader.source == "extracted"
            assert app.store.page_version(app.reader.article.id) is not None


async def test_watcher_in_the_background_notifies_a_read_story(
    home: Path, server: LoopbackServer
) -> None:
    from reader.core.watch import watch_once
    from tests.test_watch import BASE_PARAGRAPHS, Newsroom

    newsroom = Newsroom(server)
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(server.url("/feed.xml"))
    app = make_app(config, store, refresh_on_start=True)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        # The baseline page version, from a thread as the watcher runs in the app.
        await asyncio.to_thread(watch_once, store, config, everything=True)
        await pilot.press("enter")  # read it
        await settle(pilot)
        newsroom.set_page("Lighthouse saved", [*BASE_PARAGRAPHS, "The board voted yes."])
        store.schedule_watches([(app.articles.current.id, 0)])
        app.watch_stories()
        await settle(pilot)
        assert any("A story you read has changed" in str(n.message) for n in app._notifications)
        assert app.articles.current.updated and app.articles.current.change_kind == "headline"


@pytest.mark.slow
async def test_pathological_pages_fall_back_and_the_ui_stays_responsive(
    home: Path, server: LoopbackServer
) -> None:
    pages = {
        "Deep": b"<html><body>" + b"<div>" * 200_000 + b"<p>deep</p>" + b"</div>" * 200_000,
        "Huge": b"<p>" + b"x" * (50 * 1024 * 1024),
        "Slow": b"<html><body><article>"
        + b"".join(b"<p>Paragraph %d of a long page with words.</p>" % i for i in range(90_000))
        + b"</article></body></html>",
    }
    for name, body in pages.items():
        server.routes[f"/{name}"] = Route(body, content_type="text/html")
    items = [{"title": name, "guid": name, "link": server.url(f"/{name}")} for name in pages]
    server.routes["/feed.xml"] = Route(rss("Hostile pages", items))
    (home / "config.toml").write_text("[extract]\ntimeout = 1\n")
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(server.url("/feed.xml"))
    app = make_app(config, store, refresh_on_start=True)
    notes = {}
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for index in range(3):
            app.articles.move_to(index)
            await pilot.press("enter")
            # While the page is fetched and extracted in the background, keys act at once.
            moves = (("k", index - 1), ("j", index)) if index else (("j", 1), ("k", 0))
            for key, cursor in moves:
                started = time.monotonic()
                await pilot.press(key)
                assert app.articles.cursor == cursor
                assert time.monotonic() - started < 0.5
            await settle(pilot)
            notes[app.reader.article.title] = app.reader.note or ""
    assert "full text unavailable" in notes["Deep"]
    assert "too large" in notes["Huge"]
    assert "longer than 1 s" in notes["Slow"]


def story_store(home: Path, body: str, stories: int = 1) -> tuple:
    """A feed of ``stories`` stories, the newest with ``body`` as its HTML content."""
    from reader.core.models import ParsedEntry, ParsedFeed
    from tests.tui_data import FROZEN

    config = load_config(home)
    store = Store(config.db_path)
    feed, _ = store.add_feed("http://127.0.0.1:9/feed", title="Desk")
    entries = tuple(
        ParsedEntry(
            guid=f"s{n}",
            url=f"http://127.0.0.1:9/{n}",
            title=f"Story {n}",
            author=None,
            published=FROZEN - 60 * n,
            updated=None,
            summary=f"Summary {n}",
            content=body if n == 0 else None,
        )
        for n in range(stories)
    )
    parsed = ParsedFeed(title="Desk", site_url=None, ttl_minutes=None, entries=entries)
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 1800)
    return config, store


async def test_reading_pane_draws_markdown_as_lines(home: Path) -> None:
    body = (
        "<h2>What we know</h2><p>The <b>council</b> met at <a href='https://example.org/x'>"
        "the hall</a>.</p><ul><li>first point</li><li>second point</li></ul>"
        "<blockquote>a quote</blockquote>"
        + "<p>filler paragraph</p>" * 60
        + "<p>"
        + "a long paragraph " * 40
        + "</p>"
    )
    config, store = story_store(home, body)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = [line.text.rstrip() for line in app.reader.lines]
        width = app.reader.scrollable_content_region.width
        assert all(line.cell_length == width for line in app.reader.lines)
        assert "What we know" in text  # a heading starts at the left edge
        assert "The council met at the hall [1]." in text  # its link is in the list below
        assert {"• first point", "• second point"} <= {line.strip() for line in text}
        # Links are drawn, but are not terminal hyperlinks: a story opens only through `o`.
        assert not any(seg.style and seg.style.link for line in app.reader.lines for seg in line)
        assert app.reader.max_scroll_y > 0  # 60 paragraphs do not fit
        app.reader.focus()
        await pilot.press("G")
        await settle(pilot)
        assert app.reader.scroll_y == app.reader.max_scroll_y
        lines_before = len(app.reader.lines)
        await pilot.resize_terminal(120, 48)  # narrower: drawn again at the new width
        await settle(pilot)
        narrower = app.reader.scrollable_content_region.width
        assert narrower < width
        assert all(line.cell_length == narrower for line in app.reader.lines)
        assert len(app.reader.lines) > lines_before  # the long paragraph wraps more


async def test_a_new_note_redraws_only_the_header(home: Path) -> None:
    config, store = story_store(home, "<p>The council met.</p>" * 30)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        story = app.articles.current
        app.reader.show(story)
        await settle(pilot)
        text = [line.text for line in app.reader.lines]
        assert any("loading the full text" in line for line in text)
        body = app.reader.lines[-20:]
        app.reader.show_full(feed_text(story, note="the page could not be read"))
        await settle(pilot)
        text = [line.text for line in app.reader.lines]
        assert any("the page could not be read" in line for line in text)
        assert not any("loading the full text" in line for line in text)
        assert all(a is b for a, b in zip(app.reader.lines[-20:], body, strict=True))
        app.reader.toggle()  # one text only: nothing to switch to
        app.reader.show_full(FullText(story.id, "extracted", "Another text.", "Another text."))
        await settle(pilot)
        assert any("Another text." in line.text for line in app.reader.lines)


async def test_a_multi_megabyte_story_is_drawn_while_keys_keep_answering(home: Path) -> None:
    """A 2 MB story is converted and drawn in workers: the key pressed just after opening it
    moves the cursor while the story's end is not drawn yet; then it is."""
    paragraph = "<p>" + "words of a very long story " * 40 + "</p>"
    config, store = story_store(home, paragraph * 2000 + "<p>THE END</p>", stories=3)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        story = app.articles.current
        # As typed: Pilot's press() would wait for the busy workers to go idle.
        app.simulate_key("enter")
        app.simulate_key("j")
        for _ in range(500):
            if app.articles.cursor == 1:
                break
            await asyncio.sleep(0.01)
        assert app.articles.cursor == 1 and app.reader.article.id == story.id
        assert not any("THE END" in line.text for line in app.reader.lines)
        await settle(pilot)
        assert any("THE END" in line.text for line in app.reader.lines)
        assert len(app.reader.lines) > 10_000


async def test_a_click_opens_the_story_under_the_pointer(app: NewsroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.click("#articles", offset=(5, 0))  # the border, where the title is
        await settle(pilot)
        assert app.reader.article is None and app.articles.cursor == 0
        await pilot.click("#articles", offset=(5, 2))  # the second story's line
        await settle(pilot)
        assert app.articles.cursor == 1 and app.reader.article.id == app.articles.rows[1].id


def test_the_ui_asks_for_120_frames_a_second_unless_told_otherwise() -> None:
    code = "import reader.ui.app, textual.constants as c; print(c.MAX_FPS)"
    env = {name: value for name, value in os.environ.items() if name != "TEXTUAL_FPS"}
    for setting, expected in ((None, "120"), ("30", "30")):
        if setting:
            env["TEXTUAL_FPS"] = setting
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert run.stdout.strip() == expected, run.stderr


async def test_arrow_keys_move_the_cursor_in_a_long_list(home: Path) -> None:
    config, store = story_store(home, "<p>x</p>", stories=120)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "up")
        assert app.articles.cursor == 1
        await pilot.press("end")  # the last story, with the pages down to it
        await settle(pilot)
        assert app.articles.cursor == 119 and len(app.articles.rows) == 120
        await pilot.press("home")
        assert app.articles.cursor == 0 and app.articles.scroll_y == 0


def page_version(store: Store, article_id: int, text: str, now: int, kind: str | None) -> None:
    """A version of the story's page, as the watcher stores it."""
    store.add_page_version(
        article_id,
        title="Story 0",
        byline=None,
        text=text,
        markdown=text,
        extractor="x",
        etag=None,
        last_modified=None,
        now=now,
        kind=kind,
    )


COUNCIL = "The council met on Tuesday.\n\nIt agreed to repair the harbour wall."


async def test_d_compares_the_page_with_the_page_read(home: Path) -> None:
    """Read when only the teaser was there: `d` starts from the page's first version, not from
    the teaser (which showed the whole article as new)."""
    config, store = story_store(home, "<p>Teaser.</p>")
    [story] = store.articles()
    store.mark(story.id, read=True)  # read at version 1, the feed's
    page_version(store, story.id, COUNCIL, FROZEN + 10, None)
    page_version(store, story.id, COUNCIL + "\n\nWork starts in May.", FROZEN + 20, "update")
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        assert (app.screen.base, app.screen.target) == (2, 3)


async def test_d_with_nothing_to_compare_says_so(home: Path) -> None:
    """The teaser, then the page's first look: no change, so no diff of one against the other."""
    config, store = story_store(home, "<p>Teaser.</p>")
    [story] = store.articles()
    page_version(store, story.id, COUNCIL, FROZEN + 10, None)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, DiffScreen)
        messages = [str(n.message) for n in app._notifications]
        assert "No change recorded for this story" in messages


async def test_a_read_story_that_changed_while_selected_says_so_when_opened(home: Path) -> None:
    """Highlighted, not open: the change comes in, and enter shows the latest version with the
    note that it changed since it was read."""
    from reader.ui.messages import Reload

    config, store = story_store(home, "<p>Teaser.</p>")
    [story] = store.articles()
    page_version(store, story.id, COUNCIL, FROZEN + 10, None)
    store.mark(story.id, read=True)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.reader.article is None  # selected in the list, not open
        page_version(store, story.id, COUNCIL + "\n\nWork starts in May.", FROZEN + 20, "update")
        app.post_message(Reload())  # what a watch pass that changed a story does
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = "\n".join(line.text for line in app.reader.lines)
        assert "Work starts in May." in shown
        assert "changed since you read it (update)" in shown


async def test_the_open_story_shows_its_latest_version(home: Path) -> None:
    """A change recorded while the story is open replaces it in the reading pane, with a note;
    enter on the open story brings a change the list learnt of since."""
    from reader.ui.messages import Reload

    config, store = story_store(home, "<p>Teaser.</p>")
    [story] = store.articles()
    page_version(store, story.id, COUNCIL, FROZEN + 10, None)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "harbour wall" in app.reader.texts["extracted"].markdown

        def shown() -> str:
            return "\n".join(line.text for line in app.reader.lines)

        assert "changed since" not in shown()
        page_version(store, story.id, COUNCIL + "\n\nWork starts in May.", FROZEN + 20, "update")
        app.post_message(Reload())  # what a watch pass that changed a story does
        await settle(pilot)
        assert "Work starts in May." in shown()
        assert "changed since you read it (update)" in shown()

        cut = "The council met on Tuesday."
        page_version(store, story.id, cut, FROZEN + 30, "cut")
        await pilot.press("s")  # starring reads the story's row again, not the open story
        await settle(pilot)
        assert "harbour wall" in shown()
        await pilot.press("enter")
        await settle(pilot)
        assert "harbour wall" not in shown() and "changed since you read it (cut)" in shown()
