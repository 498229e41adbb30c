"""Promos inside the story ("READ MORE: ...", link-only lines) are neither read nor compared."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import run
from reader.core.extract import Extractor
from tests.server import LoopbackServer, Route, rss

PAGES = Path(__file__).parent / "data" / "pages"
PROMOS = ("READ MORE", "Related:", "Storm live", "Sign up", "Watch:")


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    ex = Extractor()
    yield ex
    ex.close()


def test_promos_are_left_out_of_text_and_markdown(extractor: Extractor) -> None:
    html = (PAGES / "promo-story.html").read_bytes()
    result = extractor.extract(html, "https://example.org/news/2026/11/crane")
    for promo in PROMOS:
        assert promo not in result.text and promo not in result.markdown, promo
    # Short paragraphs of the story, and links that point away from the site, stay.
    assert "He declined to comment." in result.text
    assert "[Maritime authority incident report 2026-311](https://maritime" in result.markdown


def story(promo: str) -> bytes:
    paragraphs = [
        "A container crane at the east quay toppled into the water during the storm on Sunday.",
        f'<strong>READ MORE:</strong> <a href="/news/{promo.lower()}">{promo} votes on a new'
        " harbour master after the storm</a>",
        "Divers will inspect the quay wall on Tuesday before salvage work can begin, and ships"
        " bound for the east quay are being sent to the west basin for the rest of the week.",
        f'<a href="/news/{promo.lower()}-live">Live: {promo} roads closed as winds reach'
        " 120 km/h</a>",
        "He declined to comment.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Crane toppled in storm</title></head><body><article>"
        f"<h1>Crane toppled in storm</h1>{body}</article></body></html>"
    ).encode()


def cli(home: Path, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), *args]) == 0
    return out.getvalue()


def test_a_rotating_promo_is_not_a_change(home: Path, server: LoopbackServer) -> None:
    """The same story served twice, each time with another in-body promo, is not news."""
    item = {"title": "Crane toppled in storm", "guid": "s1", "link": server.url("/story")}
    server.routes["/feed.xml"] = Route(rss("Harbour Post", [item]))
    server.routes["/story"] = Route(story("Eastport"), content_type="text/html", validators=False)
    cli(home, "add", server.url("/feed.xml"))
    first = json.loads(cli(home, "watch", "--once", "--json"))
    assert (first["checked"], first["failed"]) == (1, 0)
    server.routes["/story"] = Route(story("Westholm"), content_type="text/html", validators=False)
    second = json.loads(cli(home, "watch", "--once", "--all", "--json"))
    assert (second["checked"], second["changed"], second["failed"]) == (1, 0, 0), second
    assert server.hits["/story"] == 2
