"""What a first look at the TUI finds: dialog lines wrapped rather than cut, the diff usable at
80 columns, saved searches set apart from feeds, mistakes shown where they were typed, counts in
words, and marks said when the story list is out of sight."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static

from reader.core.manage import FeedEdit
from reader.ui.app import NewsroomApp, make_app
from reader.ui.screens.add_feed import AddFeedDialog
from reader.ui.screens.dialogs import ConfirmDialog, InputDialog
from reader.ui.screens.diff import DiffScreen, DiffView
from reader.ui.screens.search import SearchDialog
from reader.ui.view import View
from reader.ui.words import count
from tests.server import LoopbackServer
from tests.test_tui import utc  # noqa: F401 - times are shown in UTC
from tests.tui_data import demo_store, frozen_clock, settle

SMALL = (80, 24)
WIDE = (160, 48)
SCIENCE = "Science · The Aldren Courier"
WORLD = "World · The Aldren Courier"


def demo_app(home: Path, elapsed: float = 0) -> NewsroomApp:
    if elapsed:
        demo_store(home)
    config, store = demo_store(home, elapsed)
    return make_app(config, store, clock=frozen_clock, refresh_on_start=False)


def on_screen(app: NewsroomApp, widget: Widget) -> str:
    """The words the terminal shows where ``widget`` is: what a person reads there."""
    strips = app.screen._compositor.render_strips()
    region = widget.region
    rows = (strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom))
    return " ".join(" ".join(rows).split())


def messages(app: NewsroomApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def feed_named(app: NewsroomApp, title: str) -> int:
    return next(f.id for f in app.store.feeds() if f.title == title)


async def highlight(pilot: Pilot[None], view: View) -> None:
    app = pilot.app
    assert isinstance(app, NewsroomApp)
    app.feeds.focus()
    app.feeds.select_id(view.option_id)
    await pilot.pause()


# -- 1. dialog lines wrap ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL, WIDE])
async def test_search_hint_and_error_wrap_within_the_dialog(
    home: Path, size: tuple[int, int]
) -> None:
    app = demo_app(home)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        hint = app.screen.query_one(".dialog-hint", Label)
        assert on_screen(app, hint) == (
            'enter to search · escape to cancel · OR -word "phrase" war* title: in:view'
        )
        app.screen.query_one(Input).value = "kind:bogus " + "x" * 30
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#search-error", Label)
        assert on_screen(app, error) == (
            "! kind:bogus: unknown kind (known: headline, correction, update, edit, cut,"
            " revert, removed)"
        )


@pytest.mark.parametrize("size", [SMALL, WIDE])
async def test_a_long_question_and_a_fetch_error_are_shown_whole(
    home: Path, server: LoopbackServer, size: tuple[int, int]
) -> None:
    app = demo_app(home)
    science = feed_named(app, SCIENCE)
    long_title = f"{SCIENCE}: the weekend supplement, its puzzles and the readers' letters"
    app.newsroom.edit_feed(science, FeedEdit(title=long_title))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await highlight(pilot, View.of_feed(science))
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen.query_one(".dialog-title", Label)
        assert on_screen(app, question) == f"Mark every story of {long_title} read?"
        await pilot.press("n")
        await pilot.pause()

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddFeedDialog)
        url = server.url("/nothing/here/at/all/feed.xml")
        app.screen.query_one(Input).value = url
        await pilot.press("enter")
        await settle(pilot)
        shown = on_screen(app, app.screen.query_one("#add-error", Label))
        # A long address breaks where the line ends: compared without the spaces.
        assert shown.replace(" ", "") == f"cannotfetch{url}:HTTP404NotFound"


# -- 2. the diff at 80 columns ----------------------------------------------------------------


async def open_diff(pilot: Pilot[None]) -> DiffScreen:
    app = pilot.app
    assert isinstance(app, NewsroomApp)
    await pilot.press("u")
    await settle(pilot)
    app.articles.move_to(
        next(i for i, a in enumerate(app.articles.rows) if a.change_kind == "headline")
    )
    await pilot.press("d")
    await settle(pilot)
    await pilot.pause()
    assert isinstance(app.screen, DiffScreen)
    return app.screen


async def test_the_diff_takes_the_width_of_a_small_terminal(home: Path) -> None:
    app = demo_app(home, elapsed=300)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = await open_diff(pilot)
        timeline, body = screen.query_one("#timeline"), screen.query_one(DiffView)
        assert timeline.region.bottom <= body.region.y  # above the diff, not beside it
        assert body.region.width >= 70
        shown = on_screen(app, body)
        assert "version 1 → version 2 +0 words -0 words" in shown
        assert "Negotiators from Carvel and the Ostmark Republic sat down again on Tuesday" in shown
        # Every drawn line fits beside the scroll bar: nothing is cut at the right.
        assert all(line.cell_length <= body.scrollable_content_region.width for line in body.lines)


async def test_the_diff_keeps_its_timeline_beside_it_when_wide(home: Path) -> None:
    app = demo_app(home, elapsed=300)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = await open_diff(pilot)
        timeline, body = screen.query_one("#timeline"), screen.query_one(DiffView)
        assert timeline.region.right <= body.region.x and timeline.region.width == 42
        assert "version 1 → version 2 +0 words -0 words" in on_screen(app, body)


# -- 3. saved searches as a group -------------------------------------------------------------


async def test_saved_searches_have_a_heading_the_cursor_passes_over(home: Path) -> None:
    (home / "config.toml").write_text('[[saved]]\nname = "Ferries"\nquery = "ferry"\n')
    app = demo_app(home)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        feeds: OptionList = app.feeds
        index = feeds.get_option_index(View.of_saved("Ferries").option_id)
        heading = feeds.get_option_at_index(index - 1)
        assert str(heading.prompt).strip() == "Saved searches" and heading.disabled
        await highlight(pilot, View(kind="updated"))
        await pilot.press("down")
        assert app.feeds.selected_view == View.of_saved("Ferries")


# -- 4. mistakes shown in place ---------------------------------------------------------------


async def test_a_refused_address_keeps_the_dialog_open_with_the_text(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        before = app.store.feed(world)
        await highlight(pilot, View.of_feed(world))
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        typed = "ftp://example.org/world/feed/with/a/rather/long/path.xml"
        app.screen.query_one(Input).value = typed
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        assert app.screen.query_one(Input).value == typed
        error = on_screen(app, app.screen.query_one("#dialog-error", Label))
        assert error.startswith(f"Cannot change {WORLD}: url:") and "ftp" in error
        assert app.store.feed(world) == before
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, InputDialog)


async def test_an_accepted_rename_closes_the_dialog(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        await highlight(pilot, View.of_feed(world))
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        app.screen.query_one(Input).value = "Abroad"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, InputDialog)
        assert app.store.feed(world).title == "Abroad"
        assert f"Renamed {WORLD} to Abroad" in messages(app)


async def test_an_empty_query_or_name_is_asked_for_again(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        assert on_screen(app, app.screen.query_one("#search-error", Label)) == (
            "! Type a query, or press escape to cancel"
        )
        await pilot.press(*"ferry", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InputDialog)
        assert on_screen(app, app.screen.query_one("#dialog-error", Label)) == (
            "Type a name, or press escape to cancel"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, InputDialog)
        assert app.config.saved == ()


# -- 5. messages ------------------------------------------------------------------------------


def test_counts_in_words() -> None:
    assert [count(n, "feed") for n in (0, 1, 2)] == ["0 feeds", "1 feed", "2 feeds"]
    assert count(1, "story", "stories") == "1 story"
    assert count(3, "story", "stories") == "3 stories"


async def test_one_story_marked_read_and_unread_is_one_story(home: Path) -> None:
    app = demo_app(home)
    science = feed_named(app, SCIENCE)
    for story in app.store.articles(feed_id=science)[1:]:
        app.store.mark(story.id, read=True)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await highlight(pilot, View.of_feed(science))
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        shown = messages(app)
        assert "Marked 1 story read (ctrl+z undoes)" in shown
        assert "Marked 1 story unread again" in shown


async def test_one_failed_refresh_is_one_feed(home: Path, server: LoopbackServer) -> None:
    app = demo_app(home)
    for feed in app.store.feeds():
        app.newsroom.remove_feed(feed.id)
    app.store.add_feed(server.url("/gone.xml"), title="Gone")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert "1 feed failed; select a feed marked ! for the error" in messages(app)
        status = str(app.query_one("#status", Static).render())
        assert status.startswith("Refreshed 1 feed: 0 new")


@pytest.mark.parametrize(
    ("view", "key", "said"),
    [
        (View.of_folder("News"), "e", "Renaming applies to a feed, not to a folder"),
        (
            View.of_folder("News"),
            "A",
            "Marking every story read applies to a feed, not to a folder",
        ),
        (View.of_saved("Ferries"), "x", "Unsubscribing applies to a feed, not to a saved search"),
        (
            View.of_saved("Ferries"),
            "M",
            "Moving to a folder applies to a feed, not to a saved search",
        ),
    ],
)
async def test_feed_keys_on_a_folder_or_saved_search_say_what_they_apply_to(
    home: Path, view: View, key: str, said: str
) -> None:
    (home / "config.toml").write_text('[[saved]]\nname = "Ferries"\nquery = "ferry"\n')
    app = demo_app(home)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await highlight(pilot, view)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, InputDialog | ConfirmDialog)
        assert messages(app) == [said]


# -- 6. marks said in the full-screen reader --------------------------------------------------


async def test_star_and_mark_say_so_when_the_story_fills_the_screen(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.articles.size.width == 0  # the story fills the screen
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert messages(app) == ["Starred", "Marked unread", "Unstarred"]
