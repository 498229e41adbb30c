"""Storage on a real SQLite file: schema, identity, feed-tier changes, paging, search."""

from __future__ import annotations

import sqlite3
from collections.abc import Container
from pathlib import Path

import pytest

from reader.core.changes import feed_change
from reader.core.models import Decision, ParsedEntry, ParsedFeed, StoryState
from reader.core.query import QueryError
from reader.core.store import Store, StoreError
from reader.core.store.schema import MIGRATIONS


def entry(n: int, title: str | None = None, summary: str | None = None) -> ParsedEntry:
    return ParsedEntry(
        guid=f"story-{n}",
        url=f"http://example.org/{n}",
        title=title if title is not None else f"Story number {n}",
        author=None,
        published=1_700_000_000 + n * 60,
        updated=None,
        summary=summary if summary is not None else f"The harbour board met for the {n}th time.",
        content=None,
    )


def feed_of(*entries: ParsedEntry) -> ParsedFeed:
    return ParsedFeed(title="Harbour", site_url=None, ttl_minutes=None, entries=entries)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "newsroom.db")
    yield s
    s.close()


@pytest.fixture
def feed_id(store: Store) -> int:
    return store.add_feed("http://example.org/feed.xml")[0].id


def apply(store: Store, feed_id: int, *entries: ParsedEntry, now: int = 1_800_000_000):
    return store.apply_feed(
        feed_id, feed_of(*entries), judge=feed_change, now=now, next_check_at=now + 60
    )


def test_schema_is_versioned_and_in_wal(tmp_path: Path) -> None:
    path = tmp_path / "newsroom.db"
    Store(path).close()
    Store(path).close()  # reopening migrates nothing twice
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newsroom.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer newsroom"):
        Store(path)


def test_garbage_file_is_a_clear_error_and_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "newsroom.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a newsroom database"):
        Store(path)
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_duplicate_subscription_is_skipped(store: Store) -> None:
    first, created = store.add_feed("http://example.org/a.xml", folder="News")
    again, created_again = store.add_feed("http://example.org/a.xml", folder="Other")
    assert created and not created_again
    assert again.id == first.id and again.folder == "News"
    assert (
        store.add_feeds([("http://example.org/a.xml", None, None), ("http://x.org/b", "B", None)])
        == 1
    )


def test_rereading_a_feed_never_duplicates(store: Store, feed_id: int) -> None:
    assert apply(store, feed_id, entry(1), entry(2)) == (2, 0)
    assert apply(store, feed_id, entry(1), entry(2), entry(3)) == (1, 0)
    assert len(store.articles(limit=100)) == 3


def test_same_guid_in_two_feeds_is_two_stories(store: Store, feed_id: int) -> None:
    other = store.add_feed("http://example.org/other.xml")[0].id
    apply(store, feed_id, entry(1))
    apply(store, other, entry(1))
    assert len(store.articles(limit=10)) == 2


def test_headline_change_is_a_new_version(store: Store, feed_id: int) -> None:
    apply(store, feed_id, entry(1))
    assert apply(store, feed_id, entry(1, title="Harbour board resigns")) == (0, 1)
    [article] = store.articles()
    assert article.updated and article.change_kind == "headline" and article.versions == 2
    assert article.title == "Harbour board resigns"
    assert [v.title for v in store.versions(article.id)] == [
        "Story number 1",
        "Harbour board resigns",
    ]
    assert store.articles(updated=True) == [article]


def test_cosmetic_change_stores_nothing(store: Store, feed_id: int) -> None:
    apply(store, feed_id, entry(1, summary='The board said "no" -- twice.'))
    assert apply(store, feed_id, entry(1, summary="The  board said “no” — twice.")) == (0, 0)
    [article] = store.articles()
    assert not article.updated and article.versions == 1


def test_flip_flop_is_flagged_once(store: Store, feed_id: int) -> None:
    apply(store, feed_id, entry(1, title="Version A"))
    assert apply(store, feed_id, entry(1, title="Version B"))[1] == 1
    assert apply(store, feed_id, entry(1, title="Version A"))[1] == 0
    assert apply(store, feed_id, entry(1, title="Version B"))[1] == 0
    [article] = store.articles()
    assert article.versions == 2 and article.title == "Version B"


