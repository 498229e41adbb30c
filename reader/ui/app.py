"""The newsroom TUI: feeds, articles and a reading pane, keyboard first.

All storage and network work runs in thread workers that call the core and post small messages
back; the event loop only renders. make_app() is the one place the app is put together, for the
CLI and the tests alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.worker import Worker, WorkerState, get_current_worker

from reader.config import Config, ConfigError
from reader.core.fulltext import make_extractor
from reader.core.launch import LaunchError, command_for, launch
from reader.core.models import Article, Feed, RefreshStatus
from reader.core.refresh import refresh_in_child
from reader.core.safety import is_safe_url, without_credentials
from reader.core.store import Store, page_key
from reader.ui.messages import (
    ArticleChanged,
    ArticlesLoaded,
    FeedsLoaded,
    FullTextLoaded,
    RefreshFinished,
    RefreshProgress,
    VersionsLoaded,
    WatchFinished,
)
from reader.ui.outside import clean, outside
from reader.ui.screens.dialogs import ConfirmDialog, InputDialog
from reader.ui.screens.diff import DiffScreen
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.feed_list import FeedList
from reader.ui.widgets.reading_pane import ReadingPane

PAGE = 100
NARROW = 110  # below this many columns the reading pane replaces the lists
FILTERS = ("all", "unread", "starred", "updated")


def stylesheet() -> Path:
    """styles/app.tcss: inside the package when installed, beside it in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "styles" / "app.tcss"
    return shipped if shipped.exists() else package.parent / "styles" / "app.tcss"


