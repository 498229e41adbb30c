"""Rows to records, in one place: the columns each query selects and the record built from them.

Nothing outside the store reads a row by position; it gets the named records of models.py.
"""

from __future__ import annotations

from reader.core.models import Article, Feed, PageText, PageVersion, Version
from reader.core.store.base import Row

# Selected from `articles a JOIN feeds f`; the feed's title is the user's, else the feed's own.
ARTICLE_COLUMNS = """a.id, a.feed_id, COALESCE(f.user_title, NULLIF(f.title, ''), f.url), a.guid,
    a.url, a.title, a.author, a.published, a.summary, a.content, a.first_seen, a.read, a.starred,
    a.changed_at, a.change_kind, a.version_count"""

FEED_COLUMNS = """f.id, f.url, COALESCE(f.user_title, NULLIF(f.title, ''), f.url), f.folder,
    f.site_url, f.etag, f.last_modified, f.error, f.error_count, f.user_agent"""

VERSION_COLUMNS = "seq, seen_at, source, kind, title, text"

PAGE_VERSION_COLUMNS = """seq, title, text, loose_hash, extractor, etag, last_modified, byline,
    canonical_url, kind, body_hash"""

PAGE_TEXT_COLUMNS = "text, COALESCE(markdown, text), extractor"


def article(row: Row) -> Article:
    return Article._make((*row[:11], bool(row[11]), bool(row[12]), *row[13:]))


def feed(row: Row) -> Feed:
    """A feed from FEED_COLUMNS, and its unread count when the query adds one."""
    return Feed(*row)


def version(row: Row) -> Version:
    return Version._make(row)


def page_version(row: Row) -> PageVersion:
    return PageVersion._make(row)


def page_text(row: Row) -> PageText:
    return PageText._make(row)
