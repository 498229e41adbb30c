"""Subscription lists in and out: OPML (1.0, 1.1, 2.0) and newsboat ``urls`` files.

Import is lenient about what real exporters get wrong (missing ``<opml>``/``<body>``, bare ``&`` in
URLs, HTML entities such as ``&nbsp;``) but strict about safety: DTD entity declarations are refused
and external entities are never resolved, so "billion laughs" and XXE documents cannot expand or
read local files. Everything here works on bytes and strings only; callers do the file I/O.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from reader.core.safety import display_url

__all__ = [
    "Subscription",
    "SubscriptionFileError",
    "read_subscriptions",
    "write_opml",
    "write_urls",
]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed to subscribe to; ``folder`` is a "/"-joined path such as ``"News/Local"``, and
    ``tags`` are the labels beyond it, in order."""

    url: str
    title: str | None = None
    folder: str | None = None
    tags: tuple[str, ...] = ()


class SubscriptionFileError(ValueError):
    """The bytes are not a usable subscription list; ``str()`` is one line meant for people."""


# --------------------------------------------------------------------------------------------------
# Shared helpers


_XML_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls that XML 1.0 forbids; exporters occasionally leak them into titles.
_XML_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_SHOWN = 80


def _show(value: str) -> str:
    """Quote a value for a one-line message: controls escaped, long values shortened, and a
    URL's password masked."""
    value = display_url(value)
    if len(value) > _MAX_SHOWN:
        value = value[: _MAX_SHOWN - 1] + "…"
    return repr(value)


def _clean(value: str | None) -> str | None:
    """Collapse whitespace so titles and folder names are single tidy lines (None if empty)."""
    if value is None:
        return None
    text = " ".join(_XML_INVALID_CHARS.sub("", value).split())
    return text or None


def _folder_parts(folder: str | None) -> list[str]:
    """A folder path's names; a name that itself holds "/" ("UI / UX") counts as nested folders."""
    return [part.strip() for part in (folder or "").split("/") if part.strip()]


def _folder_path(names: Iterable[str | None]) -> str | None:
    """Join folder names into the canonical "/"-separated path, so it round-trips exactly."""
    return "/".join(part for name in names for part in _folder_parts(name)) or None


def _is_feed_url(url: str) -> bool:
    """Only http(s) URLs with a host: other schemes (file:, javascript:, data:) are unsafe."""
    if not url or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _decode(data: bytes) -> str:
    """Bytes to text: BOM first, then the XML declaration's encoding, else UTF-8 (strictly)."""
    encoding = "utf-8"
    body = data
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, body = name, data[len(bom) :]
            break
    else:
        declared = _XML_DECL_ENCODING.match(data.lstrip())
        # A declaration readable as ASCII cannot be UTF-16/32 without a BOM: exporters that write
        # encoding="UTF-16" into a UTF-8 file are wrong, so such a declaration is ignored.
        if declared and not declared.group(1).lower().startswith((b"utf-16", b"utf-32")):
            encoding = declared.group(1).decode("ascii")
    try:
        text = body.decode(encoding)
    except LookupError:
        raise SubscriptionFileError(f"unknown text encoding {_show(encoding)}") from None
    except UnicodeDecodeError as exc:
        raise SubscriptionFileError(
            f"not an OPML or urls file: undecodable bytes at offset {exc.start} ({encoding})"
        ) from None
    if "\x00" in text or _looks_binary(text):
        raise SubscriptionFileError("not an OPML or urls file: binary data")
    return text


