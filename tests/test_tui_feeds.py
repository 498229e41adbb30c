"""The feeds pane: rename, move, re-address and remove a feed; folders as views that open and
close; the add-feed dialog's errors and its choice among a site's feeds."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, OptionList

from reader.config import load_config
from reader.core.store import Store
from reader.ui.app import NewsroomApp, make_app
from reader.ui.screens.add_feed import AddFeedDialog
from reader.ui.screens.dialogs import ConfirmDialog, InputDialog
from reader.ui.view import View
from tests.server import LoopbackServer, Route, rss
from tests.test_tui import palette, utc  # noqa: F401 - times are shown in UTC
from tests.tui_data import demo_store, frozen_clock, settle

WIDE = (160, 48)
WORLD = "World · The Aldren Courier"


def demo_app(home: Path) -> NewsroomApp:
    config, store = demo_store(home)
    return make_app(config, store, clock=frozen_clock, refresh_on_start=False)


def feed_named(app: NewsroomApp, title: str) -> int:
    return next(f.id for f in app.store.feeds() if f.title == title)


def messages(app: NewsroomApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def shown(app: NewsroomApp) -> list[str]:
    """The feeds pane's entries as shown, blank lines and separators left out."""
    return [" ".join(str(option.prompt).split()) for option in app.feeds.options]


