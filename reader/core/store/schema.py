"""The database schema as numbered steps: `PRAGMA user_version` says how many are applied.

A step is applied once, in one transaction, on every database older than it (see
StoreBase._migrate). Released steps are never edited: a change to the schema is a new step at the
end, and tests/data/db/release1.sql keeps a database of the first release to upgrade from.
"""

from __future__ import annotations

# Characters of Chinese, Japanese and Korean (Hangul jamo, kana, CJK ideographs and their
# extensions, Hangul syllables): text with any of them also goes to the trigram indexes. Step 10
# writes it into triggers: a change needs a new step.
CJK_CHARACTERS = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
)
CJK_GLOB = f"*[{CJK_CHARACTERS}]*"


def has_cjk(*columns: str) -> str:
    """SQL: does any of ``columns`` hold a CJK character?"""
    return " OR ".join(f"{column} GLOB '{CJK_GLOB}'" for column in columns)


def cjk_only(*columns: str) -> str:
    """SQL: ``columns`` as a trigram table takes them: each only if it holds CJK characters (a
    CJK term cannot be found in the others, and their trigrams would cost the most space)."""
    return ", ".join(f"CASE WHEN {has_cjk(column)} THEN {column} END" for column in columns)


# Each step is a tuple of statements applied in one transaction; never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the first release: feeds, stories, their versions and the search index.
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
    # 6: a digest of the exact page bytes behind a page version: the same bytes again are not
    # extracted again.
    ("ALTER TABLE versions ADD COLUMN body_hash TEXT",),
    # 7: the raw response behind a page version, kept as evidence: its URL, status line, header
    # fields (JSON pairs, as received) and body (zlib, as decoded from any Content-Encoding).
    (
        """CREATE TABLE page_raw (
            version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            protocol TEXT NOT NULL,
            status INTEGER NOT NULL,
            reason TEXT NOT NULL,
            headers TEXT NOT NULL,
            body BLOB NOT NULL
        )""",
    ),
    # 8: managing feeds and keeping the store in shape: a feed's own refresh interval and full-text
    # choice, feeds unsubscribed but kept for their starred stories, the time a feed's server
    # asked us to wait until (Retry-After), tags beyond the folder, the
    # stories pruned (so a feed that still lists them does not bring them back) and small facts
    # about the store itself (such as when it was last pruned).
    (
        "ALTER TABLE feeds ADD COLUMN interval_minutes INTEGER",
        "ALTER TABLE feeds ADD COLUMN extract INTEGER",
        "ALTER TABLE feeds ADD COLUMN removed_at INTEGER",
        "ALTER TABLE feeds ADD COLUMN retry_until INTEGER",
        """CREATE TABLE feed_tags (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            tag TEXT NOT NULL,
            PRIMARY KEY (feed_id, tag)
        ) WITHOUT ROWID""",
        """CREATE TABLE pruned (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            guid TEXT NOT NULL,
            pruned_at INTEGER NOT NULL,
            PRIMARY KEY (feed_id, guid)
        ) WITHOUT ROWID""",
        "CREATE TABLE store_facts (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    ),
    # 9: a story's enclosures (podcasts, PDFs): a JSON list of {"url", "type", "length"}.
    ("ALTER TABLE articles ADD COLUMN enclosures TEXT",),
    # 10: every stored version searchable (versions_fts over the versions table itself), and
    # substrings of Chinese, Japanese and Korean text (trigram tables holding only the stories and
    # versions with such characters, as unicode61 sees a run of them as one word). Triggers keep
    # the version indexes in step with the versions and drop a deleted story's index rows.
    (
        """CREATE VIRTUAL TABLE versions_fts USING fts5 (
            title, text, content = 'versions', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        )""",
        "CREATE VIRTUAL TABLE articles_cjk USING fts5 (title, summary, body, tokenize = 'trigram')",
        "CREATE VIRTUAL TABLE versions_cjk USING fts5 (title, text, tokenize = 'trigram')",
        f"""CREATE TRIGGER versions_indexed AFTER INSERT ON versions BEGIN
            INSERT INTO versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
            INSERT INTO versions_cjk (rowid, title, text)
                SELECT new.id, {cjk_only("new.title", "new.text")}
                WHERE {has_cjk("new.title", "new.text")};
        END""",
        """CREATE TRIGGER versions_unindexed AFTER DELETE ON versions BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            DELETE FROM versions_cjk WHERE rowid = old.id;
        END""",
        f"""CREATE TRIGGER versions_reindexed AFTER UPDATE OF title, text ON versions BEGIN
            INSERT INTO versions_fts (versions_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
            DELETE FROM versions_cjk WHERE rowid = old.id;
            INSERT INTO versions_cjk (rowid, title, text)
                SELECT new.id, {cjk_only("new.title", "new.text")}
                WHERE {has_cjk("new.title", "new.text")};
        END""",
        """CREATE TRIGGER articles_unindexed AFTER DELETE ON articles BEGIN
            DELETE FROM articles_fts WHERE rowid = old.id;
            DELETE FROM articles_cjk WHERE rowid = old.id;
        END""",
        "INSERT INTO versions_fts (versions_fts) VALUES ('rebuild')",
        f"""INSERT INTO versions_cjk (rowid, title, text)
            SELECT id, {cjk_only("title", "text")} FROM versions
            WHERE {has_cjk("title", "text")}""",
        "DELETE FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles)",
        f"""INSERT INTO articles_cjk (rowid, title, summary, body)
            SELECT rowid, {cjk_only("title", "summary", "body")} FROM articles_fts
            WHERE {has_cjk("title", "summary", "body")}""",
    ),
    # 11: hide filters and saved searches. A story's hidden flag, set from [filters] hide as
    # stories arrive and for all of them when the filters change (store_facts keeps a digest of
    # the filters it was set for), so lists and unread counts pay one column test, not a
    # search; the unread counts get an index that leaves hidden stories out. saved_notified
    # keeps which stories each notifying saved search has announced, so none is told twice.
    (
        "ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX articles_unread_shown ON articles (feed_id) WHERE read = 0 AND hidden = 0",
        "CREATE INDEX articles_hidden ON articles (id) WHERE hidden = 1",
        """CREATE TABLE saved_notified (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            saved TEXT NOT NULL,
            PRIMARY KEY (article_id, saved)
        ) WITHOUT ROWID""",
    ),
)
