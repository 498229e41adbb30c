"""The story update watcher: re-check recent stories' pages and store every real change.

A story is due the moment it is first seen: its first check is the baseline every later change is
measured against. Then by time since the story last changed (news changes most in its first
hours): every 15 minutes for 3 hours, hourly to a day, every 6 hours to a week, then daily until
it has been quiet for [watch] max_age_days; a change starts the clock again. Stories that say more
is coming are checked twice as often, and the first week lasts two.

A check is a conditional GET of the page (304 costs nothing), then extraction unless the bytes
are the very ones last stored (many sites send no validators), then the page tier's rules in
reader.core.changes decide what is stored and flagged. An HTTP error is never a
change; a page that turns 404/410 is recorded once as "removed".
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from reader.config import Config
from reader.core.changes import page_change, page_removed
from reader.core.extract import Extraction, ExtractionError, Extractor
from reader.core.factories import make_fetcher
from reader.core.fetch import Fetcher, FetchError, Response, page_limits
from reader.core.models import Article, Change, Feed, PageVersion
from reader.core.numbers import clamp
from reader.core.safety import with_credentials_of, without_credentials
from reader.core.store import RawPage, Store

if TYPE_CHECKING:
    from reader.core.newsroom import Newsroom

MINUTE, HOUR, DAY = 60, 3600, 86400
SCHEDULE = ((3 * HOUR, 15 * MINUTE), (DAY, HOUR), (7 * DAY, 6 * HOUR))
DEVELOPING = re.compile(
    r"developing story|will be updated|we will update|more to follow|breaking news|"
    r"this is a breaking",
    re.IGNORECASE,
)


class WatchFailure(NamedTuple):
    """A story one pass could not check, and why (one line for people)."""

    id: int
    error: str


@dataclass(frozen=True, slots=True)
class WatchSummary:
    checked: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failed: int = 0
    changed_ids: tuple[int, ...] = ()
    changes: tuple[Change, ...] = ()
    failures: tuple[WatchFailure, ...] = ()


def interval(
    quiet_for: float, developing: bool, scale: float = 1.0, max_age_days: float = 30
) -> int | None:
    """Seconds until the next check of a story unchanged for ``quiet_for`` seconds; None: stop.

    ``scale`` stretches (or shrinks) the whole schedule, as [watch] schedule_scale asks; the
    daily tail after it lasts until ``max_age_days`` of quiet.
    """
    boost = 2 if developing else 1
    for until, every in SCHEDULE:
        if quiet_for < until * boost * scale:
            return int(every * scale / boost)
    if quiet_for < max_age_days * DAY:
        return int(DAY * scale / boost)
    return None


def horizon(config: Config) -> int:
    """How long after its last change a story can still be due a check, in seconds."""
    settings = config.watch
    return int(max(2 * SCHEDULE[-1][0] * settings.schedule_scale, settings.max_age_days * DAY))


class Watcher:
    """One watch pass over the due stories, with one fetcher and one extractor."""

    def __init__(self, store: Store, config: Config, extractor: Extractor) -> None:
        self.store = store
        self.config = config
        self.extractor = extractor
        self._errors: dict[int, str] = {}  # why each story of the pass failed

    def _next_check(self, now: int, quiet_for: float, developing: bool) -> int | None:
        settings = self.config.watch
        wait = interval(quiet_for, developing, settings.schedule_scale, settings.max_age_days)
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
        window = now - horizon(self.config)
        stories = await asyncio.to_thread(
            self.store.watch_due, now=now, since=window, everything=everything
        )
        self._errors = {}
        results = await self._all(stories, now) if stories else []
        pairs = list(zip(stories, results, strict=True))
        changed = tuple(article.id for article, status in pairs if status == "changed")
        if changed:
            await asyncio.to_thread(self.store.sync_search_index)
        changes = await asyncio.to_thread(self._changes, changed)
        failures = tuple(
            WatchFailure(a.id, self._errors.get(a.id, "not checked"))
            for a, status in pairs
            if status == "failed"
        )
        return WatchSummary(
            checked=len(results),
            changed=len(changed),
            unchanged=results.count("unchanged"),
            not_modified=results.count("not_modified"),
            failed=results.count("failed"),
            changed_ids=changed,
            changes=changes,
            failures=failures,
        )

    def _changes(self, changed: Sequence[int]) -> tuple[Change, ...]:
        """The change each story's latest version records."""
        found = []
        for article_id in changed:
            versions = self.store.versions(article_id)
            if versions:
                last = versions[-1]
                found.append(Change(article_id, last.kind or "edit", last.seq, last.title))
        return tuple(found)

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
            self._errors[article.id] = str(exc)
            if page_removed(exc.status):
                await asyncio.to_thread(self.store.record_removed, article.id, now=now)
                return "changed", None
            retry = now + int(clamp(exc.retry_after, 0, DAY)) if exc.retry_after else None
            return "failed", retry or self._next_check(now, now - last_change, developing)
        if response.not_modified:
            status = "not_modified"
        elif latest is not None and latest.body_hash == body_hash(response.content):
            status = "unchanged"  # the very bytes of the last version: nothing to extract
        else:
            try:
                extraction = await asyncio.to_thread(
                    self.extractor.extract, response.content, without_credentials(response.url)
                )
            except ExtractionError as exc:
                self._errors[article.id] = f"extraction failed: {exc}"
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
            keep_page_version(
                self.store, self.config, article.id, title, extraction, response, now, decision.kind
            )
        return "unchanged" if decision.kind is None else "changed"


