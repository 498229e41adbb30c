"""The search language end to end: feeds served on loopback, stored by `newsroom`, searched
through the command line (the installed command for errors, `run` in this process for the many
queries) over a real SQLite file."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Label

from reader.cli import run
from reader.core.query import Query, Text
from reader.core.store import Store
from reader.core.store.schema import MIGRATIONS
from reader.ui.app import make_app
from reader.ui.screens.search import SearchDialog
from reader.ui.view import View
from tests.server import LoopbackServer, Route, rss
from tests.test_cli import fails, newsroom
from tests.tui_data import demo_store, frozen_clock, settle

CITY = [
    ("fire", "Warehouse fire downtown", "Crews fought the blaze at the old warehouse.", "Jane Doe"),
    ("chief", "Fire chief retires", "The chief served thirty years on the force.", "Sam Lee"),
    ("comet", "Comet returns to the night sky", "Astronomers watched the comet rise.", ""),
    ("cjk", "出南京泰山5盒", "中文新闻报道", ""),
    ("war", "Council declares war on potholes", "Drivers cheer the new road crews.", ""),
    ("cafe", "Café reopens on the quay", "A fire boat passed by the harbour.", ""),
    ("mayor", "Mayor resigns amid scandal", "The mayor spoke to reporters.", ""),
]
SPORT = [("regatta", "Harbour regatta draws crowds", "Boats raced past the old pier.", "")]


def feed_items(prefix: str, stories: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    found = []
    for n, (guid, title, text, author) in enumerate(stories):
        item = {
            "title": title,
            "link": f"http://127.0.0.1/{prefix}/{guid}",
            "guid": f"{prefix}-{guid}",
            "description": text,
            "pubDate": f"Mon, 02 Nov 2026 {10 + n:02d}:00:00 GMT",
        }
        if author:
            item["author"] = author
        found.append(item)
    return found


@pytest.fixture
def desk(home: Path, server: LoopbackServer) -> LoopbackServer:
    """Two feeds: City Desk (folder News) and Sport Wire (folder Sports, tag weekend); the
    mayor's headline then changes, so its first words live only in version 1."""
    server.routes["/city.xml"] = Route(rss("City Desk", feed_items("city", CITY)))
    server.routes["/sport.xml"] = Route(rss("Sport Wire", feed_items("sport", SPORT)))
    cli(home, "add", server.url("/city.xml"), "--folder", "News")
    cli(home, "add", server.url("/sport.xml"), "--folder", "Sports")
    sport = next(f for f in cli(home, "feeds", "--json") if f["title"] == "Sport Wire")
    cli(home, "edit", str(sport["id"]), "--tag", "weekend")
    changed = feed_items("city", CITY)
    changed[-1]["title"] = "Mayor steps down"
    server.routes["/city.xml"] = Route(rss("City Desk", changed))
    assert cli(home, "refresh", "--force", "--json")["updated"] == 1
    return server


