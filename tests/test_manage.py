"""Managing subscriptions from the command line: edit, remove, tags, import and export with
tags, and sites that announce several feeds; against a loopback server and real homes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader.config import load_config
from reader.core.newsroom import Newsroom
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))

PARAGRAPH = (
    "The harbour master said the lighthouse keeper had been found safe on the northern rocks"
    " after a night of searching by the coastguard, volunteers and two fishing boats."
)
STORY_PAGE = (
    "<!doctype html><html><head><title>Keeper found</title></head><body><article>"
    "<h1>Keeper found safe</h1>" + f"<p>{PARAGRAPH}</p>" * 8 + "</article></body></html>"
).encode()


def cli(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [NEWSROOM, "--home", str(home), *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def ok(home: Path, *args: str, stdin: bytes | None = None) -> str:
    result = cli(home, *args, stdin=stdin)
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def ok_json(home: Path, *args: str) -> object:
    return json.loads(ok(home, *args, "--json"))


def fails(home: Path, code: int, *args: str) -> str:
    """The one error line of a command that must fail with ``code``."""
    result = cli(home, *args)
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsroom: error:"), lines
    return lines[0]


def stories(server: LoopbackServer, prefix: str, count: int) -> list[dict[str, str]]:
    """Recent stories (inside the watcher's window), each linking to a page on ``server``."""
    now = time.time()
    return [
        {
            "title": f"{prefix} story {n}",
            "link": server.url(f"/{prefix}/{n}"),
            "guid": f"{prefix}-{n}",
            "description": f"The {prefix} desk on the lighthouse keeper, part {n}.",
            "pubDate": formatdate(now - 3600 * (n + 1), usegmt=True),
        }
        for n in range(count)
    ]


@pytest.fixture
def desk(server: LoopbackServer) -> LoopbackServer:
    """Two feeds whose stories have real pages, and a site that announces both (and one that
    is missing)."""
    server.routes["/news.xml"] = Route(rss("Harbour Times", stories(server, "news", 3)))
    server.routes["/sport.xml"] = Route(rss("Harbour Sport", stories(server, "sport", 2)))
    for prefix, count in (("news", 3), ("sport", 2)):
        for n in range(count):
            server.routes[f"/{prefix}/{n}"] = Route(STORY_PAGE, content_type="text/html")
    server.routes["/"] = Route(
        b"""<!doctype html><html><head><title>Harbour</title>
        <link rel="alternate" type="application/rss+xml" title="Gone" href="/gone.xml">
        <link rel="alternate" type="application/rss+xml" title="Harbour News" href="/news.xml">
        <link rel="alternate" type="application/atom+xml" title="Harbour Sport"
              href="/sport.xml"></head><body>Harbour</body></html>""",
        content_type="text/html",
    )
    return server


def subscribe(home: Path, url: str) -> int:
    ok(home, "add", url)
    [feed] = [f for f in ok_json(home, "feeds") if f["url"] == url]  # type: ignore[union-attr]
    return int(feed["id"])


def feed_json(home: Path, feed_id: int) -> dict[str, object]:
    feeds = ok_json(home, "feeds")
    assert isinstance(feeds, list)
    [feed] = [f for f in feeds if f["id"] == feed_id]
    return dict(feed)


# --------------------------------------------------------------------------------------------------
# edit


def test_a_title_given_survives_refreshes_and_can_be_cleared(home: Path, desk: LoopbackServer):
    feed_id = subscribe(home, desk.url("/news.xml"))
    out = ok(home, "edit", str(feed_id), "--title", "  My   harbour ")
    assert "title: 'Harbour Times' -> 'My harbour'" in out
    desk.routes["/news.xml"] = Route(rss("Harbour Times Daily", stories(desk, "news", 4)))
    ok(home, "refresh", "--force")
    assert feed_json(home, feed_id)["title"] == "My harbour"
    assert {a["feed_id"] for a in ok_json(home, "articles")} == {feed_id}  # type: ignore[union-attr]
    assert "My harbour" in ok(home, "articles")
    out = ok(home, "edit", str(feed_id), "--title", "")
    assert "title: 'My harbour' -> 'Harbour Times Daily'" in out
    assert feed_json(home, feed_id)["title"] == "Harbour Times Daily"


def test_edit_folder_interval_extract_and_user_agent(home: Path, desk: LoopbackServer) -> None:
    agents: list[str] = []

    def news(request: BaseHTTPRequestHandler) -> Route:
        agents.append(request.headers.get("User-Agent", ""))
        return Route(rss("Harbour Times", stories(desk, "news", 3)))

    feed_id = subscribe(home, desk.url("/news.xml"))
    desk.routes["/news.xml"] = news
    before = feed_json(home, feed_id)
    assert (before["interval"], before["extract"], before["tags"]) == (None, None, [])
    out = ok(
        home,
        "edit",
        str(feed_id),
        "--folder",
        " News / Local ",
        "--interval",
        "90",
        "--extract",
        "off",
        "--user-agent",
        "Harbourbot/2",
    )
    assert "folder: (none) -> 'News/Local'" in out and "interval: 'default' -> '90 min'" in out
    assert "extract: 'default' -> 'off'" in out and "4 changes" in out
    after = feed_json(home, feed_id)
    assert (after["folder"], after["interval"], after["extract"]) == ("News/Local", 90, False)
    ok(home, "refresh", "--force")
    assert agents == ["Harbourbot/2"]
    assert "Nothing changed" in ok(home, "edit", str(feed_id), "--interval", "90")
    out = ok(home, "edit", str(feed_id), "--folder", "", "--interval", "default", "--extract", "on")
    assert "3 changes" in out
    after = feed_json(home, feed_id)
    assert (after["folder"], after["interval"], after["extract"]) == (None, None, True)
    ok(home, "edit", str(feed_id), "--interval", "0", "--extract", "default", "--user-agent", "")
    assert feed_json(home, feed_id)["extract"] is None
    ok(home, "refresh", "--force")
    assert agents[-1].startswith("newsroom/")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interval", "10081"], "out of range"),
        (["--interval", "-5"], "out of range"),
        (["--interval", "soon"], "not a number"),
        (["--extract", "maybe"], "argument --extract: invalid choice"),
        (["--tag", "~title"], "cannot start with"),
        (["--tag", "  "], "cannot be empty"),
        (["--url", "ftp://example.org/feed"], "only http and https"),
        ([], "nothing to change"),
    ],
)
def test_edit_refuses_bad_values_in_one_line(
    home: Path, desk: LoopbackServer, args: list[str], message: str
) -> None:
    feed_id = subscribe(home, desk.url("/news.xml"))
    before = feed_json(home, feed_id)
    assert message in fails(home, 2, "edit", str(feed_id), *args)
    assert feed_json(home, feed_id) == before


