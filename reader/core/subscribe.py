"""Subscribing: find the feed behind a URL, import and export subscription lists."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass
from urllib.parse import urljoin

from reader.config import Config
from reader.core.feeds import (
    COMMON_FEED_PATHS,
    FeedParseError,
    discover_feed_links,
    looks_like_feed,
    parse_feed,
)
from reader.core.fetch import Fetcher, FetchError, Response
from reader.core.models import Feed, ParsedFeed
from reader.core.opml import Subscription, read_subscriptions, write_opml
from reader.core.refresh import feed_limits, make_fetcher, next_check
from reader.core.safety import check_feed_url, display_url, without_credentials
from reader.core.store import Store


class SubscribeError(Exception):
    """No feed could be subscribed to; str() is one line for people."""


@dataclass(frozen=True, slots=True)
class Found:
    url: str
    parsed: ParsedFeed
    response: Response


async def _try_feed(fetcher: Fetcher, url: str, config: Config, home: str) -> Found:
    response = await fetcher.get(url, limits=feed_limits(config), trusted=home)
    parsed = parse_feed(response.content, url=response.url, content_type=response.content_type)
    return Found(response.moved_to or url, parsed, response)


async def discover(fetcher: Fetcher, url: str, config: Config) -> Found:
    """Return the feed at ``url``, or the first feed its page announces or a usual path holds."""
    try:
        response = await fetcher.get(url, limits=feed_limits(config), trusted=url)
    except FetchError as exc:
        raise SubscribeError(f"cannot fetch {display_url(url)}: {exc}") from None
    if looks_like_feed(response.content, response.content_type):
        try:
            parsed = parse_feed(
                response.content, url=response.url, content_type=response.content_type
            )
            return Found(response.moved_to or url, parsed, response)
        except FeedParseError as exc:
            raise SubscribeError(f"{display_url(url)} is not a usable feed: {exc}") from None
    announced = discover_feed_links(response.content, response.url)
    guessed = [urljoin(response.url, path) for path in COMMON_FEED_PATHS]
    for candidate in dict.fromkeys(announced + guessed):
        try:
            return await _try_feed(fetcher, candidate, config, url)
        except (FetchError, FeedParseError):
            continue
    raise SubscribeError(f"no feed found at {display_url(url)}")


def add_feed(
    store: Store, config: Config, url: str, *, folder: str | None = None
) -> tuple[Feed, bool, int]:
    """Subscribe to the feed at or behind ``url`` and store its stories at once.

    Returns the feed, whether it is a new subscription and how many stories were stored.
    """
    url = check_feed_url(url)

    async def find() -> Found:
        async with make_fetcher(config) as fetcher:
            return await discover(fetcher, url, config)

    found = asyncio.run(find())
    feed, created = store.add_feed(found.url, folder=folder)
    if not created:
        return feed, False, 0
    now = int(time.time())
    ttl = found.parsed.ttl_minutes * 60 if found.parsed.ttl_minutes else None
    new, _ = store.apply_feed(
        feed.id,
        found.parsed,
        now=now,
        next_check_at=next_check(now, config.refresh.interval_minutes * 60, found.response, ttl),
        etag=found.response.etag,
        last_modified=found.response.last_modified,
        body_hash=hashlib.blake2b(found.response.content, digest_size=16).hexdigest(),
    )
    store.sync_search_index()
    return store.feed(feed.id) or feed, True, new


def import_subscriptions(store: Store, data: bytes) -> tuple[int, int, list[str]]:
    """Import an OPML or newsboat urls file; returns (added, skipped as duplicates, notes).

    Raises SubscriptionFileError (a ValueError) for a file that is not a subscription list.
    """
    subscriptions, notes = read_subscriptions(data)
    accepted: list[tuple[str, str | None, str | None]] = []
    for sub in subscriptions:
        try:
            accepted.append((check_feed_url(sub.url), sub.title, sub.folder))
        except ValueError as exc:
            notes.append(f"skipped {display_url(sub.url)!r}: {exc}")
    added = store.add_feeds(accepted)
    return added, len(accepted) - added, notes


def export_subscriptions(store: Store, fmt: str = "opml", *, with_credentials: bool = False) -> str:
    """The subscriptions as OPML or JSON; user names and passwords in feed URLs are left out
    unless ``with_credentials`` (an export is easily shared or synced)."""
    feeds = store.feeds(unread=False)

    def url(feed: Feed) -> str:
        return feed.url if with_credentials else without_credentials(feed.url)

    def title(feed: Feed) -> str | None:
        return None if feed.title == feed.url else feed.title  # untitled: the store gives the URL

    if fmt == "json":
        rows = [{"url": url(f), "title": title(f), "folder": f.folder} for f in feeds]
        return json.dumps(rows, indent=2)
    return write_opml(Subscription(url(f), title(f), f.folder) for f in feeds)