def cli(home: Path, *args: str) -> Any:
    """`newsroom --home HOME ARGS` run in this process; its output, read as JSON if --json."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), *args]) == 0
    return json.loads(out.getvalue()) if "--json" in args else out.getvalue()


def search(home: Path, query: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = cli(home, "search", "--json", "--", query)
    return found


def titles(home: Path, query: str) -> set[str]:
    return {str(story["title"]) for story in search(home, query)}


def story_id(home: Path, title: str) -> int:
    return next(int(a["id"]) for a in cli(home, "articles", "--json") if a["title"] == title)


def test_words_or_not_phrase_prefix(home: Path, desk: LoopbackServer) -> None:
    assert titles(home, "fire") == {
        "Warehouse fire downtown",
        "Fire chief retires",
        "Café reopens on the quay",
    }
    assert titles(home, "fire chief") == {"Fire chief retires"}
    assert titles(home, "fire AND chief") == {"Fire chief retires"}
    assert titles(home, "chief OR comet") == {
        "Fire chief retires",
        "Comet returns to the night sky",
    }
    assert titles(home, "fire -warehouse") == {"Fire chief retires", "Café reopens on the quay"}
    assert titles(home, "fire NOT (warehouse OR boat)") == {"Fire chief retires"}
    assert titles(home, '"fire chief"') == {"Fire chief retires"}
    assert titles(home, '"chief fire"') == set()  # the words reversed are not the phrase
    assert titles(home, "war*") == {"Warehouse fire downtown", "Council declares war on potholes"}
    assert titles(home, "war") == {"Council declares war on potholes"}
    assert titles(home, "CAFE") == {"Café reopens on the quay"}  # case and accents folded


def test_best_match_first(home: Path, desk: LoopbackServer) -> None:
    # The word twice and in the headline outranks it once in the text.
    [best] = cli(home, "search", "--json", "--limit", "1", "comet OR boat")
    assert best["title"] == "Comet returns to the night sky"


def test_fields(home: Path, desk: LoopbackServer) -> None:
    assert titles(home, "title:fire") == {"Warehouse fire downtown", "Fire chief retires"}
    assert titles(home, "title:crews") == set()
    assert titles(home, "author:jane") == {"Warehouse fire downtown"}
    assert titles(home, 'author:"sam lee" OR author:doe') == {
        "Warehouse fire downtown",
        "Fire chief retires",
    }
    sport = {"Harbour regatta draws crowds"}
    assert titles(home, "feed:sport") == sport
    assert titles(home, 'feed:"sport wire"') == sport
    sport_id = search(home, "regatta")[0]["feed_id"]
    assert titles(home, f"feed:{sport_id}") == sport
    assert titles(home, "folder:sports") == sport
    assert titles(home, "folder:spo") == set()  # a folder is named whole
    assert titles(home, "folder:spo*") == sport
    assert titles(home, "tag:weekend") == sport
    assert titles(home, "tag:news fire") == {
        "Warehouse fire downtown",
        "Fire chief retires",
        "Café reopens on the quay",
    }
    assert titles(home, "url:/city/comet") == {"Comet returns to the night sky"}
    assert titles(home, "url:100%") == set()  # LIKE wildcards are literal


def test_state_kind_and_time(home: Path, desk: LoopbackServer) -> None:
    comet = story_id(home, "Comet returns to the night sky")
    chief = story_id(home, "Fire chief retires")
    cli(home, "mark", str(comet), "--read")
    cli(home, "mark", str(chief), "--star")
    assert "Comet returns to the night sky" not in titles(home, "is:unread")
    assert len(titles(home, "is:unread")) == 7
    assert titles(home, "is:starred") == {"Fire chief retires"}
    assert titles(home, "fire is:starred") == {"Fire chief retires"}
    assert titles(home, "-is:unread") == {"Comet returns to the night sky"}
    assert titles(home, "is:updated") == {"Mayor steps down"}
    assert titles(home, "kind:headline") == {"Mayor steps down"}
    assert titles(home, "kind:edit") == set()
    assert titles(home, "is:hidden") == set()  # nothing is hidden yet
    # Published 10:00 to 16:00 on 2 November 2026.
    assert len(titles(home, "after:2026-11-02")) == 8
    assert titles(home, "after:2026-11-03") == set()
    assert titles(home, "before:2026-11-02") == set()
    assert len(titles(home, "before:2026-11-03")) == 8
    assert titles(home, "age:<1d") == set()  # years ago, whatever today is
    assert len(titles(home, "age:>1d")) == 8


def test_cjk_substrings(home: Path, desk: LoopbackServer) -> None:
    cjk = {"出南京泰山5盒"}
    assert titles(home, "南京") == cjk  # inside a run of CJK characters
    assert titles(home, "南京泰山") == cjk
    assert titles(home, "5盒") == cjk
    assert titles(home, "新闻") == cjk
    assert titles(home, "title:新闻") == set()
    assert titles(home, "title:泰山5") == cjk
    assert titles(home, "南京 -泰山") == set()
    assert titles(home, "东京") == set()
    assert titles(home, "北京泰山") == set()


def test_an_edited_away_headline_is_found_in_its_first_version(
    home: Path, desk: LoopbackServer
) -> None:
    [old] = search(home, "resigns")
    assert old["title"] == "Mayor steps down" and old["matched_version"] == 1
    [new] = search(home, "steps")
    assert new["title"] == "Mayor steps down" and "matched_version" not in new
    [both] = search(home, "mayor")  # in the latest too: no version named
    assert "matched_version" not in both
    assert "matched_version" not in search(home, "reporters")[0]
    # Each word may be in a version of its own: the story holds them all.
    assert [story["title"] for story in search(home, "resigns reporters")] == ["Mayor steps down"]
    assert search(home, "resigns -mayor") == []


def test_page_versions_are_searched_and_deleted_stories_leave_no_index_rows(
    home: Path, desk: LoopbackServer
) -> None:
    comet = story_id(home, "Comet returns to the night sky")
    store = Store(home / "newsroom.db")
    try:
        for n, text in enumerate(("The comet's tail glowed over 東京タワー.", "Tail gone.")):
            store.add_page_version(
                comet,
                title="Comet returns",
                byline=None,
                text=text,
                markdown=text,
                extractor="test",
                etag=None,
                last_modified=None,
                now=1_800_000_000 + n,
                kind="edit" if n else None,
            )
        assert [(h.article.id, h.matched_version) for h in store.search_hits("glowed")] == [
            (comet, 2)  # version 1 is the feed's, 2 the first page version
        ]
        assert [h.matched_version for h in store.search_hits("東京")] == [2]
        assert [h.matched_version for h in store.search_hits("gone")] == [None]
        assert [a.id for a in store.search(Query(Text("glowed"), False))] == [comet]
    finally:
        store.close()
    assert titles(home, "kind:edit") == {"Comet returns to the night sky"}
    sport_id = search(home, "regatta")[0]["feed_id"]
    city_id = search(home, "comet")[0]["feed_id"]
    cli(home, "remove", str(city_id))
    cli(home, "remove", str(sport_id))
    with sqlite3.connect(home / "newsroom.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        for table in ("articles_fts", "articles_cjk", "versions_cjk"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        # versions_fts reads its text from versions: its index must hold nothing either.
        assert conn.execute("SELECT count(*) FROM versions_fts_docsize").fetchone() == (0,)
        conn.execute("INSERT INTO versions_fts (versions_fts) VALUES ('integrity-check')")
    assert search(home, "glowed OR tail OR fire OR 南京 OR 5盒") == []


def test_removed_feeds_starred_stories_stay_findable(home: Path, desk: LoopbackServer) -> None:
    chief = story_id(home, "Fire chief retires")
    cli(home, "mark", str(chief), "--star")
    city_id = search(home, "comet")[0]["feed_id"]
    cli(home, "remove", str(city_id))
    assert titles(home, "fire") == {"Fire chief retires"}


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ('"fire chief', "unbalanced quotes"),
        ("(fire OR comet", "unbalanced parentheses"),
        ("colour:red", "unknown field colour:"),
        ("*", "a * needs letters"),
        ("", "empty query"),
        ("NEAR(fire comet", "unbalanced parentheses"),
    ],
)
def test_malformed_queries_exit_2_with_one_line(
    home: Path, desk: LoopbackServer, query: str, problem: str
) -> None:
    assert problem in fails(home, 2, "search", query)


def test_hostile_input_never_breaks_the_command(home: Path, desk: LoopbackServer) -> None:
    for query in ("NEAR(fire comet)", "^fire", "{title}:fire", "fire\x01chief", "title : fire*"):
        search(home, query)  # runs, whatever it finds
    assert "query too long" in fails(home, 2, "search", "fire " * 2048)
    result = newsroom(home, "search", "fire OR comet", "--limit", "1")
    assert result.returncode == 0 and len(result.stdout.decode().strip().splitlines()) == 1


def test_an_older_database_gets_every_version_indexed_on_upgrade(tmp_path: Path) -> None:
    """A database at step 9: its versions, its CJK stories (already in articles_fts) and an
    index row left by a deleted story reach the new indexes in the upgrade."""
    path = tmp_path / "newsroom.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statements in MIGRATIONS[:9]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 9")
    conn.execute("INSERT INTO feeds (id, url, added_at) VALUES (1, 'http://127.0.0.1:9/f', 1)")
    conn.execute(
        """INSERT INTO articles (id, feed_id, guid, title, summary, published, feed_hash,
        first_seen, search_dirty, version_count) VALUES
        (1, 1, 'a', '出南京泰山5盒', '', 1, 'x', 1, 0, 2),
        (2, 1, 'b', 'Ferry returns', '', 2, 'x', 1, 0, 1)"""
    )
    conn.execute(
        """INSERT INTO versions (article_id, seq, seen_at, source, kind, title, text,
        text_hash, loose_hash) VALUES (1, 1, 1, 'feed', NULL, '旧标题 Lantern', '', '', ''),
        (1, 2, 2, 'feed', 'headline', '出南京泰山5盒', '', '', '')"""
    )
    conn.execute(
        """INSERT INTO articles_fts (rowid, title, summary, body) VALUES
        (1, '出南京泰山5盒', '', ''), (2, 'Ferry returns', '', ''), (99, 'Ghost ferry', '', '')"""
    )
    conn.close()
    store = Store(path)
    try:
        assert [(h.article.id, h.matched_version) for h in store.search_hits("lantern")] == [(1, 1)]
        assert [(h.article.id, h.matched_version) for h in store.search_hits("旧标题")] == [(1, 1)]
        assert [(h.article.id, h.matched_version) for h in store.search_hits("南京")] == [(1, None)]
        assert [a.id for a in store.search("ferry")] == [2]
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT rowid FROM articles_fts ORDER BY rowid").fetchall() == [
            (1,),
            (2,),
        ]


async def test_the_tui_search_box_speaks_the_language(home: Path) -> None:
    """A malformed query is named under the input and the box stays open; a mended one runs;
    in:view keeps the search inside the feed shown."""
    config, store = demo_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    comet = "Astronomers spot the return of comet Halvard-Niemi"
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"comet', "enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog) and app.is_running
        shown = str(app.screen.query_one("#search-error", Label).render())
        assert "unbalanced quotes" in shown
        await pilot.press("end", '"')  # mending it clears the error
        assert str(app.screen.query_one("#search-error", Label).render()) == ""
        await pilot.press("enter")
        await settle(pilot)
        assert [a.title for a in app.articles.rows] == [comet]
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one(Input).value = "comet OR lighthouse -keeper"
        await pilot.press("enter")
        await settle(pilot)
        assert comet in [a.title for a in app.articles.rows]
        assert all("keeper" not in (a.title + a.summary).lower() for a in app.articles.rows)

        [science] = [f for f in app.store.feeds() if app.store.search(f"comet feed:{f.id}")]
        other = next(f for f in app.store.feeds() if f.id != science.id)
        for feed, found in ((other, []), (science, [comet])):
            app.show_view(View.of_feed(feed.id))
            await settle(pilot)
            await pilot.press("slash")
            await pilot.pause()
            app.screen.query_one(Input).value = "comet in:view"
            await pilot.press("enter")
            await settle(pilot)
            assert [a.title for a in app.articles.rows] == found
