"""The feeds pane: virtual views (All, Unread, Starred, Updated stories), saved searches (under
a heading of their own), then folders and feeds.

A folder is an entry of its own (its stories are its feeds'), with their unread counts summed;
it opens and closes (enter or space, left and right)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.models import Feed
from reader.ui.bindings import FEED_LIST, bindings
from reader.ui.outside import outside
from reader.ui.view import View

VIEWS = (
    ("all", "All"),
    ("unread", "Unread"),
    ("starred", "Starred"),
    ("updated", "Updated stories"),
)


def _line(text: str, count: int | None = None, error: bool = False) -> Content:
    """Marks and counts first, so a long title never pushes them out of sight."""
    return Content.assemble(
        ("!" if error else " ", "bold $text-error"),
        (f"{count:>5} " if count else "      ", "$text-accent"),
        outside(text) or "(untitled feed)",
    )


def _folder_line(name: str, count: int, closed: bool) -> Content:
    return Content.assemble(
        ("▸" if closed else "▾", "$text-muted"),
        (f"{count:>5} " if count else "      ", "$text-accent"),
        outside(name, "bold"),
    )


class FeedList(OptionList):
    """Option ids: those of reader.ui.view.View."""

    BINDINGS = bindings(FEED_LIST)

    class CountsMoved(Message):
        """Unread counts moved as stories were read: the saved searches' are counted again."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.feeds: dict[int, Feed] = {}  # in the order shown: by folder, then title
        self.closed: set[str] = set()  # the folders whose feeds are hidden
        self.loaded = False  # the subscriptions have been read once
        self.saved: list[tuple[str, int]] = []  # the saved searches and their unread counts
        self._recount: set[int] = set()  # feeds whose unread count changed since it was shown
        self._count_timer: Timer | None = None
        self._first_count = 0.0

    def show_feeds(
        self, feeds: Sequence[Feed], saved: Sequence[tuple[str, int]] | None = None
    ) -> None:
        """Rebuild the list, keeping the highlighted entry; ``saved``: the saved searches with
        their unread counts, shown after the views (None: those shown already)."""
        current = self.selected_id
        self.loaded = True
        self.feeds = {f.id: f for f in feeds}
        self.saved = self.saved if saved is None else list(saved)
        unread = sum(f.unread for f in feeds)
        options: list[Option | None] = [
            Option(_line(label, unread if key == "unread" else None), id=key)
            for key, label in VIEWS
        ]
        if self.saved:
            options.append(None)
            # A heading, so saved searches are not taken for feeds; the cursor passes over it.
            options.append(
                Option(Content.styled("  Saved searches", "italic $text-muted"), disabled=True)
            )
            options += [
                Option(_line(name, count), id=View.of_saved(name).option_id)
                for name, count in self.saved
            ]
        folder: str | None = None
        for feed in feeds:
            if feed.folder != folder and feed.folder:
                options.append(None)
                options.append(
                    Option(
                        _folder_line(
                            feed.folder, self.folder_unread(feed.folder), feed.folder in self.closed
                        ),
                        id=View.of_folder(feed.folder).option_id,
                    )
                )
            folder = feed.folder
            if folder in self.closed:
                continue
            options.append(
                Option(
                    _line(feed.title, feed.unread, bool(feed.error)),
                    id=View.of_feed(feed.id).option_id,
                )
            )
        self.set_options(options)
        self.select_id(current or "all")

    def folder_unread(self, folder: str) -> int:
        return sum(f.unread for f in self.feeds.values() if f.folder == folder)

    # -- folders ----------------------------------------------------------------------------

    @property
    def selected_folder(self) -> str | None:
        """The folder of the highlighted row, when it is a folder's."""
        return self.selected_view.folder

    def fold(self, folder: str, close: bool) -> None:
        """Close or open ``folder``; the highlight stays on it."""
        if (folder in self.closed) == close:
            return
        self.closed ^= {folder}
        self.show_feeds(list(self.feeds.values()))
        self.select_id(View.of_folder(folder).option_id)

    def toggle_folder(self) -> bool:
        """Open or close the highlighted folder; False when a folder is not highlighted."""
        folder = self.selected_folder
        if folder is None:
            return False
        self.fold(folder, folder not in self.closed)
        return True

    def action_fold(self, close: bool) -> None:
        """left closes the highlighted folder (or the folder of the highlighted feed), right
        opens it."""
        feed = self.selected_feed
        folder = feed.folder if feed is not None else self.selected_folder
        if folder is not None:
            self.fold(folder, close)

    def count_unread(self, feed_id: int, change: int) -> None:
        """Move one feed's unread count (and the Unread view's) without rebuilding the list,
        which for a thousand feeds took 15-35 ms of the key press that opened a story. New
        counts are shown once the reader pauses (0.4 s without a change, 2 s at most): showing
        one makes the next frame measure every feed's line again, about 13 ms."""
        feed = self.feeds.get(feed_id)
        if feed is None:
            return
        self.feeds[feed_id] = feed._replace(unread=max(0, feed.unread + change))
        self._recount.add(feed_id)
        if self._count_timer is None:
            self._first_count = time.monotonic()
            self._count_timer = self.set_timer(0.4, self._show_counts)
        elif time.monotonic() - self._first_count < 2:
            self._count_timer.reset()  # the reader is still going through stories

    def _show_counts(self) -> None:
        self._count_timer = None
        for feed_id in self._recount:
            feed = self.feeds.get(feed_id)
            if feed is not None and feed.folder not in self.closed:
                line = _line(feed.title, feed.unread, bool(feed.error))
                self.replace_option_prompt(View.of_feed(feed_id).option_id, line)
        folders = {f.folder for i in self._recount if (f := self.feeds.get(i)) and f.folder}
        for folder in folders:
            line = _folder_line(folder, self.folder_unread(folder), folder in self.closed)
            self.replace_option_prompt(View.of_folder(folder).option_id, line)
        self._recount.clear()
        unread = sum(f.unread for f in self.feeds.values())
        self.replace_option_prompt("unread", _line(dict(VIEWS)["unread"], unread))
        if self.saved:
            self.post_message(self.CountsMoved())

    def show_saved_counts(self, saved: Sequence[tuple[str, int]]) -> None:
        """New unread counts of the saved searches shown, without rebuilding the list."""
        shown = {name for name, _ in self.saved}
        self.saved = [(name, count) for name, count in saved if name in shown]
        for name, count in self.saved:
            self.replace_option_prompt(View.of_saved(name).option_id, _line(name, count))

    @property
    def selected_id(self) -> str | None:
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id

    def select_id(self, option_id: str) -> None:
        try:
            self.highlighted = self.get_option_index(option_id)
        except Exception:  # the entry is gone (feed removed): fall back to All
            self.highlighted = 0

    @property
    def selected_view(self) -> View:
        return View.parse(self.selected_id)

    @property
    def selected_feed(self) -> Feed | None:
        feed_id = self.selected_view.feed_id
        return None if feed_id is None else self.feeds.get(feed_id)