def test_edit_unknown_ids_and_taken_urls(home: Path, desk: LoopbackServer) -> None:
    news = subscribe(home, desk.url("/news.xml"))
    sport = subscribe(home, desk.url("/sport.xml"))
    assert "no feed with id 999" in fails(home, 2, "edit", "999", "--title", "x")
    assert "no feed with id 999" in fails(home, 2, "remove", "999")
    fails(home, 2, "edit", "nine", "--title", "x")
    error = fails(home, 2, "edit", str(sport), "--url", desk.url("/news.xml"))
    assert "is already subscribed (feed " + str(news) in error
    assert feed_json(home, sport)["url"] == desk.url("/sport.xml")


def test_edit_url_moves_the_feed(home: Path, desk: LoopbackServer) -> None:
    feed_id = subscribe(home, desk.url("/news.xml"))
    desk.routes["/moved.xml"] = Route(rss("Harbour Times", stories(desk, "moved", 2)))
    out = ok(home, "edit", str(feed_id), "--url", desk.url("/moved.xml"))
    assert f"url: '{desk.url('/news.xml')}' -> '{desk.url('/moved.xml')}'" in out
    ok(home, "refresh")  # due at once, and not asked with the old address's validators
    assert desk.hits["/moved.xml"] == 1
    assert len(ok_json(home, "articles", "--feed", str(feed_id))) == 5  # type: ignore[arg-type]


