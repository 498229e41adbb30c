"""Storing a fetched feed, the one step `add` and `refresh` share, and when to look again.

The next check is the feed's own interval when the user set one; else our interval ([refresh]
interval_minutes), stretched by the server's Cache-Control max-age or the feed's <ttl> or
sy:updatePeriod, at most a day. After a failure, exponential backoff from that interval, and
never sooner than the server's Retry-After.
"""

from __future__ import annotations

import hashlib

from reader.core.fetch import Response
from reader.core.models import ParsedFeed
from reader.core.numbers import clamp
from reader.core.store import Store

MAX_INTERVAL = 24 * 3600


def content_hash(content: bytes) -> str:
    """A feed body's fingerprint: a body seen before is not parsed again."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


MAX_OWN_INTERVAL = 7 * 24 * 3600  # a feed's own interval, as `edit --interval` allows


def own_interval(minutes: int | None) -> int | None:
    """A feed's own interval in seconds, or None when it has none (or a nonsensical one)."""
    if minutes is None or minutes < 1:
        return None
    return min(minutes * 60, MAX_OWN_INTERVAL)


def next_check(
    now: int, interval: int, response: Response | None, ttl: int | None, *, own: int | None = None
) -> int:
    """When to look again: the feed's ``own`` interval (seconds) when it has one; else our
    interval, stretched by the server's max-age or the feed's ttl, up to a day."""
    if own is not None:
        return now + own
    wait = max(interval, response.max_age or 0 if response else 0, ttl or 0)
    return now + min(wait, MAX_INTERVAL)


def retry_at(now: int, interval: int, errors: int, retry_after: float | None) -> int:
    """Back off exponentially after failures, never sooner than a server's Retry-After; both up
    to a day (or to the feed's own interval, when that is longer).

    Never raises, whatever the numbers: this runs while a failure is being recorded, where an
    exception would end the whole refresh."""
    longest = max(interval, MAX_INTERVAL)
    backoff: int = min(interval * 2 ** min(errors, 6), longest)
    if retry_after is not None:
        backoff = max(backoff, int(clamp(retry_after, 0, MAX_INTERVAL)))
    return now + backoff


def apply_fetched(
    store: Store,
    feed_id: int,
    parsed: ParsedFeed,
    response: Response,
    *,
    now: int,
    interval: int,
    body_hash: str,
    own_interval: int | None = None,
    moved_to: str | None = None,
) -> tuple[int, int]:
    """Store a fetched feed's stories, its validators and when to look again, in one
    transaction; returns (new stories, changed stories)."""
    # Imported here: a refresh where nothing changed never loads the change rules.
    from reader.core.changes import feed_change

    return store.apply_feed(
        feed_id,
        parsed,
        judge=feed_change,
        now=now,
        next_check_at=next_check(now, interval, response, parsed.ttl_seconds, own=own_interval),
        etag=response.etag,
        last_modified=response.last_modified,
        body_hash=body_hash,
        moved_to=moved_to,
    )
