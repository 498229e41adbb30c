"""SQLite storage: one file shared by the TUI and the `watch` daemon.

Discipline: WAL set once at creation, foreign keys and a busy timeout on every connection, every
write in a `BEGIN IMMEDIATE` transaction (so two processes queue instead of failing mid-way), one
transaction per feed, schema steps numbered in `PRAGMA user_version`. Lists use keyset pagination.
The full-text index is brought up to date in batches after writes, not inside them.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reader.core.models import Article, Feed, ParsedEntry, ParsedFeed, Unchanged

BUSY_TIMEOUT_MS = 15_000

# Each step is a tuple of statements applied in one transaction; never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            user_title TEXT,
            folder TEXT,
            site_url TEXT,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            ttl_seconds INTEGER,
            added_at INTEGER NOT NULL,
            checked_at INTEGER,
            next_check_at INTEGER,
            error TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            error_at INTEGER
        )""",
        """CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            guid TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL DEFAULT '',
            author TEXT,
            published INTEGER NOT NULL,
            updated INTEGER,
            summary TEXT NOT NULL DEFAULT '',
            content TEXT,
            feed_hash TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            changed_at INTEGER,
            change_kind TEXT,
            read_version INTEGER,
            version_count INTEGER NOT NULL DEFAULT 1,
            search_dirty INTEGER NOT NULL DEFAULT 1,
            UNIQUE (feed_id, guid)
        )""",
        "CREATE INDEX articles_by_time ON articles (published, id)",
        "CREATE INDEX articles_by_feed_time ON articles (feed_id, published, id)",
        "CREATE INDEX articles_unread ON articles (feed_id) WHERE read = 0",
        "CREATE INDEX articles_starred ON articles (published, id) WHERE starred = 1",
        "CREATE INDEX articles_changed ON articles (changed_at, id) WHERE changed_at IS NOT NULL",
        "CREATE INDEX articles_search_dirty ON articles (id) WHERE search_dirty = 1",
        """CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            seen_at INTEGER NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('feed', 'page')),
            kind TEXT,
            title TEXT NOT NULL,
            byline TEXT,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            loose_hash TEXT NOT NULL,
            extractor TEXT,
            etag TEXT,
            last_modified TEXT,
            UNIQUE (article_id, seq)
        )""",
        """CREATE VIRTUAL TABLE articles_fts USING fts5 (
            title, summary, body, tokenize = 'unicode61 remove_diacritics 2'
        )""",
    ),
    # 2: the Markdown of extracted page versions, for the reading pane.
    ("ALTER TABLE versions ADD COLUMN markdown TEXT",),
    # 3: the story watcher's schedule, and stories whose page has gone.
    (
        "ALTER TABLE articles ADD COLUMN watch_next_at INTEGER",
        "ALTER TABLE articles ADD COLUMN removed_at INTEGER",
        "CREATE INDEX articles_watch ON articles (watch_next_at)",
    ),
    # 4: the canonical URL a page declares, compared by the watcher.
    ("ALTER TABLE versions ADD COLUMN canonical_url TEXT",),
    # 5: a feed's own User-Agent, for sites that answer only some clients.
    ("ALTER TABLE feeds ADD COLUMN user_agent TEXT",),
)

ARTICLE_COLUMNS = """a.id, a.feed_id, COALESCE(f.user_title, NULLIF(f.title, ''), f.url), a.guid,
    a.url, a.title, a.author, a.published, a.summary, a.content, a.first_seen, a.read, a.starred,
    a.changed_at, a.change_kind, a.version_count"""

FEED_COLUMNS = """f.id, f.url, COALESCE(f.user_title, NULLIF(f.title, ''), f.url), f.folder,
    f.site_url, f.etag, f.last_modified, f.error, f.error_count, f.user_agent"""


def page_key(article: Article, updated: bool = False) -> tuple[int, int]:
    """The keyset position of ``article`` in Store.articles(updated=...)."""
    return (article.changed_at or 0, article.id) if updated else (article.published, article.id)


class StoreError(Exception):
    """The database cannot be used; str() is one line for people."""


