"""Upgrades: a database of the first release, and one left at every later step, reach the
current schema with their stories intact and usable."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.changes import feed_change
from reader.core.models import ParsedEntry, ParsedFeed, Version
from reader.core.store import Store
from reader.core.store.schema import MIGRATIONS

RELEASE1 = Path(__file__).parent / "data" / "db" / "release1.sql"
HARBOUR = "The harbour board meets on Tuesday to discuss the lighthouse."
FERRY = "The night ferry returns on Monday after a year without service."


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def schema(path: Path) -> list[tuple[str, str]]:
    """Every table, index and trigger with the SQL that makes it."""
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master"))
    finally:
        conn.close()


@pytest.fixture
def current(tmp_path: Path) -> list[tuple[str, str]]:
    """The schema of a database created by this version."""
    path = tmp_path / "fresh.db"
    Store(path).close()
    return schema(path)


@pytest.fixture
def release1(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "newsroom.db"
    conn = sqlite3.connect(path)
    conn.executescript(RELEASE1.read_text())
    conn.close()
    assert user_version(path) == 1
    store = Store(path)
    yield store
    store.close()


def test_first_release_reaches_the_current_schema(
    release1: Store, current: list[tuple[str, str]]
) -> None:
    assert user_version(release1.path) == len(MIGRATIONS)
    assert schema(release1.path) == current


def test_first_release_data_is_kept(release1: Store) -> None:
    [feed] = release1.feeds()
    assert (feed.title, feed.folder, feed.etag, feed.unread) == (
        "Harbour Times",
        "Local",
        '"r1"',
        1,
    )
    assert feed.user_agent is None  # step 5's column, empty
    ferry, harbour = release1.articles()
    assert (harbour.title, harbour.author, harbour.read, harbour.versions) == (
        "Harbour board meets on Tuesday",
        "Ada Quill",
        True,
        1,
    )
    assert ferry.starred and ferry.change_kind == "headline" and ferry.versions == 2
    assert release1.versions(ferry.id) == [
        Version(
            1,
            1700000300,
            "feed",
            None,
            "Night ferry may return",
            "The night ferry may return after a year without service.",
        ),
        Version(2, 1700003600, "feed", "headline", "Night ferry returns on Monday", FERRY),
    ]
    assert release1.read_version(harbour.id) == 1
    assert [a.id for a in release1.articles(updated=True)] == [ferry.id]


def test_first_release_data_is_usable(release1: Store) -> None:
    ferry, harbour = release1.articles()
    # Indexed by the first release, and indexed after the upgrade.
    assert [a.id for a in release1.search("lighthouse")] == [harbour.id]
    assert [a.id for a in release1.search("ferry Monday")] == [ferry.id]
    # The same feed read again: the stored fingerprints still hold, nothing has changed.
    entries = (
        ParsedEntry("ferry-2", ferry.url, ferry.title, None, ferry.published, None, FERRY, None),
        ParsedEntry("harbour-1", harbour.url, harbour.title, None, 1700000100, None, HARBOUR, None),
    )
    again = ParsedFeed("Harbour Times", None, None, entries)
    assert release1.apply_feed(
        ferry.feed_id, again, judge=feed_change, now=1700007200, next_check_at=1700009000
    ) == (0, 0)
    # A page version, with the columns later steps added.
    release1.add_page_version(
        harbour.id,
        title=harbour.title,
        byline="Ada Quill",
        text=HARBOUR + "\n\nThe keeper stays until spring.",
        markdown="The **harbour** board",
        extractor="trafilatura 2.0",
        etag='"p1"',
        last_modified=None,
        now=1700007200,
        canonical_url="http://127.0.0.1:9/harbour-1",
    )
    assert [v.seq for v in release1.versions(harbour.id)] == [1, 2]
    [latest] = release1.page_versions(harbour.id)
    assert (latest.seq, latest.canonical_url) == (2, "http://127.0.0.1:9/harbour-1")
    assert release1.page_version(harbour.id).markdown == "The **harbour** board"
    release1.schedule_watches([(harbour.id, 1700009000)])
    assert release1.watch_due(now=1700009000, since=0, everything=False) == [
        release1.article(ferry.id),
        release1.article(harbour.id),
    ]


@pytest.mark.parametrize("step", range(1, len(MIGRATIONS)))
def test_every_step_upgrades(tmp_path: Path, step: int, current: list[tuple[str, str]]) -> None:
    path = tmp_path / f"step{step}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for statements in MIGRATIONS[:step]:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {step}")
    conn.execute("INSERT INTO feeds (url, added_at) VALUES ('http://127.0.0.1:9/f.xml', 1)")
    conn.execute(
        "INSERT INTO articles (feed_id, guid, title, published, feed_hash, first_seen)"
        " VALUES (1, 'g', 'Kept', 1, 'x', 1)"
    )
    conn.close()
    store = Store(path)
    try:
        assert [a.title for a in store.articles()] == ["Kept"]
        assert store.feeds()[0].unread == 1
    finally:
        store.close()
    assert user_version(path) == len(MIGRATIONS)
    assert schema(path) == current
