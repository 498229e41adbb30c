"""The refresh pipeline against a loopback server and a real SQLite file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.config import Config, load_config
from reader.core.models import RefreshResult, RefreshStatus
from reader.core.refresh import refresh_all, refresh_in_child
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss

ITEMS = [{"title": f"Item {n}", "guid": f"i{n}", "description": f"Body {n}"} for n in range(4)]


@pytest.fixture
def config(home: Path) -> Config:
    return load_config(home)


@pytest.fixture
def store(config: Config) -> Store:
    s = Store(config.db_path)
    yield s
    s.close()


def test_results_arrive_one_per_feed(server: LoopbackServer, store: Store, config: Config) -> None:
    for n in range(5):
        server.routes[f"/{n}.xml"] = Route(rss(f"F{n}", ITEMS))
    store.add_feeds((server.url(f"/{n}.xml"), None, None) for n in range(5))
    seen = []
    summary = refresh_all(store, config, on_result=seen.append)
    assert sorted(r.url for r in seen) == sorted(server.url(f"/{n}.xml") for n in range(5))
    assert summary.ok == 5 and summary.new == 20


def test_unchanged_body_without_validators_skips_parsing(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    server.routes["/plain.xml"] = Route(rss("Plain", ITEMS), validators=False)
    store.add_feed(server.url("/plain.xml"))
    assert refresh_all(store, config).new == 4
    second = refresh_all(store, config)
    assert second.not_modified == 1 and second.ok == 0


def test_permanent_redirect_moves_the_subscription(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    server.routes["/old.xml"] = Route(status=301, headers={"Location": "/new.xml"})
    server.routes["/new.xml"] = Route(rss("Moved", ITEMS))
    store.add_feed(server.url("/old.xml"))
    refresh_all(store, config)
    [feed] = store.feeds()
    assert feed.url == server.url("/new.xml") and feed.title == "Moved"


def test_temporary_redirect_keeps_the_subscription(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    server.routes["/old.xml"] = Route(status=302, headers={"Location": "/new.xml"})
    server.routes["/new.xml"] = Route(rss("Moved", ITEMS))
    store.add_feed(server.url("/old.xml"))
    refresh_all(store, config)
    assert store.feeds()[0].url == server.url("/old.xml")


def test_retry_after_and_backoff_schedule(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    server.routes["/busy.xml"] = Route(
        status=429, headers={"Retry-After": "7200"}, content_type="text/plain"
    )
    server.routes["/down.xml"] = Route(status=503, content_type="text/plain")
    store.add_feeds([(server.url("/busy.xml"), None, None), (server.url("/down.xml"), None, None)])
    before = int(time.time())
    results = []
    refresh_all(store, config, on_result=results.append)
    assert {r.status for r in results} == {RefreshStatus.FAILED}
    rows = dict(
        store._read("SELECT url, next_check_at FROM feeds")  # scheduling is internal state
    )
    assert rows[server.url("/busy.xml")] - before >= 7200 - 5
    refresh_all(store, config)
    feed = store.feed_by_url(server.url("/down.xml"))
    assert feed.error_count == 2 and "503" in feed.error


def test_deadline_fires_and_the_rest_completes(
    server: LoopbackServer, store: Store, home: Path
) -> None:
    (home / "config.toml").write_text("[fetch]\nfeed_timeout = 1.0\n")
    config = load_config(home)
    server.routes["/slow.xml"] = Route(rss("Slow", ITEMS), delay=3)
    server.routes["/fast.xml"] = Route(rss("Fast", ITEMS))
    store.add_feeds([(server.url("/slow.xml"), None, None), (server.url("/fast.xml"), None, None)])
    started = time.monotonic()
    summary = refresh_all(store, config)
    assert time.monotonic() - started < 2.5
    assert (summary.ok, summary.failed) == (1, 1)
    assert "timed out" in store.feed_by_url(server.url("/slow.xml")).error


def test_refresh_in_a_child_process(server: LoopbackServer, store: Store, config: Config) -> None:
    """The TUI's refresh: same results, streamed back one per feed, stored by another process."""
    for n in range(3):
        server.routes[f"/{n}.xml"] = Route(rss(f"Feed {n}", ITEMS))
    server.routes["/down.xml"] = Route(b"no", status=500, content_type="text/plain")
    urls = [server.url(f"/{n}.xml") for n in range(3)] + [server.url("/down.xml")]
    store.add_feeds([(url, None, None) for url in urls])
    results: list[RefreshResult] = []
    summary = refresh_in_child(config, store.feeds(), on_result=results.append)
    assert sorted(r.url for r in results) == sorted(urls)
    assert (summary.ok, summary.failed, summary.new) == (3, 1, 3 * len(ITEMS))
    assert len(store.articles()) == 3 * len(ITEMS)  # written by the child, seen here
    assert "HTTP 500" in (store.feed_by_url(server.url("/down.xml")).error or "")
