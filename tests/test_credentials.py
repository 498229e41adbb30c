"""A feed URL with a login (http://alice:s3cret@host/feed): sent to its own host, never shown."""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader.core.safety import display_url, with_credentials_of, without_credentials
from tests.server import LoopbackServer, Route, rss
from tests.test_cli import fails, newsroom, ok_json

LOGIN = "Basic " + base64.b64encode(b"alice:s3cret").decode()
PAGE = (
    "<html><head><title>Lighthouse keeper stays</title></head><body><article>"
    "<h1>Lighthouse keeper stays</h1>"
    + "".join(
        f"<p>Paragraph {n}: the harbour council agreed that the keeper stays until spring,"
        f" and the pier works start once the storms have passed.</p>"
        for n in range(8)
    )
    + "</article></body></html>"
).encode()


def protected(route: Route):
    """Answer with ``route`` only to requests that carry Alice's login."""

    def answer(request: BaseHTTPRequestHandler) -> Route:
        if request.headers.get("Authorization") != LOGIN:
            return Route(b"login required", status=401, content_type="text/plain")
        return route

    return answer


def with_login(server: LoopbackServer, path: str) -> str:
    return server.url(path).replace("http://", "http://alice:s3cret@")


@pytest.fixture
def private_feed(server: LoopbackServer) -> LoopbackServer:
    stories = [
        {"title": "Keeper stays", "link": "/story1", "guid": "s1", "description": "Short."},
        {
            "title": "Pier works",
            "link": with_login(server, "/story2"),
            "guid": "s2",
            "description": "Also short.",
        },
    ]
    server.routes["/feed"] = protected(Route(rss("Private desk", stories)))
    server.routes["/story1"] = protected(Route(PAGE, content_type="text/html"))
    return server


def test_story_links_and_outputs_never_carry_the_password(
    home: Path, private_feed: LoopbackServer
) -> None:
    added = newsroom(home, "add", with_login(private_feed, "/feed"))
    assert added.returncode == 0, added.stderr
    masked = private_feed.url("/feed").replace("http://", "http://alice:***@")
    assert masked.encode() in added.stdout
    [feed] = ok_json(home, "feeds")
    assert feed["url"] == masked
    stories = ok_json(home, "articles")
    assert sorted(a["url"] for a in stories) == [
        private_feed.url("/story1"),
        private_feed.url("/story2"),
    ]
    first = next(a["id"] for a in stories if a["url"].endswith("/story1"))
    shown = ok_json(home, "show", str(first))
    assert shown["source"] == "extracted"  # the page was fetched with the feed's login
    outputs = [
        added.stdout,
        *(
            newsroom(home, *args).stdout
            for args in (
                ("feeds",),
                ("feeds", "--json"),
                ("articles",),
                ("articles", "--json"),
                ("show", str(first)),
                ("show", str(first), "--json"),
                ("export",),
                ("export", "--format", "json"),
            )
        ),
    ]
    for output in outputs:
        assert output and b"s3cret" not in output
    exported = json.loads(newsroom(home, "export", "--format", "json").stdout)
    assert exported == [
        {"url": private_feed.url("/feed"), "title": "Private desk", "folder": None, "tags": []}
    ]


def test_export_with_credentials_keeps_the_login(
    home: Path, private_feed: LoopbackServer, tmp_path: Path
) -> None:
    newsroom(home, "add", with_login(private_feed, "/feed"))
    opml = newsroom(home, "export", "--with-credentials").stdout
    assert with_login(private_feed, "/feed").encode() in opml
    as_json = json.loads(newsroom(home, "export", "--format", "json", "--with-credentials").stdout)
    assert as_json[0]["url"] == with_login(private_feed, "/feed")
    other = tmp_path / "other"
    assert newsroom(other, "import", "-", stdin=opml).returncode == 0
    assert ok_json(other, "refresh")["ok"] == 1  # the login came along and still works


def test_failures_and_errors_mask_the_password(home: Path, private_feed: LoopbackServer) -> None:
    line = fails(home, 1, "add", with_login(private_feed, "/missing"))
    assert "alice:***@" in line and "s3cret" not in line
    newsroom(home, "add", with_login(private_feed, "/feed"))
    private_feed.routes["/feed"] = Route(b"down", status=500, content_type="text/plain")
    refreshed = newsroom(home, "refresh", "--force")
    assert b"failed: http://alice:***@" in refreshed.stderr
    assert b"s3cret" not in refreshed.stdout + refreshed.stderr


@pytest.mark.parametrize(
    ("url", "shown", "bare"),
    [
        ("http://alice:s3cret@host/feed", "http://alice:***@host/feed", "http://host/feed"),
        (
            "https://token@host:8443/f?a=b@c",
            "https://***@host:8443/f?a=b@c",
            "https://host:8443/f?a=b@c",
        ),
        ("http://a:p@ss@host/f#x@y", "http://a:***@host/f#x@y", "http://host/f#x@y"),
        ("http://host/p@q", "http://host/p@q", "http://host/p@q"),
        ("Daily News", "Daily News", "Daily News"),
        ("mailto:x@y", "mailto:x@y", "mailto:x@y"),
    ],
)
def test_display_and_strip(url: str, shown: str, bare: str) -> None:
    assert (display_url(url), without_credentials(url)) == (shown, bare)


@pytest.mark.parametrize(
    ("link", "fetched"),
    [
        ("http://host/story", "http://alice:s3cret@host/story"),
        ("http://HOST:80/story", "http://alice:s3cret@HOST:80/story"),
        ("https://host/story", "https://host/story"),  # another scheme
        ("http://host:8080/story", "http://host:8080/story"),  # another port
        ("http://elsewhere/story", "http://elsewhere/story"),
        ("http://bob:pw@host/story", "http://bob:pw@host/story"),  # its own login wins
    ],
)
def test_the_login_goes_only_to_the_feeds_own_origin(link: str, fetched: str) -> None:
    assert with_credentials_of("http://alice:s3cret@host/feed", link) == fetched
