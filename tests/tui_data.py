"""A frozen newsroom for TUI tests and screenshots: the demo desks at a fixed moment, stored
through the real parser and store, with stable URLs (no server, so no random port)."""

from __future__ import annotations

import calendar
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reader.config import Config, load_config
from reader.core.changes import feed_change
from reader.core.feeds import parse_feed
from reader.core.models import ParsedEntry, ParsedFeed
from reader.core.store import Store
from reader.demo import DESKS, SITE, DemoNewsroom, resolve
from reader.ui.view import View
from reader.ui.widgets.feed_list import VIEWS, FeedList, _folder_line, _line

FROZEN = calendar.timegm((2026, 11, 28, 9, 30, 0))
# Nothing listens on port 9 here: opening a story fails fast and the same way every run,
# so screens show the feed's text with a stable "full text unavailable" note.
BASE = "http://127.0.0.1:9"


def frozen_clock() -> float:
    return FROZEN


def demo_store(home: Path, elapsed: float = 0) -> tuple[Config, Store]:
    """A home whose store holds the demo desks as they were ``elapsed`` seconds after opening."""
    config = load_config(home)
    store = Store(config.db_path)
    newsroom = DemoNewsroom(start=FROZEN - 60, clock=frozen_clock)
    newsroom.advance(elapsed)
    for desk in DESKS:
        found = resolve(newsroom, desk.path, BASE)
        assert found is not None
        parsed = parse_feed(found.body, url=BASE + desk.path, now=FROZEN)
        feed, _ = store.add_feed(
            BASE + desk.path, title=f"{desk.name} · {SITE}", folder=desk.folder
        )
        store.apply_feed(
            feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 1800
        )
    store.sync_search_index()
    return config, store


def hostile_store(home: Path) -> tuple[Config, Store]:
    """Feed text that tries to be markup or terminal control sequences."""
    config = load_config(home)
    store = Store(config.db_path)
    feed, _ = store.add_feed("http://evil.example/feed", title="[/] evil \x1b]0;PWNED\x07 feed")
    entries = (
        ParsedEntry(
            guid="markup",
            url="javascript:alert(1)",
            title="[@click=app.quit]x[/] [b]bold?[/b] [/",
            author="[link=http://x]a[/link]",
            published=FROZEN - 60,
            updated=None,
            summary="Body with [/] and [@click=app.quit]click[/] markup.",
            content=None,
        ),
        ParsedEntry(
            guid="escapes",
            url="http://evil.example/\x1b[2J",
            title="Escapes \x1b]52;c;UFdORUQ=\x07 \x1b[31mREDTEXT \u009b33m C1 \u202eevil bidi",
            author="\x1b]0;PWNED\x07",
            published=FROZEN - 120,
            updated=None,
            summary="Clear \x1b[2J\x1b[H screen and shift out \x0e here.",
            content="<p>Content \x1b]0;PWNED\x07 with OSC</p>",
        ),
    )
    parsed = ParsedFeed(title="evil", site_url=None, ttl_minutes=None, entries=entries)
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 1800)
    store.sync_search_index()
    return config, store


def counts_shown(feeds: FeedList) -> bool:
    """Whether the feeds pane shows every unread count it holds (a changed count is shown
    once the reader pauses)."""
    if not feeds.option_count:
        return True  # not loaded yet
    lines = {
        View.of_feed(feed.id).option_id: _line(feed.title, feed.unread, bool(feed.error))
        for feed in feeds.feeds.values()
        if feed.folder not in feeds.closed
    }
    for folder in {feed.folder for feed in feeds.feeds.values() if feed.folder}:
        closed = folder in feeds.closed
        lines[View.of_folder(folder).option_id] = _folder_line(
            folder, feeds.folder_unread(folder), closed
        )
    lines["unread"] = _line(dict(VIEWS)["unread"], sum(f.unread for f in feeds.feeds.values()))
    return all(str(feeds.get_option(key).prompt) == str(line) for key, line in lines.items())


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages render, unread counts included (a worker
    replaced by a newer exclusive one ends cancelled, which is fine here)."""
    for _ in range(100):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()
        if not counts_shown(pilot.app.feeds):  # shown once the reader pauses
            await pilot.pause(0.1)
            continue
        if not any(worker.is_running for worker in pilot.app.workers):
            return
