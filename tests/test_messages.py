"""What the commands say: "1 feed" and "1 story", "2 feeds" and "2 stories"; refresh speaks of
stories updated, as its JSON does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
PAGE = b"""<!doctype html><html><head><title>Harbour</title></head><body><article>
<h1>The lighthouse</h1><p>The keeper of the lighthouse climbed the hundred steps at dusk and lit
the lamp, as every keeper before him had done for a hundred and twenty years.</p>
<p>Ships passing the point saw the light sweep the water twice a minute.</p>
</article></body></html>"""


def said(home: Path, *args: str, stdin: bytes | None = None) -> str:
    result = subprocess.run(
        [NEWSROOM, "--home", str(home), *args], input=stdin, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def story(server: LoopbackServer, n: int, title: str | None = None) -> dict[str, str]:
    return {
        "title": title or f"Story {n}",
        "link": server.url(f"/story/{n}"),
        "guid": f"g{n}",
        "description": f"The keeper's log, part {n}.",
        "pubDate": formatdate(time.time() - 3600 * (n + 1), usegmt=True),  # in the watch window
    }


def opml(*urls: str) -> bytes:
    outlines = "".join(f'<outline text="f" xmlUrl="{url}"/>' for url in urls)
    return f'<opml version="2.0"><head/><body>{outlines}</body></opml>'.encode()


def test_one_of_a_kind_is_singular(home: Path, server: LoopbackServer) -> None:
    server.routes["/feed"] = Route(rss("Log", [story(server, 1)]), validators=False)
    server.routes["/story/1"] = Route(PAGE, content_type="text/html")
    server.routes["/story/2"] = Route(PAGE, content_type="text/html")
    assert "(1 story)" in said(home, "add", server.url("/feed"))
    assert said(home, "import", "-", stdin=opml(server.url("/other"))).startswith(
        "Imported 1 feed (0 already subscribed)"
    )
    assert said(home, "watch", "--once") == (
        "1 story checked: 0 changed, 1 unchanged, 0 not modified, 0 failed\n"
    )
    server.routes["/other"] = Route(rss("Other", []))
    server.routes["/feed"] = Route(
        rss("Log", [story(server, 2), story(server, 1, "Story 1, corrected")]), validators=False
    )
    assert said(home, "refresh", "--force") == (
        "2 feeds: 2 fetched, 0 not modified, 0 failed; 1 new story, 1 story updated\n"
    )
    # JSON keeps its names.
    assert set(json.loads(said(home, "refresh", "--force", "--json"))) == {
        "feeds",
        "ok",
        "failed",
        "not_modified",
        "new",
        "updated",
        "not_due",
        "changes",
    }


def test_many_are_plural(home: Path, server: LoopbackServer) -> None:
    stories = [story(server, n) for n in range(3)]
    server.routes["/feed"] = Route(rss("Log", stories), validators=False)
    assert "(3 stories)" in said(home, "add", server.url("/feed"))
    assert said(home, "import", "-", stdin=opml(server.url("/a"), server.url("/b"))).startswith(
        "Imported 2 feeds (0 already subscribed)"
    )
    server.routes["/a"] = Route(rss("A", []))
    server.routes["/b"] = Route(rss("B", []))
    changed = [story(server, n, f"Story {n}, corrected") for n in range(3)]
    server.routes["/feed"] = Route(rss("Log", [story(server, 7), *changed]), validators=False)
    assert said(home, "refresh", "--force") == (
        "3 feeds: 3 fetched, 0 not modified, 0 failed; 1 new story, 3 stories updated\n"
    )
    assert said(home, "refresh", "--force") == (
        "3 feeds: 0 fetched, 3 not modified, 0 failed; 0 new stories, 0 stories updated\n"
    )
