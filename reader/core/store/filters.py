"""Hide filters and saved searches in the store: the materialised articles.hidden flag, counts
for saved views, and which new stories a notifying saved search has announced.

The flag is set in SQL from the same compiled queries as a search (searchsql.condition), so a
filter hides exactly what the same words would find; only the stories whose flag must change
are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.models import Article
from reader.core.store import rows
from reader.core.store.base import StoreBase

if TYPE_CHECKING:
    from reader.core.query import Query

HIDE_DIGEST = "hide_filters"  # in store_facts: the digest of the filters articles.hidden follows
STORIES = "articles a JOIN feeds f ON f.id = a.feed_id"


def _hidden_ids(filters: Sequence[Query]) -> tuple[str, list[object]]:
    """A statement selecting the ids of the stories any of ``filters`` matches (hidden or not:
    a filter is about what a story says, not whether it is shown)."""
    if not filters:
        return "SELECT NULL WHERE 0", []
    parts: list[str] = []
    params: list[object] = []
    from reader.core.store import searchsql  # loaded when a filter is used

    for query in filters:
        sql, found = searchsql.condition(query, shown=False)
        parts.append(f"({sql})")
        params += found
    return f"SELECT a.id FROM {STORIES} WHERE " + " OR ".join(parts), params


class FiltersMixin(StoreBase):
    def hide_digest(self) -> str | None:
        """The digest of the filters the hidden flags were last set for."""
        found = self._read("SELECT value FROM store_facts WHERE key = ?", (HIDE_DIGEST,))
        return found[0][0] if found else None

    def set_hidden(
        self,
        filters: Sequence[Query],
        *,
        digest: str | None = None,
        after_id: int | None = None,
        changed_since: int | None = None,
    ) -> int:
        """Set the hidden flag of every story to whether one of ``filters`` matches it, and
        remember ``digest``; or only of the stories added after ``after_id`` or changed since
        ``changed_since``. The search index must be up to date. Returns how many flags
        changed."""
        ids, params = _hidden_ids(filters)
        scope = "1"
        scope_params: list[object] = []
        if after_id is not None or changed_since is not None:
            scope = "(id > ? OR changed_at >= ?)"
            scope_params = [after_id or 0, changed_since or 0]
        with self._write() as conn:
            cur = conn.execute(
                f"""UPDATE articles SET hidden = 1 - hidden
                WHERE {scope} AND hidden != (id IN ({ids}))""",
                [*scope_params, *params],
            )
            if digest is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO store_facts (key, value) VALUES (?, ?)",
                    (HIDE_DIGEST, digest),
                )
            return cur.rowcount

    def last_article_id(self) -> int:
        """The newest story's id: every story stored later has a greater one."""
        return int(self._read("SELECT COALESCE(max(id), 0) FROM articles")[0][0])

    def count_matching(self, query: Query, *, unread: bool = False) -> int:
        """How many stories (``unread`` ones) match ``query``: a saved view's count."""
        from reader.core.store import searchsql  # loaded when a filter is used

        where, params = searchsql.condition(query)
        state = " AND a.read = 0" if unread else ""
        return int(self._read(f"SELECT count(*) FROM {STORIES} WHERE {where}{state}", params)[0][0])

    def announce_matches(self, saved: str, query: Query, *, after_id: int) -> list[Article]:
        """The stories added after ``after_id`` that match ``query`` and that the saved search
        ``saved`` has not announced yet, oldest first; they are recorded as announced in the
        same transaction, so two processes never announce one twice."""
        from reader.core.store import searchsql  # loaded when a filter is used

        where, params = searchsql.condition(query)
        with self._write() as conn:
            found = [
                rows.article(row)
                for row in conn.execute(
                    f"""SELECT {rows.ARTICLE_COLUMNS} FROM {STORIES}
                    WHERE a.id > ? AND {where} AND NOT EXISTS (SELECT 1 FROM saved_notified n
                        WHERE n.article_id = a.id AND n.saved = ?)
                    ORDER BY a.id""",
                    [after_id, *params, saved],
                )
            ]
            conn.executemany(
                "INSERT INTO saved_notified (article_id, saved) VALUES (?, ?)",
                [(article.id, saved) for article in found],
            )
        return found
