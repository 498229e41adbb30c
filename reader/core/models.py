"""Plain immutable records passed between the core's stages, the CLI and the UI."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class ParsedEntry:
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


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed document as read from bytes."""

    title: str
    site_url: str | None
    ttl_minutes: int | None
    entries: tuple[ParsedEntry, ...]


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A feed found unchanged (a 304 or the same body), waiting to be recorded."""

    feed_id: int
    checked_at: int
    next_check_at: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class Feed:
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
    unread: int = 0


@dataclass(frozen=True, slots=True)
class Article:
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


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What refreshing one feed did; the refresh pipeline yields one per feed."""

    feed_id: int
    url: str
    status: RefreshStatus
    new: int = 0
    updated: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    """Totals of one refresh, as `newsroom refresh --json` prints them."""

    feeds: int = 0
    ok: int = 0
    failed: int = 0
    not_modified: int = 0
    new: int = 0
    updated: int = 0
