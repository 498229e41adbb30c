"""When feeds are fetched: due ones only, --force for all, each feed's own interval, a server's
Retry-After, removed feeds never; the same in the TUI's timer and its `R` key."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from reader.cli import run
from reader.config import Config, load_config
from reader.core.ingest import next_check, retry_at
from reader.core.refresh import refresh_all
from reader.core.store import Store
from reader.ui.app import make_app
from reader.ui.bindings import APP
from tests.server import LoopbackServer, Route, rss
from tests.tui_data import settle

ITEMS = [{"title": f"Item {n}", "guid": f"i{n}", "description": f"Body {n}"} for n in range(3)]


def with_ttl(title: str, minutes: int) -> bytes:
    """An RSS feed asking to be left alone for ``minutes`` (its <ttl>)."""
    return rss(title, ITEMS).replace(b"<item>", f"<ttl>{minutes}</ttl><item>".encode(), 1)


def max_age(seconds: int) -> dict[str, str]:
    return {"Cache-Control": f"max-age={seconds}"}


def set_column(config: Config, url: str, column: str, value: int) -> None:
    """What `newsroom edit` and `remove` store, written straight into the database."""
    with sqlite3.connect(config.db_path) as conn:
        conn.execute(f"UPDATE feeds SET {column} = ? WHERE url = ?", (value, url))


def wait_of(store: Store, url: str, since: int) -> int:
    feed = store.feed_by_url(url)
    assert feed is not None
    return (store.next_check_at(feed.id) or 0) - since


def cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    assert run(["--home", str(home), *args]) == 0
    return capsys.readouterr().out


def test_refresh_fetches_due_feeds_and_force_fetches_all(
    server: LoopbackServer, store: Store, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b"):
        server.routes[f"/{name}.xml"] = Route(rss(name, ITEMS))
    store.add_feeds((server.url(f"/{n}.xml"), None, None) for n in ("a", "b"))
    first = json.loads(cli(capsys, home, "refresh", "--json"))  # never checked: due
    assert (first["feeds"], first["ok"], first["not_due"]) == (2, 2, 0)
    second = json.loads(cli(capsys, home, "refresh", "--json"))
    assert (second["feeds"], second["not_due"]) == (0, 2)
    assert server.hits == {"/a.xml": 1, "/b.xml": 1}
    text = cli(capsys, home, "refresh")
    assert "2 feeds not due (refresh --force fetches them now)" in text.splitlines()
    forced = json.loads(cli(capsys, home, "refresh", "--force", "--json"))
    assert (forced["feeds"], forced["not_modified"], forced["not_due"]) == (2, 2, 0)
    assert server.hits == {"/a.xml": 2, "/b.xml": 2}


def test_a_feed_is_due_again_when_its_next_check_has_passed(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    server.routes["/a.xml"] = Route(rss("a", ITEMS))
    server.routes["/b.xml"] = Route(rss("b", ITEMS))
    store.add_feeds((server.url(p), None, None) for p in ("/a.xml", "/b.xml"))
    refresh_all(store, config)
    set_column(config, server.url("/a.xml"), "next_check_at", int(time.time()) - 1)
    summary = refresh_all(store, config)
    assert (summary.feeds, summary.not_due) == (1, 1)
    assert server.hits == {"/a.xml": 2, "/b.xml": 1}


def test_the_feed_own_interval_wins_over_ttl_and_max_age(
    server: LoopbackServer, store: Store, home: Path
) -> None:
    (home / "config.toml").write_text("[refresh]\ninterval_minutes = 45\n")
    config = load_config(home)
    server.routes["/own.xml"] = Route(with_ttl("own", 600), headers=max_age(9000))
    server.routes["/ttl.xml"] = Route(with_ttl("ttl", 120))
    server.routes["/aged.xml"] = Route(rss("aged", ITEMS), headers=max_age(5400))
    server.routes["/plain.xml"] = Route(rss("plain", ITEMS))
    urls = {name: server.url(f"/{name}.xml") for name in ("own", "ttl", "aged", "plain")}
    store.add_feeds((url, None, None) for url in urls.values())
    set_column(config, urls["own"], "interval_minutes", 5)
    before = int(time.time())
    assert refresh_all(store, config).ok == 4
    after = int(time.time())
    waits = {name: wait_of(store, url, before) for name, url in urls.items()}
    slack = after - before + 1
    assert 300 <= waits["own"] <= 300 + slack  # shorter than everything the server says
    assert 7200 <= waits["ttl"] <= 7200 + slack  # the feed's ttl stretches our 45 minutes
    assert 5400 <= waits["aged"] <= 5400 + slack  # and so does the server's max-age
    assert 2700 <= waits["plain"] <= 2700 + slack  # else [refresh] interval_minutes
    # A 304 keeps the schedule: the stored ttl, and the feed's own interval.
    for name in ("own", "ttl"):
        set_column(config, urls[name], "next_check_at", 0)
    before = int(time.time())
    assert refresh_all(store, config).not_modified == 2
    assert 300 <= wait_of(store, urls["own"], before) <= 300 + slack + 1
    assert 7200 <= wait_of(store, urls["ttl"], before) <= 7200 + slack + 1


def test_retry_after_holds_a_feed_even_from_a_forced_refresh(
    server: LoopbackServer,
    store: Store,
    config: Config,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.routes["/busy.xml"] = Route(
        status=429, headers={"Retry-After": "3600"}, content_type="text/plain"
    )
    server.routes["/down.xml"] = Route(status=503, content_type="text/plain")
    busy, down = server.url("/busy.xml"), server.url("/down.xml")
    store.add_feeds([(busy, None, None), (down, None, None)])
    set_column(config, busy, "interval_minutes", 1)  # its own interval is no excuse either
    before = int(time.time())
    assert json.loads(cli(capsys, home, "refresh", "--json"))["failed"] == 2
    assert wait_of(store, busy, before) >= 3600
    text = cli(capsys, home, "refresh", "--force")
    assert "1 feed held back: their servers asked to wait (Retry-After)" in text.splitlines()
    # The 503 without a Retry-After is fetched again; the 429 is left alone until its time.
    assert server.hits == {"/busy.xml": 1, "/down.xml": 2}
    set_column(config, busy, "next_check_at", 0)  # due by its schedule: still held
    summary = json.loads(cli(capsys, home, "refresh", "--json"))
    assert (summary["feeds"], summary["not_due"]) == (0, 2)
    assert server.hits["/busy.xml"] == 1


def test_removed_feeds_are_never_refreshed(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    server.routes["/gone.xml"] = Route(rss("gone", ITEMS))
    store.add_feed(server.url("/gone.xml"))
    set_column(config, server.url("/gone.xml"), "removed_at", int(time.time()))
    assert refresh_all(store, config, force=True).feeds == 0
    assert refresh_all(store, config).feeds == 0
    assert server.hits["/gone.xml"] == 0


def test_schedule_rules() -> None:
    now = 1_800_000_000
    assert next_check(now, 1800, None, 7200, own=60) == now + 60
    assert next_check(now, 1800, None, 7200) == now + 7200
    assert next_check(now, 1800, None, 10**9) == now + 86400  # a day at most
    # Retry-After never shortens the backoff, and always lengthens a shorter one.
    assert retry_at(now, 1800, 3, 60) == now + 1800 * 8
    assert retry_at(now, 60, 0, 3600) == now + 3600
    # A feed's own interval longer than a day backs off from there.
    assert retry_at(now, 3 * 86400, 2, None) == now + 3 * 86400


async def test_the_tui_timer_fetches_due_feeds_and_r_fetches_all_now(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    server.routes["/f.xml"] = Route(rss("Wire", ITEMS))
    store.add_feed(server.url("/f.xml"))
    refresh_all(store, config)
    app = make_app(config, store, refresh_on_start=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app.refresh_due()  # what the timer calls: nothing is due
        await settle(pilot)
        assert server.hits["/f.xml"] == 1
        await pilot.press("R")
        await settle(pilot)
        assert server.hits["/f.xml"] == 2
        set_column(config, server.url("/f.xml"), "next_check_at", 0)
        app.refresh_due()
        await settle(pilot)
        assert server.hits["/f.xml"] == 3
    [key] = [k for k in APP if k.id == "feeds.refresh_all"]
    assert "refresh all now" in key.tooltip.lower()
