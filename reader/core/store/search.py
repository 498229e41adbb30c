"""Full-text search (FTS5) over each story's title, summary and latest page text.

The index is brought up to date in batches after writes, not inside them: writes only mark a
story dirty, so a refresh never waits on the index.
"""

from __future__ import annotations

import re

from reader.core.models import Article
from reader.core.store import rows
from reader.core.store.base import StoreBase


class SearchMixin(StoreBase):
    def sync_search_index(self, batch: int = 2000) -> int:
        """Index stories written since the last call, in batches; returns how many."""
        total = 0
        while True:
            with self._write() as conn:
                ids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM articles WHERE search_dirty = 1 LIMIT ?", (batch,)
                    )
                ]
                if not ids:
                    return total
                marks = ",".join("?" * len(ids))
                conn.execute(f"DELETE FROM articles_fts WHERE rowid IN ({marks})", ids)
                conn.execute(
                    f"""INSERT INTO articles_fts (rowid, title, summary, body)
                    SELECT id, title, summary, COALESCE((SELECT text FROM versions v
                        WHERE v.article_id = articles.id AND v.source = 'page'
                        ORDER BY v.seq DESC LIMIT 1), '')
                    FROM articles WHERE id IN ({marks})""",
                    ids,
                )
                conn.execute(f"UPDATE articles SET search_dirty = 0 WHERE id IN ({marks})", ids)
            total += len(ids)

    def search(self, query: str, *, limit: int = 50) -> list[Article]:
        """Stories matching every word of ``query``, best match first."""
        words = re.findall(r"\w+", query)
        if not words:
            return []
        self.sync_search_index()
        match = " ".join('"' + w + '"' for w in words)
        return self._records(
            rows.article,
            f"""SELECT {rows.ARTICLE_COLUMNS} FROM articles_fts s
            JOIN articles a ON a.id = s.rowid JOIN feeds f ON f.id = a.feed_id
            WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 5.0, 2.0, 1.0), a.id DESC
            LIMIT ?""",
            (match, limit),
        )
