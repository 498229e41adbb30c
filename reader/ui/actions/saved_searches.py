"""Saved searches in the TUI: the current search (the `/` query) saved under a name asked in a
dialog, as a [[saved]] table added to config.toml (the rest of the file left as it is) and a new
view in the feeds pane; the views' unread counts read again as stories are read."""

from __future__ import annotations

from textual import on, work

from reader.config import ConfigError, SavedSearch, append_saved, query_problem
from reader.ui.actions.views import Views
from reader.ui.messages import Reload, SavedCounted, SearchSaved
from reader.ui.screens.dialogs import InputDialog
from reader.ui.widgets.feed_list import FeedList


class SavedSearches(Views):
    def action_save_search(self) -> None:
        query = self.search_query
        if query is None:
            key = self.key_shown("app.search")
            self.toast(f"Search first (press {key}), then save the search", severity="warning")
            return
        problem = query_problem(query)
        if problem:
            self.toast(f"Cannot save this search: {problem}", severity="error", timeout=8)
            return

        def named(name: str | None) -> None:
            if not name:
                return
            if any(saved.name == name for saved in self.config.saved):
                self.toast(f"A saved search is named {name} already", severity="error")
                return
            self.save_search(SavedSearch(name, query))

        dialog = InputDialog(
            f"Save the search {query} as",
            "a name",
            missing="Type a name, or press escape to cancel",
        )
        self.push_screen(dialog, named)

    @work(thread=True, group="saved", exit_on_error=False, name="Saving the search")
    def save_search(self, saved: SavedSearch) -> None:
        try:
            append_saved(self.config.config_path, saved)
        except ConfigError as exc:
            self.toast(str(exc), severity="error", timeout=8)
            return
        self.post_message(SearchSaved(saved))

    def on_search_saved(self, message: SearchSaved) -> None:
        self.config = self.config._replace(saved=(*self.config.saved, message.saved))
        self.toast(f"Saved the search as {message.saved.name}")
        self.post_message(Reload(articles=False))

    @on(FeedList.CountsMoved)
    def _counts_moved(self) -> None:
        self.count_saved()

    @work(
        thread=True,
        exclusive=True,
        group="saved-counts",
        exit_on_error=False,
        name="Counting the saved searches",
    )
    def count_saved(self) -> None:
        self.post_message(SavedCounted(self.saved_counts()))

    def on_saved_counted(self, message: SavedCounted) -> None:
        self.feeds.show_saved_counts(message.saved)
