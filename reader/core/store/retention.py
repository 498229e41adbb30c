"""Pruning: old stories deleted with everything stored about them, and kept from coming back.

Each pruned story leaves a tombstone, its (feed, guid) in the `pruned` table, so a feed that
still lists it does not store it again as new. A tombstone goes when its feed is read and no
longer lists the story (it can never come back from that feed then), or with its feed.
The space freed is handed back to the file system by SQLite's incremental vacuum.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Set

from reader.core.models import PruneSummary
from reader.core.store.base import StoreBase

CHUNK = 500  # ids per statement, well under SQLite's limit on parameters
INCREMENTAL = 2  # PRAGMA auto_vacuum's value for INCREMENTAL


class RetentionMixin(StoreBase):
    def prune(self, *, older_than: int | None, keep_per_feed: int, now: int) -> PruneSummary:
        """Delete the stories published before ``older_than`` or beyond the newest
        ``keep_per_feed`` of their feed (0: no cap), except starred ones and ones with recorded
        changes; their versions, raw pages and search entries go with them."""
        with self._write() as conn:
            found = conn.execute(
                """SELECT id, feed_id, guid, starred, changed_at IS NOT NULL FROM (
                    SELECT id, feed_id, guid, starred, changed_at, published,
                        row_number() OVER (PARTITION BY feed_id ORDER BY published DESC, id DESC)
                            AS newest
                    FROM articles)
                WHERE published < ? OR (? > 0 AND newest > ?)""",
                (-1 if older_than is None else older_than, keep_per_feed, keep_per_feed),
            ).fetchall()
            doomed = [
                (i, feed, guid) for i, feed, guid, star, change in found if not (star or change)
            ]
            starred = sum(1 for row in found if row[3])
            for start in range(0, len(doomed), CHUNK):
                chunk = doomed[start : start + CHUNK]
                ids = [row[0] for row in chunk]
                marks = ",".join("?" * len(ids))
                conn.execute(f"DELETE FROM articles_fts WHERE rowid IN ({marks})", ids)
                conn.executemany(
                    "INSERT OR REPLACE INTO pruned (feed_id, guid, pruned_at) VALUES (?, ?, ?)",
                    [(feed, guid, now) for _, feed, guid in chunk],
                )
                conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids)
        if doomed:
            self._reclaim()
        return PruneSummary(len(doomed), starred, len(found) - len(doomed) - starred)

    def prepare_pruning(self) -> None:
        """Make freed space reusable by incremental vacuum: a database made before newsroom
        chose it is switched once, which rewrites the file (VACUUM, outside any transaction)."""
        conn = self._conn()
        with self._write_lock, self._errors():
            if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
                conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
                conn.execute("VACUUM")

    def _reclaim(self) -> None:
        """Hand the pages the deleted stories used back to the file system."""
        with self._write_lock, self._errors():
            # Stepped to the end by sqlite3_exec: execute() would free a single page.
            self._conn().executescript("PRAGMA incremental_vacuum")

    def fact(self, key: str) -> str | None:
        """A small fact about the store itself (such as when it was last pruned)."""
        found = self._read("SELECT value FROM store_facts WHERE key = ?", (key,))
        return found[0][0] if found else None

    def set_fact(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO store_facts (key, value) VALUES (?, ?)", (key, value)
            )


def pruned_guids(conn: sqlite3.Connection, feed_id: int, listed: Set[str]) -> set[str]:
    """The stories among ``listed`` (the guids a feed lists now) that were pruned, so are not
    stored again; the feed's other tombstones go, since it no longer lists those stories. A
    feed that lists nothing (broken for a moment) keeps them all."""
    found = conn.execute("SELECT guid FROM pruned WHERE feed_id = ?", (feed_id,))
    tombstones = {guid for (guid,) in found}
    if not tombstones or not listed:
        return tombstones
    gone = tombstones - listed
    conn.executemany(
        "DELETE FROM pruned WHERE feed_id = ? AND guid = ?", [(feed_id, guid) for guid in gone]
    )
    return tombstones - gone
