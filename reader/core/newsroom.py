"""The newsroom: one per process, holding the store, the extractor, a fetcher for stories and the
event loop all network work runs on.

Fetching is asyncio (libcurl's multi interface driven by the loop) while the callers are
synchronous: the CLI, the TUI's worker threads, the refresh child process. So the loop runs on a
thread of its own for the newsroom's whole life, and every method here blocks its caller until
the work is done there. Story pages (opened in the TUI, shown by the CLI, extracted after a
refresh) share one fetcher and its kept-alive connections; a refresh or watch pass gets a
fetcher of its own, so that its caps, cookies and timed-out hosts are the pass's and a story
opened meanwhile never queues behind it.

Call the methods from any thread but the newsroom's own (``on_result`` callbacks run there).
Close the newsroom before its store: closing cancels what is still running.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from reader.config import Config
from reader.core.factories import make_extractor, make_fetcher
from reader.core.models import Article, Change, Feed, RefreshResult, RefreshSummary
from reader.core.refresh import refresh_feeds, refresh_in_child
from reader.core.store import Store

if TYPE_CHECKING:
    from reader.core.extract import Extractor
    from reader.core.fetch import Fetcher
    from reader.core.fulltext import FullText
    from reader.core.subscribe import Added, Found, Imported
    from reader.core.watch import WatchSummary

# Parsers, extraction and the change rules are imported where they are first needed: a refresh
# where nothing changed, the most common command, never loads them.

T = TypeVar("T")


class Newsroom:
    """The store, the network and the extractor behind one synchronous face.

    An ``extractor`` passed in stays the caller's to close (the TUI makes its own before the
    screen takes over stderr); otherwise one is made when first needed and closed with the
    newsroom.
    """

    def __init__(self, store: Store, config: Config, *, extractor: Extractor | None = None) -> None:
        self.store = store
        self.config = config
        self._extractor = extractor
        self._own_extractor = extractor is None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._fetcher: Fetcher | None = None  # for story pages; made on the loop

    def __enter__(self) -> Newsroom:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the work ---------------------------------------------------------------------------

    def refresh(
        self,
        feeds: Sequence[Feed] | None = None,
        on_result: Callable[[RefreshResult], None] | None = None,
    ) -> RefreshSummary:
        """Refresh ``feeds`` (default: every subscription) to completion, then extract the new
        stories config.toml asks for and tell the [notify] command and URLs of the changes the
        feeds brought; ``on_result`` hears of each feed as it finishes."""
        started = int(time.time())
        targets = feeds if feeds is not None else self.store.feeds(unread=False)
        mark = self.store.last_version_id()
        summary = self._run(refresh_feeds(self.store, self.config, targets, on_result))
        if summary.updated:
            changes = tuple(self.store.feed_changes_after(mark))
            summary = summary._replace(changes=changes)
            self._tell(changes)
        if summary.new:
            from reader.core.fulltext import stories_to_extract

            stories = stories_to_extract(self.store, self.config, seen_since=started)
            for story in stories:
                self.full_text(story)
            if stories:
                self.store.sync_search_index()
        return summary

    def refresh_in_child(
        self,
        feeds: Sequence[Feed],
        on_result: Callable[[RefreshResult], None] | None = None,
    ) -> RefreshSummary:
        """refresh() in a process of its own (the TUI's: see refresh.refresh_in_child)."""
        return refresh_in_child(self.config, feeds, on_result)

    def watch(self, *, everything: bool = False) -> WatchSummary:
        """One watch pass over the stories due a check (``everything``: all in their window),
        then the [notify] command and URLs told of what changed."""
        from reader.core.watch import Watcher

        watcher = Watcher(self.store, self.config, self._extraction())
        summary = self._run(watcher.check(everything=everything))
        self._tell(summary.changes)
        return summary

    def _tell(self, changes: Sequence[Change]) -> None:
        if changes:
            from reader.core.notify import notify_changes

            notify_changes(self.store, self.config, changes)

    def full_text(self, article: Article) -> FullText:
        """The best text for ``article``: the cached extraction, else its page fetched and
        extracted once (the feed's own text, with a note, when that gives less)."""
        from reader.core.fulltext import cached_text

        cached = cached_text(self.store, article)
        if cached is not None:
            return cached
        extractor = self._extraction()
        return self._run(self._fetch_text(article, extractor))

    def add_feed(self, url: str, *, folder: str | None = None) -> Added:
        """Subscribe to the feed at or behind ``url`` and store its stories at once. Raises
        UnsafeURLError (a ValueError) for a URL newsroom will not fetch, SubscribeError when
        no feed is found."""
        from reader.core.safety import check_feed_url
        from reader.core.subscribe import subscribe

        found = self._run(self._discover(check_feed_url(url)))
        return subscribe(self.store, self.config, found, folder=folder)

    def import_subscriptions(self, data: bytes) -> Imported:
        """Import an OPML or newsboat urls file (see subscribe.import_subscriptions)."""
        from reader.core.subscribe import import_subscriptions

        return import_subscriptions(self.store, data)

    def export_subscriptions(self, fmt: str = "opml", *, with_credentials: bool = False) -> str:
        """The subscriptions as OPML or JSON (see subscribe.export_subscriptions)."""
        from reader.core.subscribe import export_subscriptions

        return export_subscriptions(self.store, fmt, with_credentials=with_credentials)

    async def _fetch_text(self, article: Article, extractor: Extractor) -> FullText:
        from reader.core.fulltext import fetch_text

        return await fetch_text(self.store, self.config, article, self._stories(), extractor)

    async def _discover(self, url: str) -> Found:
        from reader.core.fetch import feed_limits
        from reader.core.subscribe import discover

        return await discover(self._stories(), url, feed_limits(self.config.fetch))

    # -- what it holds ----------------------------------------------------------------------

    def _extraction(self) -> Extractor:
        with self._lock:
            if self._extractor is None:
                self._extractor = make_extractor(self.config)
            return self._extractor

    def _stories(self) -> Fetcher:
        """The fetcher for story pages, made on the loop (it belongs to the loop it runs on)."""
        if self._fetcher is None:
            self._fetcher = make_fetcher(self.config)
        return self._fetcher

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the newsroom's loop and wait for it; an interruption while waiting
        (Ctrl-C, the daemon's SIGTERM) cancels it."""
        future = asyncio.run_coroutine_threadsafe(work, self._started())
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="newsroom-loop", daemon=True
                )
                self._thread.start()
            return self._loop

    def close(self) -> None:
        """Cancel what still runs, close the fetcher and stop the loop; close an extractor the
        newsroom made."""
        with self._lock:
            loop, self._loop = self._loop, None
            thread, self._thread = self._thread, None
            extractor = self._extractor if self._own_extractor else None
            self._extractor = None
        if loop is not None and thread is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result()
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
        if extractor is not None:
            extractor.close()

    async def _shutdown(self) -> None:
        """What asyncio.run() does on the way out: cancel the tasks left and wait for them,
        then close the fetcher and wait for the threads still writing to the store."""
        loop = asyncio.get_running_loop()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            await fetcher.aclose()
        await loop.shutdown_asyncgens()
        await loop.shutdown_default_executor()
