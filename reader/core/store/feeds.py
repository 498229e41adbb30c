"""Subscriptions, and what one refresh of a feed records: its stories, or why it failed.

A fetched feed is stored in one transaction. Whether a story already stored has changed is not
decided here: the caller hands over the rules (reader.core.changes.feed_change) and the store
keeps what they decide.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Container, Iterable, Sequence

from reader.core.models import Decision, Feed, ParsedEntry, ParsedFeed, StoryState, Unchanged
from reader.core.store import rows
from reader.core.store.base import StoreBase
from reader.core.store.versions import add_feed_version

# (stored state, new state, the loose fingerprints of the story's earlier feed versions)
FeedJudge = Callable[[StoryState, StoryState, Container[str]], Decision]


class _EarlierFeedStates:
    """The loose fingerprints of a story's stored feed versions, looked up only when asked: most
    comparisons are settled before they need them."""

    def __init__(self, conn: sqlite3.Connection, article_id: int) -> None:
        self.conn = conn
        self.article_id = article_id

    def __contains__(self, loose: object) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM versions WHERE article_id = ? AND source = 'feed'"
                " AND loose_hash = ?",
                (self.article_id, loose),
            ).fetchone()
            is not None
        )


class FeedsMixin(StoreBase):
    def add_feed(
        self, url: str, *, title: str | None = None, folder: str | None = None
    ) -> tuple[Feed, bool]:
        """Subscribe; returns the feed and whether it is new (an existing URL is left as is)."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO feeds (url, user_title, folder, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                (url, title or None, folder or None, int(time.time())),
            )
            created = cur.rowcount == 1
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed, created

    def add_feeds(self, subscriptions: Iterable[tuple[str, str | None, str | None]]) -> int:
        """Subscribe to many (url, title, folder) at once; returns how many were new."""
        now = int(time.time())
        with self._write() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT INTO feeds (url, user_title, folder, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                ((url, title or None, folder or None, now) for url, title, folder in subscriptions),
            )
            return conn.total_changes - before

    def feed(self, feed_id: int) -> Feed | None:
        found = self._records(
            rows.feed, f"SELECT {rows.FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)
        )
        return found[0] if found else None

    def feed_by_url(self, url: str) -> Feed | None:
        found = self._records(
            rows.feed, f"SELECT {rows.FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (url,)
        )
        return found[0] if found else None

    def feeds(self, *, unread: bool = True) -> list[Feed]:
        """All subscriptions, by folder then title; with ``unread=False`` their unread counts
        are left at 0 (counting walks every unread story: 10-25 ms for 100,000 stories)."""
        count = "COALESCE(u.n, 0)" if unread else "0"
        counts = (
            """LEFT JOIN (SELECT feed_id, count(*) AS n FROM articles WHERE read = 0
                       GROUP BY feed_id) u ON u.feed_id = f.id"""
            if unread
            else ""
        )
        return self._records(
            rows.feed,
            f"""SELECT {rows.FEED_COLUMNS}, {count} FROM feeds f {counts}
            ORDER BY f.folder IS NOT NULL, lower(f.folder),
                     lower(COALESCE(f.user_title, NULLIF(f.title, ''), f.url))""",
        )

    def feed_body_hash(self, feed_id: int) -> str | None:
        found = self._read("SELECT body_hash FROM feeds WHERE id = ?", (feed_id,))
        return found[0][0] if found else None

    def next_check_at(self, feed_id: int) -> int | None:
        found = self._read("SELECT next_check_at FROM feeds WHERE id = ?", (feed_id,))
        return found[0][0] if found else None

    def record_not_modified(self, checks: Sequence[Unchanged]) -> None:
        """304s and unchanged bodies: those feeds are healthy and their stories stay as they are.
        A refresh hands them over in batches, one transaction each."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE feeds SET checked_at = ?, next_check_at = ?, error = NULL,"
                " error_count = 0, error_at = NULL, etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified) WHERE id = ?",
                [
                    (c.checked_at, c.next_check_at, c.etag, c.last_modified, c.feed_id)
                    for c in checks
                ],
            )

    def record_failure(self, feed_id: int, message: str, *, now: int, next_check_at: int) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE feeds SET checked_at = ?, next_check_at = ?, error = ?,"
                " error_count = error_count + 1, error_at = ? WHERE id = ?",
                (now, next_check_at, message, now, feed_id),
            )

    def apply_feed(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        judge: FeedJudge,
        now: int,
        next_check_at: int,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        moved_to: str | None = None,
    ) -> tuple[int, int]:
        """Store a parsed feed in one transaction; returns (new stories, changed stories).

        Each story already stored is put to ``judge`` with its stored and its new title and
        summary: a decision to keep makes the new values current, and one with a kind also
        stores a feed version and flags the story.
        """
        # Loaded here: commands that only read the store never need it.
        from reader.core.text import fingerprints

        new = changed = 0
        with self._write() as conn:
            conn.execute(
                """UPDATE feeds SET title = ?, site_url = COALESCE(?, site_url), etag = ?,
                last_modified = ?, body_hash = ?, ttl_seconds = ?, checked_at = ?,
                next_check_at = ?, error = NULL, error_count = 0, error_at = NULL
                WHERE id = ?""",
                (
                    parsed.title,
                    parsed.site_url,
                    etag,
                    last_modified,
                    body_hash,
                    parsed.ttl_seconds,
                    now,
                    next_check_at,
                    feed_id,
                ),
            )
            if moved_to:
                conn.execute("UPDATE OR IGNORE feeds SET url = ? WHERE id = ?", (moved_to, feed_id))
            known = _known_entries(conn, feed_id, [e.guid for e in parsed.entries])
            # Oldest first, so that undated stories keep the feed's order under "newest first".
            for entry in reversed(parsed.entries):
                exact, loose = fingerprints(entry.title, entry.summary)
                if entry.guid not in known:
                    _insert_article(conn, feed_id, entry, loose, now)
                    new += 1
                    continue
                article_id, stored = known[entry.guid]
                latest = StoryState(entry.title, entry.summary, loose)
                decision = judge(stored, latest, _EarlierFeedStates(conn, article_id))
                if not decision.keep:
                    continue
                if decision.kind is not None:
                    add_feed_version(
                        conn,
                        article_id,
                        kind=decision.kind,
                        title=entry.title,
                        text=entry.summary,
                        exact=exact,
                        loose=loose,
                        now=now,
                    )
                    changed += 1
                _follow(conn, article_id, entry, loose, decision.kind, now)
        return new, changed


def _known_entries(
    conn: sqlite3.Connection, feed_id: int, guids: list[str]
) -> dict[str, tuple[int, StoryState]]:
    """The feed's stories among ``guids``: guid -> (article id, its stored title and summary)."""
    known: dict[str, tuple[int, StoryState]] = {}
    for start in range(0, len(guids), 500):
        chunk = guids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for guid, article_id, title, summary, loose in conn.execute(
            f"""SELECT guid, id, title, summary, feed_hash
            FROM articles WHERE feed_id = ? AND guid IN ({marks})""",
            (feed_id, *chunk),
        ):
            known[guid] = (article_id, StoryState(title, summary, loose))
    return known


