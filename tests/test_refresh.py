"""The refresh pipeline against a loopback server and a real SQLite file."""

from __future__ import annotations

import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader.config import Config, load_config
from reader.core.ingest import MAX_INTERVAL, retry_at
from reader.core.models import RefreshResult, RefreshStatus
from reader.core.refresh import SKIPPED, RefreshError, refresh_all, refresh_in_child
from reader.core.store import Store, StoreError
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
ITEMS = [{"title": f"Item {n}", "guid": f"i{n}", "description": f"Body {n}"} for n in range(4)]


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
    second = refresh_all(store, config, force=True)
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
    refresh_all(store, config, force=True)
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


def test_a_failed_refresh_process_says_what_failed(config: Config, home: Path) -> None:
    """A refresh that breaks is a RefreshError, a database that cannot be used a StoreError:
    each failure is named for what failed."""
    with pytest.raises(RefreshError, match=r"^the refresh failed: AttributeError"):
        refresh_in_child(config, ["not a feed"])  # type: ignore[list-item]
    (home / "garbage.db").write_bytes(b"not a database" * 100)
    broken = config._replace(db_path=home / "garbage.db")
    with pytest.raises(StoreError, match="not a newsroom database"):
        refresh_in_child(broken, [])


def test_a_huge_retry_after_fails_only_its_own_feed(server: LoopbackServer, home: Path) -> None:
    """A 400-digit Retry-After on a 503 once ended the whole refresh, every time: the other
    feeds' stories were never stored."""
    for n in range(2):
        server.routes[f"/{n}.xml"] = Route(rss(f"Feed {n}", ITEMS))
    server.routes["/down.xml"] = Route(
        b"", status=503, headers={"Retry-After": "9" * 400}, content_type="text/plain"
    )
    urls = [server.url(p) for p in ("/0.xml", "/1.xml", "/down.xml")]
    (home / "urls").write_text("\n".join(urls) + "\n")
    command = [NEWSROOM, "--home", str(home)]
    subprocess.run([*command, "import", str(home / "urls")], check=True, capture_output=True)
    before = int(time.time())
    result = subprocess.run([*command, "refresh"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"failed: {urls[2]}: HTTP 503 Service Unavailable\n"
    # The next refresh is no different, forced or not; the 503 waits for its Retry-After.
    result = subprocess.run(
        [*command, "refresh", "--force"], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert "2 feeds: 0 fetched, 2 not modified" in result.stdout
    assert "1 feed held back" in result.stdout
    store = Store(load_config(home).db_path)
    try:
        assert len(store.articles()) == 2 * len(ITEMS)
        assert store.feed_by_url(urls[2]).error == "HTTP 503 Service Unavailable"
        assert before + 86400 <= store.next_check_at(store.feed_by_url(urls[2]).id) < 2**63
    finally:
        store.close()


@pytest.mark.parametrize("retry_after", [float("inf"), float("nan"), 1e300, -5.0, 10**400])
def test_retry_at_never_raises(retry_after: float) -> None:
    when = retry_at(1_800_000_000, 1800, 3, retry_after)
    assert 1_800_000_000 <= when <= 1_800_000_000 + MAX_INTERVAL


def test_a_pass_ends_at_its_deadline_and_skips_the_rest(
    server: LoopbackServer, store: Store, home: Path
) -> None:
    """100 feeds answering in 4.5 s each once took 113 s: now the pass ends at its deadline,
    and the feeds not done by then are skipped, due again at once and first in the next pass."""
    (home / "config.toml").write_text(
        "[refresh]\npass_timeout_minutes = 0.04\n[fetch]\nconcurrency = 1\nper_host = 1\n"
    )
    config = load_config(home)  # 2.4 s for the pass, one request at a time
    arrivals: list[str] = []
    slow = {"/c.xml", "/d.xml", "/e.xml"}

    def answer(request: BaseHTTPRequestHandler) -> Route:
        arrivals.append(request.path)
        return Route(rss(request.path, ITEMS), delay=30 if request.path in slow else 0)

    paths = ["/a.xml", "/b.xml", "/c.xml", "/d.xml", "/e.xml"]
    for path in paths:
        server.routes[path] = answer
    store.add_feeds((server.url(path), path, None) for path in paths)  # titled, so in this order
    started = time.monotonic()
    summary = refresh_all(store, config)
    took = time.monotonic() - started
    assert 2.4 <= took < 4.5
    assert (summary.feeds, summary.ok, summary.failed) == (5, 2, 3)
    errors = {f.url: f.error for f in store.feeds()}
    assert [errors[server.url(p)] for p in paths] == [None, None, SKIPPED, SKIPPED, SKIPPED]
    assert len(store.articles()) == 2 * len(ITEMS)
    for path in slow:
        assert store.next_check_at(store.feed_by_url(server.url(path)).id) <= time.time()
    slow.clear()
    arrivals.clear()
    second = refresh_all(store, config, force=True)
    # (a request the first pass gave up on may still reach the server after the clear)
    assert arrivals[-5:] == ["/c.xml", "/d.xml", "/e.xml", "/a.xml", "/b.xml"]
    assert (second.ok, second.not_modified, second.failed) == (3, 2, 0)
