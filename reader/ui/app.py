"""The newsroom TUI: feeds, articles and a reading pane, keyboard first.

This module puts the app together: the panes, the keys (bindings.py), the command palette
(commands.py) and the groups of actions (actions/), and runs it (timers, signals, failures).
All storage and network work runs in thread workers that call the core and post small messages
back; the event loop only renders. make_app() is the one place the app is built, for the CLI
and the tests alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.theme import BUILTIN_THEMES, Theme
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from reader.config import Config, ConfigError, save_setting
from reader.core.factories import make_extractor
from reader.core.newsroom import Newsroom
from reader.core.store import Store
from reader.ui.actions.feeds import ManageFeeds
from reader.ui.actions.keeping import Keeping
from reader.ui.actions.navigation import Navigation
from reader.ui.actions.saved_searches import SavedSearches
from reader.ui.actions.subscriptions import DUE_CHECK, Subscriptions
from reader.ui.bindings import APP, KNOWN_IDS, bindings
from reader.ui.commands import NewsroomCommands
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.feed_list import FeedList
from reader.ui.widgets.reading_pane import ReadingPane


def stylesheet() -> Path:
    """styles/app.tcss: inside the package when installed, beside it in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "styles" / "app.tcss"
    return shipped if shipped.exists() else package.parent / "styles" / "app.tcss"


class NewsroomApp(Navigation, Subscriptions, ManageFeeds, Keeping, SavedSearches):
    TITLE = "newsroom"
    CSS_PATH = stylesheet()
    BINDINGS = bindings(APP)
    COMMANDS = App.COMMANDS | {NewsroomCommands}

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        refresh_on_start: bool | None = None,
        refresh_interval: float | None = None,
        watch_everything: bool = False,
        refresh_everything: bool = False,
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.clock = clock
        # Made now, while stderr is still the terminal's (see Extractor), and the newsroom's
        # for as long as the app runs: every story opened shares its fetcher and event loop.
        self.extractor = make_extractor(config)
        self.newsroom = Newsroom(store, config, extractor=self.extractor)
        self.watch_everything = watch_everything
        # The timer looks for due feeds every minute (each feed has its own schedule); the
        # demo's refreshes every feed on each tick instead.
        self.refresh_everything = refresh_everything
        self.refresh_on_start = (
            config.tui.refresh_on_start if refresh_on_start is None else refresh_on_start
        )
        self.refresh_interval = refresh_interval or DUE_CHECK
        self.watch_interval = refresh_interval or config.watch.every_minutes * 60
        self.crash: str | None = None  # the traceback of an uncaught error, for the log file

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FeedList(id="feeds")
            yield ArticleList(clock=self.clock, id="articles")
            yield ReadingPane(id="reader")
        yield Static(Content(""), id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.theme = self.config.tui.theme  # a known one: make_app checked
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.feeds.border_title = "Feeds"
        self.update_title()
        self.articles.focus()
        self.fit_layout(self.size.width)
        self.load_feeds()
        self.load_articles(append=False, keep=False)
        if self.refresh_on_start:
            self.refresh_feeds(None)
        self.set_interval(self.refresh_interval, self.refresh_due)
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
        self.newsroom.close()
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
        self.fit_layout(event.size.width)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme chosen in the command palette is kept in config.toml for next time."""
        if theme.name != self.config.tui.theme:
            self.config = self.config._replace(tui=self.config.tui._replace(theme=theme.name))
            self.save_theme(theme.name)

    @work(thread=True, exclusive=True, group="theme", exit_on_error=False, name="Saving the theme")
    def save_theme(self, name: str) -> None:
        try:
            save_setting(self.config.config_path, "tui", "theme", name)
        except ConfigError as exc:
            self.toast(str(exc), severity="error", timeout=8)

    # -- failures ---------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An uncaught error ends the app (exit code 1) as in Textual, but its traceback is
        kept for the log file instead of being printed on the terminal, where it would show
        local variables, feed text included."""
        if self.crash is None:  # the first is the cause; later ones may follow from it
            self.crash = "".join(traceback.format_exception(error))
        super()._handle_exception(error)
        self._exit_renderables.clear()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place reports every worker failure, by what the worker was doing; none can
        take the app down."""
        if event.state is WorkerState.ERROR:
            if event.worker.group == "refresh":
                self.refreshing = False
            self.toast(
                f"{event.worker.name} failed: {event.worker.error}", severity="error", timeout=8
            )


def make_app(
    config: Config,
    store: Store | None = None,
    *,
    clock: Callable[[], float] = time.time,
    refresh_on_start: bool | None = None,
    refresh_interval: float | None = None,
    watch_everything: bool = False,
    refresh_everything: bool = False,
) -> NewsroomApp:
    """Build the app: check the theme, open the store, apply the user's keymap (checking its
    binding ids against those of every screen)."""
    unknown = sorted(set(config.keys) - KNOWN_IDS)
    if unknown:
        raise ConfigError(
            f"{config.config_path}: unknown binding id keys.{unknown[0]}"
            f" (known: {', '.join(sorted(KNOWN_IDS))})"
        )
    if config.tui.theme not in BUILTIN_THEMES:
        raise ConfigError(
            f"{config.config_path}: unknown theme tui.theme = {config.tui.theme!r}"
            f" (known: {', '.join(sorted(BUILTIN_THEMES))})"
        )
    app = NewsroomApp(
        config,
        store or Store(config.db_path),
        clock=clock,
        refresh_on_start=refresh_on_start,
        refresh_interval=refresh_interval,
        watch_everything=watch_everything,
        refresh_everything=refresh_everything,
    )
    app.set_keymap(config.keys)
    return app
