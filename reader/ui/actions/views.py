"""What the story list shows (a view of the feeds pane, a filter, a search) and the one path that
loads the feeds and the stories: everything that changes stored data posts Reload."""

from __future__ import annotations

from textual import on, work
from textual.content import Content
from textual.widgets import OptionList

from reader.core.models import Article
from reader.core.store import page_key
from reader.ui.actions.base import Base
from reader.ui.messages import ArticlesLoaded, FeedsLoaded, Reload
from reader.ui.outside import outside
from reader.ui.screens.dialogs import InputDialog
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
            feed = self.feeds.selected_feed
            label = feed.title if feed else NAMES.get(self.view.kind, "All")
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
        self.post_message(FeedsLoaded(self.store.feeds()))

    def load_articles(self, append: bool = False, keep: bool = True) -> None:
        """The next page (``append``) or the list again; with ``keep``, down to the highlighted
        story at least, so a reload keeps the reader's place."""
        query = ArticleQuery.of(self.view, self.filter, self.search_query)
        rows, current = self.articles.rows, self.articles.current
        before: Place | None = None
        until: Place | None = None
        if append and rows:
            before = page_key(rows[-1], query.updated)
        elif keep and current is not None:
            until = page_key(current, query.updated)
        self._read_articles(query, before, until, append, keep)

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
    ) -> None:
        if query.search is not None:
            found = self.store.search(query.search, limit=200)
            self.post_message(ArticlesLoaded(found, False, append=False, keep=keep))
            return
        rows: list[Article] = []
        if until is not None:
            rows = self._stories(query, until=until)
            before = page_key(rows[-1], query.updated) if rows else None
        more = self._stories(query, limit=PAGE + 1, before=before)
        rows += more[:PAGE]
        self.post_message(ArticlesLoaded(rows, len(more) > PAGE, append, keep))

    def _stories(
        self,
        query: ArticleQuery,
        limit: int = 50,
        before: Place | None = None,
        until: Place | None = None,
    ) -> list[Article]:
        return self.store.articles(
            feed_id=query.feed_id,
            unread=query.unread,
            starred=query.starred,
            updated=query.updated,
            limit=limit,
            before=before,
            until=until,
        )

    def on_feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feeds.show_feeds(message.feeds)
        self.update_title()

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        if message.append:
            self.articles.extend(message.rows, message.has_more)
        else:
            self.articles.replace(message.rows, message.has_more, keep=message.keep)

    @on(ArticleList.NeedMore)
    def _more(self) -> None:
        self.load_articles(append=True)

    # -- the feeds pane ---------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#feeds")
    def _feed_selected(self, event: OptionList.OptionSelected) -> None:
        self.show_view(View.parse(event.option.id))
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
                self.articles.empty_message = f"Nothing matches {query!r}."
                self.articles.focus()

        self.push_screen(InputDialog("Search stories", "words to find"), searched)

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.update_title()
        self.load_articles(append=False, keep=True)

    def action_updated_stories(self) -> None:
        updated = View("updated")
        self.feeds.select_id(updated.option_id)
        self.show_view(updated)
        self.articles.focus()
