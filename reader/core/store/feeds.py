"""Subscriptions, and what one refresh of a feed records: its stories, or why it failed.

A fetched feed is stored in one transaction. Whether a story already stored has changed is not
decided here: the caller hands over the rules (reader.core.changes.feed_change) and the store
keeps what they decide.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Container, Iterable, Mapping, Sequence

from reader.core.models import Decision, Feed, ParsedEntry, ParsedFeed, StoryState, Unchanged
from reader.core.store import rows
from reader.core.store.base import StoreBase
from reader.core.store.retention import pruned_guids
from reader.core.store.versions import add_feed_version

# The columns a user may change (Store.update_feed).
EDITABLE = frozenset({"user_title", "folder", "url", "interval_minutes", "extract", "user_agent"})

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
        """Subscribe; returns the feed and whether it is new (an existing URL is left as is, and
        a removed feed kept for its starred stories is revived)."""
        with self._write() as conn:
            created = _subscribe(conn, url, title, folder, int(time.time()))
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed, created

    def add_feeds(
        self,
        subscriptions: Iterable[tuple[str, str | None, str | None]],
        tags: Mapping[str, Sequence[str]] | None = None,
    ) -> int:
        """Subscribe to many (url, title, folder) at once, with the ``tags`` given for a URL;
        returns how many were new (or revived)."""
        now = int(time.time())
        added = 0
        with self._write() as conn:
            for url, title, folder in subscriptions:
                if not _subscribe(conn, url, title, folder, now):
                    continue
                added += 1
                if tags and tags.get(url):
                    (feed_id,) = conn.execute(
                        "SELECT id FROM feeds WHERE url = ?", (url,)
                    ).fetchone()
                    _set_tags(conn, feed_id, tags[url])
        return added

    def update_feed(self, feed_id: int, values: Mapping[str, object]) -> bool:
        """Set a subscription's editable columns (see EDITABLE); returns False when there is no
        such subscription. A URL taken by another feed raises StoreError."""
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        if not values:
            return self.feed(feed_id) is not None
        columns = ", ".join(f"{name} = ?" for name in values)
        with self._write() as conn:
            cur = conn.execute(
                f"UPDATE feeds SET {columns} WHERE id = ? AND removed_at IS NULL",
                (*values.values(), feed_id),
            )
            if "url" in values:  # the new address is fetched afresh, without the old validators
                conn.execute(
                    "UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL,"
                    " next_check_at = NULL, error = NULL, error_count = 0, error_at = NULL"
                    " WHERE id = ?",
                    (feed_id,),
                )
            return cur.rowcount == 1

    def set_feed_tags(self, feed_id: int, tags: Sequence[str]) -> None:
        """Replace a subscription's tags (beyond its folder) with ``tags``, in that order."""
        with self._write() as conn:
            _set_tags(conn, feed_id, tags)

    def remove_feed(self, feed_id: int, *, now: int) -> tuple[int, int] | None:
        """Unsubscribe: delete the feed's stories except starred ones; returns (stories
        deleted, starred stories kept), or None when there is no such subscription.

        With starred stories left the row stays, marked removed: they keep their feed's name,
        and the feed is no longer listed, refreshed, watched or exported. Without, it goes."""
        with self._write() as conn:
            found = conn.execute(
                "SELECT 1 FROM feeds WHERE id = ? AND removed_at IS NULL", (feed_id,)
            ).fetchone()
            if found is None:
                return None
            unstarred = "SELECT id FROM articles WHERE feed_id = ? AND starred = 0"
            conn.execute(f"DELETE FROM articles_fts WHERE rowid IN ({unstarred})", (feed_id,))
            deleted = conn.execute(
                "DELETE FROM articles WHERE feed_id = ? AND starred = 0", (feed_id,)
            ).rowcount
            (kept,) = conn.execute(
                "SELECT count(*) FROM articles WHERE feed_id = ?", (feed_id,)
            ).fetchone()
            if kept:
                conn.execute(
                    "UPDATE feeds SET removed_at = ?, next_check_at = NULL WHERE id = ?",
                    (now, feed_id),
                )
            else:
                conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
            return deleted, kept

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
        """All subscriptions (not removed ones), by folder then title; with ``unread=False``
        their unread counts are left at 0 (counting walks every unread story: 10-25 ms for
        100,000 stories)."""
        count = "COALESCE(u.n, 0)" if unread else "0"
        counts = (
            """LEFT JOIN (SELECT feed_id, count(*) AS n FROM articles
                       WHERE read = 0 AND hidden = 0 GROUP BY feed_id) u ON u.feed_id = f.id"""
            if unread
            else ""
        )
        return self._records(
            rows.feed,
            f"""SELECT {rows.FEED_COLUMNS}, {count} FROM feeds f {counts}
            WHERE f.removed_at IS NULL
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

    def record_failure(
        self,
        feed_id: int,
        message: str,
        *,
        now: int,
        next_check_at: int,
        retry_until: int | None = None,
    ) -> None:
        """Store why the feed failed and when to try again; ``retry_until``: its server asked
        not to be asked before then (Retry-After), which even a forced refresh respects."""
        with self._write() as conn:
            conn.execute(
                "UPDATE feeds SET checked_at = ?, next_check_at = ?, error = ?,"
                " error_count = error_count + 1, error_at = ?,"
                " retry_until = COALESCE(?, retry_until) WHERE id = ?",
                (now, next_check_at, message, now, retry_until, feed_id),
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
            pruned = pruned_guids(conn, feed_id, {e.guid for e in parsed.entries})
            undated = _undated_time(conn, feed_id, parsed.entries, now)
            # Oldest first, so that undated stories keep the feed's order under "newest first";
            # undated ones before dated ones, so that they sort below those with the same time.
            for entry in sorted(reversed(parsed.entries), key=_dated):
                exact, loose = fingerprints(entry.title, entry.summary)
                if entry.guid not in known:
                    if entry.guid in pruned:  # deleted by a prune: it stays deleted
                        continue
                    _insert_article(conn, feed_id, entry, loose, now, undated)
                    new += 1
                    continue
                article_id, stored = known[entry.guid]
                if entry.enclosures:  # a story's files, whatever the judge says of its text
                    files = rows.files_json(entry.enclosures)
                    conn.execute(
                        "UPDATE articles SET enclosures = ? WHERE id = ? AND enclosures IS NOT ?",
                        (files, article_id, files),
                    )
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


def _subscribe(
    conn: sqlite3.Connection, url: str, title: str | None, folder: str | None, now: int
) -> bool:
    """Insert a subscription, or revive a removed one as a new one: none of its old settings
    (title, folder, tags, interval...) and none of its validators (they would only bring a
    304); returns whether either happened."""
    cur = conn.execute(
        """INSERT INTO feeds (url, user_title, folder, added_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (url) DO UPDATE SET removed_at = NULL, added_at = excluded.added_at,
            user_title = excluded.user_title, folder = excluded.folder, interval_minutes = NULL,
            extract = NULL, user_agent = NULL, retry_until = NULL, etag = NULL,
            last_modified = NULL, body_hash = NULL, next_check_at = NULL, error = NULL,
            error_count = 0, error_at = NULL
        WHERE removed_at IS NOT NULL""",
        (url, title or None, folder or None, now),
    )
    if cur.rowcount != 1:
        return False
    conn.execute(
        "DELETE FROM feed_tags WHERE feed_id = (SELECT id FROM feeds WHERE url = ?)", (url,)
    )
    return True


def _set_tags(conn: sqlite3.Connection, feed_id: int, tags: Sequence[str]) -> None:
    conn.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
    kept = dict.fromkeys(t for t in (tag.replace(rows.TAG_SEPARATOR, "") for tag in tags) if t)
    conn.executemany(
        "INSERT INTO feed_tags (feed_id, position, tag) VALUES (?, ?, ?)",
        ((feed_id, n, tag) for n, tag in enumerate(kept)),
    )


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


def _dated(entry: ParsedEntry) -> bool:
    return bool(entry.published or entry.updated)


def _undated_time(
    conn: sqlite3.Connection, feed_id: int, entries: Sequence[ParsedEntry], now: int
) -> int:
    """The time a story without a date sorts by. On the feed's first import, that of its oldest
    dated story (else a new feed's undated archive would sit on top of every list as brand
    new); later, ``now``: a story that appears on a later refresh is new."""
    if conn.execute("SELECT 1 FROM articles WHERE feed_id = ? LIMIT 1", (feed_id,)).fetchone():
        return now
    return min((e.published or e.updated or now for e in entries if _dated(e)), default=now)


def _insert_article(
    conn: sqlite3.Connection,
    feed_id: int,
    entry: ParsedEntry,
    loose: str,
    now: int,
    undated: int,
) -> None:
    conn.execute(
        """INSERT INTO articles (feed_id, guid, url, title, author, published, updated,
        summary, content, feed_hash, first_seen, enclosures)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            feed_id,
            entry.guid,
            entry.url,
            entry.title,
            entry.author,
            entry.published or entry.updated or undated,
            entry.updated,
            entry.summary,
            entry.content,
            loose,
            now,
            rows.files_json(entry.enclosures),
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