def test_tags_are_added_removed_listed(home: Path, desk: LoopbackServer) -> None:
    feed_id = subscribe(home, desk.url("/news.xml"))
    out = ok(home, "edit", str(feed_id), "--tag", "local", "--tag", "two  words", "--tag", "x")
    assert "tags: (none) -> 'local, two words, x'" in out
    assert feed_json(home, feed_id)["tags"] == ["local", "two words", "x"]
    ok(home, "edit", str(feed_id), "--untag", "local", "--tag", "local")
    assert feed_json(home, feed_id)["tags"] == ["two words", "x", "local"]
    assert "{two words, x, local}" in ok(home, "feeds")
    ok(home, "edit", str(feed_id), "--untag", "x", "--untag", "never")
    assert feed_json(home, feed_id)["tags"] == ["two words", "local"]


def test_a_feeds_own_extract_choice_beats_the_config(home: Path, desk: LoopbackServer) -> None:
    news = subscribe(home, desk.url("/news.xml"))
    sport = subscribe(home, desk.url("/sport.xml"))
    ok(home, "edit", str(sport), "--extract", "off")
    (home / "config.toml").write_text("[extract]\non_refresh = true\n")
    desk.routes["/news.xml"] = Route(rss("Harbour Times", stories(desk, "news", 4)))
    desk.routes["/sport.xml"] = Route(rss("Harbour Sport", stories(desk, "sport", 3)))
    desk.routes["/news/3"] = desk.routes["/sport/2"] = Route(STORY_PAGE, content_type="text/html")
    ok(home, "refresh", "--force")
    # Off for sport, whatever [extract] says.
    assert (desk.hits["/news/3"], desk.hits["/sport/2"]) == (1, 0)
    (home / "config.toml").write_text("")
    ok(home, "edit", str(news), "--extract", "on")
    desk.routes["/news.xml"] = Route(rss("Harbour Times", stories(desk, "news", 5)))
    desk.routes["/sport.xml"] = Route(rss("Harbour Sport", stories(desk, "sport", 4)))
    desk.routes["/news/4"] = desk.routes["/sport/3"] = Route(STORY_PAGE, content_type="text/html")
    ok(home, "refresh", "--force")
    # On for news, though [extract] is off.
    assert (desk.hits["/news/4"], desk.hits["/sport/3"]) == (1, 0)
    config = load_config(home)
    store = Store(config.db_path)
    try:
        [story] = [a for a in store.articles(feed_id=news) if a.guid == "news-4"]
        assert store.page_version(story.id) is not None
    finally:
        store.close()


# --------------------------------------------------------------------------------------------------
# remove


