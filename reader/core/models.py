"""Plain immutable records passed between the core's stages, the CLI and the UI.

Named tuples rather than dataclasses: a frozen dataclass costs about a millisecond to define,
and every command pays for each one it imports before it can start.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Enclosure(NamedTuple):
    """A file a story carries (a podcast's audio, a PDF): its URL, media type and size in bytes."""

    url: str
    type: str
    length: int | None


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
    enclosures: tuple[Enclosure, ...] = ()


class ParsedFeed(NamedTuple):
    """A whole feed document as read from bytes."""

    title: str
    site_url: str | None
    ttl_minutes: int | None
    entries: tuple[ParsedEntry, ...]

    @property
    def ttl_seconds(self) -> int | None:
        """How long the feed asks to be left alone (its RSS <ttl>), in seconds."""
        return self.ttl_minutes * 60 if self.ttl_minutes else None


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
    interval_minutes: int | None = None  # the feed's own refresh interval, over [refresh]
    extract: bool | None = None  # full text on refresh: the feed's own choice, None: [extract]
    tags: tuple[str, ...] = ()  # beyond the folder, in the user's order
    user_title: str | None = None  # the title the user gave, which refreshes leave alone
    removed_at: int | None = None  # unsubscribed, kept only for its starred stories
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
    enclosures: tuple[Enclosure, ...] = ()

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


class Change(NamedTuple):
    """A change a pass recorded: the story, its kind and the version that records it (from the
    feed in a refresh, from the page in a watch pass)."""

    id: int
    kind: str
    version: int
    title: str


class RefreshSummary(NamedTuple):
    """Totals of one refresh, as `newsroom refresh --json` prints them, and the changes its
    feeds brought."""

    feeds: int = 0
    ok: int = 0
    failed: int = 0
    not_modified: int = 0
    new: int = 0
    updated: int = 0
    changes: tuple[Change, ...] = ()
    not_due: int = 0  # left for later: not due yet, or (forced) their server asked to wait


class PruneSummary(NamedTuple):
    """What one prune did, as `newsroom prune --json` prints it: the stories deleted, and
    those past the limits kept because they are starred or have recorded changes."""

    deleted: int = 0
    kept_starred: int = 0
    kept_changed: int = 0


class Version(NamedTuple):
    """One stored version of a story, as its history and diffs read it."""

    seq: int
    seen_at: int
    source: str  # "feed" or "page": diffs compare versions of the same source
    kind: str | None  # the change it records; None for a first look or a new baseline
    title: str
    text: str


class PageVersion(NamedTuple):
    """A version extracted from the story's page, with what the watcher compares and resends."""

    seq: int
    title: str
    text: str
    loose_hash: str
    extractor: str | None
    etag: str | None
    last_modified: str | None
    byline: str | None
    canonical_url: str | None
    kind: str | None = None  # the change it records; None for a first look or a new baseline
    body_hash: str | None = None  # of the exact bytes served: the same bytes need no extraction


class PageText(NamedTuple):
    """The latest text extracted from a story's page: the reading pane's cache."""

    text: str
    markdown: str
    extractor: str | None


class StoryState(NamedTuple):
    """A story's title and text as compared, with their loose fingerprint."""

    title: str
    text: str
    loose: str


class Decision(NamedTuple):
    """What comparing two states of a story decided: reader.core.changes makes them, the store
    keeps what they say."""

    keep: bool  # store the new state: the story's current values, or a page version
    kind: str | None = None  # flag the story with this change; None: not news
