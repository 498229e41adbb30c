"""What the keys do to the feed highlighted in the feeds pane: rename it, move it to a folder,
change its address, remove it (after asking). Each change runs in a thread worker through the
core (reader.core.manage, by way of the newsroom); a refused value is shown in its dialog,
which stays open to mend it."""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from reader.core.manage import FeedEdit, FeedEditError, UnknownFeedError
from reader.core.models import Feed
from reader.core.store import StoreError
from reader.ui.actions.views import Views
from reader.ui.messages import FeedRemoved, Reload
from reader.ui.outside import clean
from reader.ui.screens.dialogs import ConfirmDialog, TriedInputDialog
from reader.ui.view import View
from reader.ui.words import count


class ManageFeeds(Views):
    def _ask(
        self,
        feed: Feed,
        title: str,
        value: str,
        edit: Callable[[str], FeedEdit],
        done: Callable[[str], str],
    ) -> None:
        """Ask for a new value and try it: a refusal is shown in the dialog, which stays open
        with the text as typed; ``done`` words the toast for the answer taken. An answer equal
        to ``value`` changes nothing."""

        def attempt(answer: str) -> str | None:
            try:
                self.newsroom.edit_feed(feed.id, edit(answer))
            except (FeedEditError, UnknownFeedError, StoreError) as exc:
                return f"Cannot change {feed.title}: {exc}"
            return None

        def answered(answer: str | None) -> None:
            if answer is not None:
                self.toast(done(answer))
                self.post_message(Reload())

        self.push_screen(TriedInputDialog(title, attempt, value=value, empty=True), answered)

    def action_rename_feed(self) -> None:
        if (feed := self.feed_to_act_on("Renaming")) is not None:
            self._ask(
                feed,
                f"Rename {feed.title} (empty: the feed's own title)",
                feed.user_title or feed.title,
                lambda title: FeedEdit(title=title),
                lambda title: (
                    f"Renamed {feed.title} to {title}"
                    if title
                    else f"{feed.title}: its own title again"
                ),
            )

    def action_move_feed(self) -> None:
        if (feed := self.feed_to_act_on("Moving to a folder")) is not None:
            self._ask(
                feed,
                f"Move {feed.title} to the folder (empty: none; a/b for a subfolder)",
                feed.folder or "",
                lambda folder: FeedEdit(folder=folder),
                lambda folder: (
                    f"Moved {feed.title} to {folder}"
                    if folder
                    else f"{feed.title}: out of its folder"
                ),
            )

    def action_edit_feed_url(self) -> None:
        if (feed := self.feed_to_act_on("A new address")) is not None:
            shown = clean(feed.url)  # without its password, if it has one
            title = f"The address of {feed.title}"
            if shown != feed.url:
                title += " (its password shows as ***: type it again)"
            key = self.key_shown("feeds.refresh")
            self._ask(
                feed,
                title,
                shown,
                lambda url: FeedEdit(url=url),
                lambda url: f"{feed.title} now reads {url} (press {key})",
            )

    def action_remove_feed(self) -> None:
        feed = self.feed_to_act_on("Unsubscribing")
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
        self.toast(
            f"Removed {feed.title}: {count(removed.deleted, 'story', 'stories')} deleted{kept}"
        )
        self.post_message(FeedRemoved(feed.id))

    def on_feed_removed(self, message: FeedRemoved) -> None:
        """The feed's stories are gone: a list of that feed alone goes back to All."""
        if self.view.feed_id == message.feed_id:
            self.feeds.select_id(View().option_id)
            self.show_view(View())
        self.post_message(Reload())
