"""Moving through the TUI: the last story of a long view, the story list's columns, the keys of
the reading pane, the help screen, what empty views say, the saved theme and the browser hint."""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Static

from reader.config import ConfigError, load_config, save_setting
from reader.core.changes import feed_change
from reader.core.models import ParsedEntry, ParsedFeed
from reader.core.store import Store
from reader.ui.app import NewsroomApp, make_app
from reader.ui.messages import Reload
from reader.ui.screens.help import HelpScreen
from reader.ui.view import View
from tests.test_tui import palette, utc  # noqa: F401 - times are shown in UTC
from tests.tui_data import FROZEN, demo_store, frozen_clock, settle

WIDE = (160, 48)
LONG_TITLE = "A council of harbour towns votes to rebuild the sea wall before the winter storms"


def stories_store(home: Path, count: int, feed_title: str = "Desk") -> tuple[Store, NewsroomApp]:
    """A store of ``count`` stories in one feed, newest first as Story 0, 1, ..., and its app."""
    config = load_config(home)
    store = Store(config.db_path)
    feed, _ = store.add_feed("http://127.0.0.1:9/feed", title=feed_title)
    entries = tuple(
        ParsedEntry(
            guid=f"s{n}",
            url=f"http://127.0.0.1:9/{n}",
            title=f"{LONG_TITLE} {n}" if n == 0 else f"Story {n}",
            author=None,
            published=FROZEN - 60 * n,
            updated=None,
            summary=f"Summary {n}. " + "A line of the story. " * 200,
            content=None,
        )
        for n in range(count)
    )
    parsed = ParsedFeed(title="Desk", site_url=None, ttl_minutes=None, entries=entries)
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 1800)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    return store, app


