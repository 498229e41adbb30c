"""Retention: `newsroom prune` and the refresh's daily prune, over a loopback server and a real
SQLite file: what goes, what stays (starred, changed), and that pruned stories stay gone."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from reader.cli import run
from reader.config import ConfigError, load_config
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss

OLD = "Mon, 02 Jan 2023 10:00:00 GMT"
WORDS = "the harbour board met again on tuesday to weigh the future of the old lighthouse"


def story(guid: str, title: str, published: str, server: LoopbackServer) -> dict[str, str]:
    return {
        "title": title,
        "guid": guid,
        "link": server.url(f"/story/{guid}.html"),
        "description": f"{title}: {guid}word",
        "pubDate": published,
    }


def today() -> str:
    return format_datetime(datetime.now(UTC), usegmt=True)


def page(title: str) -> Route:
    paragraphs = "".join(
        f"<p>{WORDS} ({n}), said a spokesperson for the board.</p>" for n in range(6)
    )
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}"
    return Route((html + "</article></body></html>").encode(), content_type="text/html")


def desk(server: LoopbackServer, *, old: int = 5, recent: int = 2, title: str = "") -> list[str]:
    """Serve /desk.xml with ``old`` stories from 2023 and ``recent`` from today; the guids."""
    items = [story(f"o{n}", f"Old story {n}", OLD, server) for n in range(old)]
    items += [story(f"r{n}", f"Recent story {n}", today(), server) for n in range(recent)]
    if title:
        items[1]["title"] = title
    server.routes["/desk.xml"] = Route(rss("Desk", items))
    for item in items:
        server.routes[f"/story/{item['guid']}.html"] = page(item["title"])
    return [item["guid"] for item in items]


def cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    assert run(["--home", str(home), *args]) == 0
    return capsys.readouterr().out


def ok_json(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> dict[str, int]:
    found: dict[str, int] = json.loads(cli(capsys, home, *args, "--json"))
    return found


def query(home: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "newsroom.db") as conn:
        return conn.execute(sql).fetchall()


def guids(home: Path) -> set[str]:
    return {guid for (guid,) in query(home, "SELECT guid FROM articles")}


def test_prune_keeps_starred_and_changed_and_pruned_stories_stay_gone(
    home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    desk(server)
    cli(capsys, home, "add", server.url("/desk.xml"))
    ids = dict(query(home, "SELECT guid, id FROM articles"))
    assert run(["--home", str(home), "mark", str(ids["o0"]), "--star"]) == 0
    desk(server, title="Old story 1, corrected")  # a recorded change keeps o1
    assert ok_json(capsys, home, "refresh", "--force")["updated"] == 1
    cli(capsys, home, "show", str(ids["o2"]))  # a page version, with its raw response
    assert query(home, "SELECT count(*) FROM page_raw") == [(1,)]
    capsys.readouterr()

    (home / "config.toml").write_text("[store]\nkeep_days = 30\n")
    assert ok_json(capsys, home, "prune") == {"deleted": 3, "kept_starred": 1, "kept_changed": 1}
    assert guids(home) == {"o0", "o1", "r0", "r1"}
    assert query(home, "SELECT count(*) FROM page_raw") == [(0,)]
    assert query(home, f"SELECT count(*) FROM versions WHERE article_id = {ids['o2']}") == [(0,)]
    assert query(
        home, "SELECT count(*) FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles)"
    ) == [(0,)]
    assert json.loads(cli(capsys, home, "search", "o3word", "--json")) == []

    # The feed still lists them, beside a new story: a refresh does not bring them back.
    desk(server, recent=3, title="Old story 1, corrected")
    assert ok_json(capsys, home, "refresh", "--force")["new"] == 1
    assert guids(home) == {"o0", "o1", "r0", "r1", "r2"}
    assert cli(capsys, home, "prune") == "Pruned 0 stories; kept 1 starred and 1 changed\n"
    # A tombstone goes once the feed no longer lists its story.
    assert {g for (g,) in query(home, "SELECT guid FROM pruned")} == {"o2", "o3", "o4"}
    desk(server, old=3, title="Old story 1, corrected")
    cli(capsys, home, "refresh", "--force")
    assert query(home, "SELECT guid FROM pruned") == [("o2",)]


def test_keep_per_feed_keeps_the_newest_of_each_feed(
    home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "config.toml").write_text("[store]\nkeep_per_feed = 2\n")
    desk(server, old=4, recent=0)
    server.routes["/other.xml"] = Route(
        rss(
            "Other",
            [story(f"x{n}", f"X {n}", f"0{n + 1} Nov 2026 10:00:00 GMT", server) for n in range(3)],
        )
    )
    store = Store(load_config(home).db_path)
    try:
        store.add_feeds(
            [(server.url("/desk.xml"), None, None), (server.url("/other.xml"), None, None)]
        )
    finally:
        store.close()
    # Without a prune, a refresh would store all seven: it prunes by itself, the first time.
    assert ok_json(capsys, home, "refresh")["new"] == 7
    assert guids(home) == {"o0", "o1", "x1", "x2"}  # the newest two (o0, o1: first in the feed)
    assert ok_json(capsys, home, "prune") == {"deleted": 0, "kept_starred": 0, "kept_changed": 0}


def test_refresh_prunes_once_a_day(
    home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "config.toml").write_text("[store]\nkeep_days = 30\n")
    desk(server, old=2)
    cli(capsys, home, "add", server.url("/desk.xml"))  # stores the old stories: no refresh yet
    assert guids(home) == {"o0", "o1", "r0", "r1"}
    cli(capsys, home, "refresh", "--force")
    assert guids(home) == {"r0", "r1"}
    later = [
        story("o9", "Old story 9", OLD, server),
        story("r0", "Recent story 0", today(), server),
    ]
    server.routes["/desk.xml"] = Route(rss("Desk", later))
    cli(capsys, home, "refresh", "--force")
    assert "o9" in guids(home)  # pruned less than a day ago: not yet
    with sqlite3.connect(home / "newsroom.db") as conn:
        conn.execute(
            "UPDATE store_facts SET value = ? WHERE key = 'pruned_at'",
            (str(int(time.time()) - 86400),),
        )
    cli(capsys, home, "refresh", "--force")
    assert "o9" not in guids(home)


def test_without_limits_there_is_nothing_to_prune(
    home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    desk(server)
    cli(capsys, home, "add", server.url("/desk.xml"))
    text = cli(capsys, home, "prune")
    assert text.startswith("Nothing to prune") and "keep everything" in text
    assert ok_json(capsys, home, "prune") == {"deleted": 0, "kept_starred": 0, "kept_changed": 0}
    cli(capsys, home, "refresh", "--force")
    assert len(guids(home)) == 7
    assert query(home, "SELECT count(*) FROM store_facts WHERE key = 'pruned_at'") == [(0,)]


def test_an_older_database_switches_to_incremental_vacuum_and_shrinks(
    home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    bulky = [
        {
            "title": f"Story {n}",
            "guid": f"b{n}",
            "description": f"{n} " + "x" * 20_000,
            "pubDate": OLD,
        }
        for n in range(40)
    ]
    server.routes["/bulky.xml"] = Route(rss("Bulky", bulky))
    cli(capsys, home, "add", server.url("/bulky.xml"))
    with sqlite3.connect(home / "newsroom.db", isolation_level=None) as conn:
        conn.execute("PRAGMA auto_vacuum = NONE")  # as databases made before it was chosen
        conn.execute("VACUUM")
    assert query(home, "PRAGMA auto_vacuum") == [(0,)]
    (home / "config.toml").write_text("[store]\nkeep_days = 30\n")
    pages = query(home, "PRAGMA page_count")[0][0]
    assert ok_json(capsys, home, "prune")["deleted"] == 40
    assert query(home, "PRAGMA auto_vacuum") == [(2,)]
    assert query(home, "PRAGMA freelist_count") == [(0,)]
    assert query(home, "PRAGMA page_count")[0][0] < pages / 4


@pytest.mark.parametrize("setting", ["keep_days = -1", "keep_per_feed = 1.5", "keep_days = true"])
def test_retention_settings_are_checked(home: Path, setting: str) -> None:
    (home / "config.toml").write_text(f"[store]\n{setting}\n")
    with pytest.raises(ConfigError, match=r"store\.keep_"):
        load_config(home)
