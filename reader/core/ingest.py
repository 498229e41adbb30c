"""Storing a fetched feed, the one step `add` and `refresh` share, and when to look again.

The next check is our interval, stretched by the server's Cache-Control max-age or the feed's
<ttl>, at most a day; after a failure, exponential backoff, or the server's Retry-After.
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


def next_check(now: int, interval: int, response: Response | None, ttl: int | None) -> int:
    """When to look again: our interval, stretched by the server's max-age or the feed's ttl."""
    wait = max(interval, response.max_age or 0 if response else 0, ttl or 0)
    return now + min(wait, MAX_INTERVAL)


def retry_at(now: int, interval: int, errors: int, retry_after: float | None) -> int:
    """Back off exponentially after failures; a server's Retry-After wins, up to a day.

    Never raises, whatever the numbers: this runs while a failure is being recorded, where an
    exception would end the whole refresh."""
    if retry_after is not None:
        return now + int(clamp(retry_after, 0, MAX_INTERVAL))
    backoff: int = 2 ** min(errors, 6)
    return now + min(interval * backoff, MAX_INTERVAL)


def apply_fetched(
    store: Store,
    feed_id: int,
    parsed: ParsedFeed,
    response: Response,
    *,
    now: int,
    interval: int,
    body_hash: str,
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
        next_check_at=next_check(now, interval, response, parsed.ttl_seconds),
        etag=response.etag,
        last_modified=response.last_modified,
        body_hash=body_hash,
        moved_to=moved_to,
    )
