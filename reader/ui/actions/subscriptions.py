"""What the keys do to the subscriptions: refresh (in a child process, with a progress line),
subscribe, mark a feed read and undo it, import and export, and the story watcher's passes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from reader.core.models import Change, Feed, RefreshResult, RefreshStatus
from reader.core.notify import terminal_alert, terminal_protocol
from reader.ui.actions.base import Base
from reader.ui.messages import (
    FeedMarkedRead,
    RefreshFinished,
    RefreshProgress,
    Reload,
    WatchFinished,
)
from reader.ui.outside import outside
from reader.ui.screens.add_feed import AddFeedDialog
from reader.ui.screens.dialogs import ConfirmDialog, InputDialog
from reader.ui.words import count

if TYPE_CHECKING:
    from reader.core.subscribe import Added

# How often the TUI looks for feeds due a refresh, in seconds.
DUE_CHECK = 60.0


class Subscriptions(Base):
    refreshing = False  # a refresh is running (benchmarks wait on it)
    refresh_everything = False  # the timer refreshes every feed, due or not (the demo)
    undo_ids: tuple[int, ...] = ()  # the stories the last mark-feed-read marked
    _progress_shown = 0.0

    # -- refresh ----------------------------------------------------------------------------

    def action_refresh_feed(self) -> None:
        feed, folder = self.feeds.selected_feed, self.feeds.selected_folder
        if feed is not None:
            self.refresh_feeds([feed], force=True)
        elif folder is not None:
            chosen = [f for f in self.feeds.feeds.values() if f.folder == folder]
            self.refresh_feeds(chosen, force=True)
        else:
            self.refresh_feeds(None, force=True)

    def action_refresh_all(self) -> None:
        self.refresh_feeds(None, force=True)

    def refresh_due(self) -> None:
        """The timer's refresh: the feeds that are due (every feed, in the demo)."""
        if not self.refreshing:
            self.refresh_feeds(None, force=self.refresh_everything)

    @work(
        thread=True, exclusive=True, group="refresh", exit_on_error=False, name="Refreshing feeds"
    )
    def refresh_feeds(self, feeds: list[Feed] | None, *, force: bool = False) -> None:
        """Refresh the due ones of ``feeds`` (default: all), or with ``force`` all of them now
        (the keys' refresh: but a server's Retry-After is still obeyed)."""
        ids = None if feeds is None else [feed.id for feed in feeds]
        targets, _ = self.store.feeds_to_refresh(int(time.time()), force=force, ids=ids)
        if not targets:
            return
        done = 0
        failures: list[str] = []

        def progress(result: RefreshResult) -> None:
            nonlocal done
            done += 1
            if result.status is RefreshStatus.FAILED:
                failures.append(result.url)
            self.post_message(RefreshProgress(done, len(targets)))

        self.post_message(RefreshProgress(0, len(targets)))
        summary = self.newsroom.refresh_in_child(targets, on_result=progress, force=force)
        self.post_message(RefreshFinished(summary, failures))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.refreshing = True
        # A few updates a second: a big refresh sends dozens a second, each worth a repaint.
        now = time.monotonic()
        if 0 < message.done < message.total and now - self._progress_shown < 0.25:
            return
        self._progress_shown = now
        self.status(outside(f"Refreshing feeds {message.done}/{message.total}…"))

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        summary = message.summary
        self.status(
            outside(
                f"Refreshed {count(summary.feeds, 'feed')}: {summary.new} new,"
                f" {summary.updated} changed, {summary.failed} failed"
            )
        )
        if summary.new or summary.updated:
            self.toast(
                f"{count(summary.new, 'new story', 'new stories')}, {summary.updated} changed",
                timeout=4,
            )
        if message.failures:
            self.toast(
                f"{count(len(message.failures), 'feed')} failed;"
                " select a feed marked ! for the error",
                severity="warning",
            )
        if self.config.notify.terminal:
            self._alert_terminal(summary.changes)
        self.post_message(Reload())
        if summary.new and self.config.watch.in_tui:
            self.watch_stories()  # the new stories' page baselines, before their first edit

    # -- subscriptions ----------------------------------------------------------------------

    def action_add_feed(self) -> None:
        def added(result: Added | None) -> None:
            if result is None:
                return
            feed, created, stored = result
            if created:
                self.toast(f"Subscribed to {feed.title} ({count(stored, 'story', 'stories')})")
            else:
                self.toast(f"Already subscribed to {feed.title}")
            self.post_message(Reload())

        self.push_screen(AddFeedDialog(), added)

    def action_import(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                self.import_file(path)

        self.push_screen(
            InputDialog("Import OPML or newsboat urls file", "path/to/feeds.opml"), chosen
        )

    @work(thread=True, group="import", exit_on_error=False, name="Importing subscriptions")
    def import_file(self, path: str) -> None:
        try:
            data = Path(path).expanduser().read_bytes()
            added, skipped, _ = self.newsroom.import_subscriptions(data)
        except (OSError, ValueError) as exc:
            self.toast(f"Cannot import {path}: {exc}", severity="error")
            return
        self.toast(f"Imported {count(added, 'feed')} ({skipped} already there)")
        self.post_message(Reload(articles=False))
        if added:
            self.refresh_feeds(None)

    def action_export(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                self.export_file(path)

        default = str(Path.home() / "newsroom.opml")
        self.push_screen(InputDialog("Export subscriptions to", value=default), chosen)

    @work(thread=True, group="export", exit_on_error=False, name="Exporting subscriptions")
    def export_file(self, path: str) -> None:
        try:
            Path(path).expanduser().write_text(self.newsroom.export_subscriptions())
        except OSError as exc:
            self.toast(f"Cannot write {path}: {exc.strerror}", severity="error")
            return
        self.toast(f"Exported subscriptions to {path}")

    # -- reading state of a whole feed ------------------------------------------------------

    def action_mark_feed_read(self) -> None:
        feed = self.feed_to_act_on("Marking every story read")
        if feed is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.mark_feed_read(feed)

        self.push_screen(ConfirmDialog(f"Mark every story of {feed.title} read?"), confirmed)

    @work(thread=True, group="marks", exit_on_error=False, name="Marking the feed read")
    def mark_feed_read(self, feed: Feed) -> None:
        self.post_message(FeedMarkedRead(self.store.mark_feed_read(feed.id)))

    def on_feed_marked_read(self, message: FeedMarkedRead) -> None:
        self.undo_ids = tuple(message.article_ids)
        self.toast(f"Marked {count(len(self.undo_ids), 'story', 'stories')} read (ctrl+z undoes)")
        self.post_message(Reload())

    def action_undo(self) -> None:
        if not self.undo_ids:
            self.toast("Nothing to undo")
            return
        ids, self.undo_ids = self.undo_ids, ()
        self.mark_unread(ids)

    @work(thread=True, group="marks", exit_on_error=False, name="Undoing mark-feed-read")
    def mark_unread(self, ids: tuple[int, ...]) -> None:
        self.store.mark_unread(ids)
        self.toast(f"Marked {count(len(ids), 'story', 'stories')} unread again")
        self.post_message(Reload())

    # -- the story watcher ------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        group="watch",
        exit_on_error=False,
        name="Checking stories for changes",
    )
    def watch_stories(self) -> None:
        """One pass of the story watcher; the feeds' own changes come with each refresh."""
        summary = self.newsroom.watch(everything=self.watch_everything)
        changed = [self.store.article(i) for i in summary.changed_ids]
        read = [a for a in changed if a is not None and a.read]
        self.post_message(WatchFinished(summary, read))

    def on_watch_finished(self, message: WatchFinished) -> None:
        for article in message.read_and_changed[:3]:
            self.toast(f"A story you read has changed: {article.title}", timeout=6)
        if self.config.notify.terminal:
            self._alert_terminal(message.summary.changes)
        if message.summary.changed:
            self.post_message(Reload())

    def _alert_terminal(self, changes: Sequence[Change]) -> None:
        """A desktop notification per change (at most three) through the terminal: OSC 9 or
        777. Textual has no public call for raw output; this writes where App.bell() does."""
        driver = self._driver
        if not changes or self.is_headless or driver is None:
            return
        osc = terminal_protocol()
        for change in changes[:3]:
            driver.write(terminal_alert(change.kind, change.title, osc=osc))
