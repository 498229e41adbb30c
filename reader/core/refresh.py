"""The refresh pipeline: fetch -> parse -> store, one result per feed as each finishes.

Feeds are fetched concurrently under the fetcher's global and per-host caps. Parsing and SQLite
writes run in threads so the event loop stays free (the TUI runs this same pipeline). A failure is
stored on its feed and reported; it never stops the others.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING

from reader.config import Config
from reader.core.factories import make_fetcher
from reader.core.fetch import Fetcher, FetchError, feed_limits
from reader.core.ingest import apply_fetched, content_hash, next_check, own_interval, retry_at
from reader.core.models import Feed, RefreshResult, RefreshStatus, RefreshSummary, Unchanged
from reader.core.store import Store, StoreError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

UNCHANGED_BATCH = 100  # unchanged feeds recorded per transaction
SKIPPED = "skipped: the refresh ran out of time ([refresh] pass_timeout_minutes)"


class RefreshError(Exception):
    """The refresh process failed, or ended, before it finished; str() is one line for people.
    (A failing feed is not one: its failure is stored on it and the refresh goes on.)"""


class Refresher:
    """Refreshes feeds with one fetcher; reusable across calls within one event loop."""

    def __init__(self, store: Store, config: Config, fetcher: Fetcher) -> None:
        self.store = store
        self.limits = feed_limits(config.fetch)
        self.interval = config.refresh.interval_minutes * 60
        self.pass_timeout = config.refresh.pass_timeout_minutes * 60
        self.fetcher = fetcher
        self._unchanged: list[Unchanged] = []
        self._ttls: dict[int, int] = {}  # feed id -> the interval the feed itself asks for

    async def run(self, feeds: Sequence[Feed]) -> AsyncIterator[RefreshResult]:
        """Yield one RefreshResult per feed, in completion order.

        The pass ends after ``[refresh] pass_timeout_minutes``: the feeds not done by then are
        stored as skipped (a failure without backoff, due again at once) and come first in the
        next pass, so slow hosts cannot hold up the rest for ever or always starve the same feeds.
        """
        feeds = sorted(feeds, key=lambda feed: feed.error != SKIPPED)
        self._ttls = await asyncio.to_thread(self.store.feed_ttls)
        tasks = [asyncio.ensure_future(self.one(feed)) for feed in feeds]
        reported: set[int] = set()
        try:
            try:
                for next_done in asyncio.as_completed(tasks, timeout=self.pass_timeout):
                    result = await next_done
                    reported.add(result.feed_id)
                    yield result
            except TimeoutError:
                for feed, task in zip(feeds, tasks, strict=True):
                    if feed.id in reported:
                        continue
                    if task.done() and not task.cancelled():
                        yield task.result()  # finished after the deadline, before this loop
                    else:
                        task.cancel()
                        yield await self._skip(feed)
        finally:
            for task in tasks:
                task.cancel()
            if self._unchanged:  # even when stopped early: those checks did happen
                self.store.record_not_modified(self._take_unchanged())
        await asyncio.to_thread(self.store.sync_search_index)

    def _take_unchanged(self) -> list[Unchanged]:
        batch, self._unchanged = self._unchanged, []
        return batch

    async def one(self, feed: Feed) -> RefreshResult:
        now = int(time.time())
        try:
            return await self._refresh(feed, now)
        except (StoreError, asyncio.CancelledError):
            raise
        except FetchError as exc:
            return await self._fail(feed, str(exc), now, exc.retry_after)
        except Exception as exc:  # a bug must not stop the other feeds
            return await self._fail(feed, f"internal error: {exc!r}"[:300], now, None)

    async def _refresh(self, feed: Feed, now: int) -> RefreshResult:
        response = await self.fetcher.get(
            feed.url,
            limits=self.limits,
            etag=feed.etag,
            last_modified=feed.last_modified,
            trusted=feed.url,
            user_agent=feed.user_agent,
        )
        body_hash = content_hash(response.content)
        unchanged = response.not_modified or (
            body_hash == await asyncio.to_thread(self.store.feed_body_hash, feed.id)
        )
        if unchanged:
            # Nothing to show for it, so it waits for a batch: one transaction per feed was
            # most of the CPU time of a refresh where nothing changed.
            self._unchanged.append(
                Unchanged(
                    feed.id,
                    now,
                    next_check(
                        now,
                        self.interval,
                        response,
                        self._ttls.get(feed.id),
                        own=own_interval(feed.interval_minutes),
                    ),
                    response.etag,
                    response.last_modified,
                )
            )
            if len(self._unchanged) >= UNCHANGED_BATCH:
                await asyncio.to_thread(self.store.record_not_modified, self._take_unchanged())
            return RefreshResult(feed.id, feed.url, RefreshStatus.NOT_MODIFIED)
        # Imported here: a refresh where nothing changed never loads the parsers.
        from reader.core.feeds import FeedParseError, parse_feed

        try:
            parsed = await asyncio.to_thread(
                parse_feed,
                response.content,
                url=response.url,
                content_type=response.content_type,
                now=now,
            )
        except FeedParseError as exc:
            return await self._fail(feed, str(exc), now, None)
        new, updated = await asyncio.to_thread(
            apply_fetched,
            self.store,
            feed.id,
            parsed,
            response,
            now=now,
            interval=self.interval,
            own_interval=own_interval(feed.interval_minutes),
            body_hash=body_hash,
            moved_to=response.moved_to,
        )
        return RefreshResult(
            feed.id, response.moved_to or feed.url, RefreshStatus.OK, new=new, updated=updated
        )

    async def _skip(self, feed: Feed) -> RefreshResult:
        now = int(time.time())
        await asyncio.to_thread(
            self.store.record_failure, feed.id, SKIPPED, now=now, next_check_at=now
        )
        return RefreshResult(feed.id, feed.url, RefreshStatus.FAILED, error=SKIPPED)

    async def _fail(
        self, feed: Feed, message: str, now: int, retry_after: float | None
    ) -> RefreshResult:
        interval = own_interval(feed.interval_minutes) or self.interval
        when = retry_at(now, interval, feed.error_count, retry_after)
        await asyncio.to_thread(
            self.store.record_failure,
            feed.id,
            message,
            now=now,
            next_check_at=when,
            # even a forced refresh leaves it alone until then
            retry_until=when if retry_after is not None else None,
        )
        return RefreshResult(feed.id, feed.url, RefreshStatus.FAILED, error=message)


def summarize(results: Sequence[RefreshResult]) -> RefreshSummary:
    count = {status: 0 for status in RefreshStatus}
    for result in results:
        count[result.status] += 1
    return RefreshSummary(
        feeds=len(results),
        ok=count[RefreshStatus.OK],
        failed=count[RefreshStatus.FAILED],
        not_modified=count[RefreshStatus.NOT_MODIFIED],
        new=sum(r.new for r in results),
        updated=sum(r.updated for r in results),
    )


async def refresh_feeds(
    store: Store,
    config: Config,
    feeds: Sequence[Feed],
    on_result: Callable[[RefreshResult], None] | None = None,
) -> RefreshSummary:
    """One refresh pass over ``feeds`` with a fetcher of its own (its caps, cookies and
    timed-out hosts are the pass's); ``on_result`` hears of each feed as it finishes."""
    results: list[RefreshResult] = []
    async with make_fetcher(config) as fetcher:
        async for result in Refresher(store, config, fetcher).run(feeds):
            results.append(result)
            if on_result:
                on_result(result)
    return summarize(results)


def refresh_all(
    store: Store,
    config: Config,
    feeds: Sequence[Feed] | None = None,
    on_result: Callable[[RefreshResult], None] | None = None,
    *,
    force: bool = False,
) -> RefreshSummary:
    """Refresh the due ones of ``feeds`` (default: every subscription; ``force``: all of them)
    from synchronous code, on a newsroom of its own; see Newsroom.refresh."""
    from reader.core.newsroom import Newsroom  # the newsroom runs this module's passes

    with Newsroom(store, config) as newsroom:
        return newsroom.refresh(feeds, on_result=on_result, force=force)


def refresh_in_child(
    config: Config,
    feeds: Sequence[Feed] | None,
    on_result: Callable[[RefreshResult], None] | None = None,
    *,
    force: bool = False,
) -> RefreshSummary:
    """A refresh in a process of its own, for the TUI: parsing and storing hold Python's GIL
    for seconds on a big refresh, and in a thread beside the UI they would make every key press
    wait. Results come back one per feed as they finish; SQLite (WAL) lets both processes use
    the database. Raises StoreError when the database failed, RefreshError for anything else."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # the parent is threaded: no fork
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_refresh_child,
        args=(config, None if feeds is None else list(feeds), force, sender, os.getpid()),
        name="newsroom-refresh",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise RefreshError("the refresh process ended unexpectedly") from None
            if kind == "result":
                if on_result:
                    on_result(value)
            elif kind == "done":
                summary: RefreshSummary = value
                return summary
            elif kind == "store":
                raise StoreError(value)
            else:
                raise RefreshError(value)
    finally:
        receiver.close()
        child.join(timeout=5)


def _refresh_child(
    config: Config, feeds: list[Feed] | None, force: bool, sender: Connection, parent: int
) -> None:
    from reader.core.children import follow_parent
    from reader.core.newsroom import Newsroom

    follow_parent(parent)
    os.nice(10)  # background work: when a core is short, the UI gets it first
    # The terminal belongs to the UI: whatever this process might print would land on screen.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    try:
        store = Store(config.db_path)
        try:
            with Newsroom(store, config) as newsroom:
                summary = newsroom.refresh(
                    feeds, on_result=lambda result: sender.send(("result", result)), force=force
                )
        finally:
            store.close()
        sender.send(("done", summary))
    except StoreError as exc:
        sender.send(("store", str(exc)))
    except Exception as exc:  # a bug: reported in the UI, not as a silent dead process
        sender.send(("error", f"the refresh failed: {exc!r}"[:300]))
    finally:
        sender.close()
