"""What the story list shows (a view of the feeds pane, a filter, a search) and the one path that
loads the feeds and the stories: everything that changes stored data posts Reload."""

from __future__ import annotations

from textual import on, work
from textual.content import Content
from textual.widgets import OptionList
from textual.worker import get_current_worker

from reader.core.filters import saved_query
from reader.core.models import Article
from reader.core.query import Query, parse
from reader.core.store import page_key
from reader.ui.actions.base import Base
from reader.ui.messages import ArticlesLoaded, FeedsLoaded, Reload
from reader.ui.outside import outside
from reader.ui.screens.search import SearchDialog
from reader.ui.view import FILTERS, NAMES, ArticleQuery, Filter, View
from reader.ui.widgets.article_list import ArticleList

PAGE = 100
Place = tuple[int, int]  # a story's place in its list (reader.core.store.page_key)


class Views(Base):
    view = View()
    filter: Filter = "all"
    search_query: str | None = None

    def update_title(self) -> None:
        if self.search_query is not None:
            label = f"Search: {self.search_query}"
        else:
            feed = self.feeds.feeds.get(self.view.feed_id or 0)
            label = feed.title if feed else self.view.folder or NAMES.get(self.view.kind, "All")
            label = self.view.saved or label
            if self.filter != "all":
                label += f" · {NAMES[self.filter].lower()}"
        self.articles.border_title = outside(label)

    def show_view(self, view: View) -> None:
        self.view = view
        self.search_query = None
        self.update_title()
        self.load_articles(append=False, keep=False)

    # -- loading ----------------------------------------------------------------------------

    def on_reload(self, message: Reload) -> None:
        if message.feeds:
            self.load_feeds()
        if message.articles:
            self.load_articles(append=False, keep=True)

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False, name="Loading the feeds")
    def load_feeds(self) -> None:
        self.post_message(FeedsLoaded(self.store.feeds(), self.saved_counts()))

    def saved_counts(self) -> list[tuple[str, int]]:
        """Each saved search's unread count (in a worker: each is a search)."""
        now = self.clock()
        return [
            (s.name, self.store.count_matching(saved_query(s, now), unread=True))
            for s in self.config.saved
        ]

    def _saved_query(self) -> Query | None:
        """The query of the saved search on view, read again: age: counts from now."""
        found = [s for s in self.config.saved if s.name == self.view.saved]
        return saved_query(found[0], self.clock()) if found else None

    def load_articles(self, append: bool = False, keep: bool = True, to_end: bool = False) -> None:
        """The next page (``append``; with ``to_end``, every story left) or the list again;
        with ``keep``, down to the highlighted story at least, so a reload keeps the reader's
        place."""
        # Parsed again at each load (the box checked it): age: counts from now.
        search = None
        if self.search_query is not None:
            search = parse(self.search_query, now=int(self.clock()))
        query = ArticleQuery.of(self.view, self.filter, search, self._saved_query())
        rows, current = self.articles.rows, self.articles.current
        before: Place | None = None
        until: Place | None = None
        after: int | None = None
        if append and rows:
            before = page_key(rows[-1], query.updated)
            after = rows[-1].id
        elif keep and current is not None:
            until = page_key(current, query.updated)
        self._read_articles(query, before, until, append, keep, after, to_end)

    @work(
        thread=True,
        exclusive=True,
        group="articles",
        exit_on_error=False,
        name="Loading the stories",
    )
    def _read_articles(
        self,
        query: ArticleQuery,
        before: Place | None,
        until: Place | None,
        append: bool,
        keep: bool,
        after: int | None,
        to_end: bool,
    ) -> None:
        if query.search is not None:
            found = self.store.search(query.search, limit=200)
            self.post_message(ArticlesLoaded(found, False, append=False, keep=keep))
            return
        rows: list[Article] = []
        if until is not None:
            rows = self._stories(query, until=until)
            before = page_key(rows[-1], query.updated) if rows else None
        more = self._stories(query, limit=-1 if to_end else PAGE + 1, before=before)
        has_more = not to_end and len(more) > PAGE
        rows += more if to_end else more[:PAGE]
        if not get_current_worker().is_cancelled:  # a newer load took its place
            self.post_message(ArticlesLoaded(rows, has_more, append, keep, after))

    def _stories(
        self,
        query: ArticleQuery,
        limit: int = 50,
        before: Place | None = None,
        until: Place | None = None,
    ) -> list[Article]:
        return self.store.articles(
            feed_id=query.feed_id,
            folder=query.folder,
            unread=query.unread,
            starred=query.starred,
            updated=query.updated,
            limit=limit,
            before=before,
            until=until,
            query=query.saved,
        )

    def on_feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feeds.show_feeds(message.feeds, message.saved)
        self.update_title()
        self._say_when_empty()

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        if message.append:
            self.articles.extend(message.rows, message.has_more, message.after)
        else:
            self.articles.replace(message.rows, message.has_more, keep=message.keep)
            self._say_when_empty()

    def _say_when_empty(self) -> None:
        """An empty story list says why, and what to do."""
        if not self.articles.rows:
            self.articles.empty_message = self._empty_message()
            self.articles.refresh()

    def _empty_message(self) -> str:
        if self.search_query is not None:
            return f"Nothing matches {self.search_query!r}."
        if self.feeds.loaded and not self.feeds.feeds:
            return f"No feeds yet: press {self.key_shown('feeds.add')} to add a feed."
        kinds = {self.view.kind, self.filter}
        if self.view.kind == "saved":
            which = "" if self.filter == "all" else f"{NAMES[self.filter].lower()} "
            return f"No {which}stories match the saved search {self.view.saved}."
        place = {"feed": " in this feed", "folder": " in this folder"}.get(self.view.kind, "")
        if "unread" in kinds:
            hint = f" (press {self.key_shown('app.filter')} for the others)"
            return f"No unread stories{place}." + (hint if self.filter == "unread" else "")
        if "starred" in kinds:
            star = self.key_shown("article.star")
            return f"No starred stories{place}: press {star} on a story to star it."
        if "updated" in kinds:
            return f"No story{place} has changed since it was first seen."
        refresh = self.key_shown("feeds.refresh")
        if self.view.kind == "feed":
            return f"No stories in this feed yet: press {refresh} to refresh it."
        if self.view.kind == "folder":
            return f"No stories in this folder yet: press {refresh} to refresh its feeds."
        return f"No stories yet: press {self.key_shown('feeds.refresh_all')} to refresh."

    @on(ArticleList.NeedMore)
    def _more(self, event: ArticleList.NeedMore) -> None:
        self.load_articles(append=True, to_end=event.to_end)

    # -- the feeds pane ---------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#feeds")
    def _feed_selected(self, event: OptionList.OptionSelected) -> None:
        """A feed or a view: its stories, and the keys go to them. A folder: its stories, and
        it opens or closes, the keys staying on the feeds."""
        view = View.parse(event.option.id)
        self.show_view(view)
        if view.kind == "folder":
            self.feeds.toggle_folder()
        else:
            self.articles.focus()

    @on(OptionList.OptionHighlighted, "#feeds")
    def _feed_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        feed = self.feeds.selected_feed
        if feed and feed.error:
            self.status(outside(f"! {feed.title}: {feed.error}", "$text-error"), error=True)
        elif self.query_one("#status").has_class("-error"):
            self.status(Content(""))

    # -- actions ----------------------------------------------------------------------------

    def action_search(self) -> None:
        def searched(query: str | None) -> None:
            if query:
                self.search_query = query
                self.update_title()
                self.load_articles(append=False, keep=False)
                self.articles.focus()

        self.push_screen(SearchDialog(self.clock, self.search_query or ""), searched)

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.update_title()
        self.load_articles(append=False, keep=True)

    def action_updated_stories(self) -> None:
        updated = View("updated")
        self.feeds.select_id(updated.option_id)
        self.show_view(updated)
        self.articles.focus()
