"""The installed `newsroom` command, run as a subprocess against a loopback server."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import run
from reader.core.changes import feed_change
from reader.core.models import ParsedEntry, ParsedFeed
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))

SITE = b"""<!doctype html><html><head><title>Harbour Times</title>
<link rel="alternate" type="application/rss+xml" title="News" href="/news.xml">
</head><body><h1>Harbour Times</h1></body></html>"""


def newsroom(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [NEWSROOM, "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result


def ok_json(home: Path, *args: str) -> object:
    result = newsroom(home, *args, "--json")
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def fails(home: Path, code: int, *args: str, stdin: bytes | None = None) -> str:
    result = newsroom(home, *args, stdin=stdin)
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsroom: error:"), lines
    return lines[0]


def items(prefix: str, count: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"{prefix} story {n}",
            "link": f"http://127.0.0.1/{prefix}/{n}",
            "guid": f"{prefix}-{n}",
            "description": f"The {prefix} desk reports on the lighthouse keeper, part {n}.",
            "pubDate": f"Mon, 02 Nov 2026 {10 + n % 10:02d}:00:00 GMT",
        }
        for n in range(count)
    ]


@pytest.fixture
def newsdesk(server: LoopbackServer) -> LoopbackServer:
    server.routes["/"] = Route(SITE, content_type="text/html")
    server.routes["/news.xml"] = Route(rss("Harbour Times", items("news", 5)))
    server.routes["/sport.xml"] = Route(rss("Harbour Sport", items("sport", 3)))
    return server


def opml_for(server: LoopbackServer) -> bytes:
    return f"""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
    <outline text="Local"><outline text="News" xmlUrl="{server.url("/news.xml")}"/>
    <outline text="Sport" xmlUrl="{server.url("/sport.xml")}"/></outline></body></opml>""".encode()


def test_version(home: Path) -> None:
    result = newsroom(home, "--version")
    assert result.returncode == 0 and result.stdout.startswith(b"newsroom ")


def test_add_finds_the_feed_a_site_announces(home: Path, newsdesk: LoopbackServer) -> None:
    result = newsroom(home, "add", newsdesk.url("/"), "--folder", "Local")
    assert result.returncode == 0, result.stderr
    assert b"Subscribed to Harbour Times" in result.stdout
    [feed] = ok_json(home, "feeds")
    assert feed["url"] == newsdesk.url("/news.xml")
    assert feed["folder"] == "Local" and feed["unread"] == 5 and feed["error"] is None
    again = newsroom(home, "add", newsdesk.url("/news.xml"))
    assert again.returncode == 0 and b"Already subscribed" in again.stdout


def test_add_guesses_common_feed_paths(home: Path, server: LoopbackServer) -> None:
    server.routes["/"] = Route(b"<html><body>no links here</body></html>", content_type="text/html")
    server.routes["/feed"] = Route(rss("Guessed", items("g", 2)))
    assert newsroom(home, "add", server.url("/")).returncode == 0
    assert [f["title"] for f in ok_json(home, "feeds")] == ["Guessed"]


def test_add_errors_are_one_line(home: Path, server: LoopbackServer, tmp_path: Path) -> None:
    server.routes["/"] = Route(b"<html>nothing</html>", content_type="text/html")
    assert "no feed found" in fails(home, 1, "add", server.url("/"))
    assert "404" in fails(home, 1, "add", server.url("/missing"))
    assert fails(home, 1, "add", "http://127.0.0.1:9/feed.xml")
    for bad in ("file:///etc/passwd", "ftp://example.org/feed", "../x", "javascript:alert(1)"):
        fails(home, 2, "add", bad)
    assert ok_json(home, "feeds") == []


def test_import_refresh_twice_search_export(home: Path, newsdesk: LoopbackServer, tmp_path: Path):
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(opml_for(newsdesk))
    result = newsroom(home, "import", str(opml))
    assert result.returncode == 0 and b"Imported 2 feeds" in result.stdout
    assert b"Imported 0 feeds (2 already" in newsroom(home, "import", str(opml)).stdout

    first = ok_json(home, "refresh")
    assert first == dict(
        feeds=2, ok=2, failed=0, not_modified=0, new=8, updated=0, not_due=0, changes=[]
    )
    second = ok_json(home, "refresh", "--force")
    assert second == dict(
        feeds=2, ok=0, failed=0, not_modified=2, new=0, updated=0, not_due=0, changes=[]
    )
    assert newsdesk.statuses[-2:] == [("/news.xml", 304), ("/sport.xml", 304)] or sorted(
        newsdesk.statuses[-2:]
    ) == [("/news.xml", 304), ("/sport.xml", 304)]

    articles = ok_json(home, "articles")
    assert len(articles) == 8 and len({a["id"] for a in articles}) == 8
    assert set(articles[0]) == {
        *("id", "feed_id", "title", "url", "published", "read", "starred", "updated"),
        *("versions", "enclosures"),
    }
    published = [a["published"] for a in articles]
    assert published == sorted(published, reverse=True)

    hits = ok_json(home, "search", "lighthouse keeper")
    assert len(hits) == 8
    assert ok_json(home, "search", "sport")[0]["title"].startswith("sport story")
    assert ok_json(home, "search", "nonexistentword") == []

    exported = newsroom(home, "export").stdout
    other = tmp_path / "other"
    assert newsroom(other, "import", "-", stdin=exported).returncode == 0
    strip = [{k: f[k] for k in ("url", "folder")} for f in ok_json(home, "feeds")]
    assert [{k: f[k] for k in ("url", "folder")} for f in ok_json(other, "feeds")] == strip
    assert {f["folder"] for f in ok_json(other, "feeds")} == {"Local"}
    as_json = json.loads(newsroom(home, "export", "--format", "json").stdout)
    assert {f["url"] for f in as_json} == {newsdesk.url("/news.xml"), newsdesk.url("/sport.xml")}


def test_feed_change_is_flagged(home: Path, newsdesk: LoopbackServer) -> None:
    newsroom(home, "add", newsdesk.url("/news.xml"))
    changed = items("news", 5)
    changed[2]["title"] = "Lighthouse keeper found safe"
    newsdesk.routes["/news.xml"] = Route(rss("Harbour Times", changed))
    assert ok_json(home, "refresh", "--force")["updated"] == 1
    [story] = ok_json(home, "articles", "--updated")
    assert story["title"] == "Lighthouse keeper found safe"
    assert story["updated"] is True and story["versions"] == 2


def test_bad_files_fail_cleanly_and_keep_the_store(
    home: Path, newsdesk: LoopbackServer, tmp_path: Path
) -> None:
    newsroom(home, "add", newsdesk.url("/news.xml"))
    garbage = tmp_path / "garbage.opml"
    garbage.write_bytes(b"\x00\x01\x02 not opml at all \xff\xfe")
    fails(home, 2, "import", str(garbage))
    urls = tmp_path / "urls"
    urls.write_text("this is not a url\nftp://example.org/feed.xml\n")
    assert "line 1" in fails(home, 2, "import", str(urls))
    fails(home, 2, "import", str(tmp_path / "missing.opml"))
    assert len(ok_json(home, "feeds")) == 1
    assert len(ok_json(home, "articles")) == 5


def test_articles_show_mark(home: Path, newsdesk: LoopbackServer) -> None:
    newsroom(home, "add", newsdesk.url("/news.xml"))
    newest = ok_json(home, "articles")[0]
    shown = ok_json(home, "show", str(newest["id"]))
    assert shown["source"] == "feed" and "lighthouse keeper" in shown["text"]
    assert set(shown) == {
        *("id", "title", "url", "author", "published", "text", "source", "links", "enclosures")
    }
    assert newsroom(home, "mark", str(newest["id"]), "--read").returncode == 0
    assert newsroom(home, "mark", str(newest["id"]), "--star").returncode == 0
    assert len(ok_json(home, "articles", "--unread")) == 4
    assert [a["id"] for a in ok_json(home, "articles", "--starred")] == [newest["id"]]
    assert len(ok_json(home, "articles", "--limit", "2")) == 2
    fails(home, 2, "show", "424242")
    fails(home, 2, "mark", "424242", "--read")
    fails(home, 2, "articles", "--feed", "77")
    fails(home, 2, "articles", "--limit", "0")
    fails(home, 2, "mark", "1", "--read", "--unread")
    fails(home, 2, "nosuchcommand")


def test_one_failing_feed_does_not_stop_the_refresh(home: Path, newsdesk: LoopbackServer):
    newsdesk.routes["/broken.xml"] = Route(b"oops", status=500, content_type="text/plain")
    newsdesk.routes["/html.xml"] = Route(b"<html><p>hi</p></html>", content_type="text/html")
    for path in ("/news.xml", "/broken.xml", "/html.xml"):
        newsroom(home, "import", "-", stdin=newsdesk.url(path).encode() + b"\n")
    summary = ok_json(home, "refresh")
    assert (summary["ok"], summary["failed"], summary["new"]) == (1, 2, 5)
    errors = {f["url"]: f["error"] for f in ok_json(home, "feeds")}
    assert "500" in errors[newsdesk.url("/broken.xml")]
    assert "not a feed" in errors[newsdesk.url("/html.xml")]
    assert errors[newsdesk.url("/news.xml")] is None


def test_two_processes_refreshing_at_once(home: Path, server: LoopbackServer) -> None:
    for n in range(12):
        server.routes[f"/f{n}.xml"] = Route(rss(f"Feed {n}", items(f"f{n}", 20)), delay=0.05)
    urls = "\n".join(server.url(f"/f{n}.xml") for n in range(12)) + "\n"
    newsroom(home, "import", "-", stdin=urls.encode())
    procs = [
        subprocess.Popen(
            [NEWSROOM, "--home", str(home), "refresh", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert json.loads(out)["failed"] == 0
    assert len(ok_json(home, "articles", "--limit", "1000")) == 240


def test_text_output_never_carries_control_characters(home: Path, server: LoopbackServer):
    hostile = [
        {
            "title": "Evil \x1b]0;pwned\x07 title [/] [@click=app.quit]x[/]",
            "guid": "evil",
            "description": "clear \x1b[2J screen \u009b31m and \u202eright-to-left",
            "link": "http://127.0.0.1/evil",
        }
    ]
    body = rss("Evil \x1b[31m feed", hostile).replace(b"\x1b", b"&#27;")
    body = body.replace(b"\x07", b"")
    server.routes["/evil.xml"] = Route(body)
    newsroom(home, "add", server.url("/evil.xml"))
    out = b"".join(
        newsroom(home, *args).stdout
        for args in (("feeds",), ("articles",), ("show", "1"), ("search", "evil"))
    )
    assert b"[/] [@click=app.quit]x[/]" in out
    for forbidden in (b"\x1b", b"\x07", "\u009b".encode(), "\u202e".encode()):
        assert forbidden not in out


EVIL_REASON = b"\x1b]52;c;SEFDS0VE\x1b\\\x9b2J\xe2\x80\xae gone"  # OSC 52, C1 CSI, bidi


def evil_status(status: int):
    """A raw reply whose reason phrase writes "HACKED" to the clipboard if printed as is."""

    def answer(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"HTTP/1.1 %d %s\r\nContent-Length: 0\r\n\r\n" % (status, EVIL_REASON))

    return answer


def test_a_servers_reason_phrase_reaches_stderr_cleaned(home: Path, server: LoopbackServer):
    server.raw["/evil"] = evil_status(404)
    result = newsroom(home, "add", server.url("/evil"))
    assert result.returncode == 1
    [line] = result.stderr.decode().splitlines()
    assert line.startswith("newsroom: error:") and "404" in line and "gone" in line
    for forbidden in ("\x1b", "\x9b", "\u202e"):
        assert forbidden not in line


def test_refresh_failure_lines_and_feed_errors_are_cleaned(home: Path, newsdesk: LoopbackServer):
    newsroom(home, "add", newsdesk.url("/news.xml"))
    newsdesk.raw["/news.xml"] = evil_status(503)
    refreshed = newsroom(home, "refresh", "--force")
    [line] = refreshed.stderr.decode().splitlines()
    assert line.startswith("failed: ") and "503" in line
    listed = newsroom(home, "feeds").stdout.decode()
    assert "! HTTP 503" in listed
    for forbidden in ("\x1b", "\x9b", "\u202e"):
        assert forbidden not in line + listed


HOSTILE_PARTS = [
    "\x1b]52;c;SEFDS0VE\x1b\\",
    "\x1b[2J",
    "\x07",
    "\x9b31m",
    "\x85",
    "\u202e",
    "\u2066",
    "\r",
    "\n",
    "\t",
    "\x7f",
    "[/]",
    "[@click=app.quit]x[/]",
    "[b]",
    "<script>",
    "]]>",
    "word",
]
hostile = st.lists(
    st.sampled_from(HOSTILE_PARTS)
    | st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
).map("".join)


BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _controls(text: str) -> set[str]:
    """Characters a terminal could act on (tab and newline are layout, not controls)."""
    return {
        ch
        for ch in text
        if (ord(ch) < 0x20 and ch not in "\t\n") or 0x7F <= ord(ch) < 0xA0 or ord(ch) in BIDI
    }


@settings(max_examples=40, deadline=None)
@given(feed_title=hostile, error=hostile, title=hostile, author=hostile, text=hostile, new=hostile)
def test_text_output_is_clean_whatever_the_feed_says(
    feed_title: str, error: str, title: str, author: str, text: str, new: str
) -> None:
    """Hostile titles, errors, bylines and texts through feeds, articles, show, history, diff,
    search and export: no control character reaches the output and nothing crashes."""
    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home) / "newsroom.db")
        try:
            feed, _ = store.add_feed("http://127.0.0.1:9/feed.xml")
            entry = ParsedEntry(
                "g", "http://127.0.0.1:9/s", title, author, 1_800_000_000, None, text, None
            )
            store.apply_feed(
                feed.id,
                ParsedFeed(feed_title, None, None, (entry,)),
                judge=feed_change,
                now=1_800_000_000,
                next_check_at=0,
            )
            store.record_failure(feed.id, error, now=1_800_000_000, next_check_at=0)
            [article] = store.articles()
            for n, (body, heading) in enumerate(((text, title), (new, new))):
                store.add_page_version(
                    article.id,
                    title=heading,
                    byline=author,
                    text=body + " word",
                    markdown=body,
                    extractor="test",
                    etag=None,
                    last_modified=None,
                    now=1_800_000_000 + n,
                    kind="edit" if n else None,
                )
            store.sync_search_index()
        finally:
            store.close()
        ident = str(article.id)
        for args in (
            ["feeds"],
            ["articles"],
            ["show", ident],
            ["history", ident],
            ["diff", ident],
            ["search", "word"],
            ["export"],
        ):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                assert run(["--home", home, *args]) == 0
            assert not _controls(out.getvalue()), (args, out.getvalue())