class NewsroomApp(App[None]):
    TITLE = "newsroom"
    CSS_PATH = stylesheet()
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="move.down", tooltip="Next story"),
        Binding("k,up", "move(-1)", "Up", show=False, id="move.up", tooltip="Previous story"),
        Binding("g,home", "edge(0)", "Top", show=False, id="move.top", tooltip="First story"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="move.bottom", tooltip="Last story"),
        Binding("enter", "open", "Open", id="article.open", tooltip="Read the story"),
        Binding(
            "space",
            "page_down",
            "Page",
            show=False,
            id="reader.page_down",
            tooltip="Page down in the story (or the list)",
        ),
        Binding(
            "n",
            "unread(1)",
            "Next unread",
            show=False,
            id="move.next_unread",
            tooltip="Open the next unread story",
        ),
        Binding(
            "p",
            "unread(-1)",
            "Prev unread",
            show=False,
            id="move.previous_unread",
            tooltip="Open the previous unread story",
        ),
        Binding(
            "tab",
            "next_pane",
            "Pane",
            show=False,
            id="pane.next",
            tooltip="Move between feeds, stories and the reading pane",
        ),
        Binding(
            "r",
            "refresh_feed",
            "Refresh",
            id="feeds.refresh",
            tooltip="Refresh the selected feed (all feeds on a view)",
        ),
        Binding(
            "R",
            "refresh_all",
            "Refresh all",
            show=False,
            id="feeds.refresh_all",
            tooltip="Refresh every feed",
        ),
        Binding("a", "add_feed", "Add", id="feeds.add", tooltip="Subscribe to a feed or a site"),
        Binding(
            "t",
            "toggle_text",
            "Full/feed text",
            show=False,
            id="reader.toggle_text",
            tooltip="Switch the reading pane between the page's full text and the feed's text",
        ),
        Binding(
            "o",
            "open_browser",
            "Browser",
            show=False,
            id="article.browser",
            tooltip="Open the story in your web browser",
        ),
        Binding("s", "star", "Star", show=False, id="article.star", tooltip="Star or unstar"),
        Binding(
            "m",
            "toggle_read",
            "Read",
            show=False,
            id="article.toggle_read",
            tooltip="Mark the story read or unread",
        ),
        Binding(
            "A",
            "mark_feed_read",
            "Mark feed read",
            show=False,
            id="feeds.mark_read",
            tooltip="Mark every story of the selected feed read (ctrl+z undoes)",
        ),
        Binding(
            "ctrl+z",
            "undo",
            "Undo",
            show=False,
            id="app.undo",
            tooltip="Undo the last mark-feed-read",
        ),
        Binding("slash", "search", "Search", id="app.search", tooltip="Full-text search"),
        Binding(
            "f",
            "cycle_filter",
            "Filter",
            id="app.filter",
            tooltip="Cycle the filter: all, unread, starred, updated",
        ),
        Binding(
            "d",
            "diff",
            "Changes",
            show=False,
            id="article.diff",
            tooltip="Show what changed in the story",
        ),
        Binding(
            "u",
            "updated_stories",
            "Updated",
            show=False,
            id="app.updated",
            tooltip="List the stories that changed after publication",
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Show every key"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit newsroom"),
        Binding(
            "escape",
            "back",
            "Back",
            show=False,
            id="app.back",
            tooltip="Leave the reading pane or the search",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            id="app.palette",
            tooltip="Every action, plus import/export OPML and themes",
        ),
    ]

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        refresh_on_start: bool | None = None,
        refresh_interval: float | None = None,
        watch_everything: bool = False,
    ) -> None:
        super().__init__()
        # The demo's stories change within minutes: there the watcher ignores the schedule.
        self.watch_everything = watch_everything
        self.config = config
        self.store = store
        self.clock = clock
        self.refresh_on_start = (
            config.tui.refresh_on_start if refresh_on_start is None else refresh_on_start
        )
        self.refresh_interval = refresh_interval or config.refresh.interval_minutes * 60
        self.watch_interval = refresh_interval or config.watch.every_minutes * 60
        self.view = "all"
        self.filter = "all"
        self.search_query: str | None = None
        self.undo_ids: list[int] = []
        self.extractor = make_extractor(config)
        self.refreshing = False
        self.reading = False  # a story is open in the reading pane
        self._progress_shown = 0.0
        self.crash: str | None = None  # the traceback of an uncaught error, for the log file

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FeedList(id="feeds")
            yield ArticleList(clock=self.clock, id="articles")
            yield ReadingPane(id="reader")
        yield Static(Content(""), id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self.config.tui.theme in self.available_themes:
            self.theme = self.config.tui.theme
        self.query_one(FeedList).border_title = "Feeds"
        self._update_title()
        self.query_one(ArticleList).focus()
        self._layout(self.size.width)
        self.load_feeds()
        self.load_articles(append=False, keep=False)
        if self.refresh_on_start:
            self.refresh_feeds(None)
        self.set_interval(self.refresh_interval, lambda: self.refresh_feeds(None))
        if self.config.watch.in_tui:
            self.set_interval(self.watch_interval, self.watch_stories)
        self._catch_signals(True)
        # Everything loaded so far (Textual, Rich, our modules) lives as long as the app. Frozen,
        # the collector stops walking it: a full collection went from about 60 ms, a visible
        # stall in the middle of key presses, to 10-30 ms.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        gc.unfreeze()
        self._catch_signals(False)
        self.extractor.close()

    def _catch_signals(self, catch: bool) -> None:
        """SIGTERM and SIGHUP (closed terminal) quit like `q`, so the terminal is restored."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                if catch:
                    loop.add_signal_handler(sig, self.exit)
                else:
                    loop.remove_signal_handler(sig)

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        # "-reading" only where it changes the layout: a class change restyles every widget on
        # screen (the open story's too), which made opening and closing stories slow.
        self.screen.set_class(width < NARROW, "-narrow")
        self.screen.set_class(width < NARROW and self.reading, "-reading")

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def feeds(self) -> FeedList:
        return self.query_one(FeedList)

    @property
    def reader(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    def _update_title(self) -> None:
        names = {"all": "All", "unread": "Unread", "starred": "Starred", "updated": "Updated"}
        if self.search_query is not None:
            label = f"Search: {self.search_query}"
        else:
            feed = self.feeds.selected_feed
            label = feed.title if feed else names.get(self.view, "All")
            if self.filter != "all":
                label += f" · {names[self.filter].lower()}"
        self.articles.border_title = outside(label)

    # -- loading (workers) ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def load_feeds(self) -> None:
        self.post_message(FeedsLoaded(self.store.feeds()))

    def _query(self) -> dict[str, object]:
        view = self.view
        return {
            "feed_id": int(view[5:]) if view.startswith("feed:") else None,
            "unread": "unread" in (view, self.filter),
            "starred": "starred" in (view, self.filter),
            "updated": "updated" in (view, self.filter),
        }

    @work(thread=True, exclusive=True, group="articles", exit_on_error=False)
    def load_articles(self, append: bool = False, keep: bool = True) -> None:
        if self.search_query is not None:
            rows = self.store.search(self.search_query, limit=200)
            self.post_message(ArticlesLoaded(rows, False, append=False, keep=keep))
            return
        query = self._query()
        updated = bool(query["updated"])
        rows: list[Article] = []
        before = None
        current = self.articles.current
        if append and self.articles.rows:
            before = page_key(self.articles.rows[-1], updated)
        elif keep and current is not None:
            # Down to the highlighted story, then a page: a reload keeps the reader's place.
            rows = self.store.articles(until=page_key(current, updated), **query)  # type: ignore[arg-type]
            before = page_key(rows[-1], updated) if rows else None
        more = self.store.articles(limit=PAGE + 1, before=before, **query)  # type: ignore[arg-type]
        rows += more[:PAGE]
        self.post_message(ArticlesLoaded(rows, len(more) > PAGE, append, keep))

    def on_feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feeds.show_feeds(message.feeds)
        self._update_title()

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        if message.append:
            self.articles.extend(message.rows, message.has_more)
        else:
            self.articles.replace(message.rows, message.has_more, keep=message.keep)

    @on(ArticleList.NeedMore)
    def _more(self) -> None:
        self.load_articles(append=True)

    # -- feeds pane -------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#feeds")
    def _feed_selected(self, event: OptionList.OptionSelected) -> None:
        self._show_view(event.option.id or "all")
        self.articles.focus()

    @on(OptionList.OptionHighlighted, "#feeds")
    def _feed_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        feed = self.feeds.selected_feed
        if feed and feed.error:
            self._status(outside(f"! {feed.title}: {feed.error}", "$text-error"), error=True)
        elif self.query_one("#status", Static).has_class("-error"):
            self._status(Content(""))

    def _status(self, content: Content, error: bool = False) -> None:
        """Show one line in the status bar. Its size is fixed (app.tcss), so a new text only
        repaints it; laying the screen out again cost 20-40 ms of a key press's time."""
        status = self.query_one("#status", Static)
        status.set_class(error, "-error")
        status.update(content, layout=False)

    def _show_view(self, view: str) -> None:
        self.view = view
        self.search_query = None
        self._update_title()
        self.load_articles(append=False, keep=False)

    # -- articles ---------------------------------------------------------------------------

    @on(ArticleList.Selected)
    def _article_clicked(self, event: ArticleList.Selected) -> None:
        self.open_article(event.article)

    def open_article(self, article: Article) -> None:
        if self.reader.article is None or self.reader.article.id != article.id:
            self.reader.show(article)  # the story already open keeps its text and place
            self.load_full_text(article)
        self.reading = True
        self._layout(self.size.width)
        if not article.read:
            self.mark(article, read=True)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def load_full_text(self, article: Article) -> None:
        """Fetch and extract the page (or read the cache); moving on cancels the wait."""
        from reader.core.fulltext import full_text

        if get_current_worker().is_cancelled:
            return
        full = full_text(self.store, self.config, article, self.extractor)
        if not get_current_worker().is_cancelled:
            self.post_message(FullTextLoaded(full))

    def on_full_text_loaded(self, message: FullTextLoaded) -> None:
        self.reader.show_full(message.full)

    def action_toggle_text(self) -> None:
        if not self.reader.toggle():
            self.toast("Only the feed's text is available for this story", timeout=3)

    @work(thread=True, group="marks", exit_on_error=False)
    def mark(self, article: Article, read: bool | None = None, starred: bool | None = None) -> None:
        self.store.mark(article.id, read=read, starred=starred)
        updated = self.store.article(article.id)
        if updated is not None:
            self.post_message(ArticleChanged(updated, article))

    def on_article_changed(self, message: ArticleChanged) -> None:
        article, before = message.article, message.before
        self.articles.update_article(article)
        if article.read != before.read:
            self.feeds.count_unread(article.feed_id, -1 if article.read else 1)

    # -- refresh ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_feeds(self, feeds: list[Feed] | None) -> None:
        targets = feeds if feeds is not None else self.store.feeds(unread=False)
        if not targets:
            return
        self.refreshing = True
        done = 0
        failures: list[str] = []

        def progress(result: object) -> None:
            nonlocal done
            done += 1
            if getattr(result, "status", None) is RefreshStatus.FAILED:
                failures.append(getattr(result, "url", ""))
            self.post_message(RefreshProgress(done, len(targets)))

        self.post_message(RefreshProgress(0, len(targets)))
        try:
            summary = refresh_in_child(self.config, targets, on_result=progress)
        finally:
            self.refreshing = False
        self.post_message(RefreshFinished(summary, failures))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        # A few updates a second: a big refresh sends dozens a second, each worth a repaint.
        now = time.monotonic()
        if 0 < message.done < message.total and now - self._progress_shown < 0.25:
            return
        self._progress_shown = now
        self._status(outside(f"Refreshing feeds {message.done}/{message.total}…"))

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        summary = message.summary
        self._status(
            outside(
                f"Refreshed {summary.feeds} feeds: {summary.new} new, {summary.updated} changed,"
                f" {summary.failed} failed"
            )
        )
        if summary.new or summary.updated:
            self.toast(f"{summary.new} new stories, {summary.updated} changed", timeout=4)
        if message.failures:
            self.toast(
                f"{len(message.failures)} feed(s) failed; select a feed marked ! for the error",
                severity="warning",
            )
        self.load_feeds()
        self.load_articles(append=False, keep=True)

    # -- actions ----------------------------------------------------------------------------

    def _focused_pane(self) -> str:
        focused = self.focused
        if isinstance(focused, FeedList):
            return "feeds"
        if focused is not None and (focused is self.reader or self.reader in focused.ancestors):
            return "reader"
        return "articles"

    def action_move(self, delta: int) -> None:
        pane = self._focused_pane()
        if pane == "feeds":
            self.feeds.action_cursor_down() if delta > 0 else self.feeds.action_cursor_up()
        elif pane == "reader":
            self.reader.scroll_relative(y=delta * 3, animate=False)
        else:
            self.articles.move(delta)

    def action_edge(self, bottom: int) -> None:
        if self._focused_pane() == "reader":
            self.reader.scroll_end() if bottom else self.reader.scroll_home()
        elif bottom:
            self.articles.move_to(len(self.articles.rows) - 1)
        else:
            self.articles.move_to(0)

    def action_open(self) -> None:
        if self._focused_pane() == "feeds":
            self._show_view(self.feeds.selected_id or "all")
            self.articles.focus()
        elif (article := self.articles.current) is not None:
            self.open_article(article)

    def action_page_down(self) -> None:
        if self.reader.article is not None and self.reader.display:
            self.reader.scroll_page_down(animate=False)
        else:
            self.articles.action_page(1)

    def action_unread(self, direction: int) -> None:
        rows = self.articles.rows
        indexes = range(
            self.articles.cursor + direction, len(rows) if direction > 0 else -1, direction
        )
        for index in indexes:
            if not rows[index].read:
                self.articles.move_to(index)
                self.open_article(rows[index])
                return
        self.toast("No more unread stories in this list")

    def action_next_pane(self) -> None:
        order: list[Static | FeedList | ArticleList | ReadingPane] = [
            w for w in (self.feeds, self.articles, self.reader) if w.display and w.size.width
        ]
        pane = {"feeds": self.feeds, "articles": self.articles, "reader": self.reader}
        current = pane[self._focused_pane()]
        index = order.index(current) if current in order else -1
        order[(index + 1) % len(order)].focus()

    def action_refresh_feed(self) -> None:
        feed = self.feeds.selected_feed
        self.refresh_feeds([feed] if feed else None)

    def action_refresh_all(self) -> None:
        self.refresh_feeds(None)

    def action_add_feed(self) -> None:
        def added(url: str | None) -> None:
            if url:
                self.add_feed(url)

        self.push_screen(InputDialog("Subscribe to a feed or a site", "https://…"), added)

    @work(thread=True, group="add", exit_on_error=False)
    def add_feed(self, url: str) -> None:
        from reader.core.subscribe import SubscribeError, add_feed

        self.toast(f"Looking for a feed at {url}…", timeout=2)
        try:
            feed, created, stored = add_feed(self.store, self.config, url)
        except (SubscribeError, ValueError) as exc:
            self.toast(str(exc), severity="error")
            return
        message = (
            f"Subscribed to {feed.title} ({stored} stories)"
            if created
            else (f"Already subscribed to {feed.title}")
        )
        self.toast(message)
        self.load_feeds()
        self.load_articles(append=False, keep=True)

    def action_open_browser(self) -> None:
        article = self.articles.current
        if article is None or not article.url or not is_safe_url(article.url):
            self.toast(
                "This story has no web address that can be opened safely", severity="warning"
            )
            return
        # Links stored before logins were kept out of them may still carry one.
        self.open_url(without_credentials(article.url), article.title)

    @work(thread=True, group="browser", exit_on_error=False)
    def open_url(self, url: str, title: str) -> None:
        if self.config.tui.browser:
            try:
                launch(command_for(self.config.tui.browser, url, title))
            except LaunchError as exc:
                self.toast(str(exc), severity="error")
                return
            opened = True
        else:
            opened = webbrowser.open(url)
        self.toast(f"Opened {url}" if opened else "No web browser found", timeout=3)

    def action_star(self) -> None:
        if (article := self.articles.current) is not None:
            self.mark(article, starred=not article.starred)

    def action_toggle_read(self) -> None:
        if (article := self.articles.current) is not None:
            self.mark(article, read=not article.read)

    def action_mark_feed_read(self) -> None:
        feed = self.feeds.selected_feed
        if feed is None:
            self.toast("Select a feed first (tab to the feeds pane)", severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.mark_feed_read(feed)

        self.push_screen(ConfirmDialog(f"Mark every story of {feed.title} read?"), confirmed)

    @work(thread=True, group="marks", exit_on_error=False)
    def mark_feed_read(self, feed: Feed) -> None:
        self.undo_ids = self.store.mark_feed_read(feed.id)
        self.toast(f"Marked {len(self.undo_ids)} stories read (ctrl+z undoes)")
        self.load_feeds()
        self.load_articles(append=False, keep=True)

    @work(thread=True, group="marks", exit_on_error=False)
    def action_undo(self) -> None:
        if not self.undo_ids:
            self.toast("Nothing to undo")
            return
        ids, self.undo_ids = self.undo_ids, []
        self.store.mark_unread(ids)
        self.toast(f"Marked {len(ids)} stories unread again")
        self.load_feeds()
        self.load_articles(append=False, keep=True)

    def action_search(self) -> None:
        def searched(query: str | None) -> None:
            if query:
                self.search_query = query
                self._update_title()
                self.load_articles(append=False, keep=False)
                self.articles.empty_message = f"Nothing matches {query!r}."
                self.articles.focus()

        self.push_screen(InputDialog("Search stories", "words to find"), searched)

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._update_title()
        self.load_articles(append=False, keep=True)

    def action_updated_stories(self) -> None:
        self.feeds.select_id("updated")
        self._show_view("updated")
        self.articles.focus()

    def action_diff(self) -> None:
        if (article := self.articles.current) is not None:
            self.load_versions(article)

    @work(thread=True, exclusive=True, group="versions", exit_on_error=False)
    def load_versions(self, article: Article) -> None:
        versions = self.store.versions(article.id)
        self.post_message(VersionsLoaded(article, versions, self.store.read_version(article.id)))

    def on_versions_loaded(self, message: VersionsLoaded) -> None:
        if len(message.versions) < 2:
            self.toast("No change recorded for this story yet", timeout=3)
            return
        self.push_screen(DiffScreen(message.article.title, message.versions, message.read_version))

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def watch_stories(self) -> None:
        """One pass of the story watcher; the feeds' own changes come with each refresh."""
        from reader.core.watch import Watcher

        watcher = Watcher(self.store, self.config, self.extractor)
        summary = watcher.run(everything=self.watch_everything)
        changed = [self.store.article(i) for i in summary.changed_ids]
        read = [a for a in changed if a is not None and a.read]
        self.post_message(WatchFinished(summary, read))

    def on_watch_finished(self, message: WatchFinished) -> None:
        for article in message.read_and_changed[:3]:
            self.toast(f"A story you read has changed: {article.title}", timeout=6)
        if message.summary.changed:
            self.load_feeds()
            self.load_articles(append=False, keep=True)

    def action_back(self) -> None:
        if self.reading:
            self.reading = False
            self._layout(self.size.width)
            self.articles.focus()
        elif self.search_query is not None:
            self._show_view(self.view)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[tuple[str, str, str]]:
        """Every binding in force on the main screen, keys as remapped by the user's keymap."""
        keys: dict[tuple[str, str], list[str]] = {}
        tooltips: dict[tuple[str, str], str] = {}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            # Ours (they have ids) and the app's own; not the generic scrolling of containers.
            if not binding.description or not (binding.id or active.node is self):
                continue
            name = (binding.description, binding.action)
            keys.setdefault(name, []).append(self.get_key_display(binding.with_key(key)))
            tooltips[name] = binding.tooltip
        return [(", ".join(k), name[0], tooltips[name]) for name, k in keys.items()]

    # -- palette ----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Add feed", "Subscribe to a feed or a site", self.action_add_feed)
        yield SystemCommand("Import OPML", "Import subscriptions from a file", self.action_import)
        yield SystemCommand("Export OPML", "Write subscriptions to a file", self.action_export)
        yield SystemCommand("Refresh all feeds", "Fetch every feed now", self.action_refresh_all)
        yield SystemCommand("Search", "Full-text search over stories", self.action_search)
        yield SystemCommand(
            "Updated stories", "Stories changed after publication", self.action_updated_stories
        )
        yield SystemCommand(
            "Mark feed read", "Mark the selected feed read", self.action_mark_feed_read
        )
        yield SystemCommand(
            "Open in browser", "Open the story's web page", self.action_open_browser
        )
        yield SystemCommand("Help", "Show every key", self.action_help)

    def action_import(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                self.import_file(path)

        self.push_screen(
            InputDialog("Import OPML or newsboat urls file", "path/to/feeds.opml"), chosen
        )

    @work(thread=True, group="import", exit_on_error=False)
    def import_file(self, path: str) -> None:
        from reader.core.subscribe import import_subscriptions

        try:
            data = Path(path).expanduser().read_bytes()
            added, skipped, _ = import_subscriptions(self.store, data)
        except (OSError, ValueError) as exc:
            self.toast(f"Cannot import {path}: {exc}", severity="error")
            return
        self.toast(f"Imported {added} feeds ({skipped} already there)")
        self.load_feeds()
        if added:
            self.refresh_feeds(None)

    def action_export(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                self.export_file(path)

        default = str(Path.home() / "newsroom.opml")
        self.push_screen(InputDialog("Export subscriptions to", value=default), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def export_file(self, path: str) -> None:
        from reader.core.subscribe import export_subscriptions

        try:
            Path(path).expanduser().write_text(export_subscriptions(self.store))
        except OSError as exc:
            self.toast(f"Cannot write {path}: {exc.strerror}", severity="error")
            return
        self.toast(f"Exported subscriptions to {path}")

    # -- toasts and failures ----------------------------------------------------------------

    def toast(
        self,
        message: str,
        *,
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        """Every toast goes through here: outside parts cleaned, never read as markup. Safe to
        call from a worker thread (notify() only posts a message)."""
        self.notify(clean(message), severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """An uncaught error ends the app (exit code 1) as in Textual, but its traceback is
        kept for the log file instead of being printed on the terminal, where it would show
        local variables, feed text included."""
        if self.crash is None:  # the first is the cause; later ones may follow from it
            self.crash = "".join(traceback.format_exception(error))
        super()._handle_exception(error)
        self._exit_renderables.clear()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place reports every worker failure; none can take the app down."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.refreshing = False
            self.toast(f"{event.worker.name} failed: {error}", severity="error", timeout=8)


def make_app(
    config: Config,
    store: Store | None = None,
    *,
    clock: Callable[[], float] = time.time,
    refresh_on_start: bool | None = None,
    refresh_interval: float | None = None,
    watch_everything: bool = False,
) -> NewsroomApp:
    """Build the app: open the store, apply the user's keymap (checking its binding ids)."""
    app = NewsroomApp(
        config,
        store or Store(config.db_path),
        clock=clock,
        refresh_on_start=refresh_on_start,
        refresh_interval=refresh_interval,
        watch_everything=watch_everything,
    )
    known = {b.id for b in NewsroomApp.BINDINGS if isinstance(b, Binding) and b.id}
    known |= {b.id for b in ArticleList.BINDINGS if isinstance(b, Binding) and b.id}
    unknown = sorted(set(config.keys) - known)
    if unknown:
        raise ConfigError(
            f"{config.config_path}: unknown binding id keys.{unknown[0]}"
            f" (known: {', '.join(sorted(known))})"
        )
    app.set_keymap(config.keys)
    return app
