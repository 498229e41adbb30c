-- A newsroom database as the first release left it: schema step 1 only (PRAGMA user_version 1),
-- one feed, two stories and the versions of the one that changed. Never edit: it is what an
-- upgrade starts from. tests/test_migrations.py builds a SQLite file from it.
PRAGMA journal_mode = WAL;

CREATE TABLE feeds (
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
        );
CREATE TABLE articles (
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
        );
CREATE INDEX articles_by_time ON articles (published, id);
CREATE INDEX articles_by_feed_time ON articles (feed_id, published, id);
CREATE INDEX articles_unread ON articles (feed_id) WHERE read = 0;
CREATE INDEX articles_starred ON articles (published, id) WHERE starred = 1;
CREATE INDEX articles_changed ON articles (changed_at, id) WHERE changed_at IS NOT NULL;
CREATE INDEX articles_search_dirty ON articles (id) WHERE search_dirty = 1;
CREATE TABLE versions (
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
        );
CREATE VIRTUAL TABLE articles_fts USING fts5 (
            title, summary, body, tokenize = 'unicode61 remove_diacritics 2'
        );

INSERT INTO feeds (id, url, title, user_title, folder, site_url, etag, last_modified, body_hash,
    ttl_seconds, added_at, checked_at, next_check_at, error, error_count, error_at)
VALUES (1, 'http://127.0.0.1:9/harbour.xml', 'Harbour Times', NULL, 'Local',
    'http://127.0.0.1:9/', '"r1"', 'Tue, 14 Nov 2023 22:13:20 GMT',
    '0f3c9bd0a1e2d4c5b6a7980112233445', NULL, 1700000000, 1700003600, 1700005400, NULL, 0, NULL);

-- Read and indexed; its one version lives in the article row.
INSERT INTO articles (id, feed_id, guid, url, title, author, published, updated, summary, content,
    feed_hash, first_seen, read, starred, changed_at, change_kind, read_version, version_count,
    search_dirty)
VALUES (1, 1, 'harbour-1', 'http://127.0.0.1:9/harbour-1', 'Harbour board meets on Tuesday',
    'Ada Quill', 1700000100, NULL,
    'The harbour board meets on Tuesday to discuss the lighthouse.', NULL,
    '54a929335341410cee10ae7c81834e88', 1700000300, 1, 0, NULL, NULL, 1, 1, 0);
INSERT INTO articles_fts (rowid, title, summary, body)
VALUES (1, 'Harbour board meets on Tuesday',
    'The harbour board meets on Tuesday to discuss the lighthouse.', '');

-- Starred, its headline changed in the feed, not indexed yet.
INSERT INTO articles (id, feed_id, guid, url, title, author, published, updated, summary, content,
    feed_hash, first_seen, read, starred, changed_at, change_kind, read_version, version_count,
    search_dirty)
VALUES (2, 1, 'ferry-2', 'http://127.0.0.1:9/ferry-2', 'Night ferry returns on Monday', NULL,
    1700000200, 1700003600,
    'The night ferry returns on Monday after a year without service.', NULL,
    'cbe793dd15ef75d9e212e0a76087185c', 1700000300, 0, 1, 1700003600, 'headline', NULL, 2, 1);
INSERT INTO versions (id, article_id, seq, seen_at, source, kind, title, byline, text, text_hash,
    loose_hash, extractor, etag, last_modified)
VALUES (1, 2, 1, 1700000300, 'feed', NULL, 'Night ferry may return', NULL,
    'The night ferry may return after a year without service.',
    '8eafe831f06d06ffbb73bf44479a2584', 'bb2f6f75883e6fa91f04a14268e2b36e', NULL, NULL, NULL);
INSERT INTO versions (id, article_id, seq, seen_at, source, kind, title, byline, text, text_hash,
    loose_hash, extractor, etag, last_modified)
VALUES (2, 2, 2, 1700003600, 'feed', 'headline', 'Night ferry returns on Monday', NULL,
    'The night ferry returns on Monday after a year without service.',
    '171e7a87cb06f44ae909127bad84c363', 'cbe793dd15ef75d9e212e0a76087185c', NULL, NULL, NULL);

PRAGMA user_version = 1;