def test_the_store_keeps_what_the_rules_decide(store: Store, feed_id: int) -> None:
    """The store has no change rules of its own: it records the decision it is handed."""
    apply(store, feed_id, entry(1))
    asked: list[str] = []

    def again(title: str, decision: Decision) -> tuple[int, int]:
        def judge(stored: StoryState, latest: StoryState, earlier: Container[str]) -> Decision:
            asked.append(latest.title)
            return decision

        parsed = feed_of(entry(1, title=title))
        return store.apply_feed(feed_id, parsed, judge=judge, now=2, next_check_at=3)

    assert again("Not kept", Decision(False)) == (0, 0)
    assert store.articles()[0].title == "Story number 1"
    assert again("Story number 1", Decision(True, "correction")) == (0, 1)  # same text, flagged
    assert again("Followed", Decision(True)) == (0, 0)
    [article] = store.articles()
    assert (article.title, article.change_kind, article.versions) == ("Followed", "correction", 2)
    assert [(v.kind, v.title) for v in store.versions(article.id)] == [
        (None, "Story number 1"),
        ("correction", "Story number 1"),
    ]
    assert asked == ["Not kept", "Story number 1", "Followed"]


def test_keyset_pages_cover_everything_once(store: Store, feed_id: int) -> None:
    apply(store, feed_id, *(entry(n) for n in range(230)))
    seen: list[int] = []
    before = None
    while page := store.articles(limit=50, before=before):
        seen.extend(a.id for a in page)
        before = (page[-1].published, page[-1].id)
    assert len(seen) == len(set(seen)) == 230
    published = [store.article(i).published for i in seen]
    assert published == sorted(published, reverse=True)
    target = store.article(seen[120])
    upto = store.articles(until=(target.published, target.id))  # no limit applies
    assert [a.id for a in upto] == seen[:121]


def test_undated_entries_keep_feed_order(store: Store, feed_id: int) -> None:
    undated = [ParsedEntry(f"g{n}", None, f"T{n}", None, None, None, "s", None) for n in range(5)]
    apply(store, feed_id, *undated)
    assert [a.title for a in store.articles()] == ["T0", "T1", "T2", "T3", "T4"]


def test_filters_and_marks(store: Store, feed_id: int) -> None:
    apply(store, feed_id, entry(1), entry(2), entry(3))
    first, second, _ = store.articles()
    assert store.mark(first.id, read=True)
    assert store.mark(second.id, starred=True)
    assert not store.mark(999_999, read=True)
    assert len(store.articles(unread=True)) == 2
    assert [a.id for a in store.articles(starred=True)] == [second.id]
    assert store.feeds()[0].unread == 2
    assert store.feeds(unread=False) == [store.feeds()[0]._replace(unread=0)]  # not counted
    ids = store.mark_feed_read(feed_id)
    assert len(ids) == 2 and store.feeds()[0].unread == 0
    store.mark_unread(ids)
    assert store.feeds()[0].unread == 2


def test_search_finds_best_match_first(store: Store, feed_id: int) -> None:
    apply(
        store,
        feed_id,
        entry(1, title="Ferry strike ends", summary="Ferry crews return after the ferry strike."),
        entry(2, title="Council budget", summary="A ferry is mentioned once."),
        entry(3, title="Weather", summary="Rain."),
    )
    results = store.search("ferry")
    assert [a.title for a in results] == ["Ferry strike ends", "Council budget"]
    assert store.search("ferry strike")[0].title == "Ferry strike ends"
    with pytest.raises(QueryError):
        store.search('"unbalanced OR (')
    # A changed story is found by its new words, and by its old ones in the version that had
    # them.
    apply(store, feed_id, entry(3, title="Weather", summary="Snow."))
    assert [a.title for a in store.search("snow")] == ["Weather"]
    assert [(h.article.title, h.matched_version) for h in store.search_hits("rain")] == [
        ("Weather", 1)
    ]


def test_failures_are_stored_and_cleared(store: Store, feed_id: int) -> None:
    store.record_failure(feed_id, "HTTP 500 Internal Server Error", now=1, next_check_at=2)
    store.record_failure(feed_id, "HTTP 500 Internal Server Error", now=3, next_check_at=4)
    feed = store.feed(feed_id)
    assert feed.error == "HTTP 500 Internal Server Error" and feed.error_count == 2
    apply(store, feed_id, entry(1))
    feed = store.feed(feed_id)
    assert feed.error is None and feed.error_count == 0