def test_remove_keeps_starred_stories_under_the_feeds_name(home: Path, desk: LoopbackServer):
    news = subscribe(home, desk.url("/news.xml"))
    sport = subscribe(home, desk.url("/sport.xml"))
    starred = ok_json(home, "articles", "--feed", str(news))[0]["id"]  # type: ignore[index]
    ok(home, "mark", str(starred), "--star")
    assert ok(home, "remove", str(news)) == (
        "Removed Harbour Times: 2 stories deleted, 1 starred story kept\n"
    )
    assert [f["title"] for f in ok_json(home, "feeds")] == ["Harbour Sport"]  # type: ignore[index]
    [kept] = ok_json(home, "articles", "--starred")  # type: ignore[misc]
    assert kept["id"] == starred and kept["feed_id"] == news
    assert "Harbour Times" in ok(home, "articles", "--starred")
    assert [a["id"] for a in ok_json(home, "search", "lighthouse news")] == [starred]  # type: ignore[index]
    assert len(ok_json(home, "articles")) == 3  # type: ignore[arg-type]
    hits = desk.hits.copy()
    ok(home, "refresh", "--force")
    assert desk.hits["/news.xml"] == hits["/news.xml"]  # never refreshed again
    watched = ok_json(home, "watch", "--once", "--all")
    assert watched["checked"] == 2  # type: ignore[index]  # sport's two, not the starred one
    assert desk.hits[f"/news/{0}"] + desk.hits["/news/1"] + desk.hits["/news/2"] == 0
    for fmt in ("opml", "json", "urls"):
        assert "news.xml" not in ok(home, "export", "--format", fmt)
    assert "removed but kept" in fails(home, 2, "edit", str(sport), "--url", desk.url("/news.xml"))
    assert "no feed with id" in fails(home, 2, "remove", str(news))
    # Subscribing again revives the feed: its stories come back, the starred one not twice.
    assert "(2 stories)" in ok(home, "add", desk.url("/news.xml"))
    assert feed_json(home, news)["unread"] == 3
    assert len(ok_json(home, "articles", "--feed", str(news))) == 3  # type: ignore[arg-type]
    assert [a["id"] for a in ok_json(home, "articles", "--starred")] == [starred]  # type: ignore[index]


def test_a_revived_feed_starts_afresh(home: Path, desk: LoopbackServer) -> None:
    news = subscribe(home, desk.url("/news.xml"))
    starred = ok_json(home, "articles", "--feed", str(news))[0]["id"]  # type: ignore[index]
    ok(home, "mark", str(starred), "--star")
    ok(home, "edit", str(news), "--title", "Mine", "--tag", "t1", "--interval", "30")
    ok(home, "edit", str(news), "--folder", "Desk", "--extract", "on")
    ok(home, "remove", str(news))
    ok(home, "add", desk.url("/news.xml"))
    feed = feed_json(home, news)
    assert (feed["title"], feed["folder"], feed["tags"]) == ("Harbour Times", None, [])
    assert (feed["interval"], feed["extract"]) == (None, None)


def test_an_address_typed_over_its_masked_form_keeps_the_password(
    home: Path, desk: LoopbackServer
) -> None:
    base = desk.url("/news.xml").replace("http://", "http://bob:s3cret@")
    ok(home, "add", base)
    [news] = [f["id"] for f in ok_json(home, "feeds")]  # type: ignore[index, union-attr]
    masked = base.replace("s3cret", "***")
    ok(home, "edit", str(news), "--url", masked + "?v=2")
    assert base + "?v=2" in ok(home, "export", "--format", "urls", "--with-credentials")
    ok(home, "edit", str(news), "--url", masked.replace("***", "new") + "?v=3")  # a new one
    assert "bob:new@" in ok(home, "export", "--format", "urls", "--with-credentials")


def test_a_tag_with_a_comma_is_refused(home: Path, desk: LoopbackServer) -> None:
    news = subscribe(home, desk.url("/news.xml"))
    assert "comma" in fails(home, 2, "edit", str(news), "--tag", "a,b")


def test_remove_without_starred_stories_forgets_the_feed(home: Path, desk: LoopbackServer):
    news = subscribe(home, desk.url("/news.xml"))
    ok(home, "edit", str(news), "--tag", "local")
    assert ok_json(home, "remove", str(news)) == {
        "id": news,
        "title": "Harbour Times",
        "deleted": 3,
        "kept_starred": 0,
    }
    assert ok_json(home, "feeds") == [] and ok_json(home, "articles") == []
    assert ok_json(home, "search", "lighthouse") == []
    store = Store(load_config(home).db_path)
    try:
        assert store.feed(news) is None
    finally:
        store.close()
    assert "(3 stories)" in ok(home, "add", desk.url("/news.xml"))


# --------------------------------------------------------------------------------------------------
# import and export


