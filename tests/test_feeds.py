"""Feed parsing: golden files, real-world corpus, hostile XML, autodiscovery."""

from __future__ import annotations

import calendar
import csv
import gzip
import json
import time
import tracemalloc
from pathlib import Path

import feedparser
import pytest

from reader.core.feeds import FeedParseError, discover_feed_links, looks_like_feed, parse_feed

DATA = Path(__file__).parent / "data" / "feeds"
NOW = calendar.timegm((2026, 11, 28, 12, 0, 0))
CASES = sorted(p for p in DATA.iterdir() if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden(path: Path) -> None:
    parsed = parse_feed(path.read_bytes(), url=f"https://feeds.example/{path.name}", now=NOW)
    expected = json.loads((DATA / f"{path.stem}.expected.json").read_text())
    record = parsed._asdict() | {"entries": [entry._asdict() for entry in parsed.entries]}
    assert json.loads(json.dumps(record)) == expected


def test_identity_does_not_depend_on_the_feed_url() -> None:
    data = (DATA / "rss20.xml").read_bytes()
    first = parse_feed(data, url="https://old.example/feed", now=NOW)
    moved = parse_feed(data, url="https://new.example/rss", now=NOW)
    assert [e.guid for e in first.entries] == [e.guid for e in moved.entries]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"<!doctype html><html><body><p>A web page</p></body></html>",
        b"\x00\xff\xfe garbage \x89PNG",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
        b"[1, 2, 3]",
        b"<rss><channel><title>cut off",
    ],
)
def test_not_a_feed(data: bytes) -> None:
    with pytest.raises(FeedParseError) as error:
        parse_feed(data, url="https://x.example/", now=NOW)
    assert str(error.value).startswith("not a feed") and "\n" not in str(error.value)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rss version="2.0"><channel><title>&e;</title><item><title>&e;</title></item></channel></rss>"""


def test_entity_bombs_and_xxe_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY x SYSTEM "file://{secret}">\n]>\n'
        '<rss version="2.0"><channel><title>&x;</title><item><title>&x;</title>'
        "<description>&x;</description></item></channel></rss>"
    ).encode()
    hidden_by_comment = BOMB.replace(b"[\n", b"[ <!-- ] --> ", 1)
    utf16 = BOMB.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")
    for data in (BOMB, BOMB.replace(b"\n", b" "), xxe, hidden_by_comment, utf16):
        started = time.monotonic()
        with pytest.raises(FeedParseError, match="entity declarations"):
            parse_feed(data, url="https://x.example/", now=NOW)
        assert time.monotonic() - started < 1


def test_utf7_is_refused() -> None:
    """UTF-7 can spell "<!ENTITY" as "+ADw-!ENTITY", past any byte check."""
    body = BOMB.replace(b'<?xml version="1.0"?>', b"").replace(b"<", b"+ADw-")
    for data, content_type in (
        (b'<?xml version="1.0" encoding="utf-7"?>' + body, None),
        (body, "application/rss+xml; charset=UTF-7"),
    ):
        with pytest.raises(FeedParseError):
            parse_feed(data, url="https://x.example/", content_type=content_type, now=NOW)


def test_external_doctype_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leak "TOP-SECRET-CONTENT">')
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{secret}">'
        '<rss version="2.0"><channel><title>t &leak;</title>'
        "<item><title>x &leak;</title></item></channel></rss>"
    ).encode()
    try:
        parsed = parse_feed(data, url="https://x.example/", now=NOW)
    except FeedParseError:
        return
    assert "TOP-SECRET" not in repr(parsed)


def test_defusedxml_corpus_is_harmless(corpus: Path) -> None:
    """Bombs, quadratic blowup and external entities: quick, small, and no file content leaks
    (external_file.xml points at simple.xml, whose text must not appear)."""
    folder = corpus / "feeds" / "defusedxml" / "xmltestdata"
    leaked = (folder / "simple.xml").read_text()
    paths = sorted(folder.iterdir())
    assert {"xmlbomb.xml", "xmlbomb2.xml", "quadratic.xml", "external_file.xml"} <= {
        p.name for p in paths
    }
    for path in paths:
        tracemalloc.start()
        started = time.monotonic()
        try:
            parsed = parse_feed(path.read_bytes(), url="https://x.example/", now=NOW)
        except FeedParseError:
            parsed = None
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert elapsed < 2, path.name
        assert peak < 32 * 2**20, path.name
        assert "root:" not in repr(parsed) and leaked not in repr(parsed), path.name
    for name in ("xmlbomb.xml", "xmlbomb2.xml", "quadratic.xml", "external.xml", "cyclic.xml"):
        with pytest.raises(FeedParseError, match="entity declarations"):
            parse_feed((folder / name).read_bytes(), url="https://x.example/", now=NOW)


def test_daring_fireball_in_three_formats(corpus: Path) -> None:
    base = corpus / "feeds" / "netnewswire-rsparser" / "Tests" / "RSParserTests" / "Resources"
    atom = parse_feed((base / "DaringFireball.atom").read_bytes(), url="https://df.example/")
    as_json = parse_feed((base / "DaringFireball.json").read_bytes(), url="https://df.example/")
    assert atom.title == as_json.title == "Daring Fireball"
    assert atom.entries[0].title == as_json.entries[0].title
    assert atom.entries[0].title == "The Talk Show: \u2018I Do Like Throwing a Baby\u2019"
    assert atom.entries[0].published == as_json.entries[0].published == 1498524857
    assert atom.entries[0].url == "https://daringfireball.net/thetalkshow/2017/06/26/ep-195"
    assert (
        as_json.entries[0].url == "https://daringfireball.net/linked/2017/06/26/the-talk-show-195"
    )
    assert len(atom.entries) == len(as_json.entries) == 48
    rss = parse_feed((base / "DaringFireball.rss").read_bytes(), url="https://df.example/")
    assert len(rss.entries) == 47 and rss.entries[0].title == "Apple Product Event: Monday March 21"
    assert rss.entries[0].url.startswith("http://recode.net/2016/02/27/remark-your-calendars")
    assert rss.entries[0].published == 1456610387  # Sat, 27 Feb 2016 21:59:47 GMT
    assert rss.site_url == "http://daringfireball.net/"


def test_other_real_feeds(corpus: Path) -> None:
    base = corpus / "feeds" / "netnewswire-rsparser" / "Tests" / "RSParserTests" / "Resources"
    rsc = parse_feed((base / "russcox.atom").read_bytes(), url="https://research.swtch.com/feed")
    first = rsc.entries[0]
    assert (rsc.title, first.title) == ("research!rsc", "Transparent Logs for Skeptical Clients")
    assert first.url == "http://research.swtch.com/tlog" and first.published == 1551456000
    rdf = parse_feed((base / "bio.rdf").read_bytes(), url="http://connect.biorxiv.org/feed")
    assert rdf.site_url == "http://biorxiv.org" and len(rdf.entries) == 30
    assert rdf.entries[0].url == "http://biorxiv.org/cgi/content/short/743294v1?rss=1"


def test_broken_json_feeds(corpus: Path) -> None:
    base = corpus / "feeds" / "netnewswire-rsparser" / "Tests" / "RSParserTests" / "Resources"
    with pytest.raises(FeedParseError, match="invalid JSON"):
        parse_feed((base / "allthis-partial.json").read_bytes(), url="https://x.example/")
    wrong_types = corpus / "feeds" / "lemon24-reader" / "tests" / "data" / "invalid.json"
    parsed = parse_feed(wrong_types.read_bytes(), url="https://x.example/feed.json", now=NOW)
    assert parsed.title == "" and parsed.site_url is None
    assert len(parsed.entries) == 8 and parsed.entries[0].guid == "2"
    assert parsed.entries[1].guid.startswith("sha1:")  # a float id is no id
    assert parsed.entries[1].title == "float id"
    first = parsed.entries[0]
    assert (first.title, first.url, first.published, first.summary, first.content) == (
        "",
        None,
        None,
        "",
        None,
    )
    assert parsed.entries[-1].author == "Jane"


def _distinct_stories(data: bytes) -> int:
    """How many different stories feedparser sees, keyed as parse_feed keys them (id, link,
    title and date); feeds that repeat an item (a dozen in the corpus) keep the first copy."""
    result = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    return len(
        {
            e.get("id") or e.get("link") or (e.get("title"), e.get("published") or e.get("updated"))
            for e in result.entries
        }
    )


def test_every_corpus_feed_parses_or_fails_cleanly(corpus: Path) -> None:
    """Nothing but FeedParseError escapes (the whole corpus takes about 8 s), and every feed
    feedparser reads cleanly keeps all its distinct entries.

    Clean files may still be refused when they carry no feed at all (plain XML samples, CDF,
    an empty file; INDEX says 0 entries) or declare entities in their DTD (refused by design)."""
    feeds = corpus / "feeds"
    with (feeds / "INDEX.tsv").open(newline="") as index:
        rows = list(csv.DictReader(index, delimiter="\t"))
    assert len(rows) > 2000
    parsed_count = refused = 0
    for row in rows:
        data = (feeds / row["path"]).read_bytes()
        clean = row["bozo"] == "0"
        try:
            parsed = parse_feed(data, url="https://corpus.example/feed", now=NOW)
        except FeedParseError as error:
            refused += 1
            assert "\n" not in str(error)
            if clean:
                assert row["entries"] == "0" or "entity" in str(error), row["path"]
            continue
        parsed_count += 1
        if clean and len(parsed.entries) != int(row["entries"]):
            assert len(parsed.entries) == _distinct_stories(data), row["path"]
        assert len({e.guid for e in parsed.entries}) == len(parsed.entries)
        for entry in parsed.entries:
            assert entry.published is None or entry.published <= NOW + 600
            assert entry.url is None or entry.url.lower().startswith(("http://", "https://"))
    assert parsed_count > 2250 and refused < 60


def test_discovery_on_a_page() -> None:
    html = b"""<html><head>
    <link rel="stylesheet" href="/style.css">
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    <link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    <link rel="alternate" type="text/html" href="/fr/" hreflang="fr">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head><body><p>hi</body></html>"""
    assert discover_feed_links(html, "https://site.example/news/") == [
        "https://site.example/rss.xml",
        "https://other.example/atom",
        "https://site.example/news/feed.json",
    ]
    assert discover_feed_links(b"\xff\xfe<<<", "https://site.example/") == []


def test_discovery_on_real_pages(corpus: Path) -> None:
    finder = corpus / "feeds" / "capyreader" / "feedfinder"

    def found(name: str, base: str) -> list[str]:
        return discover_feed_links(gzip.decompress((finder / name).read_bytes()), base)

    assert found("arstechnica.html.gz", "https://arstechnica.com/") == [
        "http://feeds.arstechnica.com/arstechnica/index"
    ]
    assert found("theverge.html.gz", "https://www.theverge.com/") == [
        "https://www.theverge.com/rss/index.xml"
    ]
    assert found("favicon_none.html.gz", "https://x.example/") == []
    nnw = corpus / "feeds" / "netnewswire-rsparser" / "Tests" / "RSParserTests" / "Resources"
    expected = {
        "DaringFireball.html": ["https://daringfireball.net/feeds/main"],
        "sixcolors.html": ["http://feedpress.me/sixcolors"],
        "inessential.html": ["http://inessential.com/xml/rss.xml"],
        "coco.html": ["https://coco.example/feed/all/", "https://coco.example/feed/best-of/"],
    }
    for name, links in expected.items():
        page = (nnw / name).read_bytes()
        base = (
            "https://daringfireball.net/" if name.startswith("Daring") else "https://coco.example/"
        )
        assert discover_feed_links(page, base) == links, name
        assert not looks_like_feed(page, "text/html"), name


def test_looks_like_feed() -> None:
    for path in CASES:
        assert looks_like_feed(path.read_bytes(), None), path.name
    assert looks_like_feed(b" \n" + (DATA / "atom10.xml").read_bytes(), None)
    assert looks_like_feed((DATA / "rss20.xml").read_bytes().decode().encode("utf-16"), None)
    assert not looks_like_feed(b"<!DOCTYPE html><html><head></head></html>", "text/html")
    assert not looks_like_feed(b'{"hello": 1}', "application/json")


SY = "http://purl.org/rss/1.0/modules/syndication/"


def channel(extra: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:sy="{SY}"><channel>'
        f"<title>Desk</title>{extra}<item><title>One</title><guid>1</guid></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("extra", "minutes"),
    [
        ("<ttl>60</ttl>", 60),
        ("<ttl>²</ttl>", None),  # a superscript is no number
        ("<ttl>١٠</ttl>", None),  # nor are Arabic-Indic digits
        ("<ttl>-5</ttl>", None),
        ("<ttl>" + "9" * 5000 + "</ttl>", None),  # more than a week: not a sane ttl
        ("<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>", 30),
        ("<sy:updatePeriod>daily</sy:updatePeriod>", 1440),
        ("<sy:updatePeriod>yearly</sy:updatePeriod>", 10080),  # at most a week
        (
            "<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>²</sy:updateFrequency>",
            1440,
        ),
        (
            "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>9999</sy:updateFrequency>",
            1,
        ),
        ("<ttl>20</ttl><sy:updatePeriod>daily</sy:updatePeriod>", 20),  # ttl first
        ("<sy:updatePeriod>fortnightly</sy:updatePeriod>", None),
    ],
    ids=lambda value: str(value)[:40],
)
def test_ttl_and_update_period(extra: str, minutes: int | None) -> None:
    assert parse_feed(channel(extra), url="https://x.example/", now=NOW).ttl_minutes == minutes


def test_json_feed_numbers() -> None:
    """A numeric id is kept as its digits, a date with a year of 20 digits is no date, and a
    number too long to read makes the feed an error."""
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 12345678901234567890}]}
    doc["items"][0]["date_published"] = "Mon, 02 Nov 99999999999999999999 10:00:00 GMT"
    parsed = parse_feed(json.dumps(doc).encode(), url="https://x.example/feed.json", now=NOW)
    assert parsed.entries[0].guid == "12345678901234567890"
    assert parsed.entries[0].published is None
    huge = json.dumps(doc).replace("12345678901234567890", "7" * 5000).encode()
    with pytest.raises(FeedParseError) as error:
        parse_feed(huge, url="https://x.example/feed.json", now=NOW)
    assert str(error.value) == "not a feed: invalid JSON (a number too long to read)"
