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
    from reader.core.manage import FeedEdit, FieldChange, Removed
    from reader.core.subscribe import Added, Discovery, FeedLink, Imported, Subscribed
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
        *,
        force: bool = False,
    ) -> RefreshSummary:
        """Refresh the due ones of ``feeds`` (default: every subscription; ``force``: all of
        them but those whose server asked to wait) to completion, then extract the new stories
        config.toml asks for, hide what [filters] hide matches, tell of the changes the feeds
        brought and of new stories that saved searches with notify = true match, and prune once
        a day when [store] asks; ``on_result`` hears of each feed as it finishes. Removed feeds
        are never refreshed."""
        started = int(time.time())
        last_id = self.store.last_article_id()
        ids = None if feeds is None else [feed.id for feed in feeds]
        targets, not_due = self.store.feeds_to_refresh(started, force=force, ids=ids)
        summary = RefreshSummary(not_due=not_due)
        if targets:
            mark = self.store.last_version_id()
            summary = self._run(refresh_feeds(self.store, self.config, targets, on_result))
            changes = tuple(self.store.feed_changes_after(mark)) if summary.updated else ()
            summary = summary._replace(not_due=not_due, changes=changes)
        if summary.new:
            from reader.core.fulltext import stories_to_extract

            stories = stories_to_extract(self.store, self.config, seen_since=started)
            for story in stories:
                self.full_text(story)
            if stories:
                self.store.sync_search_index()
        # Filters and saved searches cost nothing to those who have none.
        if self.config.filters.hide or self.store.hide_digest():
            from reader.core.filters import hide_arrivals

            hide_arrivals(self.store, self.config, after_id=last_id, since=started)
        if summary.new and any(saved.notify for saved in self.config.saved):
            from reader.core.filters import announce_matches

            announce_matches(self.store, self.config, after_id=last_id)
        self._tell(summary.changes)
        if self.config.store.keep_days or self.config.store.keep_per_feed:
            from reader.core.retention import prune_if_due

            prune_if_due(self.store, self.config, started)
        return summary

    def refresh_in_child(
        self,
        feeds: Sequence[Feed] | None,
        on_result: Callable[[RefreshResult], None] | None = None,
        *,
        force: bool = False,
    ) -> RefreshSummary:
        """refresh() in a process of its own (the TUI's: see refresh.refresh_in_child)."""
        return refresh_in_child(self.config, feeds, on_result, force=force)

    def watch(self, *, everything: bool = False) -> WatchSummary:
        """One watch pass over the stories due a check (``everything``: all in their window),
        then the [notify] command and URLs told of what changed."""
        from reader.core.watch import Watcher

        started = int(time.time())
        watcher = Watcher(self.store, self.config, self._extraction())
        summary = self._run(watcher.check(everything=everything))
        if summary.changes and self.config.filters.hide:
            from reader.core.filters import hide_arrivals

            # A story's new text may be what a filter looks for.
            hide_arrivals(
                self.store, self.config, after_id=self.store.last_article_id(), since=started
            )
        self._tell(summary.changes)
        return summary

    def _tell(self, changes: Sequence[Change]) -> None:
        if changes:
            from reader.core.notify import notify_changes

            notify_changes(self.store, self.config, changes)

    def full_text(self, article: Article) -> FullText:
        """The best text for ``article``: the cached extraction, else its page fetched and
        extracted once (the feed's own text, with a note, when that gives less)."""
        from reader.core.fulltext import cached_text, feed_text

        cached = cached_text(self.store, article)
        if cached is not None:
            return cached
        if self.store.read_only:  # a fetched page could not be kept: show what is stored
            return feed_text(article, "full text not fetched: the database is read-only")
        extractor = self._extraction()
        return self._run(self._fetch_text(article, extractor))

    def add_feed(self, url: str, *, folder: str | None = None) -> Added:
        """Subscribe to the feed at or behind ``url`` (the first a site announces) and store
        its stories at once. Raises UnsafeURLError (a ValueError) for a URL newsroom will not
        fetch, SubscribeError when no feed is found."""
        return self.add_feeds(url, folder=folder).added[0]

    def add_feeds(self, url: str, *, folder: str | None = None, every: bool = False) -> Subscribed:
        """Subscribe to the feed at or behind ``url``: a site's first announced feed (``every``:
        all of them), the others named in the result. Raises as add_feed does."""
        from reader.core.safety import check_feed_url
        from reader.core.subscribe import Subscribed, subscribe

        discovery = self._run(self._discover(check_feed_url(url), every=every))
        last_id = self.store.last_article_id()
        added = [subscribe(self.store, self.config, f, folder=folder) for f in discovery.found]
        if self.config.filters.hide:
            from reader.core.filters import hide_arrivals

            hide_arrivals(self.store, self.config, after_id=last_id, since=int(time.time()))
        return Subscribed(added, discovery.others)

    def feed_candidates(self, url: str) -> list[FeedLink]:
        """The feeds ``url`` leads to, for the user to choose from, subscribing to none: the
        URL itself when it is a feed, else every feed its page announces, else a feed found at
        a usual path. Raises as add_feed does."""
        from reader.core.fetch import feed_limits
        from reader.core.safety import check_feed_url
        from reader.core.subscribe import feed_candidates

        limits = feed_limits(self.config.fetch)
        return self._run(feed_candidates(self._stories(), check_feed_url(url), limits))

    def edit_feed(self, feed_id: int, edit: FeedEdit) -> list[FieldChange]:
        """Change a subscription's title, folder, tags, URL or own settings; returns what
        changed. Raises UnknownFeedError, or FeedEditError for a value it cannot take."""
        from reader.core.manage import edit_feed

        changes = edit_feed(self.store, feed_id, edit)
        if changes and self.config.filters.hide:
            from reader.core.filters import hide_again

            hide_again(self.store, self.config)
        return changes

    def remove_feed(self, feed_id: int) -> Removed:
        """Unsubscribe: the feed's stories go except starred ones, which stay listed under its
        name. Raises UnknownFeedError."""
        from reader.core.manage import remove_feed

        return remove_feed(self.store, feed_id)

    def import_subscriptions(self, data: bytes) -> Imported:
        """Import an OPML or newsboat urls file (see subscribe.import_subscriptions)."""
        from reader.core.subscribe import import_subscriptions

        return import_subscriptions(self.store, data)

    def export_subscriptions(self, fmt: str = "opml", *, with_credentials: bool = False) -> str:
        """The subscriptions as OPML, JSON or a newsboat urls file (see
        subscribe.export_subscriptions)."""
        from reader.core.subscribe import export_subscriptions

        return export_subscriptions(self.store, fmt, with_credentials=with_credentials)

    async def _fetch_text(self, article: Article, extractor: Extractor) -> FullText:
        from reader.core.fulltext import fetch_text

        return await fetch_text(self.store, self.config, article, self._stories(), extractor)

    async def _discover(self, url: str, *, every: bool) -> Discovery:
        from reader.core.fetch import feed_limits
        from reader.core.subscribe import discover

        limits = feed_limits(self.config.fetch)
        return await discover(self._stories(), url, limits, every=every)

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
