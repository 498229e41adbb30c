"""Subscribing: find the feeds behind a URL and store them with their stories; import and export
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
    announced_feeds,
    looks_like_feed,
    parse_feed,
)
from reader.core.fetch import Fetcher, FetchError, FetchLimits, Response
from reader.core.ingest import apply_fetched, content_hash
from reader.core.models import Feed, ParsedFeed
from reader.core.opml import Subscription, read_subscriptions, write_opml, write_urls
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


class FeedLink(NamedTuple):
    """A feed a URL leads to: its address and a title (the page's link's, or the feed's own;
    empty when neither gives one)."""

    url: str
    title: str


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a URL leads to: the feeds fetched and read (the first, or all of them), and the
    others its page announces, not taken."""

    found: list[Found]
    others: list[FeedLink]


class Subscribed(NamedTuple):
    """What `add` did: a subscription per feed taken, and the feeds the page also announces."""

    added: list[Added]
    others: list[FeedLink]


class Imported(NamedTuple):
    """What an import did: feeds added, duplicates skipped, notes on lines left out."""

    added: int
    skipped: int
    notes: list[str]


async def _try_feed(fetcher: Fetcher, url: str, limits: FetchLimits, home: str) -> Found:
    response = await fetcher.get(url, limits=limits, trusted=home)
    parsed = parse_feed(response.content, url=response.url, content_type=response.content_type)
    return Found(response.moved_to or url, parsed, response)


async def _page(
    fetcher: Fetcher, url: str, limits: FetchLimits
) -> Found | tuple[Response, dict[str, str]]:
    """The feed at ``url``, or its page with the feeds the page announces (URL -> title)."""
    try:
        response = await fetcher.get(url, limits=limits, trusted=url)
    except FetchError as exc:
        raise SubscribeError(f"cannot fetch {display_url(url)}: {exc}") from None
    if looks_like_feed(response.content, response.content_type):
        try:
            parsed = parse_feed(
                response.content, url=response.url, content_type=response.content_type
            )
        except FeedParseError as exc:
            raise SubscribeError(f"{display_url(url)} is not a usable feed: {exc}") from None
        return Found(response.moved_to or url, parsed, response)
    return response, announced_feeds(response.content, response.url)


async def _guess(fetcher: Fetcher, page: Response, url: str, limits: FetchLimits) -> Found | None:
    """The first of the usual feed paths (/feed, /rss.xml ...) on the page's site that holds a
    feed."""
    for path in COMMON_FEED_PATHS:
        try:
            return await _try_feed(fetcher, urljoin(page.url, path), limits, url)
        except (FetchError, FeedParseError):
            continue
    return None


def _nothing_found(url: str, announced: dict[str, str], failures: list[str]) -> SubscribeError:
    """Say what was tried: the page, the feeds it announces, the usual paths."""
    if announced:
        links = _count(len(announced), "feed")
        tried = f"it announces {links} but none could be read ({'; '.join(failures)})"
    else:
        tried = "it is not a feed and announces none"
    paths = ", ".join(COMMON_FEED_PATHS)
    return SubscribeError(
        f"no feed found at {display_url(url)}: {tried}, and none of the usual paths ({paths})"
        " holds one"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


async def discover(
    fetcher: Fetcher, url: str, limits: FetchLimits, *, every: bool = False
) -> Discovery:
    """The feed at ``url``, else the first feed its page announces (``every``: each of them)
    with the others named, else the first usual path that holds one. Raises SubscribeError,
    saying what was tried, when there is none."""
    page = await _page(fetcher, url, limits)
    if isinstance(page, Found):
        return Discovery([page], [])
    response, announced = page
    found: list[Found] = []
    others: list[FeedLink] = []
    failures: list[str] = []
    for link, title in announced.items():
        if found and not every:
            others.append(FeedLink(link, title))
            continue
        try:
            found.append(await _try_feed(fetcher, link, limits, url))
        except (FetchError, FeedParseError) as exc:
            failures.append(f"{display_url(link)}: {exc}")
    if not found and (guessed := await _guess(fetcher, response, url, limits)):
        found.append(guessed)
    if not found:
        raise _nothing_found(url, announced, failures)
    return Discovery(found, others)


async def feed_candidates(fetcher: Fetcher, url: str, limits: FetchLimits) -> list[FeedLink]:
    """The feeds ``url`` leads to, subscribing to none (for a choice): the URL itself when it
    is a feed, else every feed its page announces (not fetched), else the first usual path
    that holds one. Raises SubscribeError, saying what was tried, when there is none."""
    page = await _page(fetcher, url, limits)
    if isinstance(page, Found):
        return [FeedLink(page.url, page.parsed.title)]
    response, announced = page
    if announced:
        return [FeedLink(link, title) for link, title in announced.items()]
    guessed = await _guess(fetcher, response, url, limits)
    if guessed is None:
        raise _nothing_found(url, announced, [])
    return [FeedLink(guessed.url, guessed.parsed.title)]


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
    """Import an OPML or newsboat urls file with its folders, tags and titles; returns (added,
    skipped as duplicates, notes on what was left out). A feed removed but kept for its
    starred stories is subscribed again.

    Raises SubscriptionFileError (a ValueError) for a file that is not a subscription list.
    """
    subscriptions, notes = read_subscriptions(data)
    accepted: list[tuple[str, str | None, str | None]] = []
    tags: dict[str, tuple[str, ...]] = {}
    for sub in subscriptions:
        try:
            url = check_feed_url(sub.url)
        except ValueError as exc:
            notes.append(f"skipped {display_url(sub.url)!r}: {exc}")
            continue
        accepted.append((url, sub.title, sub.folder))
        tags[url] = sub.tags
    added = store.add_feeds(accepted, tags)
    return Imported(added, len(accepted) - added, notes)


EXPORT_FORMATS = ("opml", "json", "urls")


def export_subscriptions(store: Store, fmt: str = "opml", *, with_credentials: bool = False) -> str:
    """The subscriptions as OPML, JSON or a newsboat urls file (see EXPORT_FORMATS), with their
    folders, tags and the titles users gave; user names and passwords in feed URLs are left out
    unless ``with_credentials`` (an export is easily shared or synced)."""
    feeds = store.feeds(unread=False)

    def url(feed: Feed) -> str:
        return feed.url if with_credentials else without_credentials(feed.url)

    def title(feed: Feed) -> str | None:
        return None if feed.title == feed.url else feed.title  # untitled: the store gives the URL

    if fmt == "json":
        rows = [
            {"url": url(f), "title": title(f), "folder": f.folder, "tags": list(f.tags)}
            for f in feeds
        ]
        return json.dumps(rows, indent=2)
    if fmt == "urls":  # newsboat's "~title" renames a feed: only a title the user gave
        return write_urls(Subscription(url(f), f.user_title, f.folder, f.tags) for f in feeds)
    return write_opml(Subscription(url(f), title(f), f.folder, f.tags) for f in feeds)