def _insert_article(
    conn: sqlite3.Connection, feed_id: int, entry: ParsedEntry, loose: str, now: int
) -> None:
    conn.execute(
        """INSERT INTO articles (feed_id, guid, url, title, author, published, updated,
        summary, content, feed_hash, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            feed_id,
            entry.guid,
            entry.url,
            entry.title,
            entry.author,
            entry.published or entry.updated or now,
            entry.updated,
            entry.summary,
            entry.content,
            loose,
            now,
        ),
    )


def _follow(
    conn: sqlite3.Connection,
    article_id: int,
    entry: ParsedEntry,
    loose: str,
    kind: str | None,
    now: int,
) -> None:
    """Make the feed's new values the story's current ones; with a ``kind``, flag the change."""
    conn.execute(
        """UPDATE articles SET title = ?, summary = ?, content = ?, url = COALESCE(?, url),
        author = ?, updated = ?, feed_hash = ?, search_dirty = 1,
        changed_at = CASE WHEN ? IS NULL THEN changed_at ELSE ? END,
        change_kind = COALESCE(?, change_kind),
        version_count = CASE WHEN ? IS NULL THEN version_count ELSE
            (SELECT count(*) FROM versions WHERE article_id = ?) END
        WHERE id = ?""",
        (
            entry.title,
            entry.summary,
            entry.content,
            entry.url,
            entry.author,
            entry.updated,
            loose,
            kind,
            now,
            kind,
            kind,
            article_id,
            article_id,
        ),
    )