def messages(app: NewsroomApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_end_goes_to_the_last_of_a_thousand_stories(home: Path) -> None:
    _, app = stories_store(home, 1000)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert len(app.articles.rows) == 100  # one page at start
        await pilot.press("G")
        await settle(pilot)
        assert app.articles.cursor == 999
        assert app.articles.current.title == "Story 999"
        assert len({a.id for a in app.articles.rows}) == len(app.articles.rows) == 1000
        await pilot.press("g")
        assert app.articles.cursor == 0
        await pilot.press("end", "up")
        await settle(pilot)
        assert app.articles.current.title == "Story 998"


async def test_paging_down_loads_the_pages_it_passes(home: Path) -> None:
    _, app = stories_store(home, 1000)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        page = app.articles.size.height - 1
        for _ in range(9):  # past the first two pages of 100 without waiting for them
            app.articles.action_page(1)
        await settle(pilot)
        assert app.articles.cursor == 9 * page
        assert app.articles.current.title == f"Story {9 * page}"
        titles = [a.title for a in app.articles.rows[1:]]
        assert titles == [f"Story {n}" for n in range(1, len(app.articles.rows))]


def columns(app: NewsroomApp, feed_width: int) -> tuple[str, str]:
    """The first story's title and feed columns as drawn, were the feed column ``feed_width``
    wide: " ●★↻~ " title "  " feed " " age."""
    line = app.articles.render_line(0).text
    width = app.articles.scrollable_content_region.width
    return line[6 : width - feed_width - 7], line[width - feed_width - 5 : width - 5]


async def test_the_title_column_takes_the_room_of_a_wide_terminal(home: Path) -> None:
    store, app = stories_store(home, 3, feed_title="Desk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        width = app.articles.scrollable_content_region.width
        # Narrow: the feed column is a fifth of the list, as it always was.
        title, feed = columns(app, width // 5)
        assert feed == "Desk".ljust(width // 5)
        assert title == LONG_TITLE[: width - width // 5 - 14] + "…"
        await pilot.resize_terminal(200, 40)
        await settle(pilot)
        width = app.articles.scrollable_content_region.width
        assert width > 60
        # Wide: the feed column fits "Desk" (6 cells at least); the title has the rest.
        title, feed = columns(app, 6)
        assert feed == "Desk  "
        assert title == LONG_TITLE[: width - 6 - 14] + "…"
        # A long name: the feed column stops at a fifth of the list.
        name = "The Very Long Name of a Regional Evening Paper"
        store.update_feed(store.feeds()[0].id, {"user_title": name})
        app.post_message(Reload())
        await settle(pilot)
        _, feed = columns(app, width // 5)
        assert feed == name[: width // 5 - 1] + "…"


async def test_reading_pane_keys_on_a_narrow_terminal(home: Path) -> None:
    _, app = stories_store(home, 5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.reader.size.width > 70 and app.reader.max_scroll_y > 0
        await pilot.press("j", "j")
        assert app.reader.scroll_y > 0 and app.articles.cursor == 0
        await pilot.press("k", "k")
        assert app.reader.scroll_y == 0
        await pilot.press("J")
        await settle(pilot)
        assert app.articles.cursor == 1 and app.reader.article.title == "Story 1"
        assert app.reader.size.width > 70  # still reading
        await pilot.press("J", "K", "K")
        await settle(pilot)
        assert app.articles.cursor == 0 and app.reader.article.id == app.articles.rows[0].id


async def test_next_and_previous_story_on_a_wide_terminal(home: Path) -> None:
    _, app = stories_store(home, 5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        assert app.articles.cursor == 1 and app.reader.article.title == "Story 1"
        app.reader.focus()
        await pilot.press("J")
        await settle(pilot)
        assert app.reader.article.title == "Story 2"
        await pilot.press("K")
        await settle(pilot)
        assert app.reader.article.title == "Story 1"
        assert app.store.article(app.reader.article.id).read


async def test_next_story_can_be_remapped(home: Path) -> None:
    (home / "config.toml").write_text('[keys]\n"story.next" = "ctrl+n"\n')
    _, app = stories_store(home, 5)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        assert app.reader.article is None
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.reader.article.title == "Story 1"


async def test_help_lists_every_key_uncut_at_80_columns(home: Path) -> None:
    config, store = demo_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.feeds.focus()  # the story list's keys are listed wherever the focus is
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {key: (label, tooltip) for key, label, tooltip in app.screen.rows}
        assert rows["tab"][1] == "Move between feeds, stories and the reading pane"
        assert rows["pgup"][1].startswith("A screen of stories up")
        assert rows["pgdn"][1].startswith("A screen of stories down")
        assert {"J", "K", "←", "→"} <= set(rows)
        # As drawn at the width the screen gives it, every description is there in full.
        table = app.screen.query_one("#help-keys Static", Static)
        assert 0 < table.size.width < 80
        drawn = table.render_lines(Region(0, 0, table.size.width, table.size.height))
        text = " ".join(" ".join(line.text for line in drawn).split())
        for key, label, tooltip in app.screen.rows:
            assert " ".join(f"{key} {label} {tooltip}".split()) in text
        for line in drawn:
            assert line.cell_length == table.size.width


async def test_an_empty_store_says_how_to_add_a_feed(home: Path) -> None:
    config = load_config(home)
    app = make_app(config, Store(config.db_path), refresh_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = app.articles.render_line(1).text + app.articles.render_line(2).text
        assert "No feeds yet: press a to add a feed." in " ".join(shown.split())


async def test_empty_views_say_why(home: Path) -> None:
    config, store = demo_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.show_view(View("starred"))
        await settle(pilot)
        assert app.articles.empty_message == ("No starred stories: press s on a story to star it.")
        assert "No starred stories" in app.articles.render_line(1).text
        for story in store.articles(limit=100):
            store.mark(story.id, read=True)
        app.show_view(View("unread"))
        await settle(pilot)
        assert app.articles.empty_message == "No unread stories."
        feed = store.feeds()[0]
        app.show_view(View.of_feed(feed.id))
        await pilot.press("f")
        await settle(pilot)
        assert app.articles.empty_message == (
            "No unread stories in this feed. (press f for the others)"
        )


async def test_a_theme_chosen_in_the_palette_is_saved(home: Path) -> None:
    original = (
        "# my newsroom\n"
        "[fetch]\n"
        "concurrency = 8  # be gentle\n"
        "\n"
        "[tui]\n"
        "refresh_on_start = false\n"
        'theme = "textual-dark"   # the one I like\n'
        "\n"
        "[keys]\n"
        '"app.search" = "ctrl+f"\n'
    )
    (home / "config.toml").write_text(original)
    config, store = demo_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert (await palette(pilot, "theme"))[0].startswith("Theme\n")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"nord")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    expected = original.replace('"textual-dark"   #', '"nord"   #')
    assert (home / "config.toml").read_text() == expected
    assert load_config(home).tui.theme == "nord"


def test_a_theme_is_added_to_a_config_without_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[fetch]\nconcurrency = 8\n")
    save_setting(path, "tui", "theme", "nord")
    assert path.read_text() == '[fetch]\nconcurrency = 8\n\n[tui]\ntheme = "nord"\n'
    path.write_text("[tui]  # the reader\nrefresh_on_start = false\n")
    save_setting(path, "tui", "theme", "gruvbox")
    assert path.read_text() == '[tui]  # the reader\ntheme = "gruvbox"\nrefresh_on_start = false\n'
    missing = tmp_path / "new" / "config.toml"
    save_setting(missing, "tui", "theme", "nord")
    assert missing.read_text() == '[tui]\ntheme = "nord"\n'


def test_a_config_the_line_edit_cannot_handle_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('tui.theme = "nord"\n')
    with pytest.raises(ConfigError, match="set it by hand"):
        save_setting(path, "tui", "theme", "gruvbox")
    assert path.read_text() == 'tui.theme = "nord"\n'


def test_an_unknown_theme_is_a_config_error(home: Path) -> None:
    (home / "config.toml").write_text('[tui]\ntheme = "solarised-nights"\n')
    config = load_config(home)
    with pytest.raises(ConfigError, match=r"solarised-nights.*known: .*nord"):
        make_app(config, Store(config.db_path))
    run = subprocess.run(
        [sys.executable, "-m", "reader.cli", "tui"],
        env={**os.environ, "NEWSROOM_HOME": str(home)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert run.returncode == 2
    [line] = run.stderr.splitlines()
    assert "solarised-nights" in line and "textual-dark" in line


async def test_no_browser_points_at_the_setting(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A web browser cannot run here: this is the one thing replaced.
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    config, store = demo_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        [hint] = [m for m in messages(app) if "browser" in m]
        assert "[tui] browser" in hint and str(config.config_path) in hint
