"""Stories: lists by keyset pagination, reading state, and the watcher's schedule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reader.core.models import Article
from reader.core.store import rows
from reader.core.store.base import StoreBase

if TYPE_CHECKING:
    from reader.core.query import Query

STORIES = "articles a JOIN feeds f ON f.id = a.feed_id"


def page_key(article: Article, updated: bool = False) -> tuple[int, int]:
    """The keyset position of ``article`` in Store.articles(updated=...)."""
    return (article.changed_at or 0, article.id) if updated else (article.published, article.id)


class ArticlesMixin(StoreBase):
    def articles(
        self,
        *,
        feed_id: int | None = None,
        folder: str | None = None,
        unread: bool = False,
        starred: bool = False,
        updated: bool = False,
        limit: int = 50,
        before: tuple[int, int] | None = None,
        until: tuple[int, int] | None = None,
        query: Query | None = None,
    ) -> list[Article]:
        """Newest first (by last change for ``updated``), of one feed or of every feed in
        ``folder``, those matching ``query`` (a saved search) only; pass the last row's key (see
        page_key) as ``before`` for the next page, or as ``until`` for every row down to it
        (``limit`` does not apply then; -1 is no limit). Hidden stories are left out (unless
        ``query`` asks for is:hidden)."""
        matching: str = "a.hidden = 0"
        params: list[object] = []
        if query is not None:
            from reader.core.store import searchsql  # the search language, only when asked

            matching, params = searchsql.condition(query)
        where = [matching]
        if feed_id is not None:
            where.append("a.feed_id = ?")
            params.append(feed_id)
        if folder is not None:
            where.append("f.folder = ?")
            params.append(folder)
        if unread:
            where.append("a.read = 0")
        if starred:
            where.append("a.starred = 1")
        if updated:
            where.append("a.changed_at IS NOT NULL")
        key = "a.changed_at" if updated else "a.published"
        if before is not None:
            where.append(f"({key}, a.id) < (?, ?)")
            params.extend(before)
        if until is not None:
            where.append(f"({key}, a.id) >= (?, ?)")
            params.extend(until)
        clause = "WHERE " + " AND ".join(where)
        return self._records(
            rows.article,
            f"""SELECT {rows.ARTICLE_COLUMNS} FROM {STORIES}
            {clause} ORDER BY {key} DESC, a.id DESC LIMIT ?""",
            (*params, -1 if until is not None else limit),
        )

    def article(self, article_id: int) -> Article | None:
        found = self._records(
            rows.article,
            f"SELECT {rows.ARTICLE_COLUMNS} FROM {STORIES} WHERE a.id = ?",
            (article_id,),
        )
        return found[0] if found else None

    def mark(
        self, article_id: int, *, read: bool | None = None, starred: bool | None = None
    ) -> bool:
        """Set read and/or starred; returns False when there is no such article."""
        with self._write() as conn:
            # Reading a story remembers which version was read: the base of "what changed".
            cur = conn.execute(
                "UPDATE articles SET read = COALESCE(?, read), starred = COALESCE(?, starred),"
                " read_version = CASE WHEN ? THEN version_count ELSE read_version END"
                " WHERE id = ?",
                (read, starred, bool(read), article_id),
            )
            return cur.rowcount == 1

    def mark_feed_read(self, feed_id: int) -> list[int]:
        """Mark a feed's stories read; returns their ids so the caller can undo."""
        with self._write() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM articles WHERE feed_id = ? AND read = 0", (feed_id,)
                )
            ]
            conn.execute("UPDATE articles SET read = 1 WHERE feed_id = ? AND read = 0", (feed_id,))
        return ids

    def mark_unread(self, article_ids: Iterable[int]) -> None:
        with self._write() as conn:
            conn.executemany(
                "UPDATE articles SET read = 0 WHERE id = ?", ((i,) for i in article_ids)
            )

    def read_version(self, article_id: int) -> int | None:
        """How many versions the story had when the user last read it."""
        found = self._read("SELECT read_version FROM articles WHERE id = ?", (article_id,))
        return found[0][0] if found else None

    def watch_due(self, *, now: int, since: int, everything: bool) -> list[Article]:
        """Stories the watcher should check: changed or published after ``since``, with a web
        address, neither they nor their feed removed, and due (or all of them with
        ``everything``)."""
        due = "" if everything else "AND (a.watch_next_at IS NULL OR a.watch_next_at <= ?)"
        params = (since,) if everything else (since, now)
        return self._records(
            rows.article,
            f"""SELECT {rows.ARTICLE_COLUMNS} FROM {STORIES}
            WHERE max(COALESCE(a.changed_at, 0), a.published) >= ? AND a.url IS NOT NULL
            AND a.removed_at IS NULL AND f.removed_at IS NULL {due}
            ORDER BY a.watch_next_at IS NOT NULL, a.watch_next_at, a.published DESC""",
            params,
        )

    def schedule_watches(self, schedule: list[tuple[int, int | None]]) -> None:
        """Set when each story is next checked (None: no more checks)."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE articles SET watch_next_at = ? WHERE id = ?",
                [(next_at, article_id) for article_id, next_at in schedule],
            )

    def stories_without_page(
        self, *, seen_since: int, everywhere: bool, feed_urls: Sequence[str] = ()
    ) -> list[Article]:
        """Stories first seen since ``seen_since`` with no extracted text yet, of the feeds that
        ask for it: a feed's own choice (feeds.extract) first, else ``everywhere`` or its URL
        among ``feed_urls``."""
        marks = ",".join("?" * len(feed_urls))
        return self._records(
            rows.article,
            f"""SELECT {rows.ARTICLE_COLUMNS} FROM {STORIES}
            WHERE a.first_seen >= ?
            AND COALESCE(f.extract, ? OR f.url IN ({marks})) = 1
            AND NOT EXISTS (SELECT 1 FROM versions v
                WHERE v.article_id = a.id AND v.source = 'page')
            ORDER BY a.published DESC, a.id DESC""",
            (seen_since, everywhere, *feed_urls),
        )