def _looks_binary(text: str) -> bool:
    """Text files have next to no control characters; garbage that happens to decode has many."""
    controls = len(_XML_INVALID_CHARS.findall(text[:65536]))
    return controls > max(8, len(text[:65536]) // 100)


# --------------------------------------------------------------------------------------------------
# Entry point


def read_subscriptions(data: bytes) -> tuple[list[Subscription], list[str]]:
    """Read an OPML document, a newsboat urls file or newsroom's JSON export, whichever
    ``data`` is.

    Returns the subscriptions in file order (first occurrence of each URL wins) and notes, one
    line each, about what was skipped, so an import can tell the user what it left out.
    Raises SubscriptionFileError when nothing sensible can be imported.
    """
    text = _decode(data).lstrip("\ufeff")
    start = text.lstrip()
    if not start:
        raise SubscriptionFileError("not an OPML or urls file: the file is empty")
    if start.startswith("<") or "<opml" in start[:4096].lower():
        return _read_opml(text)
    if start[0] in "{[":
        return _read_json(text)
    return _read_urls(text)


def _read_json(text: str) -> tuple[list[Subscription], list[str]]:
    """Read the list `newsroom export --format json` writes: objects with a url and,
    optionally, a title, a folder and tags. An entry without a usable URL is skipped with a
    note; anything else is refused."""
    import json

    try:
        entries = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SubscriptionFileError(f"not a subscription list: bad JSON ({exc})") from None
    if not isinstance(entries, list):
        raise SubscriptionFileError("a JSON subscription list must be a list of feeds")
    subscriptions: list[Subscription] = []
    notes: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not _is_feed_url(url):
            notes.append(f"entry {number}: no http(s) feed URL, skipped")
            continue
        if url in seen:
            notes.append(f"entry {number}: duplicate feed {_show(url)}, skipped")
            continue
        seen.add(url)
        title, folder, tags = entry.get("title"), entry.get("folder"), entry.get("tags")
        subscriptions.append(
            Subscription(
                url=url,
                title=_clean(title) if isinstance(title, str) else None,
                folder=_folder_path([folder]) if isinstance(folder, str) else None,
                tags=tuple(
                    dict.fromkeys(
                        name
                        for tag in (tags if isinstance(tags, list) else ())
                        if isinstance(tag, str) and (name := _clean(tag))
                    )
                ),
            )
        )
    if not subscriptions:
        first = f": {notes[0]}" if notes else ""
        raise SubscriptionFileError(f"no feeds found in the JSON list{first}")
    return subscriptions, notes


# --------------------------------------------------------------------------------------------------
# OPML


_XML_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_AMPERSAND = re.compile(r"&(?:(#[0-9]+|#[xX][0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));|&")
_DOCTYPE = re.compile(r"<!DOCTYPE\b[^\[>]*(?:\[.*?\])?\s*>", re.DOTALL | re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml\b.*?\?>", re.DOTALL)


def _repair_ampersands(text: str) -> str:
    """Make ``&`` well-formed the way browsers read it.

    Real OPML often carries bare ``&`` in URLs (``?a=1&b=2``) and HTML named entities
    (``&nbsp;``, ``&eacute;``) that XML does not know. HTML entities become character references;
    any other ``&`` becomes ``&amp;``. Names declared in a DTD are not honoured anyway: the parser
    refuses entity declarations outright.
    """

    def fix(match: re.Match[str]) -> str:
        numeric, name = match.group(1), match.group(2)
        if numeric or name in _XML_PREDEFINED:
            return match.group(0)
        if name and f"{name};" in html.entities.html5:
            return "".join(f"&#{ord(ch)};" for ch in html.entities.html5[f"{name};"])
        return "&amp;" + match.group(0)[1:]

    return _AMPERSAND.sub(fix, text)


@dataclass(slots=True)
class _OpmlCollector:
    """Expat callbacks: track the folder path and collect feed outlines."""

    line: Callable[[], int]
    subscriptions: list[Subscription] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    # One entry per open <outline>: a folder name, or None for feeds and nameless outlines.
    stack: list[str | None] = field(default_factory=list)
    # Elements other than <outline> nest too; remember which end tags close an outline.
    open_outline: list[bool] = field(default_factory=list)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        is_outline = name.lower() == "outline"
        self.open_outline.append(is_outline)
        if not is_outline:
            return
        lowered: dict[str, str] = {}
        for key, value in attrs.items():
            lowered.setdefault(key.lower(), value)
        # Some exporters put xmlUrl="" on folders; only a non-blank xmlUrl makes a feed.
        if lowered.get("xmlurl", "").strip():
            self._feed(lowered)
            self.stack.append(None)
        else:
            self.stack.append(_clean(lowered.get("text")) or _clean(lowered.get("title")))

    def end(self, name: str) -> None:
        if self.open_outline and self.open_outline.pop():
            self.stack.pop()

    def _feed(self, attrs: dict[str, str]) -> None:
        url = attrs["xmlurl"].strip()
        title = _clean(attrs.get("title")) or _clean(attrs.get("text"))
        where = f"line {self.line()}"
        if not _is_feed_url(url):
            label = f"{_show(title)} " if title else ""
            self.notes.append(
                f"{where}: outline {label}has no http(s) feed URL ({_show(url)}), skipped"
            )
            return
        if url in self.seen:
            self.notes.append(f"{where}: duplicate feed {_show(url)}, skipped")
            return
        self.seen.add(url)
        folder = _folder_path(self.stack)
        tags = _categories(attrs.get("category"))
        self.subscriptions.append(Subscription(url=url, title=title, folder=folder, tags=tags))


def _categories(value: str | None) -> tuple[str, ...]:
    """An outline's ``category``: comma-separated, each perhaps a "/"-path (OPML 2.0); tags."""
    names = (_clean(part.strip().strip("/")) for part in (value or "").split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def _refuse_entity_declaration(*_args: object) -> None:
    raise SubscriptionFileError("entity declarations are not allowed")


def _refuse_external_entity(*_args: object) -> int:
    raise SubscriptionFileError("external entities are not allowed")


def _parse_xml(text: str) -> _OpmlCollector:
    """Run expat over ``text`` with entity declarations and external entities refused."""
    parser = expat.ParserCreate()
    collector = _OpmlCollector(lambda: parser.CurrentLineNumber)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entity_declaration
    parser.UnparsedEntityDeclHandler = _refuse_entity_declaration
    parser.ExternalEntityRefHandler = _refuse_external_entity
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.Parse(text, True)  # a str is always fed as UTF-8, whatever the declaration says
    return collector


def _wrap_fragments(text: str) -> str:
    """Give a rootless document (several top-level elements) a single root to hang from."""
    text = _XML_DECL.sub("", text, count=1)
    text = _DOCTYPE.sub("", text, count=1)
    return f"<opml>{text}</opml>"


def _read_opml(text: str) -> tuple[list[Subscription], list[str]]:
    """Parse OPML; a document that is not well-formed XML is scanned tag by tag instead."""
    text = _repair_ampersands(_XML_INVALID_CHARS.sub("", text))
    try:
        collector = _parse_xml(text)
    except expat.ExpatError as exc:
        if exc.code == expat.errors.codes[expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]:
            try:
                collector = _parse_xml(_wrap_fragments(text))
            except expat.ExpatError:
                collector = _scan_outlines(text)
        else:
            collector = _scan_outlines(text)
    if not collector.subscriptions:
        raise SubscriptionFileError("no feeds found in OPML")
    return collector.subscriptions, collector.notes


_OUTLINE_TAG = re.compile(r"<(/?)outline\b(.*?)(/?)>", re.IGNORECASE | re.DOTALL)
# A value ends at the quote that is followed by another attribute or the end of the tag, so
# the unescaped quotes real exporters leave inside titles do not cut the value short.
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(["'])(.*?)\2(?=\s+[\w:.-]+\s*=|\s*$)""", re.DOTALL)


def _scan_outlines(text: str) -> _OpmlCollector:
    """Read <outline> tags from a broken document, the way a browser would tolerate it."""
    line = 1
    position = 0

    def current_line() -> int:
        return line

    collector = _OpmlCollector(current_line)
    for tag in _OUTLINE_TAG.finditer(text):
        line += text.count("\n", position, tag.start())
        position = tag.start()
        if tag[1]:
            collector.end("outline")
            continue
        attrs = {m[1]: html.unescape(m[3]) for m in _ATTRIBUTE.finditer(tag[2].strip())}
        collector.start("outline", attrs)
        if tag[3]:
            collector.end("outline")
    return collector


# --------------------------------------------------------------------------------------------------
# newsboat urls files


_UNSUPPORTED_PREFIXES = {"query:": "query", "exec:": "exec", "filter:": "filter"}


def _tokens(line: str, lineno: int) -> list[str]:
    """Split a urls line the way newsboat does: whitespace-separated, ``"double quotes"`` group."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] != '"':
            j = i
            while j < n and not line[j].isspace():
                j += 1
            tokens.append(line[i:j])
            i = j
            continue
        chars: list[str] = []
        i += 1
        while i < n and line[i] != '"':
            if line[i] == "\\" and i + 1 < n:
                i += 1
            chars.append(line[i])
            i += 1
        if i >= n:
            raise SubscriptionFileError(f"line {lineno}: unterminated quoted tag")
        i += 1
        tokens.append("".join(chars))
    return tokens


def _read_urls(text: str) -> tuple[list[Subscription], list[str]]:
    """Read a newsboat urls file. A line that is not a feed (no http(s) URL, broken quoting) is
    skipped with a note naming it; a file without a single feed is refused."""
    subscriptions: list[Subscription] = []
    notes: list[str] = []
    seen: set[str] = set()
    # Only "\n" ends a line (as in newsboat and editors); str.splitlines() would also split at
    # form feeds and U+2028 and so misnumber the lines named in errors.
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # Checked before tokenising, so a query line with odd quoting is skipped, not fatal.
        bare = line.lstrip('"')
        kind = next((k for p, k in _UNSUPPORTED_PREFIXES.items() if bare.startswith(p)), None)
        if kind:
            notes.append(f"line {lineno}: {kind} feeds are not supported, skipped")
            continue
        try:
            url, *tags = _tokens(line, lineno)
        except SubscriptionFileError as exc:
            notes.append(f"{exc}, skipped")
            continue
        if not _is_feed_url(url):
            notes.append(f"line {lineno}: {_show(line)} is not an http(s) feed URL, skipped")
            continue
        if url in seen:
            notes.append(f"line {lineno}: duplicate feed {_show(url)}, skipped")
            continue
        seen.add(url)
        subscriptions.append(_subscription_from_tags(url, tags))
    if not subscriptions:
        first = f": {notes[0]}" if notes else ""
        raise SubscriptionFileError(f"no feeds found in urls file{first}")
    return subscriptions, notes


def _subscription_from_tags(url: str, tags: list[str]) -> Subscription:
    """``~Title`` names the feed, ``!tags`` only hide it, the first other tag is its folder (an
    empty one: none) and the rest are its tags."""
    title: str | None = None
    folder: str | None = None
    has_folder = False
    kept: list[str] = []
    for tag in tags:
        if tag.startswith("~"):
            title = title or _clean(tag[1:])
        elif tag.startswith("!"):
            continue
        elif not has_folder:
            folder, has_folder = _folder_path([_clean(tag)]), True
        elif name := _clean(tag):
            kept.append(name)
    return Subscription(url=url, title=title, folder=folder, tags=tuple(dict.fromkeys(kept)))


# --------------------------------------------------------------------------------------------------
# Export


# Valid in XML but acted on by terminals (C1 controls, bidi overrides): written as character
# references, so an export printed on a terminal is harmless, and reads back the same.
_TERMINAL_CONTROLS = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _attr(value: str) -> str:
    quoted = quoteattr(_XML_INVALID_CHARS.sub("", value))
    return _TERMINAL_CONTROLS.sub(lambda ch: f"&#x{ord(ch[0]):x};", quoted)


def _outline_lines(subscriptions: Iterable[Subscription], depth: int) -> Iterator[str]:
    """Feeds in the given order, each inside its folder outlines.

    Consecutive feeds of one folder share its outline; a folder that comes back later is opened
    again, so reading the document back gives exactly the same order.
    """
    open_folders: list[str] = []
    for sub in subscriptions:
        parts = _folder_parts(sub.folder)
        shared = 0
        while shared < min(len(parts), len(open_folders)) and parts[shared] == open_folders[shared]:
            shared += 1
        while len(open_folders) > shared:
            open_folders.pop()
            yield "  " * (depth + len(open_folders)) + "</outline>"
        for part in parts[shared:]:
            name = _attr(part)
            yield "  " * (depth + len(open_folders)) + f"<outline text={name} title={name}>"
            open_folders.append(part)
        # OPML 2.0 requires text; an untitled feed gets text="" so it reads back untitled.
        title = f" title={_attr(sub.title)}" if sub.title else ""
        # Commas separate categories: a tag holding one does not fit.
        tags = [t for t in sub.tags if "," not in t]
        category = f" category={_attr(','.join(tags))}" if tags else ""
        yield (
            "  " * (depth + len(open_folders))
            + f'<outline type="rss" text={_attr(sub.title or "")}{title} xmlUrl={_attr(sub.url)}'
            + f"{category}/>"
        )
    while open_folders:
        open_folders.pop()
        yield "  " * (depth + len(open_folders)) + "</outline>"


def write_opml(subscriptions: Iterable[Subscription], title: str = "newsroom subscriptions") -> str:
    """Serialise subscriptions as pretty-printed OPML 2.0 that any feed reader can import.

    Folder paths become nested folder outlines; feeds without a folder sit at the top level.
    ``read_subscriptions(write_opml(subs).encode())`` gives back the same URLs, titles, folders and
    order (titles and folder names with their whitespace tidied).
    """
    created = format_datetime(datetime.now(UTC), usegmt=True)
    head_title = escape(_XML_INVALID_CHARS.sub("", title))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{head_title}</title>",
        f"    <dateCreated>{created}</dateCreated>",
        "  </head>",
        "  <body>",
        *_outline_lines(subscriptions, 2),
        "  </body>",
        "</opml>",
    ]
    return "\n".join(lines) + "\n"


def _quoted(tag: str) -> str:
    """A urls-file token: quoted, with quotes and backslashes escaped, on one line."""
    one_line = " ".join(_XML_INVALID_CHARS.sub("", tag).split())
    return '"' + one_line.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_urls(subscriptions: Iterable[Subscription]) -> str:
    """Serialise subscriptions as a newsboat urls file: the URL, then the folder and the tags as
    quoted tags and the title as a ``"~Title"`` tag. ``read_subscriptions`` reads it back whole:
    a feed with tags but no folder has ``""`` where the folder goes."""
    lines = ["# newsroom subscriptions (a newsboat urls file)"]
    for sub in subscriptions:
        tokens = [sub.url]
        if sub.folder or sub.tags:
            tokens += [_quoted(tag) for tag in (sub.folder or "", *sub.tags)]
        if sub.title:
            tokens.append(_quoted("~" + sub.title))
        lines.append(" ".join(tokens))
    return "\n".join(lines) + "\n"
