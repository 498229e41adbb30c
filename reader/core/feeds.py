"""Feed documents (bytes) to ParsedFeed: RSS and Atom through feedparser, JSON Feed by hand.

feedparser only ever sees bytes, never a URL or a path, so it cannot fetch anything by itself.

Hostile XML is stopped before feedparser sees it. A document whose DOCTYPE declares entities is
refused ("entity declarations are not allowed"): no real feed needs them, and they are how
"billion laughs", quadratic blowup and external-entity (XXE) attacks work. The check is a byte
search (NULs removed, so UTF-16/32 cannot hide it) and UTF-7 documents are refused too, since UTF-7
can spell "<!ENTITY" without those bytes. Behind that, expat's own amplification limit and
feedparser's refusal of non-trivial entities in its lenient parser remain as a second line.
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import hashlib
import json
import re
import time
import xml.sax
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from reader.core.models import Enclosure, ParsedEntry, ParsedFeed
from reader.core.numbers import outside_int
from reader.core.quickparse import quick_parse
from reader.core.safety import without_credentials
from reader.core.text import decode_references, html_to_text, tidy_text

COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/rss",
    "/index.xml",
    "/feed.json",
)
ANNOUNCED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
    }
)
EARLIEST = calendar.timegm((1995, 1, 1, 0, 0, 0))
FUTURE_SLACK = 600
TITLE_FROM_SUMMARY = 80
MAX_TTL = 7 * 24 * 60  # minutes: a feed cannot ask to be left alone for longer than a week
_PERIODS = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
_UTF7 = re.compile(rb"utf-?7|unicode-1-1-utf-7", re.IGNORECASE)
# Character references that no text may hold: NUL, UTF-16 surrogates, beyond U+10FFFF. The pattern
# only pre-selects candidates (hex D800-DFFF or 6+ digits, decimal 55xxx-57xxx or
# 7+ digits, zero).
_BAD_REFERENCE = re.compile(
    rb"&#(?:[xX]0*(?:[dD][89a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{5,}|0)"
    rb"|0*(?:5[5-7]\d{3}|\d{7,}|0));"
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)\b", re.IGNORECASE)


class FeedParseError(ValueError):
    """The bytes are not a usable feed; str() is one line for people."""


def _start(data: bytes) -> bytes:
    """The first bytes of a document as ASCII-ish text (UTF-16/32 with NULs removed)."""
    return data[:2048].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")


def looks_like_feed(data: bytes, content_type: str | None) -> bool:
    """A cheap sniff: is this an XML feed or a JSON Feed (as opposed to, say, a web page)?"""
    head = _start(data)
    if head.startswith(b"{"):
        if b"\x00" in data[:4]:  # UTF-16/32: compare the ASCII bytes only
            data = data.replace(b"\x00", b"")
        return b"jsonfeed.org" in data[:4096] or b'"items"' in data
    return bool(_FEED_ROOT.search(head)) and not head.lower().startswith(
        (b"<!doctype html", b"<html")
    )


def _declares_entities(data: bytes) -> bool:
    """Does a DOCTYPE come with entity declarations? Deliberately broad: a false alarm needs a
    DOCTYPE plus the literal text "<!ENTITY" later on, which real feeds do not have."""
    if b"\x00" in data[:4]:  # UTF-16/32: compare the ASCII bytes only
        data = data.replace(b"\x00", b"")
    doctype = _DOCTYPE.search(data)
    return bool(doctype and _ENTITY.search(data, doctype.end()))


def _is_utf7(head: bytes, content_type: str | None) -> bool:
    declaration = head[:200].split(b"?>", 1)[0] if head.startswith(b"<?xml") else b""
    charset = (content_type or "").partition("charset=")[2].encode("ascii", "replace")
    return bool(_UTF7.search(declaration) or _UTF7.match(charset.strip(b"\"' ")))


# UTF-16 and UTF-32 without a byte order mark: where the NULs of the first characters (ASCII in
# any feed: "<", "{" or white space) fall tells which one.
_WIDE_STARTS = (
    (re.compile(rb"\x00\x00\x00[\x01-\x7f]"), codecs.BOM_UTF32_BE),
    (re.compile(rb"[\x01-\x7f]\x00\x00\x00"), codecs.BOM_UTF32_LE),
    (re.compile(rb"\x00[\x01-\x7f]\x00[\x01-\x7f]"), codecs.BOM_UTF16_BE),
    (re.compile(rb"[\x01-\x7f]\x00[\x01-\x7f]\x00"), codecs.BOM_UTF16_LE),
)


def _with_bom(data: bytes) -> bytes:
    """A UTF-16/32 document given the byte order mark it lacks: feedparser guesses such an
    encoding only from an XML declaration, and a feed may have none."""
    for start, bom in _WIDE_STARTS:
        if start.match(data):
            return bom + data
    return data


def _valid_bytes(data: bytes) -> bytes:
    """NUL bytes and references to invalid characters removed, so they never reach the store (and
    feedparser's lenient parser raises on a reference to a surrogate)."""
    if b"\x00" in data and b"\x00" not in data[:4]:  # in UTF-16/32 NULs are part of the text
        data = data.replace(b"\x00", b"")
    return _BAD_REFERENCE.sub(_reference, data) if b"&#" in data else data


def _reference(match: re.Match[bytes]) -> bytes:
    hexadecimal = match[0][2:3] in b"xX"
    digits = match[0][3 if hexadecimal else 2 : -1]
    value = outside_int(digits, low=0, high=0x110000, base=16 if hexadecimal else 10)
    if value == 0:
        return b""
    valid = value is not None and value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF
    return match[0] if valid else b"&#xFFFD;"


def _valid(text: str) -> str:
    """A string that SQLite and terminals accept: no NUL, no lone surrogates (JSON allows both)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text if text.isascii() else _SURROGATES.sub("\ufffd", text)


def _web_url(base: str, link: str | None) -> str | None:
    """An entry or site link made absolute; only http(s) links are kept.

    Never with a user name or password: a relative link would inherit the feed URL's, and
    story links are shown, searched and handed to browsers.
    """
    if not link or not link.strip():
        return None
    absolute = without_credentials(urljoin(base, link.strip()))
    return absolute if _ABSOLUTE.match(absolute) else None


def _plain(detail: dict[str, Any] | None, fallback: str = "") -> str:
    """A feedparser text construct as plain text: HTML is rendered, plain text is kept as is
    (a title like "Use the <code> tag" must keep its tag)."""
    if not detail:
        return tidy_text(fallback)
    value = detail.get("value") or ""
    return html_to_text(value) if "html" in (detail.get("type") or "html") else tidy_text(value)


def _timestamp(parsed: time.struct_time | None, now: int) -> int | None:
    if not parsed:
        return None
    try:
        ts = calendar.timegm(parsed)
    except (OverflowError, ValueError, TypeError):
        return None
    return _sane(ts, now)


def _sane(ts: int, now: int) -> int | None:
    """Dates before the web's news era are nonsense; future dates are clamped to now."""
    if ts < EARLIEST:
        return None
    return min(ts, now) if ts > now + FUTURE_SLACK else ts


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _identity(guid: str | None, link: str | None, title: str, date: str) -> str:
    """The story's stable key: its id, else its link, else a hash of title and date."""
    if guid and guid.strip():
        return guid.strip()
    if link and link.strip():
        return link.strip()
    return "sha1:" + hashlib.sha1(f"{title}\n{date}".encode()).hexdigest()


def _entry(
    guid: str,
    link: str | None,
    title: str,
    author: str | None,
    published: int | None,
    updated: int | None,
    summary: str,
    content_html: str | None,
    enclosures: tuple[Enclosure, ...] = (),
) -> ParsedEntry:
    """A ParsedEntry from plain-text title and summary; untitled ones borrow their first words."""
    if not summary and content_html:
        summary = html_to_text(content_html)
    title = _one_line(title)
    if not title:
        title = _one_line(summary)[:TITLE_FROM_SUMMARY].rstrip()
    return ParsedEntry(
        guid=guid,
        url=link,
        title=title,
        author=_one_line(author) or None if author else None,
        published=published if published is not None else updated,
        updated=updated,
        summary=summary,
        content=content_html or None,
        enclosures=enclosures,
    )


def _unique(entries: Iterable[ParsedEntry]) -> tuple[ParsedEntry, ...]:
    seen: dict[str, ParsedEntry] = {}
    for entry in entries:
        seen.setdefault(entry.guid, entry)
    return tuple(seen.values())


def _feedparser(data: bytes, content_type: str | None) -> tuple[Any, list[Any]]:
    """The feed and its entries as feedparser reads them, for any RSS, RDF or Atom variant."""
    # No base URL ("content-location") for feedparser: it would resolve guids that look like
    # relative paths ("abc/1") against it, and a story's identity must not change when its feed
    # moves. Links (already joined with any xml:base) are made absolute below instead.
    # Its HTML sanitiser is off: feed HTML is never run, only turned into text by us, and the
    # sanitiser costs a third of the parsing time.
    headers = {"content-type": content_type} if content_type else {}
    result = feedparser.parse(
        data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    broken = result.get("bozo") and not result.feed.get("title")
    if not result.entries and (not result.get("version") or broken):
        problem = result.get("bozo_exception")
        reason = "no RSS, Atom or JSON Feed content"
        if isinstance(problem, xml.sax.SAXParseException):
            reason = f"XML error at line {problem.getLineNumber()}: {problem.getMessage()}"
        raise FeedParseError(f"not a feed: {reason}")
    return result.feed, result.entries


def parse_feed(
    data: bytes, *, url: str, content_type: str | None = None, now: int | None = None
) -> ParsedFeed:
    """Parse a feed document fetched from ``url`` (used to resolve relative links)."""
    now = int(time.time()) if now is None else now
    head = _start(data)
    if not head:
        raise FeedParseError("not a feed: the document is empty")
    media = (content_type or "").split(";")[0].strip().lower()
    if head.startswith(b"{") or (
        media in ("application/feed+json", "application/json") and not head.startswith(b"<")
    ):
        return _parse_json_feed(data, url, now)
    if _declares_entities(data):
        raise FeedParseError("entity declarations are not allowed")
    if _is_utf7(head, content_type):
        raise FeedParseError("not a feed: UTF-7 documents are not accepted")
    data = _valid_bytes(_with_bom(data))
    channel, items = quick_parse(data, content_type) or _feedparser(data, content_type)
    entries = []
    for item in items:
        # dict.get: FeedParserDict.get would map a missing published date to the updated one.
        published = _timestamp(dict.get(item, "published_parsed"), now)
        updated = _timestamp(dict.get(item, "updated_parsed"), now)
        title = _plain(item.get("title_detail"), item.get("title", ""))
        raw_link = item.get("link")
        if item.get("guidislink") and not _ABSOLUTE.match(raw_link or ""):
            raw_link = None  # an RSS <guid> such as "post-17" is no link, whatever feedparser says
        link = _web_url(url, raw_link)
        date = item.get("published") or item.get("updated") or ""
        content = item.get("content")
        body = max(map(_html_of, content), key=len) if content else None
        # Without summary_detail, feedparser's "summary" is a copy of the content: use that.
        detail = item.get("summary_detail")
        summary = _plain(detail) if detail else ""
        entries.append(
            _entry(
                _identity(item.get("id"), link or raw_link, title, date),
                link,
                title,
                _author(item.get("author")),
                published,
                updated,
                summary,
                body,
                _enclosures(url, item.get("enclosures") or (), "href", "length"),
            )
        )
    return ParsedFeed(
        title=_one_line(_plain(channel.get("title_detail"), channel.get("title", ""))),
        site_url=_web_url(url, channel.get("link")),
        ttl_minutes=_ttl(channel),
        entries=_unique(entries),
    )


MAX_FILE_BYTES = 2**53  # a larger size is nonsense, and JSON readers lose its digits


def _enclosures(
    base: str, items: Iterable[Any], url_key: str, length_key: str, type_key: str = "type"
) -> tuple[Enclosure, ...]:
    """A story's files with web addresses (made absolute), their media type and size; others
    (a bare name, a mailto:) are left out."""
    found: dict[str, Enclosure] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        url = _web_url(base, _text(item.get(url_key)))
        length = item.get(length_key)
        size = length if isinstance(length, int) and not isinstance(length, bool) else None
        if size is None:
            size = outside_int(_text(length), low=0, high=MAX_FILE_BYTES)
        if url and url not in found:
            kind = _one_line(_text(item.get(type_key)))[:100]
            found[url] = Enclosure(url, kind, size if size and 0 < size <= MAX_FILE_BYTES else None)
    return tuple(found.values())


def _json_attachments(base: str, attachments: Any) -> tuple[Enclosure, ...]:
    """JSON Feed's attachments as enclosures."""
    if not isinstance(attachments, list):
        return ()
    return _enclosures(base, attachments, "url", "size_in_bytes", "mime_type")


_EMAIL_AND_NAME = re.compile(r"\s*[^\s@]+@[^\s@]+\s*\((.+)\)\s*")


def _author(value: str | None) -> str | None:
    """RSS authors are often "email (Name)": keep the name."""
    if not value:
        return None
    named = _EMAIL_AND_NAME.fullmatch(value)
    return named[1] if named else value


def _html_of(content: dict[str, Any]) -> str:
    """A feedparser content block as HTML (plain-text blocks are escaped)."""
    value = content.get("value", "")
    return value if "html" in content.get("type", "html") else _escape(value)


def _ttl(channel: dict[str, Any]) -> int | None:
    """How long the feed asks to be left alone, in minutes: its RSS <ttl> if that is sane (up
    to a week), else its sy:updatePeriod divided by sy:updateFrequency (at most a week)."""
    ttl = outside_int(channel.get("ttl"), low=0, high=MAX_TTL + 1)
    if ttl and ttl <= MAX_TTL:
        return ttl
    period = _PERIODS.get(str(channel.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    times = outside_int(channel.get("sy_updatefrequency"), low=1, high=period) or 1
    return min(period // times, MAX_TTL)


def _json_date(value: Any, now: int) -> int | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, OverflowError):  # a year of 20 digits overflows
            return None
    if moment.tzinfo is None:  # RFC 3339 requires an offset; UTC is the likeliest intent
        moment = moment.replace(tzinfo=UTC)
    return _sane(int(moment.timestamp()), now)


def _text(value: Any) -> str:
    return _valid(value) if isinstance(value, str) else ""


def _plain_text(value: Any) -> str:
    """A JSON Feed title, summary or name: plain text by the spec, but publishers escape it as
    HTML ("I&#039;m", "Q&amp;A"), so its character references are decoded (once)."""
    return decode_references(_text(value))


def _json_author(item: dict[str, Any], feed: dict[str, Any]) -> str | None:
    """JSON Feed 1.1 "authors", 1.0 "author", item-level first, then the feed's."""
    for source in (item, feed):
        authors = source.get("authors")
        if not isinstance(authors, list):
            single = source.get("author")
            authors = [single] if isinstance(single, dict) else None
        if authors:
            break
    else:
        return None
    names = [_plain_text(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(n for n in names if n) or None


def _parse_json_feed(data: bytes, url: str, now: int) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org), read defensively: any field may be wrong."""
    try:
        # JSON's own rule (RFC 8259 names UTF-8, older ones UTF-16/32 told by NULs) and BOMs.
        doc = json.loads(data.decode(json.detect_encoding(data), errors="replace"))
    except json.JSONDecodeError as exc:
        raise FeedParseError(f"not a feed: invalid JSON ({exc.msg})") from None
    except ValueError:  # int() refuses a number of over 4,300 digits
        raise FeedParseError("not a feed: invalid JSON (a number too long to read)") from None
    except RecursionError:
        raise FeedParseError("not a feed: JSON nested too deeply") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedParseError("not a feed: JSON without an items list")
    entries = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        raw_link = _text(item.get("url")) or _text(item.get("external_url"))
        link = _web_url(url, raw_link)
        title = tidy_text(_plain_text(item.get("title")))
        content = _text(item.get("content_html"))
        if not content and _text(item.get("content_text")):
            paragraphs = re.split(r"\n\s*\n", _text(item["content_text"]))
            content = "".join(f"<p>{_escape(p)}</p>" for p in paragraphs if p.strip())
        item_id = item.get("id")
        is_id = isinstance(item_id, str | int) and not isinstance(item_id, bool)
        guid = _valid(str(item_id)) if is_id else None
        published = _json_date(item.get("date_published"), now)
        updated = _json_date(item.get("date_modified"), now)
        entries.append(
            _entry(
                _identity(guid, link or raw_link, title, _text(item.get("date_published"))),
                link,
                title,
                _json_author(item, doc),
                published,
                updated,
                tidy_text(_plain_text(item.get("summary"))),
                content or None,
                _json_attachments(url, item.get("attachments")),
            )
        )
    return ParsedFeed(
        title=_one_line(_plain_text(doc.get("title"))),
        site_url=_web_url(url, _text(doc.get("home_page_url"))),
        ttl_minutes=None,
        entries=_unique(entries),
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _LinkFinder(HTMLParser):
    """Collects <link rel="alternate" type="...feed type..." href="..."> from a page's HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (href, title)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        href = values.get("href", "").strip()
        if "alternate" in rels and kind in ANNOUNCED_TYPES and href:
            self.links.append((href, values.get("title", "")))


def announced_feeds(html: bytes, base_url: str) -> dict[str, str]:
    """Feeds a page announces, in page order: absolute http(s) URL -> the title the link gives
    (perhaps empty), without duplicates."""
    finder = _LinkFinder()
    with contextlib.suppress(Exception):  # a broken page simply announces nothing more
        finder.feed(html[:2_000_000].decode("utf-8", errors="replace"))
    found: dict[str, str] = {}
    for href, title in finder.links:
        url = urljoin(base_url, href)
        if url.startswith(("http://", "https://")):
            found.setdefault(url, " ".join(title.split()))
    return found


def discover_feed_links(html: bytes, base_url: str) -> list[str]:
    """Feeds a page announces, in page order, as absolute http(s) URLs without duplicates."""
    return list(announced_feeds(html, base_url))
