"""What every group of actions works with: the core's services (the newsroom) and settings, the
three panes, the status line and toasts. NewsroomApp (app.py) sets the services up."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.widgets import Static

from reader.config import Config
from reader.core.models import Feed
from reader.core.newsroom import Newsroom
from reader.core.store import Store
from reader.ui.bindings import APP, keys_of
from reader.ui.outside import clean
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.feed_list import FeedList
from reader.ui.widgets.reading_pane import ReadingPane

NARROW = 110  # below this many columns the reading pane replaces the lists


class Base(App[None]):
    config: Config
    store: Store
    clock: Callable[[], float]  # seconds since the epoch: time.time, or a test's fixed time
    newsroom: Newsroom  # the core's services: network work, extraction
    watch_everything: bool  # the demo's stories change within minutes: ignore the schedule
    reading = False  # a story is open in the reading pane

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def feeds(self) -> FeedList:
        return self.query_one(FeedList)

    @property
    def reader(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    def key_shown(self, binding_id: str) -> str:
        """The first key of a binding as the user's keymap has it, for a hint ("press a")."""
        row = next(row for row in APP if row.id == binding_id)
        return self.get_key_display(Binding(keys_of(row, self.config.keys)[0], row.action))

    def feed_to_act_on(self, action: str) -> Feed | None:
        """The feed highlighted in the feeds pane; else a warning that ``action`` (for people:
        "Renaming") needs one, naming the row highlighted when the pane has the focus."""
        feed = self.feeds.selected_feed
        if feed is not None:
            return feed
        if self.feeds.has_focus:
            kind = self.feeds.selected_view.kind
            row = {"folder": "a folder", "saved": "a saved search"}.get(kind, "a view")
            self.toast(f"{action} applies to a feed, not to {row}", severity="warning")
        else:
            self.toast("Select a feed first (tab to the feeds pane)", severity="warning")
        return None

    def fit_layout(self, width: int) -> None:
        # "-reading" only where it changes the layout: a class change restyles every widget on
        # screen (the open story's too), which made opening and closing stories slow.
        self.screen.set_class(width < NARROW, "-narrow")
        self.screen.set_class(width < NARROW and self.reading, "-reading")

    def status(self, content: Content, error: bool = False) -> None:
        """Show one line in the status bar. Its size is fixed (app.tcss), so a new text only
        repaints it; laying the screen out again cost 20-40 ms of a key press's time."""
        status = self.query_one("#status", Static)
        status.set_class(error, "-error")
        status.update(content, layout=False)

    def toast(
        self,
        message: str,
        *,
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        """Every toast goes through here: outside parts cleaned, never read as markup. Safe to
        call from a worker thread (Textual's notify only posts a message)."""
        self.notify(clean(message), severity=severity, timeout=timeout, markup=False)
