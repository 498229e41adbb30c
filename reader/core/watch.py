"""The story update watcher: re-check recent stories' pages and store every real change.

Schedule by time since the story last changed (news changes most in its first hours): every 15
minutes for 3 hours, hourly to a day, every 6 hours to a week, then stop; a change starts the
clock again. Stories that say more is coming are checked twice as often and twice as long.

A check is a conditional GET of the page (304 costs nothing), then extraction, then the page
tier's rules in reader.core.changes decide what is stored and flagged. An HTTP error is never a
change; a page that turns 404/410 is recorded once as "removed".
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from reader.config import Config
from reader.core.changes import page_change, page_removed
from reader.core.extract import Extraction, ExtractionError, Extractor
from reader.core.factories import make_fetcher
from reader.core.fetch import Fetcher, FetchError, Response, page_limits
from reader.core.models import Article, Feed, PageVersion
from reader.core.numbers import clamp
from reader.core.safety import with_credentials_of, without_credentials
from reader.core.store import Store

if TYPE_CHECKING:
    from reader.core.newsroom import Newsroom

MINUTE, HOUR, DAY = 60, 3600, 86400
SCHEDULE = ((3 * HOUR, 15 * MINUTE), (DAY, HOUR), (7 * DAY, 6 * HOUR))
DEVELOPING = re.compile(
    r"developing story|will be updated|we will update|more to follow|breaking news|"
    r"this is a breaking",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WatchSummary:
    checked: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failed: int = 0
    changed_ids: tuple[int, ...] = ()


def interval(quiet_for: float, developing: bool, scale: float = 1.0) -> int | None:
    """Seconds until the next check of a story unchanged for ``quiet_for`` seconds; None: stop.

    ``scale`` stretches (or shrinks) the whole schedule, as [watch] schedule_scale asks.
    """
    boost = 2 if developing else 1
    for until, every in SCHEDULE:
        if quiet_for < until * boost * scale:
            return int(every * scale / boost)
    return None


class Watcher:
    """One watch pass over the due stories, with one fetcher and one extractor."""

    def __init__(self, store: Store, config: Config, extractor: Extractor) -> None:
        self.store = store
        self.config = config
        self.extractor = extractor

    def _next_check(self, now: int, quiet_for: float, developing: bool) -> int | None:
        wait = interval(quiet_for, developing, self.config.watch.schedule_scale)
        return None if wait is None else now + int(wait * random.uniform(0.9, 1.1))

    def _ignore_rules(self, article: Article) -> list[re.Pattern[str]]:
        """The user's ignore rules for this story: global ones and its feed's own."""
        settings = self.config.watch
        feed = self.store.feed(article.feed_id)
        patterns = settings.ignore + settings.ignore_by_feed.get(feed.url if feed else "", ())
        return [re.compile(p) for p in patterns]

    def run(self, *, everything: bool = False) -> WatchSummary:
        """One pass from synchronous code, on a newsroom of its own; see Newsroom.watch."""
        from reader.core.newsroom import Newsroom  # the newsroom runs watchers

        with Newsroom(self.store, self.config, extractor=self.extractor) as newsroom:
            return newsroom.watch(everything=everything)

    async def check(self, *, everything: bool = False) -> WatchSummary:
        """One pass: check the stories due (``everything``: all in their window) with a
        fetcher of its own."""
        now = int(time.time())
        window = now - int(2 * SCHEDULE[-1][0] * self.config.watch.schedule_scale)
        stories = await asyncio.to_thread(
            self.store.watch_due, now=now, since=window, everything=everything
        )
        results = await self._all(stories, now) if stories else []
        pairs = zip(stories, results, strict=True)
        changed = tuple(article.id for article, status in pairs if status == "changed")
        if changed:
            await asyncio.to_thread(self.store.sync_search_index)
        return WatchSummary(
            checked=len(results),
            changed=len(changed),
            unchanged=results.count("unchanged"),
            not_modified=results.count("not_modified"),
            failed=results.count("failed"),
            changed_ids=changed,
        )

    async def _all(self, stories: list[Article], now: int) -> list[str]:
        feeds = {f.id: f for f in await asyncio.to_thread(self.store.feeds, unread=False)}
        async with make_fetcher(self.config) as fetcher:
            checks = (self._check(fetcher, a, now, feeds.get(a.feed_id)) for a in stories)
            results = await asyncio.gather(*checks)
        # One transaction for the whole schedule rather than one per story.
        await asyncio.to_thread(
            self.store.schedule_watches,
            [(a.id, r[1]) for a, r in zip(stories, results, strict=True)],
        )
        return [status for status, _ in results]

    async def _check(
        self, fetcher: Fetcher, article: Article, now: int, feed: Feed | None
    ) -> tuple[str, int | None]:
        """Check one story: its status and when to check it next."""
        pages = await asyncio.to_thread(self.store.page_versions, article.id)
        latest = pages[0] if pages else None
        last_change = article.changed_at or article.published
        developing = bool(latest and DEVELOPING.search(latest.text))
        status = "failed"
        try:
            response = await fetcher.get(
                with_credentials_of(feed.url if feed else "", article.url or ""),
                limits=page_limits(self.config.fetch),
                etag=latest.etag if latest else None,
                last_modified=latest.last_modified if latest else None,
                trusted=feed.url if feed else None,
                user_agent=feed.user_agent if feed else None,
            )
        except FetchError as exc:
            if page_removed(exc.status):
                await asyncio.to_thread(self.store.record_removed, article.id, now=now)
                return "changed", None
            retry = now + int(clamp(exc.retry_after, 0, DAY)) if exc.retry_after else None
            return "failed", retry or self._next_check(now, now - last_change, developing)
        if response.not_modified:
            status = "not_modified"
        else:
            try:
                extraction = await asyncio.to_thread(
                    self.extractor.extract, response.content, without_credentials(response.url)
                )
            except ExtractionError:
                extraction = None
            if extraction is not None:
                status = await asyncio.to_thread(
                    self._compare, article, pages, extraction, response, now
                )
        if status == "changed":
            last_change = now
        return status, self._next_check(now, now - last_change, developing)

    def _compare(
        self,
        article: Article,
        pages: list[PageVersion],
        extraction: Extraction,
        response: Response,
        now: int,
    ) -> str:
        """Store what the page tier's rules decide; "changed" when the story is flagged."""
        title = extraction.title or article.title
        decision = page_change(
            pages,
            title=title,
            text=extraction.text,
            byline=extraction.author,
            canonical_url=extraction.canonical_url,
            extractor=extraction.extractor,
            ignore=self._ignore_rules(article),
        )
        if decision.keep:
            self.store.add_page_version(
                article.id,
                title=title,
                byline=extraction.author,
                text=extraction.text,
                markdown=extraction.markdown,
                extractor=extraction.extractor,
                etag=response.etag,
                last_modified=response.last_modified,
                now=now,
                kind=decision.kind,
                canonical_url=extraction.canonical_url,
            )
        return "unchanged" if decision.kind is None else "changed"


def watch_once(store: Store, config: Config, *, everything: bool = False) -> WatchSummary:
    """One pass from synchronous code, on a newsroom of its own; see Newsroom.watch."""
    from reader.core.newsroom import Newsroom

    with Newsroom(store, config) as newsroom:
        return newsroom.watch(everything=everything)


def watch_daemon(newsroom: Newsroom, *, everything: bool = False) -> NoReturn:
    """Refresh feeds when due and watch stories until SIGINT or SIGTERM, which exit with 0.

    Safe beside the TUI: both write the same database through short IMMEDIATE transactions.
    """
    import signal

    def leave(*_: object) -> None:
        # Raised wherever the daemon waits, even on a fetch from a silent server, so it ends at
        # once: the newsroom cancels its work, and every transaction is whole or rolled back.
        raise SystemExit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, leave)
    store = newsroom.store
    while True:
        now = int(time.time())
        due = [f for f in store.feeds(unread=False) if (store.next_check_at(f.id) or 0) <= now]
        if due:
            newsroom.refresh(due)
        newsroom.watch(everything=everything)
        everything = False
        time.sleep(60)
