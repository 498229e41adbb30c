"""The story update watcher: re-check recent stories' pages and store every real change.

Schedule by time since the story last changed (news changes most in its first hours): every 15
minutes for 3 hours, hourly to a day, every 6 hours to a week, then stop; a change starts the
clock again. Stories that say more is coming are checked twice as often and twice as long.

A check is a conditional GET of the page (304 costs nothing), then extraction and comparison by
fingerprint. Nothing is flagged for a cosmetic change, a state seen before (flip-flops), an empty
or much shorter page (paywalls, error pages), an HTTP error or an extractor upgrade. A page that
turns 404/410 is recorded once as "removed".
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass
from typing import NoReturn

from reader.config import Config
from reader.core.diff import classify
from reader.core.extract import Extraction, ExtractionError, Extractor
from reader.core.fetch import Fetcher, FetchError, Response
from reader.core.fulltext import make_extractor, page_limits
from reader.core.models import Article, Feed
from reader.core.numbers import clamp
from reader.core.refresh import make_fetcher
from reader.core.safety import with_credentials_of, without_credentials
from reader.core.store import Store
from reader.core.text import fingerprints

MINUTE, HOUR, DAY = 60, 3600, 86400
SCHEDULE = ((3 * HOUR, 15 * MINUTE), (DAY, HOUR), (7 * DAY, 6 * HOUR))
DEVELOPING = re.compile(
    r"developing story|will be updated|we will update|more to follow|breaking news|"
    r"this is a breaking",
    re.IGNORECASE,
)
SHORTER = 0.5  # a page with less than half the words of the last version is not news


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

    @staticmethod
    def _loose(title: str, text: str, rules: list[re.Pattern[str]]) -> str:
        return fingerprints(title, _remove(text, rules) if rules else text)[1]

    def run(self, *, everything: bool = False) -> WatchSummary:
        now = int(time.time())
        window = now - int(2 * SCHEDULE[-1][0] * self.config.watch.schedule_scale)
        stories = self.store.watch_due(now=now, since=window, everything=everything)
        results = asyncio.run(self._all(stories, now)) if stories else []
        pairs = zip(stories, results, strict=True)
        changed = tuple(article.id for article, status in pairs if status == "changed")
        if changed:
            self.store.sync_search_index()
        return WatchSummary(
            checked=len(results),
            changed=len(changed),
            unchanged=results.count("unchanged"),
            not_modified=results.count("not_modified"),
            failed=results.count("failed"),
            changed_ids=changed,
        )

    async def _all(self, stories: list[Article], now: int) -> list[str]:
        feeds = {f.id: f for f in self.store.feeds(unread=False)}
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
        developing = bool(latest and DEVELOPING.search(latest[2]))
        status = "failed"
        try:
            response = await fetcher.get(
                with_credentials_of(feed.url if feed else "", article.url or ""),
                limits=page_limits(self.config),
                etag=latest[5] if latest else None,
                last_modified=latest[6] if latest else None,
                trusted=feed.url if feed else None,
                user_agent=feed.user_agent if feed else None,
            )
        except FetchError as exc:
            if exc.status in (404, 410):
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
        pages: list[tuple],
        extraction: Extraction,
        response: Response,
        now: int,
    ) -> str:
        title = extraction.title or article.title
        ignored = self._ignore_rules(article)
        loose = self._loose(title, extraction.text, ignored)
        store_version = {
            "title": title,
            "byline": extraction.author,
            "text": extraction.text,
            "markdown": extraction.markdown,
            "extractor": extraction.extractor,
            "etag": response.etag,
            "last_modified": response.last_modified,
            "now": now,
            "canonical_url": extraction.canonical_url,
        }
        if not pages:  # the first look at the page is the baseline, not a change
            self.store.add_page_version(article.id, **store_version)
            return "unchanged"
        _, old_title, old_text, _, old_extractor, _, _, old_byline, old_canonical = pages[0]
        seen = {self._loose(page[1], page[2], ignored) for page in pages}
        # Byline and canonical URL are compared on their own: a new author is news too.
        moved = _differs(old_byline, extraction.author) or _differs(
            old_canonical, extraction.canonical_url
        )
        if loose in seen and not moved:
            return "unchanged"  # cosmetic, ignored by a rule, or a state seen before
        if len(extraction.text.split()) < SHORTER * len(old_text.split()):
            return "unchanged"  # a paywall or an error page, not the story
        if extraction.extractor != old_extractor:
            # A new extractor reads the same page differently: a new baseline, not news.
            self.store.add_page_version(article.id, **store_version)
            return "unchanged"
        kind = classify(old_title, old_text, title, extraction.text)
        self.store.add_page_version(article.id, kind=kind, **store_version)
        return "changed"


def _differs(old: str | None, new: str | None) -> bool:
    """Both known and different (a field the extractor missed once is not a change)."""
    return bool(old and new and " ".join(old.split()) != " ".join(new.split()))


def _remove(text: str, rules: list[re.Pattern[str]]) -> str:
    for rule in rules:
        text = rule.sub("", text)
    return text


def watch_once(store: Store, config: Config, *, everything: bool = False) -> WatchSummary:
    """One pass with its own extractor process (the CLI's `watch --once`)."""
    extractor = make_extractor(config)
    try:
        return Watcher(store, config, extractor).run(everything=everything)
    finally:
        extractor.close()


def watch_daemon(store: Store, config: Config, *, everything: bool = False) -> NoReturn:
    """Refresh feeds when due and watch stories until SIGINT or SIGTERM, which exit with 0.

    Safe beside the TUI: both write the same database through short IMMEDIATE transactions.
    """
    import signal

    from reader.core.refresh import refresh_all

    def leave(*_: object) -> None:
        # Raised wherever the daemon is, even mid-fetch from a silent server, so it ends at once;
        # an interrupted transaction rolls back, so every feed and story stays whole.
        raise SystemExit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, leave)
    extractor = make_extractor(config)
    watcher = Watcher(store, config, extractor)
    try:
        while True:
            now = int(time.time())
            due = [f for f in store.feeds(unread=False) if (store.next_check_at(f.id) or 0) <= now]
            if due:
                refresh_all(store, config, due)
            watcher.run(everything=everything)
            everything = False
            time.sleep(60)
    finally:
        extractor.close()
