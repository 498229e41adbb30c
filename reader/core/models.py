"""Plain immutable records passed between the core's stages, the CLI and the UI.

Named tuples rather than dataclasses: a frozen dataclass costs about a millisecond to define,
and every command pays for each one it imports before it can start.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class ParsedEntry(NamedTuple):
    """One feed entry as read from the feed, before storage.

    Times are Unix seconds in UTC (None when the feed gives none or gives nonsense).
    ``summary`` is plain text; ``content`` is the feed's full HTML body when it carries one.
    """

    guid: str
    url: str | None
    title: str
    author: str | None
    published: int | None
    updated: int | None
    summary: str
    content: str | None


class ParsedFeed(NamedTuple):
    """A whole feed document as read from bytes."""

    title: str
    site_url: str | None
    ttl_minutes: int | None
    entries: tuple[ParsedEntry, ...]


class Unchanged(NamedTuple):
    """A feed found unchanged (a 304 or the same body), waiting to be recorded."""

    feed_id: int
    checked_at: int
    next_check_at: int
    etag: str | None
    last_modified: str | None


class Feed(NamedTuple):
    """A subscription as stored."""

    id: int
    url: str
    title: str
    folder: str | None
    site_url: str | None
    etag: str | None
    last_modified: str | None
    error: str | None
    error_count: int
    user_agent: str | None = None  # the feed's own User-Agent, over [fetch] user_agent
    unread: int = 0


class Article(NamedTuple):
    """A story as stored; ``published`` falls back to when it was first seen."""

    id: int
    feed_id: int
    feed_title: str
    guid: str
    url: str | None
    title: str
    author: str | None
    published: int
    summary: str
    content: str | None
    first_seen: int
    read: bool
    starred: bool
    changed_at: int | None
    change_kind: str | None
    versions: int

    @property
    def updated(self) -> bool:
        return self.changed_at is not None


class RefreshStatus(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


class RefreshResult(NamedTuple):
    """What refreshing one feed did; the refresh pipeline yields one per feed."""

    feed_id: int
    url: str
    status: RefreshStatus
    new: int = 0
    updated: int = 0
    error: str | None = None


class RefreshSummary(NamedTuple):
    """Totals of one refresh, as `newsroom refresh --json` prints them."""

    feeds: int = 0
    ok: int = 0
    failed: int = 0
    not_modified: int = 0
    new: int = 0
    updated: int = 0