def keep_page_version(
    store: Store,
    config: Config,
    article_id: int,
    title: str,
    extraction: Extraction,
    response: Response,
    now: int,
    kind: str | None = None,
) -> None:
    """Store a page version with all it came from: its validators, the hash of the exact bytes
    (the next check skips extraction when they come back), and the raw response. The watcher
    and the baseline taken when a story is opened both store through here."""
    store.add_page_version(
        article_id,
        title=title,
        byline=extraction.author,
        text=extraction.text,
        markdown=extraction.markdown,
        extractor=extraction.extractor,
        etag=response.etag,
        last_modified=response.last_modified,
        now=now,
        kind=kind,
        canonical_url=extraction.canonical_url,
        body_hash=body_hash(response.content),
        raw=kept_raw(config, response),
    )


def kept_raw(config: Config, response: Response) -> RawPage | None:
    """The response to keep with a page version as evidence, when [watch] keep_raw asks."""
    if not config.watch.keep_raw:
        return None
    return RawPage(
        without_credentials(response.url),
        response.protocol,
        response.status,
        response.reason,
        response.headers,
        response.content,
    )


def body_hash(content: bytes) -> str:
    """The digest of a page's exact bytes, kept with the version extracted from them."""
    return hashlib.sha256(content).hexdigest()


def watch_once(store: Store, config: Config, *, everything: bool = False) -> WatchSummary:
    """One pass from synchronous code, on a newsroom of its own; see Newsroom.watch."""
    from reader.core.newsroom import Newsroom

    with Newsroom(store, config) as newsroom:
        return newsroom.watch(everything=everything)


def watch_daemon(
    newsroom: Newsroom,
    *,
    everything: bool = False,
    on_changes: Callable[[Sequence[Change]], None] | None = None,
) -> NoReturn:
    """Refresh feeds when due and watch stories until SIGINT or SIGTERM, which exit with 0;
    ``on_changes`` hears of the changes each refresh and each watch pass recorded.

    Safe beside the TUI: both write the same database through short IMMEDIATE transactions.
    """
    import signal

    def leave(*_: object) -> None:
        # Raised wherever the daemon waits, even on a fetch from a silent server, so it ends at
        # once: the newsroom cancels its work, and every transaction is whole or rolled back.
        raise SystemExit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, leave)
    while True:
        changes = newsroom.refresh().changes  # the feeds that are due, as `newsroom refresh`
        changes += newsroom.watch(everything=everything).changes
        if on_changes is not None:
            on_changes(changes)
        everything = False
        time.sleep(60)
