"""Feed parsing: golden files, real-world corpus, hostile XML, autodiscovery."""

from __future__ import annotations

import calendar
import csv
import dataclasses
import gzip
import json
import time
from pathlib import Path

import pytest

from reader.core.feeds import FeedParseError, discover_feed_links, looks_like_feed, parse_feed

DATA = Path(__file__).parent / "data" / "feeds"
NOW = calendar.timegm((2026, 11, 28, 12, 0, 0))
CASES = sorted(p for p in DATA.iterdir() if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden(path: Path) -> None:
    parsed = parse_feed(path.read_bytes(), url=f"https://feeds.example/{path.name}", now=NOW)
    expected = json.loads((DATA / f"{path.stem}.expected.json").read_text())
    assert json.loads(json.dumps(dataclasses.asdict(parsed))) == expected


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
    for data in (BOMB, BOMB.replace(b"\n", b" "), xxe):
        started = time.monotonic()
        with pytest.raises(FeedParseError, match="entity declarations"):
            parse_feed(data, url="https://x.example/", now=NOW)
        assert time.monotonic() - started < 1


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
    for path in sorted((corpus / "feeds" / "defusedxml" / "xmltestdata").iterdir()):
        started = time.monotonic()
        try:
            parsed = parse_feed(path.read_bytes(), url="https://x.example/", now=NOW)
        except FeedParseError:
            parsed = None
        assert time.monotonic() - started < 2, path.name
        assert "root:" not in repr(parsed), path.name


def test_daring_fireball_in_three_formats(corpus: Path) -> None:
    base = corpus / "feeds" / "netnewswire-rsparser" / "Tests" / "RSParserTests" / "Resources"
    atom = parse_feed((base / "DaringFireball.atom").read_bytes(), url="https://df.example/")
    as_json = parse_feed((base / "DaringFireball.json").read_bytes(), url="https://df.example/")
    assert atom.title == as_json.title == "Daring Fireball"
    assert atom.entries[0].title == as_json.entries[0].title
    assert atom.entries[0].published == as_json.entries[0].published == 1498524857
    rss = parse_feed((base / "DaringFireball.rss").read_bytes(), url="https://df.example/")
    assert len(rss.entries) == 47 and rss.entries[0].title == "Apple Product Event: Monday March 21"


@pytest.mark.slow
def test_every_corpus_feed_parses_or_fails_cleanly(corpus: Path) -> None:
    """Nothing but FeedParseError escapes; clean feeds keep every entry feedparser finds."""
    feeds = corpus / "feeds"
    with (feeds / "INDEX.tsv").open(newline="") as index:
        rows = list(csv.DictReader(index, delimiter="\t"))
    assert len(rows) > 2000
    mismatched = []
    for row in rows:
        data = (feeds / row["path"]).read_bytes()
        try:
            parsed = parse_feed(data, url="https://corpus.example/feed", now=NOW)
        except FeedParseError:
            continue
        clean = row["bozo"] in ("0", "False", "false") and row["entries"].isdigit()
        if clean and len(parsed.entries) > int(row["entries"]):
            mismatched.append(row["path"])
        if clean and len(parsed.entries) < int(row["entries"]):
            # Fewer only when the feed repeats an id: identity keeps the first copy.
            guids = len({e.guid for e in parsed.entries})
            assert guids == len(parsed.entries), row["path"]
    assert mismatched == []


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
    pages = sorted(finder.glob("*.gz"))
    assert pages
    found = [
        discover_feed_links(gzip.decompress(p.read_bytes()), "https://site.example/") for p in pages
    ]
    assert sum(1 for links in found if links) >= len(pages) // 2


def test_looks_like_feed() -> None:
    for path in CASES:
        assert looks_like_feed(path.read_bytes(), None), path.name
    assert not looks_like_feed(b"<!DOCTYPE html><html><head></head></html>", "text/html")
    assert not looks_like_feed(b'{"hello": 1}', "application/json")
