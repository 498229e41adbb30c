"""Feeds read right: HTML references in JSON Feed text, UTF-16/32 without a byte order mark, and
where stories without a date sort."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from reader.config import load_config
from reader.core.feeds import looks_like_feed, parse_feed
from reader.core.refresh import refresh_all
from reader.core.store import Store
from reader.core.text import decode_references, html_to_text
from tests.server import LoopbackServer, Route, rss

URL = "http://127.0.0.1/feed"
HUGE = "&#" + "9" * 5000 + ";"  # more digits than Python's int() reads


def json_feed(**item: object) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Q&amp;A &#8211; Desk",
            "items": [{"id": "1", **item}],
        }
    ).encode()


def test_json_feed_text_has_its_references_decoded_once() -> None:
    parsed = parse_feed(
        json_feed(
            title="I&#039;m here &amp; there: &amp;lt;b&amp;gt; &lt;code&gt; <em>",
            summary="It&#x2019;s &quot;quoted&quot; &hellip;",
            authors=[{"name": "Jo &amp; Al"}],
        ),
        url=URL,
    )
    assert parsed.title == "Q&A – Desk"
    entry = parsed.entries[0]
    # "&amp;lt;" is decoded once, to the text "&lt;"; a literal tag stays a literal tag.
    assert entry.title == "I'm here & there: &lt;b&gt; <code> <em>"
    assert entry.summary == 'It’s "quoted" …'
    assert entry.author == "Jo & Al"


def test_references_to_impossible_characters_are_clamped() -> None:
    title = f"a&#0;b &#xD800; &#x110000; &#99999999999; {HUGE} &#x80; &#65"
    parsed = parse_feed(json_feed(title=title, content_html=f"<p>x {HUGE} y</p>"), url=URL)
    entry = parsed.entries[0]
    assert entry.title == "ab \ufffd \ufffd \ufffd \ufffd € A"
    assert entry.summary == "x \ufffd y"  # from the content, through html_to_text
    assert html_to_text(f"{HUGE}&#0;") == "\ufffd"
    assert decode_references("&#x" + "0" * 5000 + "41;") == "A"


def test_json_feed_titles_are_stored_decoded(server: LoopbackServer, home: Path) -> None:
    server.routes["/feed.json"] = Route(
        json_feed(title="Harbour &amp; Town: I&#039;m back"), content_type="application/feed+json"
    )
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(server.url("/feed.json"))
    assert refresh_all(store, config).ok == 1
    assert store.feeds()[0].title == "Q&A – Desk"
    assert store.articles()[0].title == "Harbour & Town: I'm back"
    assert [a.title for a in store.search("back")] == ["Harbour & Town: I'm back"]
    store.close()


DOCUMENT = (
    '<rss version="2.0"><channel><title>Café Désert</title><link>http://example.org/</link>'
    "<item><title>Crème story</title><guid>g1</guid><description>text</description></item>"
    "</channel></rss>"
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("declaration", ["", '<?xml version="1.0" encoding="utf-16"?>\n'])
def test_wide_encodings_without_a_bom(encoding: str, declaration: str) -> None:
    if declaration and encoding.startswith("utf-32"):
        declaration = declaration.replace("utf-16", "utf-32")
    for start in ("", "\n  "):  # white space before the first tag too
        parsed = parse_feed((start + declaration + DOCUMENT).encode(encoding), url=URL)
        assert parsed.title == "Café Désert"
        assert [e.title for e in parsed.entries] == ["Crème story"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_json_feed_in_utf16_without_a_bom(encoding: str) -> None:
    data = json.dumps({"title": "Café", "items": [{"id": "1", "title": "Crème"}]})
    assert looks_like_feed(data.encode(encoding), None)
    parsed = parse_feed(data.encode(encoding), url=URL)
    assert (parsed.title, parsed.entries[0].title) == ("Café", "Crème")


def test_utf16_feed_without_a_bom_through_a_refresh(server: LoopbackServer, home: Path) -> None:
    server.routes["/feed"] = Route(DOCUMENT.encode("utf-16-be"), content_type="application/xml")
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(server.url("/feed"))
    assert (refresh_all(store, config).ok, store.feeds()[0].error) == (1, None)
    assert store.feeds()[0].title == "Café Désert"
    assert store.articles()[0].title == "Crème story"
    store.close()


@pytest.mark.parametrize("name", ["feed-utf16be.xml", "feed-utf16le.xml"])
def test_corpus_utf16_feeds_without_bom_or_declaration(corpus: Path, name: str) -> None:
    data = (corpus / "feeds/simplepie/tests/data" / name).read_bytes()
    assert not data.startswith((b"\xfe\xff", b"\xff\xfe"))
    parsed = parse_feed(data, url="http://example.org/tests/")
    assert parsed.title == "Test feed"
    assert [e.title for e in parsed.entries][:1] == ["Test feed title 1"]


def story(n: int, date: str | None = None) -> dict[str, str]:
    item = {"title": f"Story {n}", "guid": f"s{n}", "description": f"Text of story {n}."}
    if date:
        item["pubDate"] = date
    return item


NOV_2 = "Mon, 02 Nov 2026 10:00:00 GMT"
NOV_1 = "Sun, 01 Nov 2026 10:00:00 GMT"
OLDEST = 1793527200  # NOV_1


def test_undated_stories_do_not_swamp_a_first_import(server: LoopbackServer, home: Path) -> None:
    items = [story(1, NOV_2), story(2), story(3, NOV_1), story(4)]
    server.routes["/feed"] = Route(rss("Mixed", items), validators=False)
    server.routes["/undated"] = Route(rss("Undated", [story(8), story(9)]), validators=False)
    config = load_config(home)
    store = Store(config.db_path)
    mixed, _ = store.add_feed(server.url("/feed"))
    undated, _ = store.add_feed(server.url("/undated"))
    before = int(time.time())
    refresh_all(store, config)
    # Newest first: the dated stories, then the undated ones (in the feed's order) at the time
    # of the feed's oldest dated story.
    listed = store.articles(feed_id=mixed.id)
    assert [a.title for a in listed] == ["Story 1", "Story 3", "Story 2", "Story 4"]
    assert [a.published for a in listed[2:]] == [OLDEST, OLDEST]
    # A feed without any dates: the time of its import, in the feed's order.
    listed = store.articles(feed_id=undated.id)
    assert [a.title for a in listed] == ["Story 8", "Story 9"]
    assert all(before <= a.published <= time.time() for a in listed)

    # An undated story that appears on a later refresh is new: it sorts by that refresh's time.
    server.routes["/feed"] = Route(rss("Mixed", [story(5), *items]), validators=False)
    before = int(time.time())
    refresh_all(store, config, force=True)
    first = store.articles(feed_id=mixed.id)[0]
    assert first.title == "Story 5" and before <= first.published <= time.time()
    store.close()
