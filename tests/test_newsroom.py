"""The newsroom object: one event loop and one story fetcher for a process's whole life."""

from __future__ import annotations

import concurrent.futures
import threading
import time
from pathlib import Path

import pytest

from reader.config import Config
from reader.core.newsroom import Newsroom
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss

PAGE = (Path(__file__).parent / "data" / "pages" / "harbour-article.html").read_bytes()


def loops() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "newsroom-loop")


def test_stories_share_one_loop_and_one_connection(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    """Subscribing and opening stories reuse the loop, the fetcher and its kept-alive
    connection, rather than building them again for each story."""
    items = [
        {"title": f"Story {n}", "guid": f"s{n}", "link": server.url(f"/story/{n}")}
        for n in range(3)
    ]
    server.routes["/feed.xml"] = Route(rss("Harbour", items))
    for n in range(3):
        server.routes[f"/story/{n}"] = Route(PAGE, content_type="text/html")
    before = loops()
    with Newsroom(store, config) as newsroom:
        added = newsroom.add_feed(server.url("/feed.xml"))
        assert added.created and added.stories == 3
        for article in store.articles():
            assert newsroom.full_text(article).source == "extracted"
        assert loops() == before + 1
    assert loops() == before
    assert server.httpd.connections == 1
    assert [server.hits[f"/story/{n}"] for n in range(3)] == [1, 1, 1]


def test_closing_cancels_the_work_in_flight(
    server: LoopbackServer, store: Store, config: Config
) -> None:
    """Closing (the TUI quitting, Ctrl-C, the daemon's SIGTERM) does not wait for a silent
    server: the waiting caller is told its work was cancelled."""
    server.routes["/feed.xml"] = Route(rss("Silent", []), delay=30)
    newsroom = Newsroom(store, config)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(newsroom.add_feed, server.url("/feed.xml"))
        time.sleep(0.5)
        started = time.monotonic()
        newsroom.close()
        with pytest.raises(concurrent.futures.CancelledError):
            waiting.result(timeout=5)
    assert time.monotonic() - started < 3
    assert store.feeds() == []