URLS_FILE = """# my feeds
{news} "Local News" "two words" second "~My Harbour"
{sport}
this is not a url
ftp://example.org/feed.xml
{bad} "open quote
{gone} "" solo
"""


def test_urls_import_keeps_tags_and_skips_bad_lines(home: Path, desk: LoopbackServer) -> None:
    data = URLS_FILE.format(
        news=desk.url("/news.xml"),
        sport=desk.url("/sport.xml"),
        bad=desk.url("/bad.xml"),
        gone=desk.url("/gone.xml"),
    )
    result = cli(home, "import", "-", stdin=data.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Imported 3 feeds (0 already subscribed)\nRun `newsroom refresh` to fetch their stories.\n"
    )
    notes = result.stderr.splitlines()
    assert [n.split(":")[0:2] for n in notes] == [
        ["note", " line 4"],
        ["note", " line 5"],
        ["note", " line 6"],
    ]
    assert all(n.endswith("skipped") for n in notes)
    feeds = {f["url"]: f for f in ok_json(home, "feeds")}  # type: ignore[union-attr]
    news = feeds[desk.url("/news.xml")]
    assert (news["title"], news["folder"], news["tags"]) == (
        "My Harbour",
        "Local News",
        ["two words", "second"],
    )
    gone = feeds[desk.url("/gone.xml")]
    assert (gone["folder"], gone["tags"]) == (None, ["solo"])
    again = cli(home, "import", "-", stdin=f"{desk.url('/sport.xml')}\n".encode())
    assert again.stdout == "Imported 0 feeds (1 already subscribed)\n"


