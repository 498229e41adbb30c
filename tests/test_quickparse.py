"""The lxml fast path must give exactly what the feedparser path gives, or step aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core import feeds
from reader.core.models import ParsedFeed
from reader.core.quickparse import quick_parse

DATA = Path(__file__).parent / "data" / "feeds"
NOW = 1_800_000_000


def both_paths(
    data: bytes, monkeypatch: pytest.MonkeyPatch, content_type: str | None = None
) -> tuple[ParsedFeed | str, ParsedFeed | str]:
    def parse() -> ParsedFeed | str:
        try:
            return feeds.parse_feed(
                data, url="https://example.org/feed", content_type=content_type, now=NOW
            )
        except feeds.FeedParseError as exc:
            return str(exc)

    quick = parse()
    with monkeypatch.context() as patch:
        patch.setattr(feeds, "quick_parse", lambda data, content_type: None)
        slow = parse()
    return quick, slow


RSS = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Desk &amp; Co</title>'
    "<link>https://example.org/</link><ttl>60</ttl>"
    "<item><title>Plain &lt;title&gt;</title><link>/relative/1</link><guid>g1</guid>"
    "<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><dc:creator>Ada</dc:creator>"
    "<description>&lt;p&gt;One &amp;amp; two&lt;/p&gt;</description>"
    "<content:encoded><![CDATA[<p>Full <b>text</b></p><p>Second</p>]]></content:encoded></item>"
    '<item><guid isPermaLink="true">https://example.org/2</guid><title>Caf\xc3\x83\xc2\xa9</title>'
    "<author>ada@example.org (Ada Quill)</author><category>x</category></item>"
    "<item><title>No guid</title><link>javascript:alert(1)</link></item>"
    "</channel></rss>"
).encode("latin-1")

ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title type='html'>A &amp;amp; B</title><id>https://example.org/</id>"
    b'<entry><id>tag:example.org,2026:1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt;</title>'
    b'<link rel="alternate" href="https://example.org/1"/><link rel="edit" href="/e"/>'
    b"<published>2026-11-02T10:00:00Z</published><updated>2026-11-03T10:00:00+01:00</updated>"
    b"<author><name>Ada</name><email>ada@example.org</email></author>"
    b'<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>'
    b"<entry><id>https://example.org/2</id><title>Untitled?</title>"
    b"<summary>Plain &lt;summary&gt;</summary><updated>2026-11-02T10:00:00Z</updated></entry>"
    b"</feed>"
)


@pytest.mark.parametrize("data", [RSS, ATOM], ids=["rss", "atom"])
def test_common_feeds_take_the_fast_path_and_agree(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert quick_parse(data, "application/xml; charset=UTF-8") is not None
    quick, slow = both_paths(data, monkeypatch, "application/xml; charset=UTF-8")
    assert isinstance(quick, ParsedFeed) and quick == slow


DEFERRED = {
    "media:description maps onto the summary": RSS.replace(
        b"<category>x</category>",
        b'<media:description xmlns:media="http://search.yahoo.com/mrss/">m</media:description>',
    ),
    "type=html on an RSS title": RSS.replace(b"<title>Desk", b'<title type="html">Desk'),
    "xml:base": ATOM.replace(b"<entry>", b'<entry xml:base="https://other.example/">', 1),
    "XHTML content": ATOM.replace(b'<content type="html">', b'<content type="xhtml">'),
    "ISO-8859-1 (read as windows-1252)": RSS.replace(b"utf-8", b"iso-8859-1"),
    "C1 controls": RSS.replace(b"No guid", b"don\xc2\x92t"),
    "markup inside a title": RSS.replace(b"<title>No guid</title>", b"<title><b>x</b></title>"),
    "RSS 1.0": b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
    "not well-formed": RSS.replace(b"</channel>", b""),
}


@pytest.mark.parametrize("case", DEFERRED, ids=list(DEFERRED))
def test_anything_unusual_is_left_to_feedparser(case: str) -> None:
    assert quick_parse(DEFERRED[case], None) is None


def test_a_disagreeing_charset_header_is_left_to_feedparser() -> None:
    assert quick_parse(RSS, "application/rss+xml; charset=iso-8859-1") is None


def feed_files(root: Path) -> list[Path]:
    skip = {".tsv", ".md", ".json", ".py", ".txt"}
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in skip)


def test_both_paths_agree_on_every_corpus_feed(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = feed_files(corpus / "feeds") + feed_files(DATA)
    fast = 0
    for path in files:
        data = path.read_bytes()
        if quick_parse(data, None) is None:
            continue
        fast += 1
        quick, slow = both_paths(data, monkeypatch)
        assert quick == slow, path
    assert fast > len(files) // 4  # the fast path is the common one, not a curiosity


SY = b' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'


@pytest.mark.parametrize(
    "channel",
    [
        b"<ttl>\xc2\xb2</ttl>",  # a superscript two
        b"<ttl>" + b"9" * 5000 + b"</ttl>",
        b"<ttl> 45 </ttl>",
        b"<sy:updatePeriod> Daily </sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>",
        b"<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>\xc2\xb9</sy:updateFrequency>",
    ],
    ids=lambda value: str(value)[:40],
)
def test_both_paths_read_the_same_update_hints(
    channel: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = RSS.replace(b"<ttl>60</ttl>", channel).replace(b'<rss version="2.0"', b"<rss" + SY, 1)
    assert quick_parse(data, None) is not None
    quick, slow = both_paths(data, monkeypatch)
    assert isinstance(quick, ParsedFeed) and quick == slow
