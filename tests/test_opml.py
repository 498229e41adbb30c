"""Subscription lists: OPML and newsboat urls files in, OPML out."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.core.opml import Subscription, SubscriptionFileError, read_subscriptions, write_opml

OPML2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="News">
    <outline text="Local">
      <outline type="rss" text="Harbour &amp; Bay" xmlUrl="https://harbour.example/rss"/>
    </outline>
    <outline type="rss" title="World" text="ignored" xmlUrl="https://world.example/atom"/>
    <outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>
  </outline>
  <outline type="rss" text="Loose" xmlurl="https://loose.example/feed"/>
  <outline type="rss" text="Again" xmlUrl="https://harbour.example/rss"/>
</body></opml>"""


def test_opml2_with_nested_folders() -> None:
    subs, notes = read_subscriptions(OPML2)
    assert subs == [
        Subscription("https://harbour.example/rss", "Harbour & Bay", "News/Local"),
        Subscription("https://world.example/atom", "World", "News"),
        Subscription("https://loose.example/feed", "Loose", None),
    ]
    assert len(notes) == 2 and "'Bad'" in notes[0] and "duplicate" in notes[1]


def test_opml1_without_body() -> None:
    data = b'<opml version="1.0"><outline text="A" xmlUrl="http://a.example/rss"/></opml>'
    assert read_subscriptions(data)[0] == [Subscription("http://a.example/rss", "A", None)]


def test_round_trip() -> None:
    subs = [
        Subscription("https://a.example/feed", 'Quotes " & <angles>', "News/Local"),
        Subscription("https://c.example/x", "C", "News"),
        Subscription("https://b.example/rss", None, None),
    ]
    assert read_subscriptions(write_opml(subs).encode())[0] == subs


def test_newsboat_urls_file() -> None:
    data = b"""# my feeds
https://a.example/feed news "two words" "~Custom title" !hidden

"query:Unread:unread = \\"yes\\""
exec:~/bin/make-feed
filter:~/bin/clean:https://f.example/
https://b.example/
"""
    subs, notes = read_subscriptions(data)
    assert subs == [
        Subscription("https://a.example/feed", "Custom title", "news"),
        Subscription("https://b.example/", None, None),
    ]
    assert [n.split(":")[0] for n in notes] == ["line 4", "line 5", "line 6"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02 binary \xff\xfe",
        b'{"feeds": ["https://a.example/"]}',
        b"<!doctype html><html><body><p>web page</p></body></html>",
        b"<opml><body><outline text='no feeds'/></body></opml>",
        b"https://ok.example/feed\nthis is not a url\n",
        b"# only comments\n\n",
    ],
)
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(SubscriptionFileError) as error:
        read_subscriptions(data)
    assert "\n" not in str(error.value)


def test_urls_error_names_the_line() -> None:
    with pytest.raises(SubscriptionFileError, match="line 3"):
        read_subscriptions(b"https://a.example/\n\nftp://b.example/feed\n")


def test_entity_tricks_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("TOP-SECRET")
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(8)
        )
        + b']><opml><body><outline text="&i;" xmlUrl="https://a.example/"/></body></opml>'
    )
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<opml><body><outline text="&x;" xmlUrl="https://a.example/"/></body></opml>'
    ).encode()
    for data in (laughs, xxe):
        started = time.monotonic()
        with pytest.raises(SubscriptionFileError, match="entity"):
            read_subscriptions(data)
        assert time.monotonic() - started < 1


def test_real_world_lists(corpus: Path) -> None:
    urls: set[str] = set()
    files = sorted((corpus / "opml").rglob("*"))
    for path in files:
        if not path.is_file():
            continue
        try:
            subs, _ = read_subscriptions(path.read_bytes())
        except SubscriptionFileError:
            continue
        urls.update(s.url for s in subs)
        assert all(s.url.startswith(("http://", "https://")) for s in subs), path
    assert len(urls) >= 1400
    blogs = corpus / "opml" / "engineering-blogs" / "engineering_blogs.opml"
    assert len(read_subscriptions(blogs.read_bytes())[0]) >= 400


def test_broken_xml_is_scanned_leniently() -> None:
    data = b"""<?xml version="1.0"?><opml><body>
    <outline text="Papers" title="Papers">
      <outline type="rss" text="The "Daily" Post" xmlUrl="https://daily.example/rss"/>
    </outline>
    <outline type="rss" text="Top" xmlUrl="https://top.example/feed"/>
    </body></opml>"""
    assert read_subscriptions(data)[0] == [
        Subscription("https://daily.example/rss", 'The "Daily" Post', "Papers"),
        Subscription("https://top.example/feed", "Top", None),
    ]
