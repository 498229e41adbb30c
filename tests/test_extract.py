"""Full text: golden pages, the sandboxed extractor under hostile pages, fallbacks and caching."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reader.config import load_config
from reader.core.changes import feed_change
from reader.core.extract import ExtractionError, Extractor
from reader.core.fulltext import full_text
from reader.core.models import ParsedEntry, ParsedFeed
from reader.core.store import Store
from tests.server import LoopbackServer, Route

PAGES = Path(__file__).parent / "data" / "pages"
CASES = sorted(PAGES.glob("*.html"))
BOILERPLATE = ("cookie", "Trending", "Comments", "newsletter", "Subscribe", "Most read", "Privacy")


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    ex = Extractor()
    yield ex
    ex.close()


@pytest.mark.parametrize("page", CASES, ids=[p.stem for p in CASES])
def test_golden_pages(extractor: Extractor, page: Path) -> None:
    result = extractor.extract(page.read_bytes(), f"https://example.org/{page.stem}")
    assert result.text + "\n" == page.with_suffix(".txt").read_text()
    for word in BOILERPLATE:
        assert word not in result.text, word
    assert result.extractor.startswith("trafilatura ")


def test_metadata_and_markdown(extractor: Extractor) -> None:
    result = extractor.extract((PAGES / "harbour-article.html").read_bytes(), "https://x.org/a")
    assert (result.title, result.author) == ("Night ferry returns after a year", "Rosa Delacroix")
    assert "## Shift workers welcome the return" in result.markdown
    assert not result.markdown.startswith("# Night ferry")  # the header shows the title


def nested_divs(depth: int) -> bytes:
    return (
        b"<html><body>" + b"<div>" * depth + b"<p>deep</p>" + b"</div>" * depth + b"</body></html>"
    )


HOSTILE = {
    "5 MB of paragraphs": b"<html><body><article>"
    + b"".join(b"<p>Paragraph %d of a very long page with words.</p>" % i for i in range(110_000))
    + b"</article></body></html>",
    "huge colspans": b"<html><body><table>"
    + b'<tr><td colspan="1000000">x</td><td rowspan="65534">y</td></tr>' * 2000
    + b"</table><p>After the table comes a short paragraph of text.</p></body></html>",
    "200k nested divs": nested_divs(200_000),
    "wrong charset": b'<html><head><meta charset="utf-8"></head><body><article><p>'
    + "Café crème à la française, déjà vu, naïve façade. ".encode("latin-1") * 20
    + b"</p></article></body></html>",
    "binary body": bytes(range(256)) * 4000,
    "empty": b"",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_pages_never_hang(extractor: Extractor, name: str) -> None:
    started = time.monotonic()
    try:
        result = extractor.extract(HOSTILE[name], "https://example.org/hostile")
        assert isinstance(result.text, str)
    except ExtractionError as exc:
        assert "\n" not in str(exc)
    assert time.monotonic() - started < extractor.deadline + 5
    # Whatever happened, the pool still works.
    ok = extractor.extract((PAGES / "science-feature.html").read_bytes(), "https://x.org/s")
    assert "seagrass" in ok.text


def test_deadline_kills_and_the_pool_recovers() -> None:
    slow = Extractor(deadline=0.05)
    try:
        with pytest.raises(ExtractionError, match=r"longer than 0\.05 s"):
            slow.extract(HOSTILE["5 MB of paragraphs"], "https://example.org/big")
        slow.deadline = 30
        result = slow.extract((PAGES / "live-blog.html").read_bytes(), "https://x.org/live")
        assert "rescue boats" in result.text
    finally:
        slow.close()


def test_a_second_process_starts_only_when_pages_overlap() -> None:
    page = (PAGES / "live-blog.html").read_bytes()
    others = set(multiprocessing.active_children())  # other tests' pools, in this process

    def started() -> int:
        return len(set(multiprocessing.active_children()) - others)

    pool = Extractor(workers=2)
    try:
        pool.extract(page, "https://x.org/live")
        pool.extract(page, "https://x.org/live")
        assert started() == 1  # one page at a time: one process
        with ThreadPoolExecutor(4) as threads:
            results = list(threads.map(lambda _: pool.extract(page, "https://x.org/l"), range(8)))
        assert all("rescue boats" in result.text for result in results)
        assert started() == 2
    finally:
        pool.close()
    assert started() == 0


def test_a_page_that_kills_one_process_spares_the_other() -> None:
    page = (PAGES / "live-blog.html").read_bytes()
    pool = Extractor(deadline=30, workers=2)
    try:
        with ThreadPoolExecutor(2) as threads:  # both processes started and warm
            list(threads.map(lambda _: pool.extract(page, "https://x.org/l"), range(4)))
        pool.deadline = 4  # the 5 MB page needs far longer; the live blog a fraction of it
        with ThreadPoolExecutor(2) as threads:
            slow = threads.submit(pool.extract, HOSTILE["5 MB of paragraphs"], "https://x.org/b")
            time.sleep(0.2)  # the slow page holds the first process
            fine = threads.submit(pool.extract, page, "https://x.org/live")
            assert "rescue boats" in fine.result().text
            assert not slow.done()  # still running: the other page did not wait for it
            with pytest.raises(ExtractionError, match="longer than 4 s"):
                slow.result()
    finally:
        pool.close()


# -- full text with fallbacks, over HTTP --------------------------------------------------


def story_store(home: Path, server: LoopbackServer, link: str, feed_text: str) -> Store:
    store = Store(load_config(home).db_path)
    feed, _ = store.add_feed(server.url("/feed.xml"))
    entry = ParsedEntry(
        "s1", link, "Night ferry returns", None, 1_790_000_000, None, feed_text, None
    )
    parsed = ParsedFeed("Post", None, None, (entry,))
    store.apply_feed(feed.id, parsed, judge=feed_change, now=1_790_000_000, next_check_at=0)
    return store


def test_extracted_text_is_cached_and_searchable(
    home: Path, server: LoopbackServer, extractor: Extractor
) -> None:
    page = (PAGES / "harbour-article.html").read_bytes()
    server.routes["/story"] = Route(page, content_type="text/html")
    store = story_store(home, server, server.url("/story"), "The night ferry is back.")
    article = store.articles()[0]
    config = load_config(home)
    first = full_text(store, config, article, extractor)
    assert first.source == "extracted" and "Shift workers" in first.markdown
    again = full_text(store, config, store.article(article.id), extractor)
    assert again.text == first.text and server.hits["/story"] == 1
    assert [a.id for a in store.search("nurses bakers")] == [article.id]


@pytest.mark.parametrize(
    ("route", "note"),
    [
        (Route(b"gone", status=404, content_type="text/plain"), "HTTP 404"),
        (Route(b"<html><body><p>Short.</p></body></html>", content_type="text/html"), "less text"),
        (Route(b"\x00\x01\x02" * 1000, content_type="application/octet-stream"), "unavailable"),
    ],
)
def test_fallback_to_the_feed_with_a_note(
    home: Path, server: LoopbackServer, extractor: Extractor, route: Route, note: str
) -> None:
    server.routes["/story"] = route
    long_feed = "The night ferry returns on Monday after a year without service. " * 5
    store = story_store(home, server, server.url("/story"), long_feed)
    result = full_text(store, load_config(home), store.articles()[0], extractor)
    assert result.source == "feed" and note in (result.note or "")
    assert "night ferry returns" in result.text
    assert store.page_version(store.articles()[0].id) is None


def test_entry_links_to_private_hosts_are_refused(
    home: Path, server: LoopbackServer, extractor: Extractor
) -> None:
    store = Store(load_config(home).db_path)
    feed, _ = store.add_feed("http://feeds.example.org/feed.xml")
    entry = ParsedEntry("s1", server.url("/admin"), "Sneaky", None, None, None, "teaser", None)
    store.apply_feed(
        feed.id, ParsedFeed("x", None, None, (entry,)), judge=feed_change, now=1, next_check_at=0
    )
    result = full_text(store, load_config(home), store.articles()[0], extractor)
    assert result.source == "feed" and "private address" in (result.note or "")
    assert server.hits["/admin"] == 0


def test_show_json_gives_the_extracted_text(home: Path) -> None:
    from reader.demo import DemoServer

    newsroom = str(Path(sys.executable).with_name("newsroom"))
    with DemoServer() as demo:
        run = [newsroom, "--home", str(home)]
        subprocess.run([*run, "add", demo.url("/city/atom.xml")], check=True, capture_output=True)
        articles = json.loads(
            subprocess.run([*run, "articles", "--json"], check=True, capture_output=True).stdout
        )
        ferry = next(a for a in articles if a["title"].startswith("Port Aldren ferry"))
        shown = subprocess.run([*run, "show", str(ferry["id"]), "--json"], capture_output=True)
    assert shown.returncode == 0, shown.stderr
    story = json.loads(shown.stdout)
    assert story["source"] == "extracted"
    assert "Queues for the bridge buses" in story["text"] and "Trending" not in story["text"]


def test_extraction_on_refresh_when_configured(home: Path) -> None:
    from reader.core.refresh import refresh_all
    from reader.demo import DemoServer

    with DemoServer() as demo:
        science, city = demo.url("/science/feed.json"), demo.url("/city/atom.xml")
        (home / "config.toml").write_text(f'[extract]\nfeeds = ["{science}"]\n')
        config = load_config(home)
        store = Store(config.db_path)
        store.add_feeds([(science, None, None), (city, None, None)])
        refresh_all(store, config)
    urls = {f.id: f.url for f in store.feeds()}
    extracted = {
        urls[a.feed_id]: store.page_version(a.id) is not None for a in store.articles(limit=100)
    }
    assert extracted == {science: True, city: False}
    assert store.search("binoculars")  # the comet story's page text is searchable
