"""What the commands print: aligned lines for people, colour only on a terminal, or one JSON
document. Everything a feed wrote passes through sanitize_for_terminal() before it reaches a
terminal; JSON is ASCII-escaped."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from reader.core.models import Article, Enclosure
from reader.core.safety import display_url, sanitize_for_terminal


def iso(ts: int | None) -> str | None:
    """A time for JSON: ISO 8601, UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)) if ts else None


def when(ts: int | None) -> str:
    """A time for people, as a saved story's Markdown writes it: "2026-12-02 14:09 UTC"."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts)) if ts else ""


def clean(text: str | None) -> str:
    """One line fit for a terminal: controls removed, line breaks and tabs turned into spaces."""
    return sanitize_for_terminal(text or "").replace("\n", " ").replace("\t", " ").strip()


def shown_url(url: str | None) -> str:
    """A URL for people, never with a password in it."""
    return clean(display_url(url or ""))


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun that goes with it: "1 feed", "2 feeds", "1 story", "3 stories"."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def print_json(data: Any) -> None:
    import json  # most commands print text

    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


class Style:
    """ANSI styling for our own output, only when writing to a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.on = stream.isatty() and "NO_COLOR" not in os.environ

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


def article_json(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "feed_id": a.feed_id,
        "title": a.title,
        "url": display_url(a.url) if a.url else None,
        "published": iso(a.published),
        "read": a.read,
        "starred": a.starred,
        "updated": a.updated,
        "versions": a.versions,
        "enclosures": enclosures_json(a.enclosures),
    }


def enclosures_json(enclosures: Sequence[Enclosure]) -> list[dict[str, Any]]:
    return [{"url": display_url(e.url), "type": e.type, "length": e.length} for e in enclosures]


def print_articles(articles: Sequence[Article]) -> None:
    style = Style(sys.stdout)
    width = max((len(str(a.id)) for a in articles), default=1)
    for a in articles:
        flags = ("N" if not a.read else " ") + ("*" if a.starred else " ")
        flags += "U" if a.updated else " "
        feed = shown_url(a.feed_title)[:20].ljust(20)  # an untitled feed is named by its URL
        title = clean(a.title) or "(untitled)"
        if not a.read:
            title = style(title, "1")
        print(f"{a.id:>{width}} {flags} {when(a.published)}  {style(feed, '2')}  {title}")