def _article(row: Sequence) -> Article:
    return Article(*row[:11], bool(row[11]), bool(row[12]), *row[13:])


def _describe(exc: sqlite3.Error, path: Path) -> str:
    message = str(exc)
    if "not a database" in message or "malformed" in message:
        return f"{path} is damaged or not a newsroom database ({message})"
    if "disk is full" in message:
        return f"cannot write {path}: the disk is full (what was stored before is kept)"
    if "readonly" in message or "unable to open" in message:
        if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
            return f"cannot write {path}: {path.parent} is read-only"
        return f"cannot write {path} ({message})"
    return f"database error in {path}: {message}"


class Store:
    """The newsroom database. Safe to share between threads: each thread gets its own
    connection, and SQLite's locking (WAL + busy timeout) serialises writers."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.path.parent} ({exc.strerror})") from None
        with self._errors():
            self._migrate(self._conn())

    # -- connections and transactions -------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=15
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
            with self._lock:
                # Worker threads come and go: close the connections of threads that ended.
                for thread, old in list(self._connections.items()):
                    if not thread.is_alive():
                        old.close()
                        del self._connections[thread]
                self._connections[threading.current_thread()] = conn
        return conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(_describe(exc, self.path)) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so concurrent writers wait instead of failing."""
        conn = self._conn()
        # Threads of this process queue here; other processes queue on SQLite's lock.
        with self._write_lock, self._errors():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _read(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        with self._errors():
            return self._conn().execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            for conn in self._connections.values():
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == len(MIGRATIONS):
            return
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer newsroom (schema {version})")
        if version == 0:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step, statements in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- feeds ------------------------------------------------------------------------------

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
        rows = self._read(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,))
        return Feed(*rows[0]) if rows else None

    def feed_by_url(self, url: str) -> Feed | None:
        rows = self._read(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.url = ?", (url,))
        return Feed(*rows[0]) if rows else None

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
        rows = self._read(
            f"""SELECT {FEED_COLUMNS}, {count} FROM feeds f {counts}
            ORDER BY f.folder IS NOT NULL, lower(f.folder),
                     lower(COALESCE(f.user_title, NULLIF(f.title, ''), f.url))"""
        )
        return [Feed(*row) for row in rows]

    def feed_body_hash(self, feed_id: int) -> str | None:
        rows = self._read("SELECT body_hash FROM feeds WHERE id = ?", (feed_id,))
        return rows[0][0] if rows else None

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

    def next_check_at(self, feed_id: int) -> int | None:
        rows = self._read("SELECT next_check_at FROM feeds WHERE id = ?", (feed_id,))
        return rows[0][0] if rows else None

    # -- applying a fetched feed ------------------------------------------------------------

    def apply_feed(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        now: int,
        next_check_at: int,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        moved_to: str | None = None,
    ) -> tuple[int, int]:
        """Store a parsed feed in one transaction; returns (new stories, changed stories).

        A story already stored is compared by the loose fingerprint of its title and summary:
        equal means cosmetic (nothing stored), equal to an earlier version means a flip-flop (the
        current values follow the feed but nothing is flagged), otherwise a new feed version is
        stored and the story is flagged as changed.
        """
        # The text and diff modules load here: a refresh where nothing changed never needs them.
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
                    parsed.ttl_minutes * 60 if parsed.ttl_minutes else None,
                    now,
                    next_check_at,
                    feed_id,
                ),
            )
            if moved_to:
                conn.execute("UPDATE OR IGNORE feeds SET url = ? WHERE id = ?", (moved_to, feed_id))
            known = self._known_entries(conn, feed_id, [e.guid for e in parsed.entries])
            # Oldest first, so that undated stories keep the feed's order under "newest first".
            for entry in reversed(parsed.entries):
                exact, loose = fingerprints(entry.title, entry.summary)
                row = known.get(entry.guid)
                if row is None:
                    self._insert_article(conn, feed_id, entry, loose, now)
                    new += 1
                elif row[1] != loose and self._apply_change(conn, row, entry, exact, loose, now):
                    changed += 1
        return new, changed

    @staticmethod
    def _known_entries(
        conn: sqlite3.Connection, feed_id: int, guids: list[str]
    ) -> dict[str, tuple]:
        known: dict[str, tuple] = {}
        for start in range(0, len(guids), 500):
            chunk = guids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                f"""SELECT guid, id, feed_hash, title, summary, first_seen, version_count
                FROM articles WHERE feed_id = ? AND guid IN ({marks})""",
                (feed_id, *chunk),
            ):
                known[row[0]] = row[1:]
        return known

    @staticmethod
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

    @staticmethod
    def _apply_change(
        conn: sqlite3.Connection,
        row: tuple,
        entry: ParsedEntry,
        exact: str,
        loose: str,
        now: int,
    ) -> bool:
        """Record a feed-tier change of a known story; returns whether it is a new state."""
        from reader.core.diff import classify

        article_id, _, old_title, old_summary, _, _ = row
        seen = conn.execute(
            "SELECT 1 FROM versions WHERE article_id = ? AND source = 'feed' AND loose_hash = ?",
            (article_id, loose),
        ).fetchone()
        if not seen:
            Store._materialize_first_version(conn, article_id)
        kind = classify(old_title, old_summary, entry.title, entry.summary)
        if not seen:
            seq = conn.execute(
                "SELECT COALESCE(max(seq), 0) + 1 FROM versions WHERE article_id = ?",
                (article_id,),
            ).fetchone()[0]
            conn.execute(
                """INSERT INTO versions (article_id, seq, seen_at, source, kind, title, text,
                text_hash, loose_hash) VALUES (?, ?, ?, 'feed', ?, ?, ?, ?, ?)""",
                (article_id, seq, now, kind, entry.title, entry.summary, exact, loose),
            )
        conn.execute(
            """UPDATE articles SET title = ?, summary = ?, content = ?, url = COALESCE(?, url),
            author = ?, updated = ?, feed_hash = ?, search_dirty = 1,
            changed_at = CASE WHEN ? THEN changed_at ELSE ? END,
            change_kind = CASE WHEN ? THEN change_kind ELSE ? END,
            version_count = CASE WHEN ? THEN version_count ELSE
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
                bool(seen),
                now,
                bool(seen),
                kind,
                bool(seen),
                article_id,
                article_id,
            ),
        )
        return not seen

    @staticmethod
    def _materialize_first_version(conn: sqlite3.Connection, article_id: int) -> None:
        """The first version lives only in the article row until a second one is stored."""
        row = conn.execute(
            "SELECT title, summary, feed_hash, first_seen, version_count FROM articles"
            " WHERE id = ?",
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
    ) -> None:
        """Store the text extracted from a story's page as a 'page' version; with a ``kind``
        it is a real change and the story is flagged."""
        from reader.core.text import fingerprints

        exact, loose = fingerprints(title, text)
        with self._write() as conn:
            self._materialize_first_version(conn, article_id)
            conn.execute(
                """INSERT INTO versions (article_id, seq, seen_at, source, kind, title, byline,
                text, markdown, text_hash, loose_hash, extractor, etag, last_modified,
                canonical_url)
                SELECT ?, COALESCE(max(seq), 0) + 1, ?, 'page', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
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
                    article_id,
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

    def record_removed(self, article_id: int, *, now: int) -> None:
        """The story's page is gone (404/410): one 'removed' version, flagged once."""
        with self._write() as conn:
            self._materialize_first_version(conn, article_id)
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

    def page_versions(self, article_id: int) -> list[tuple]:
        """Page versions newest first: (seq, title, text, loose_hash, extractor, etag,
        last_modified, byline, canonical_url)."""
        return self._read(
            "SELECT seq, title, text, loose_hash, extractor, etag, last_modified, byline,"
            " canonical_url FROM versions"
            " WHERE article_id = ? AND source = 'page' AND kind IS NOT 'removed'"
            " ORDER BY seq DESC",
            (article_id,),
        )

    def watch_due(self, *, now: int, since: int, everything: bool) -> list[Article]:
        """Stories the watcher should check: changed or published after ``since``, with a web
        address, not removed, and due (or all of them with ``everything``)."""
        due = "" if everything else "AND (a.watch_next_at IS NULL OR a.watch_next_at <= ?)"
        params: list[object] = [since] + ([] if everything else [now])
        rows = self._read(
            f"""SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
            WHERE max(COALESCE(a.changed_at, 0), a.published) >= ? AND a.url IS NOT NULL
            AND a.removed_at IS NULL {due}
            ORDER BY a.watch_next_at IS NOT NULL, a.watch_next_at, a.published DESC""",
            params,
        )
        return [_article(row) for row in rows]

    def schedule_watch(self, article_id: int, next_at: int | None) -> None:
        self.schedule_watches([(article_id, next_at)])

    def schedule_watches(self, schedule: list[tuple[int, int | None]]) -> None:
        """Set when each story is next checked (None: no more checks)."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE articles SET watch_next_at = ? WHERE id = ?",
                [(next_at, article_id) for article_id, next_at in schedule],
            )

    def stories_without_page(
        self, *, seen_since: int, feed_urls: list[str] | None
    ) -> list[Article]:
        """Stories first seen since ``seen_since`` with no extracted text yet (all feeds when
        ``feed_urls`` is None)."""
        feeds = ""
        params: list[object] = [seen_since]
        if feed_urls is not None:
            feeds = f"AND f.url IN ({','.join('?' * len(feed_urls))})"
            params.extend(feed_urls)
        rows = self._read(
            f"""SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
            WHERE a.first_seen >= ? {feeds} AND NOT EXISTS (SELECT 1 FROM versions v
                WHERE v.article_id = a.id AND v.source = 'page')
            ORDER BY a.published DESC, a.id DESC""",
            params,
        )
        return [_article(row) for row in rows]

    def page_version(self, article_id: int) -> tuple[str, str, str] | None:
        """The latest text extracted from the story's page: (text, markdown, extractor)."""
        rows = self._read(
            "SELECT text, COALESCE(markdown, text), extractor FROM versions"
            " WHERE article_id = ? AND source = 'page' ORDER BY seq DESC LIMIT 1",
            (article_id,),
        )
        return rows[0] if rows else None

    # -- articles ---------------------------------------------------------------------------

    def articles(
        self,
        *,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        updated: bool = False,
        limit: int = 50,
        before: tuple[int, int] | None = None,
        until: tuple[int, int] | None = None,
    ) -> list[Article]:
        """Newest first (by last change for ``updated``); pass the last row's key (see
        page_key) as ``before`` for the next page, or as ``until`` for every row down to it
        (``limit`` does not apply then)."""
        where: list[str] = []
        params: list[object] = []
        if feed_id is not None:
            where.append("a.feed_id = ?")
            params.append(feed_id)
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
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        rows = self._read(
            f"""SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
            {clause} ORDER BY {key} DESC, a.id DESC LIMIT ?""",
            (*params, -1 if until is not None else limit),
        )
        return [_article(row) for row in rows]

    def article(self, article_id: int) -> Article | None:
        rows = self._read(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id"
            " WHERE a.id = ?",
            (article_id,),
        )
        return _article(rows[0]) if rows else None

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
        rows = self._read("SELECT read_version FROM articles WHERE id = ?", (article_id,))
        return rows[0][0] if rows else None

    def versions(self, article_id: int) -> list[tuple]:
        """Stored versions oldest first: (seq, seen_at, source, kind, title, text)."""
        return self._read(
            "SELECT seq, seen_at, source, kind, title, text FROM versions"
            " WHERE article_id = ? ORDER BY seq",
            (article_id,),
        )

    # -- search -----------------------------------------------------------------------------

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
        rows = self._read(
            f"""SELECT {ARTICLE_COLUMNS} FROM articles_fts s
            JOIN articles a ON a.id = s.rowid JOIN feeds f ON f.id = a.feed_id
            WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 5.0, 2.0, 1.0), a.id DESC
            LIMIT ?""",
            (match, limit),
        )
        return [_article(row) for row in rows]
