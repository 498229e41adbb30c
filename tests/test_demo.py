"""The demo newsroom over real HTTP: formats, validators, scripted changes over time."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import feedparser
import pytest

from reader.config import load_config
from reader.core.newsroom import Newsroom
from reader.core.opml import read_subscriptions
from reader.core.store import Store
from reader.demo import DESKS, DemoNewsroom, DemoServer


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(DemoNewsroom()) as server:
        yield server


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def titles(demo: DemoServer, path: str) -> list[str]:
    body = get(demo.url(path))[2]
    if path.endswith(".json"):
        return [item["title"] for item in json.loads(body)["items"]]
    return [entry.title for entry in feedparser.parse(body).entries]


def test_every_desk_serves_its_format(demo: DemoServer) -> None:
    versions = {}
    for desk in DESKS:
        status, _, body = get(demo.url(desk.path))
        assert status == 200
        if desk.kind == "json":
            doc = json.loads(body)
            assert doc["version"] == "https://jsonfeed.org/version/1.1"
            links = [item["url"] for item in doc["items"]]
        else:
            parsed = feedparser.parse(body)
            assert not parsed.bozo, parsed.bozo_exception
            versions[desk.key] = parsed.version
            links = [entry.link for entry in parsed.entries]
        assert len(links) == 4
        assert all(link.startswith(demo.base_url + "/stories/") for link in links)
        assert all(get(link)[0] == 200 for link in links)
    assert versions == {"world": "rss20", "city": "atom10", "business": "rss20"}


def test_validators_give_304(demo: DemoServer) -> None:
    _, headers, _ = get(demo.url("/world/rss.xml"))
    assert get(demo.url("/world/rss.xml"), {"If-None-Match": headers["ETag"]})[0] == 304
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert get(demo.url("/world/rss.xml"), since)[0] == 304
    assert demo.not_modified == 2


def test_headline_change_reaches_feed_and_page(demo: DemoServer) -> None:
    _, before_headers, _ = get(demo.url("/world/rss.xml"))
    assert "Neighbours reopen talks over the Velm river dam" in titles(demo, "/world/rss.xml")
    demo.newsroom.advance(100)
    new_title = "Carvel and Ostmark agree to share Velm river water in the dry months"
    assert new_title in titles(demo, "/world/rss.xml")
    page = get(demo.url("/stories/dam-talks.html"))[2].decode()
    assert new_title in page and "provisional deal" in page
    stale = get(demo.url("/world/rss.xml"), {"If-None-Match": before_headers["ETag"]})
    assert stale[0] == 200


def test_cosmetic_stamp_changes_only_the_stamp(demo: DemoServer) -> None:
    first = get(demo.url("/stories/summit-coast.html"))[2].decode()
    demo.newsroom.advance(61)
    second = get(demo.url("/stories/summit-coast.html"))[2].decode()
    assert first != second
    differing = [
        (a, b) for a, b in zip(first.splitlines(), second.splitlines(), strict=True) if a != b
    ]
    assert len(differing) == 1 and "minutes ago" in differing[0][0]


def test_withdrawn_story_disappears(demo: DemoServer) -> None:
    assert get(demo.url("/stories/merger-rumour.html"))[0] == 200
    demo.newsroom.advance(250)
    assert get(demo.url("/stories/merger-rumour.html"))[0] == 404
    assert len(titles(demo, "/business/rss.xml")) == 3


def test_timeline_is_within_five_minutes() -> None:
    events = DemoNewsroom.timeline()
    assert len({slug for _, slug, _ in events}) >= 5
    assert all(0 < at <= 300 for at, _, _ in events)


def test_home_announces_feeds_and_opml_lists_them(demo: DemoServer) -> None:
    from reader.core.feeds import discover_feed_links

    home = get(demo.url("/"))[2]
    assert discover_feed_links(home, demo.url("/")) == [demo.url(d.path) for d in DESKS]
    subscriptions, notes = read_subscriptions(get(demo.url("/demo.opml"))[2])
    assert [(s.url, s.folder) for s in subscriptions] == [(u, f) for u, _, f in demo.feeds()]
    assert {s.folder for s in subscriptions} == {"News", "Features"} and not notes


def test_unknown_path_and_concurrency(demo: DemoServer) -> None:
    assert get(demo.url("/nope"))[0] == 404
    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(lambda _: get(demo.url("/city/atom.xml"))[0], range(20)))
    assert statuses == [200] * 20


def test_the_watcher_records_the_scripted_cut_and_revert(home: Path, demo: DemoServer) -> None:
    """Watch passes over the demo's first minutes: the paragraph cut is a cut, the figure that
    changes and changes back is an edit, then a revert."""
    config = load_config(home)
    store = Store(config.db_path)
    try:
        store.add_feeds(demo.feeds())
        with Newsroom(store, config) as newsroom:
            newsroom.refresh()
            for step in (0, 70, 60, 70):  # 0 s, 70 s, 130 s, 200 s after opening
                demo.newsroom.advance(step)
                newsroom.watch(everything=True)
        kinds = {
            a.url.rsplit("/", 1)[-1]: [v.kind for v in store.versions(a.id) if v.source == "page"]
            for a in store.articles(limit=100)
            if a.url
        }
    finally:
        store.close()
    assert kinds["library-hours.html"] == [None, "cut"]
    assert kinds["seagrass.html"] == [None, "edit", "revert"]
