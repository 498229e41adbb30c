"""What the keys do to the feed highlighted in the feeds pane: rename it, move it to a folder,
change its address, remove it (after asking). Each change runs in a thread worker through the
core (reader.core.manage, by way of the newsroom); a refusal comes back as a toast."""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from reader.core.manage import FeedEdit, FeedEditError, UnknownFeedError
from reader.core.models import Feed
from reader.core.store import StoreError
from reader.ui.actions.views import Views
from reader.ui.messages import FeedRemoved, Reload
from reader.ui.outside import clean
from reader.ui.screens.dialogs import ConfirmDialog, InputDialog
from reader.ui.view import View


class ManageFeeds(Views):
    def _selected_feed(self) -> Feed | None:
        feed = self.feeds.selected_feed
        if feed is None:
            self.toast("Select a feed first (tab to the feeds pane)", severity="warning")
        return feed

    def _ask(self, feed: Feed, title: str, value: str, then: Callable[[Feed, str], None]) -> None:
        """Ask for a new value; an answer equal to ``value`` changes nothing."""

        def answered(answer: str | None) -> None:
            if answer is not None and answer != value:
                then(feed, answer)

        self.push_screen(InputDialog(title, value=value, empty=True), answered)

    def action_rename_feed(self) -> None:
        if (feed := self._selected_feed()) is not None:
            title = f"Rename {feed.title} (empty: the feed's own title)"
            self._ask(feed, title, feed.user_title or feed.title, self._rename)

    def _rename(self, feed: Feed, title: str) -> None:
        done = f"Renamed {feed.title} to {title}" if title else f"{feed.title}: its own title again"
        self.edit_feed(feed, FeedEdit(title=title), done)

    def action_move_feed(self) -> None:
        if (feed := self._selected_feed()) is not None:
            title = f"Move {feed.title} to the folder (empty: none; a/b for a subfolder)"
            self._ask(feed, title, feed.folder or "", self._move)

    def _move(self, feed: Feed, folder: str) -> None:
        done = f"Moved {feed.title} to {folder}" if folder else f"{feed.title}: out of its folder"
        self.edit_feed(feed, FeedEdit(folder=folder), done)

    def action_edit_feed_url(self) -> None:
        if (feed := self._selected_feed()) is not None:
            shown = clean(feed.url)  # without its password, if it has one
            title = f"The address of {feed.title}"
            if shown != feed.url:
                title += " (its password shows as ***: type it again)"
            self._ask(feed, title, shown, self._move_url)

    def _move_url(self, feed: Feed, url: str) -> None:
        key = self.key_shown("feeds.refresh")
        self.edit_feed(feed, FeedEdit(url=url), f"{feed.title} now reads {url} (press {key})")

    @work(thread=True, group="manage", exit_on_error=False, name="Changing the feed")
    def edit_feed(self, feed: Feed, edit: FeedEdit, done: str) -> None:
        try:
            changes = self.newsroom.edit_feed(feed.id, edit)
        except (FeedEditError, UnknownFeedError, StoreError) as exc:
            self.toast(f"Cannot change {feed.title}: {exc}", severity="error", timeout=8)
            return
        if changes:
            self.toast(done)
            self.post_message(Reload())

    def action_remove_feed(self) -> None:
        feed = self._selected_feed()
        if feed is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.remove_feed(feed)

        question = f"Unsubscribe from {feed.title}? Its stories go, starred ones stay."
        self.push_screen(ConfirmDialog(question), confirmed)

    @work(thread=True, group="manage", exit_on_error=False, name="Removing the feed")
    def remove_feed(self, feed: Feed) -> None:
        try:
            removed = self.newsroom.remove_feed(feed.id)
        except (UnknownFeedError, StoreError) as exc:
            self.toast(f"Cannot remove {feed.title}: {exc}", severity="error", timeout=8)
            return
        kept = f", {removed.kept_starred} starred kept" if removed.kept_starred else ""
        self.toast(f"Removed {feed.title}: {removed.deleted} stories deleted{kept}")
        self.post_message(FeedRemoved(feed.id))

    def on_feed_removed(self, message: FeedRemoved) -> None:
        """The feed's stories are gone: a list of that feed alone goes back to All."""
        if self.view.feed_id == message.feed_id:
            self.feeds.select_id(View().option_id)
            self.show_view(View())
        self.post_message(Reload())
