"""Subscribing: find the feed behind a URL and store it with its stories; import and export
subscription lists."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin

from reader.config import Config
from reader.core.feeds import (
    COMMON_FEED_PATHS,
    FeedParseError,
    discover_feed_links,
    looks_like_feed,
    parse_feed,
)
from reader.core.fetch import Fetcher, FetchError, FetchLimits, Response
from reader.core.ingest import apply_fetched, content_hash
from reader.core.models import Feed, ParsedFeed
from reader.core.opml import Subscription, read_subscriptions, write_opml
from reader.core.safety import check_feed_url, display_url, without_credentials
from reader.core.store import Store


class SubscribeError(Exception):
    """No feed could be subscribed to; str() is one line for people."""


@dataclass(frozen=True, slots=True)
class Found:
    url: str
    parsed: ParsedFeed
    response: Response


class Added(NamedTuple):
    """A subscription made by `add`: the feed, whether it is new, how many stories it brought."""

    feed: Feed
    created: bool
    stories: int


class Imported(NamedTuple):
    """What an import did: feeds added, duplicates skipped, notes on lines left out."""

    added: int
    skipped: int
    notes: list[str]


async def _try_feed(fetcher: Fetcher, url: str, limits: FetchLimits, home: str) -> Found:
    response = await fetcher.get(url, limits=limits, trusted=home)
    parsed = parse_feed(response.content, url=response.url, content_type=response.content_type)
    return Found(response.moved_to or url, parsed, response)


async def discover(fetcher: Fetcher, url: str, limits: FetchLimits) -> Found:
    """Return the feed at ``url``, or the first feed its page announces or a usual path holds."""
    try:
        response = await fetcher.get(url, limits=limits, trusted=url)
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
            return await _try_feed(fetcher, candidate, limits, url)
        except (FetchError, FeedParseError):
            continue
    raise SubscribeError(f"no feed found at {display_url(url)}")


def subscribe(store: Store, config: Config, found: Found, *, folder: str | None = None) -> Added:
    """Subscribe to the feed ``discover`` found and store its stories at once (a feed already
    subscribed to is left as it is)."""
    feed, created = store.add_feed(found.url, folder=folder)
    if not created:
        return Added(feed, False, 0)
    new, _ = apply_fetched(
        store,
        feed.id,
        found.parsed,
        found.response,
        now=int(time.time()),
        interval=config.refresh.interval_minutes * 60,
        body_hash=content_hash(found.response.content),
    )
    store.sync_search_index()
    return Added(store.feed(feed.id) or feed, True, new)


def add_feed(store: Store, config: Config, url: str, *, folder: str | None = None) -> Added:
    """Subscribe to the feed at or behind ``url`` from synchronous code, on a newsroom of its
    own; see Newsroom.add_feed."""
    from reader.core.newsroom import Newsroom  # the newsroom runs this module's discovery

    with Newsroom(store, config) as newsroom:
        return newsroom.add_feed(url, folder=folder)


def import_subscriptions(store: Store, data: bytes) -> Imported:
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
    return Imported(added, len(accepted) - added, notes)


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
