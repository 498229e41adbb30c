"""Rows to records, in one place: the columns each query selects and the record built from them.

Nothing outside the store reads a row by position; it gets the named records of models.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.models import Article, Enclosure, Feed, PageText, PageVersion, Version
from reader.core.store.base import Row

# Selected from `articles a JOIN feeds f`; the feed's title is the user's, else the feed's own.
ARTICLE_COLUMNS = """a.id, a.feed_id, COALESCE(f.user_title, NULLIF(f.title, ''), f.url), a.guid,
    a.url, a.title, a.author, a.published, a.summary, a.content, a.first_seen, a.read, a.starred,
    a.changed_at, a.change_kind, a.version_count, a.enclosures"""

FEED_COLUMNS = """f.id, f.url, COALESCE(f.user_title, NULLIF(f.title, ''), f.url), f.folder,
    f.site_url, f.etag, f.last_modified, f.error, f.error_count, f.user_agent, f.interval_minutes,
    f.extract, (SELECT group_concat(t.tag, char(31)) FROM (SELECT tag FROM feed_tags t
        WHERE t.feed_id = f.id ORDER BY t.position) t), f.user_title, f.removed_at"""
# Tags come joined by this character, which a tag never holds (see store.feeds._set_tags).
TAG_SEPARATOR = "\x1f"

VERSION_COLUMNS = "seq, seen_at, source, kind, title, text"

PAGE_VERSION_COLUMNS = """seq, title, text, loose_hash, extractor, etag, last_modified, byline,
    canonical_url, kind, body_hash"""

PAGE_TEXT_COLUMNS = "text, COALESCE(markdown, text), extractor"


def article(row: Row) -> Article:
    return Article._make((*row[:11], bool(row[11]), bool(row[12]), *row[13:16], files(row[16])))


def files_json(enclosures: Sequence[Enclosure]) -> str | None:
    """A story's enclosures as stored in articles.enclosures (NULL for none)."""
    if not enclosures:
        return None
    import json

    return json.dumps([e._asdict() for e in enclosures])


def files(stored: str | None) -> tuple[Enclosure, ...]:
    """articles.enclosures read back; anything malformed is left out."""
    if not stored:
        return ()
    import json

    try:
        items = json.loads(stored)
    except ValueError:
        return ()
    if not isinstance(items, list):
        return ()
    return tuple(
        Enclosure(item["url"], str(item.get("type") or ""), _length(item.get("length")))
        for item in items
        if isinstance(item, dict) and isinstance(item.get("url"), str)
    )


def _length(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def feed(row: Row) -> Feed:
    """A feed from FEED_COLUMNS, and its unread count when the query adds one."""
    extract, tags = row[11], row[12]
    return Feed._make(
        (
            *row[:11],
            None if extract is None else bool(extract),
            tuple(tags.split(TAG_SEPARATOR)) if tags else (),
            *row[13:15],
            row[15] if len(row) > 15 else 0,
        )
    )


def version(row: Row) -> Version:
    return Version._make(row)


def page_version(row: Row) -> PageVersion:
    return PageVersion._make(row)


def page_text(row: Row) -> PageText:
    return PageText._make(row)