async def answer(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``value`` into the open dialog's line instead of what it holds, and confirm."""
    assert isinstance(pilot.app.screen, InputDialog)
    pilot.app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await settle(pilot)


async def select_feed(pilot, feed_id: int) -> None:  # type: ignore[no-untyped-def]
    pilot.app.feeds.focus()
    pilot.app.feeds.select_id(View.of_feed(feed_id).option_id)
    await pilot.pause()


# -- editing a feed ---------------------------------------------------------------------------


async def test_rename_a_feed(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        await select_feed(pilot, world)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one(Input).value == WORLD
        await answer(pilot, "Foreign desk")
        assert app.store.feed(world).title == "Foreign desk"
        assert "4 Foreign desk" in shown(app)
        assert f"Renamed {WORLD} to Foreign desk" in messages(app)
        # Empty: the feed's own title again.
        await pilot.press("e")
        await pilot.pause()
        await answer(pilot, "")
        assert app.store.feed(world).user_title is None


async def test_rename_from_the_palette(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        app.feeds.select_id(View.of_feed(world).option_id)
        entries = await palette(pilot, "rename")
        assert entries[0].startswith("Rename feed  e\n")
        await pilot.press("enter")
        await pilot.pause()
        await answer(pilot, "Abroad")
        assert app.store.feed(world).title == "Abroad"


async def test_feed_keys_need_a_selected_feed(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        for key in ("e", "M", "U", "x"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, InputDialog | ConfirmDialog)
        assert messages(app).count("Select a feed first (tab to the feeds pane)") == 4


async def test_move_a_feed_to_a_folder_and_out(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        await select_feed(pilot, world)
        await pilot.press("M")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "News"
        await answer(pilot, "Abroad")
        assert app.store.feed(world).folder == "Abroad"
        assert app.feeds.get_option("folder:Abroad") is not None
        assert "▾ 4 Abroad" in shown(app) and "▾ 4 News" in shown(app)
        await select_feed(pilot, world)
        await pilot.press("M")
        await pilot.pause()
        await answer(pilot, "")
        assert app.store.feed(world).folder is None
        assert f"{WORLD}: out of its folder" in messages(app)


async def test_edit_a_feeds_address(home: Path, server: LoopbackServer) -> None:
    server.routes["/world.xml"] = Route(rss("World", [{"title": "Moved", "guid": "m1"}]))
    app = demo_app(home)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        city = app.store.feed(feed_named(app, "City · The Aldren Courier"))
        await select_feed(pilot, world)
        await pilot.press("U")
        await pilot.pause()
        assert app.screen.query_one(Input).value == app.store.feed(world).url
        await answer(pilot, server.url("/world.xml"))
        assert app.store.feed(world).url == server.url("/world.xml")
        # Refused: an address newsroom will not fetch, one another feed has. The dialog stays
        # open with the text as typed and says why.
        for bad, why in (("ftp://example.org/feed", "url:"), (city.url, "already subscribed")):
            await select_feed(pilot, world)
            await pilot.press("U")
            await pilot.pause()
            await answer(pilot, bad)
            assert isinstance(app.screen, InputDialog)
            assert app.screen.query_one(Input).value == bad
            assert app.store.feed(world).url == server.url("/world.xml")
            error = str(app.screen.query_one("#dialog-error", Label).render())
            assert error.startswith(f"Cannot change {WORLD}: ") and why in error
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("r")  # the new address is read
        await settle(pilot)
        assert any(a.title == "Moved" for a in app.store.articles(feed_id=world))


async def test_an_address_is_shown_without_its_password(home: Path) -> None:
    config = load_config(home)
    store = Store(config.db_path)
    feed, _ = store.add_feed("http://alice:s3cret@127.0.0.1:9/feed", title="Private")
    app = make_app(config, store, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await select_feed(pilot, feed.id)
        await pilot.press("U")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, InputDialog)
        assert dialog.query_one(Input).value == "http://alice:***@127.0.0.1:9/feed"
        assert "type it again" in dialog.title_text
        await pilot.press("enter")  # unchanged: nothing to do
        await settle(pilot)
        assert app.store.feed(feed.id).url == "http://alice:s3cret@127.0.0.1:9/feed"
        assert messages(app) == []


async def test_remove_a_feed_after_asking(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        starred = app.store.articles(feed_id=world, limit=1)[0]
        app.store.mark(starred.id, starred=True)
        await select_feed(pilot, world)
        await pilot.press("enter")  # the list shows the feed's stories
        await settle(pilot)
        await select_feed(pilot, world)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.store.feed(world).removed_at is None
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert world not in {f.id for f in app.store.feeds()}
        assert not any(WORLD in line for line in shown(app))
        assert f"Removed {WORLD}: 3 stories deleted, 1 starred kept" in messages(app)
        assert app.view == View()  # the list of that feed went back to All
        assert [a.id for a in app.articles.rows if a.feed_id == world] == [starred.id]


async def test_removing_a_feed_gone_meanwhile_is_a_toast(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        world = feed_named(app, WORLD)
        await select_feed(pilot, world)
        app.store.remove_feed(world, now=0)  # by `newsroom remove`, say
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.is_running
        assert messages(app)[-1] == f"Cannot remove {WORLD}: no feed with id {world}"


# -- folders ----------------------------------------------------------------------------------


async def test_a_folder_lists_its_feeds_stories_and_sums_their_counts(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        news = {f.id for f in app.store.feeds() if f.folder == "News"}
        assert "▾ 8 News" in shown(app)
        app.feeds.focus()
        app.feeds.select_id("folder:News")
        await pilot.press("enter")
        await settle(pilot)
        assert app.view == View.of_folder("News")
        assert len(app.articles.rows) == 8 and {a.feed_id for a in app.articles.rows} == news
        assert "News" in str(app.articles.border_title)
        # enter also closed it; the keys stay on the feeds pane.
        assert app.focused is app.feeds and "News" in app.feeds.closed
        assert "▸ 8 News" in shown(app)
        assert not any("City · The Aldren" in line for line in shown(app))
        app.articles.focus()
        await pilot.press("enter")  # read one: the folder's count goes down
        await settle(pilot)
        assert "▸ 7 News" in shown(app)


async def test_folders_open_and_close(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.feeds.focus()
        app.feeds.select_id("folder:Features")
        await pilot.press("space")
        assert app.feeds.closed == {"Features"}
        assert not any("Science ·" in line for line in shown(app))
        await pilot.press("space")
        assert app.feeds.closed == set()
        await pilot.press("left")
        assert app.feeds.closed == {"Features"}
        await pilot.press("right")
        assert app.feeds.closed == set()
        # left on a feed closes its folder and moves to the folder's entry.
        await select_feed(pilot, feed_named(app, "Science · The Aldren Courier"))
        await pilot.press("left")
        assert app.feeds.closed == {"Features"}
        assert app.feeds.selected_id == "folder:Features"
        # Closed folders keep their place through a reload.
        await pilot.press("R")
        await settle(pilot)
        assert app.feeds.closed == {"Features"} and "▸ 8 Features" in shown(app)


async def test_r_on_a_folder_refreshes_its_feeds(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.feeds.focus()
        app.feeds.select_id("folder:News")
        await pilot.press("r")
        await settle(pilot)
        # The demo's addresses answer nothing here: the two feeds of News are tried and fail.
        assert "Refreshed 2 feeds: 0 new, 0 changed, 2 failed" in str(
            app.query_one("#status").render()
        )


async def test_an_empty_folder_view_says_so(home: Path) -> None:
    app = demo_app(home)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        for feed in app.store.feeds():
            if feed.folder == "News":
                app.store.mark_feed_read(feed.id)
        app.show_view(View.of_folder("News"))
        await pilot.press("f")
        await settle(pilot)
        assert app.articles.rows == []
        assert app.articles.empty_message == (
            "No unread stories in this folder. (press f for the others)"
        )


# -- the add-feed dialog ----------------------------------------------------------------------


async def add(pilot, url: str) -> AddFeedDialog:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, AddFeedDialog)
    dialog.query_one(Input).value = url
    await pilot.press("enter")
    await settle(pilot)
    return dialog


def error_of(dialog: AddFeedDialog) -> str:
    label = dialog.query_one("#add-error", Label)
    return str(label.content) if label.display else ""


async def test_a_bad_address_keeps_the_dialog_open(home: Path, server: LoopbackServer) -> None:
    server.routes["/harbour.rss"] = Route(rss("Harbour Radio", [{"title": "Tides", "guid": "t"}]))
    server.routes["/nothing"] = Route(
        b"<html><body>no feeds</body></html>", content_type="text/html"
    )
    config = load_config(home)
    app = make_app(config, Store(config.db_path), refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        dialog = await add(pilot, "ftp://example.org/feed")
        assert app.screen is dialog and error_of(dialog)
        dialog.query_one(Input).value = server.url("/nothing")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "no feed" in error_of(dialog).lower()
        dialog.query_one(Input).value = server.url("/harbour.rss")  # fixed: it goes through
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
        assert [f.title for f in app.store.feeds()] == ["Harbour Radio"]
        assert [a.title for a in app.articles.rows] == ["Tides"]


async def test_a_site_with_several_feeds_lets_you_choose(
    home: Path, server: LoopbackServer
) -> None:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{name}" href="/{path}">'
        for name, path in (("Latest news", "news.xml"), ("Comments", "comments.xml"))
    )
    server.routes["/"] = Route(
        f"<html><head>{links}</head><body>A site</body></html>".encode(),
        content_type="text/html",
    )
    server.routes["/news.xml"] = Route(rss("News", [{"title": "Headline", "guid": "n"}]))
    server.routes["/comments.xml"] = Route(rss("Comments", [{"title": "Reply", "guid": "c"}]))
    config = load_config(home)
    app = make_app(config, Store(config.db_path), refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        dialog = await add(pilot, server.url("/"))
        assert app.screen is dialog
        choices = dialog.query_one("#add-choices", OptionList)
        assert choices.display and app.focused is choices
        prompts = [str(option.prompt) for option in choices.options]
        assert prompts == [
            f"Latest news  {server.url('/news.xml')}",
            f"Comments  {server.url('/comments.xml')}",
        ]
        assert not server.hits["/news.xml"]  # nothing fetched or subscribed to yet
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is not dialog
        assert [f.url for f in app.store.feeds()] == [server.url("/comments.xml")]
        assert "Subscribed to Comments (1 story)" in messages(app)