def test_import_of_nothing_usable_fails(home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "urls"
    junk.write_text("hello world\nftp://example.org/\n")
    error = fails(home, 2, "import", str(junk))
    assert "no feeds found in urls file: line 1:" in error
    assert ok_json(home, "feeds") == []


def test_opml_outlines_without_a_usable_feed_url_are_skipped(home: Path, tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Local">
  <outline text="Good" xmlUrl="https://good.example/feed.xml" category="a,b"/>
  <outline text="Mail" xmlUrl="mailto:desk@example.org"/>
</outline></body></opml>"""
    )
    result = cli(home, "import", str(opml))
    assert result.returncode == 0
    assert result.stdout.startswith("Imported 1 feed (0 already subscribed)\n")
    assert "line 4: outline 'Mail' has no http(s) feed URL" in result.stderr
    [feed] = ok_json(home, "feeds")  # type: ignore[misc]
    assert (feed["folder"], feed["tags"]) == ("Local", ["a", "b"])


@pytest.mark.parametrize("fmt", ["urls", "opml", "json"])
def test_export_imports_back_whole(home: Path, tmp_path: Path, fmt: str) -> None:
    lines = [
        'https://a.example/feed.xml "News/Local" "two words" x "~A \\"quoted\\" title"',
        'https://b.example/feed.xml "" lonely-tag',
        "https://c.example/feed.xml Sport",
        "https://user:secret@d.example/feed.xml",
    ]
    ok(home, "import", "-", stdin="\n".join(lines).encode())
    assert "secret" not in ok(home, "export", "--format", fmt)
    exported = ok(home, "export", "--format", fmt, "--with-credentials")
    assert "user:secret@d.example" in exported
    if fmt == "urls":
        lines = exported.splitlines()
        assert (
            'https://a.example/feed.xml "News/Local" "two words" "x" "~A \\"quoted\\" title"'
            in (lines)
        )
        assert 'https://b.example/feed.xml "" "lonely-tag"' in lines
    other = tmp_path / "other"
    other.mkdir()
    ok(other, "import", "-", stdin=exported.encode())

    def listing(where: Path) -> list[tuple[object, ...]]:
        return sorted(
            (f["url"], f["title"], f["folder"], tuple(f["tags"]))
            for f in ok_json(where, "feeds")  # type: ignore[union-attr]
        )

    assert listing(other) == listing(home)
    assert ("https://a.example/feed.xml", 'A "quoted" title', "News/Local", ("two words", "x")) in (
        listing(other)
    )


def test_export_json_has_tags(home: Path) -> None:
    ok(home, "import", "-", stdin=b'https://a.example/feed.xml News "t 1" t2\n')
    [row] = json.loads(ok(home, "export", "--format", "json"))
    assert row == {
        "url": "https://a.example/feed.xml",
        "title": None,
        "folder": "News",
        "tags": ["t 1", "t2"],
    }


# --------------------------------------------------------------------------------------------------
# add: sites with several feeds


def test_add_takes_the_first_feed_and_names_the_others(home: Path, desk: LoopbackServer) -> None:
    out = ok(home, "add", desk.url("/"))
    assert out.splitlines() == [
        f"Subscribed to Harbour Times <{desk.url('/news.xml')}> (3 stories)",
        "The site announces 1 other feed (add all with --all):",
        f"  newsroom add {desk.url('/sport.xml')}  # Harbour Sport",
    ]
    assert [f["url"] for f in ok_json(home, "feeds")] == [desk.url("/news.xml")]  # type: ignore[index]


def test_add_all_takes_every_feed(home: Path, desk: LoopbackServer) -> None:
    out = ok(home, "add", desk.url("/"), "--all", "--folder", "Harbour")
    assert out.splitlines() == [
        f"Subscribed to Harbour Times <{desk.url('/news.xml')}> (3 stories)",
        f"Subscribed to Harbour Sport <{desk.url('/sport.xml')}> (2 stories)",
    ]
    feeds = ok_json(home, "feeds")
    assert sorted((f["url"], f["folder"]) for f in feeds) == [  # type: ignore[union-attr]
        (desk.url("/news.xml"), "Harbour"),
        (desk.url("/sport.xml"), "Harbour"),
    ]
    assert "Already subscribed to Harbour Times" in ok(home, "add", desk.url("/"), "--all")


def test_add_says_what_it_tried(home: Path, server: LoopbackServer) -> None:
    server.routes["/"] = Route(
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/gone.xml">'
        b"</head></html>",
        content_type="text/html",
    )
    server.routes["/plain"] = Route(b"<html>nothing</html>", content_type="text/html")
    error = fails(home, 1, "add", server.url("/"))
    assert "it announces 1 feed but none could be read" in error
    assert f"{server.url('/gone.xml')}: HTTP 404" in error and "/feed, /rss.xml" in error
    error = fails(home, 1, "add", server.url("/plain"))
    assert "it is not a feed and announces none, and none of the usual paths" in error
    assert server.hits["/feed.json"] == 2  # each usual path was tried


def test_feed_candidates_lists_without_subscribing(home: Path, desk: LoopbackServer) -> None:
    from reader.core.subscribe import FeedLink, SubscribeError

    config = load_config(home)
    store = Store(config.db_path)
    try:
        with Newsroom(store, config) as newsroom:
            assert newsroom.feed_candidates(desk.url("/")) == [
                FeedLink(desk.url("/gone.xml"), "Gone"),
                FeedLink(desk.url("/news.xml"), "Harbour News"),
                FeedLink(desk.url("/sport.xml"), "Harbour Sport"),
            ]
            assert newsroom.feed_candidates(desk.url("/sport.xml")) == [
                FeedLink(desk.url("/sport.xml"), "Harbour Sport")
            ]
            desk.routes["/blank"] = Route(b"<html></html>", content_type="text/html")
            with pytest.raises(SubscribeError, match="it is not a feed and announces none"):
                newsroom.feed_candidates(desk.url("/blank"))
            desk.routes["/rss.xml"] = desk.routes["/news.xml"]
            assert newsroom.feed_candidates(desk.url("/blank")) == [
                FeedLink(desk.url("/rss.xml"), "Harbour Times")
            ]
        assert store.feeds() == []
        assert desk.hits["/news.xml"] == 0
    finally:
        store.close()
