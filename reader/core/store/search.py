"""Full-text search (FTS5) in the search language of reader.core.query, over each story's
latest state (title, summary, latest page text) and every stored version.

The latest state is indexed in batches after writes, not inside them: writes only mark a story
dirty, so a refresh never waits on the index. Versions, written far less often, are indexed by
triggers as they are stored (schema step 10); deleting a story drops its index rows.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, NamedTuple

from reader.core.models import Article
from reader.core.store import rows
from reader.core.store.base import StoreBase
from reader.core.store.schema import cjk_only, has_cjk

if TYPE_CHECKING:
    from reader.core.query import Query


class SearchHit(NamedTuple):
    """A story found, and the seq of the version matched when the words sought are only in
    earlier versions of it, not the latest (else None)."""

    article: Article
    matched_version: int | None


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
                conn.execute(f"DELETE FROM articles_cjk WHERE rowid IN ({marks})", ids)
                conn.execute(
                    f"""INSERT INTO articles_fts (rowid, title, summary, body)
                    SELECT id, title, summary, COALESCE((SELECT text FROM versions v
                        WHERE v.article_id = articles.id AND v.source = 'page'
                        ORDER BY v.seq DESC LIMIT 1), '')
                    FROM articles WHERE id IN ({marks})""",
                    ids,
                )
                conn.execute(
                    f"""INSERT INTO articles_cjk (rowid, title, summary, body)
                    SELECT rowid, {cjk_only("title", "summary", "body")} FROM articles_fts
                    WHERE rowid IN ({marks}) AND ({has_cjk("title", "summary", "body")})""",
                    ids,
                )
                conn.execute(f"UPDATE articles SET search_dirty = 0 WHERE id IN ({marks})", ids)
            total += len(ids)

    def search(self, query: str | Query, *, limit: int = 50) -> list[Article]:
        """The stories matching ``query`` (text is parsed: QueryError if malformed), best
        first."""
        return [hit.article for hit in self.search_hits(query, limit=limit)]

    def search_hits(self, query: str | Query, *, limit: int = 50) -> list[SearchHit]:
        """search(), with the version each story was found in when not its latest."""
        from reader.core.query import parse  # the search language: loaded for searches only
        from reader.core.store import searchsql

        if isinstance(query, str):
            query = parse(query, now=int(time.time()))
        if not self.read_only:  # read-only, the index stays as the last writer left it
            self.sync_search_index()
        sql, params = searchsql.select(query, limit)
        return self._records(lambda row: SearchHit(rows.article(row[:-1]), row[-1]), sql, params)
