"""Versions of a story, from its feed and from its page: every distinct state is kept whole, and
diffs are worked out on demand.

The first version lives only in the article row until a second one is stored: most stories never
change, and a version row each would double the database.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any, NamedTuple

from reader.core.models import Change, PageText, PageVersion, Version
from reader.core.store import rows
from reader.core.store.base import StoreBase


class RawPage(NamedTuple):
    """An HTTP response exactly as received: the body as decoded from any Content-Encoding."""

    url: str
    protocol: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class ArchivedVersion(NamedTuple):
    """A page version with the raw response it was extracted from."""

    article_id: int
    seq: int
    seen_at: int
    kind: str | None
    title: str
    text: str
    raw: RawPage


def _archived(article_id: int, row: tuple[Any, ...]) -> ArchivedVersion:
    seq, seen_at, kind, title, text, url, protocol, status, reason, headers, body = row
    fields = tuple((str(name), str(value)) for name, value in json.loads(headers))
    raw = RawPage(url, protocol, status, reason, fields, zlib.decompress(body))
    return ArchivedVersion(article_id, seq, seen_at, kind, title, text, raw)


def materialize_first_version(conn: sqlite3.Connection, article_id: int) -> None:
    """Store the first version, kept in the article row so far, before a second one is added."""
    row = conn.execute(
        "SELECT title, summary, feed_hash, first_seen, version_count FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None or row[4] != 1:
        return
    title, summary, loose, first_seen, _ = row
    from reader.core.text import fingerprints

    exact, _ = fingerprints(title, summary)
    conn.execute(
        """INSERT INTO versions (article_id, seq, seen_at, source, title, text, text_hash,
        loose_hash) VALUES (?, 1, ?, 'feed', ?, ?, ?, ?)""",
        (article_id, first_seen, title, summary, exact, loose),
    )


def add_feed_version(
    conn: sqlite3.Connection,
    article_id: int,
    *,
    kind: str,
    title: str,
    text: str,
    exact: str,
    loose: str,
    now: int,
) -> None:
    """A change the feed itself shows, after the versions before it."""
    materialize_first_version(conn, article_id)
    conn.execute(
        """INSERT INTO versions (article_id, seq, seen_at, source, kind, title, text, text_hash,
        loose_hash)
        SELECT ?, COALESCE(max(seq), 0) + 1, ?, 'feed', ?, ?, ?, ?, ?
        FROM versions WHERE article_id = ?""",
        (article_id, now, kind, title, text, exact, loose, article_id),
    )


class VersionsMixin(StoreBase):
    def versions(self, article_id: int) -> list[Version]:
        """Stored versions, oldest first (none while the story has a single one)."""
        return self._records(
            rows.version,
            f"SELECT {rows.VERSION_COLUMNS} FROM versions WHERE article_id = ? ORDER BY seq",
            (article_id,),
        )

    def last_version_id(self) -> int:
        """The newest version's row id: a pass records its changes above it."""
        return int(self._read("SELECT coalesce(max(id), 0) FROM versions")[0][0])

    def feed_changes_after(self, version_id: int) -> list[Change]:
        """The changes recorded from feeds since ``version_id`` (see last_version_id)."""
        return [
            Change(*row)
            for row in self._read(
                "SELECT article_id, kind, seq, title FROM versions"
                " WHERE id > ? AND source = 'feed' AND kind IS NOT NULL ORDER BY id",
                (version_id,),
            )
        ]

    def page_versions(self, article_id: int) -> list[PageVersion]:
        """The versions extracted from the story's page, newest first ("removed" is not one)."""
        return self._records(
            rows.page_version,
            f"SELECT {rows.PAGE_VERSION_COLUMNS} FROM versions"
            " WHERE article_id = ? AND source = 'page' AND kind IS NOT 'removed'"
            " ORDER BY seq DESC",
            (article_id,),
        )

    def page_version(self, article_id: int) -> PageText | None:
        """The latest text extracted from the story's page (its last text, when it is gone)."""
        found = self._records(
            rows.page_text,
            f"SELECT {rows.PAGE_TEXT_COLUMNS} FROM versions WHERE article_id = ?"
            " AND source = 'page' AND kind IS NOT 'removed' ORDER BY seq DESC LIMIT 1",
            (article_id,),
        )
        return found[0] if found else None

    def add_page_version(
        self,
        article_id: int,
        *,
        title: str,
        byline: str | None,
        text: str,
        markdown: str,
        extractor: str,
        etag: str | None,
        last_modified: str | None,
        now: int,
        kind: str | None = None,
        canonical_url: str | None = None,
        body_hash: str | None = None,
        raw: RawPage | None = None,
    ) -> None:
        """Store the text extracted from a story's page as a 'page' version; with a ``kind``
        it is a real change and the story is flagged. ``body_hash``: the digest of the bytes
        it was extracted from; ``raw``: the response itself, kept with the version."""
        from reader.core.text import fingerprints

        exact, loose = fingerprints(title, text)
        with self._write() as conn:
            materialize_first_version(conn, article_id)
            conn.execute(
                """INSERT INTO versions (article_id, seq, seen_at, source, kind, title, byline,
                text, markdown, text_hash, loose_hash, extractor, etag, last_modified,
                canonical_url, body_hash)
                SELECT ?, COALESCE(max(seq), 0) + 1, ?, 'page', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
                FROM versions WHERE article_id = ?""",
                (
                    article_id,
                    now,
                    kind,
                    title,
                    byline,
                    text,
                    markdown,
                    exact,
                    loose,
                    extractor,
                    etag,
                    last_modified,
                    canonical_url,
                    body_hash,
                    article_id,
                ),
            )
            if raw is not None:
                conn.execute(
                    """INSERT INTO page_raw (version_id, url, protocol, status, reason, headers,
                    body) VALUES (last_insert_rowid(), ?, ?, ?, ?, ?, ?)""",
                    (
                        raw.url,
                        raw.protocol,
                        raw.status,
                        raw.reason,
                        json.dumps(raw.headers),
                        zlib.compress(raw.body),
                    ),
                )
            conn.execute(
                """UPDATE articles SET search_dirty = 1,
                changed_at = CASE WHEN ? IS NULL THEN changed_at ELSE ? END,
                change_kind = COALESCE(?, change_kind),
                version_count = (SELECT count(*) FROM versions WHERE article_id = ?)
                WHERE id = ?""",
                (kind, now, kind, article_id, article_id),
            )

    def archived_versions(self, article_id: int) -> list[ArchivedVersion]:
        """The story's page versions that kept their raw response, oldest first."""
        found = self._read(
            """SELECT v.seq, v.seen_at, v.kind, v.title, v.text, r.url, r.protocol, r.status,
            r.reason, r.headers, r.body
            FROM versions v JOIN page_raw r ON r.version_id = v.id
            WHERE v.article_id = ? ORDER BY v.seq""",
            (article_id,),
        )
        return [_archived(article_id, row) for row in found]

    def updated_ids(self) -> list[int]:
        """Every story changed after it was first seen, oldest change first."""
        found = self._read(
            "SELECT id FROM articles WHERE changed_at IS NOT NULL ORDER BY changed_at, id"
        )
        return [int(row[0]) for row in found]

    def record_removed(self, article_id: int, *, now: int) -> None:
        """The story's page is gone (404/410): one 'removed' version, flagged once."""
        with self._write() as conn:
            materialize_first_version(conn, article_id)
            title = conn.execute("SELECT title FROM articles WHERE id = ?", (article_id,))
            conn.execute(
                """INSERT INTO versions (article_id, seq, seen_at, source, kind, title, text,
                text_hash, loose_hash)
                SELECT ?, COALESCE(max(seq), 0) + 1, ?, 'page', 'removed', ?, '', '', ''
                FROM versions WHERE article_id = ?""",
                (article_id, now, title.fetchone()[0], article_id),
            )
            conn.execute(
                """UPDATE articles SET removed_at = ?, changed_at = ?, change_kind = 'removed',
                version_count = (SELECT count(*) FROM versions WHERE article_id = ?)
                WHERE id = ?""",
                (now, now, article_id, article_id),
            )
