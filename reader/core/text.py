"""Text from feeds and pages: HTML to readable text, normalisation and fingerprints.

Fingerprints decide whether a story really changed, so normalisation removes what changes without
meaning: Unicode variants, typographic quotes and dashes, soft hyphens, whitespace and relative
times ("Updated 5 minutes ago"). The loose fingerprint keeps letters and digits only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

from reader.core.numbers import outside_int

_BLOCKS = frozenset(
    {
        *("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"),
        *("ul", "ol", "dl", "dt", "dd", "table", "section", "article", "header", "footer"),
        *("figure", "figcaption", "hr", "aside", "nav", "main", "address"),
    }
)
# Content that is never read: code, styles, fallbacks and embedded documents. (<head> is not here:
# its end tag is optional, and skipping an unclosed one would hide the whole page.)
_SKIP = frozenset({"script", "style", "noscript", "template", "title", "svg", "math", "iframe"})
_CELLS = frozenset({"td", "th"})  # inline, but adjacent cells must not run together
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MARKER = "- "


class _TextCollector(HTMLParser):
    """Collects visible text as paragraphs (the base of the Markdown collector below)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def _only_marker(self) -> bool:
        return self._current == [_MARKER] or (
            bool(self._current)
            and self._current[0] == _MARKER
            and not "".join(self._current[1:]).strip()
        )

    def _flush(self) -> None:
        if self._only_marker():
            self._current = [_MARKER]  # <li><p>text</p></li>: the marker waits for its text
            return
        text = _SPACES.sub(" ", "".join(self._current).replace("\n", " ")).strip()
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._flush()
            if tag == "li":
                self._current = [_MARKER]
        elif tag in _CELLS:
            self._current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            if tag == "li" and self._only_marker():
                self._current = []  # an empty item
            self._flush()
        elif tag in _CELLS:
            self._current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_HEADINGS = {f"h{n}": "#" * n + " " for n in range(1, 7)}


class _MarkdownCollector(_TextCollector):
    """Like _TextCollector, but keeps headings, lists, quotes, emphasis, links and images as
    Markdown (http(s) and relative targets only: reader.core.links makes them absolute against
    the story's URL). Text is escaped, so nothing in a feed can inject Markdown of its own."""

    def __init__(self) -> None:
        super().__init__()
        self._quote = 0
        self._links: list[tuple[int, str | None]] = []

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._current).replace("\n", " ")).strip()
        if text.strip("#-> *"):
            self.paragraphs.append("> " * self._quote + text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        if self._skipping:
            return
        if tag in _HEADINGS:
            self._current.append(_HEADINGS[tag])
        elif tag == "li":
            self._current[-1:] = ["- "]
        elif tag == "blockquote":
            self._quote += 1
        elif tag in ("b", "strong"):
            self._current.append("**")
        elif tag in ("i", "em"):
            self._current.append("*")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._links.append((len(self._current), href if _is_web_link(href) else None))
        elif tag == "img":
            self._image(dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not self._skipping:
            self._image(dict(attrs))
        super().handle_startendtag(tag, attrs)

    def _image(self, attrs: dict[str, str | None]) -> None:
        src = (attrs.get("src") or "").strip()
        if _is_web_link(src):
            alt = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((attrs.get("alt") or "").split()))
            self._current.append(f"![{alt}]({_target(src)})")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._flush()
            self._quote = max(0, self._quote - 1)
        elif tag in ("b", "strong"):
            self._current.append("**")
        elif tag in ("i", "em"):
            self._current.append("*")
        elif tag == "a" and self._links:
            start, href = self._links.pop()
            if href and start <= len(self._current) and "".join(self._current[start:]).strip():
                self._current.insert(start, "[")
                self._current.append(f"]({_target(href)})")
        super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(_MARKDOWN_SPECIAL.sub(r"\\\1", data))


_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def _is_web_link(href: str) -> bool:
    """An http(s) or relative link (no other scheme: javascript:, data:, mailto:)."""
    web = href.startswith(("http://", "https://")) or not _SCHEME.match(href)
    return bool(href) and web and not any(c.isspace() for c in href)


def _target(href: str) -> str:
    return href.replace(")", "%29").replace(" ", "%20")


def html_to_markdown(html: str) -> str:
    """Markdown for the reading pane; anything unusual degrades to plain paragraphs."""
    collector = _MarkdownCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # never let a broken page break the reading pane
        return html_to_text(html)
    collector._flush()
    return "\n\n".join(collector.paragraphs)


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of plain text, stripped, empty ones left out: what diffs align."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def tidy_text(text: str) -> str:
    """Plain text with whitespace collapsed inside paragraphs and one blank line between them."""
    paragraphs = (
        _SPACES.sub(" ", p.replace("\n", " ")).strip() for p in _PARAGRAPH_BREAK.split(text)
    )
    return "\n\n".join(p for p in paragraphs if p)


_UNREAD = re.compile(
    r"<(script|style|noscript|template|title|svg|math|iframe)\b.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
# A tag never spans a "<" outside quotes: otherwise text such as "<a <a <a ..." makes every "<"
# scan to the end of the document, and a 50 kB summary takes seconds (quadratic time).
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:\s(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)?/?>"
    r"|<!--.*?(?:-->|\Z)|<[!?][^<>]*>",
    re.DOTALL,
)


# The references html.unescape() knows: numeric ones (any number of digits, an optional ";")
# and up to 32 characters of a name.
_REFERENCE = re.compile(r"&(?:#([0-9]+);?|#[xX]([0-9a-fA-F]+);?|[^\t\n\f <&#;]{1,32};?)")


def _character(match: re.Match[str]) -> str:
    decimal, hexadecimal = match[1], match[2]
    if decimal is None and hexadecimal is None:
        return unescape(match[0])
    # The number is read by the one helper for outside numbers: Python's int() refuses a
    # reference of over 4,300 digits, and html.unescape would raise on it.
    value = outside_int(decimal or hexadecimal, low=0, high=0x110000, base=10 if decimal else 16)
    if not value:
        return ""  # NUL: no text may hold it
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return "\ufffd"
    return unescape(f"&#{value};")  # HTML's rules: windows-1252 for 0x80-0x9F, no controls


def decode_references(text: str) -> str:
    """``text`` with its HTML character references decoded, once: "&amp;lt;" becomes "&lt;"."""
    return _REFERENCE.sub(_character, text) if "&" in text else text


def html_to_text(html: str) -> str:
    """Readable plain text: one paragraph per block, separated by blank lines.

    A regular-expression scanner rather than html.parser: it runs on every entry of every
    refresh and is several times faster, and broken markup cannot make it raise.
    """
    if "<" not in html:
        return tidy_text(decode_references(html))
    html = _UNREAD.sub("", html)
    paragraphs: list[str] = []
    current: list[str] = []
    marker = False  # a list item waiting for its text

    def flush() -> None:
        nonlocal marker
        text = _SPACES.sub(" ", decode_references("".join(current)).replace("\n", " ")).strip()
        current.clear()
        if text:
            paragraphs.append(_MARKER + text if marker else text)
            marker = False

    position = 0
    for tag in _TAG.finditer(html):
        current.append(html[position : tag.start()])
        position = tag.end()
        name = (tag[2] or "").lower()
        if name in _BLOCKS:
            flush()
            if name == "li":
                marker = not tag[1]  # an empty item's marker is dropped by its end tag
        elif name in _CELLS:
            current.append(" ")
    current.append(html[position:])
    flush()
    return "\n\n".join(paragraphs)


_TRANSLATE = {
    0x00AD: None,  # soft hyphen
    0x200B: None,
    0x200C: None,
    0x200D: None,
    0x2060: None,
    0xFEFF: None,
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'),
    **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"),
}
_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
_STAMP_VERB = r"(?:last\s+)?(?:updated|modified|edited|published|posted)\s*:?\s*"
# "Updated 5 minutes ago", "3 hours ago", "2h ago", "just now", "updated yesterday" together with
# one separator or trailing punctuation, so "Story. Updated 1 hour ago." reads "Story." afterwards.
# A bare "yesterday" is kept: in a sentence it is content, not a timestamp.
_RELATIVE_TIME = re.compile(
    r"(?:\s+[-|\u00b7\u2022])?\s*(?:"
    rf"(?:{_STAMP_VERB})?(?:\b(?:\d+|an?|one|a\s+few|few|several)\s+{_UNIT}|\b\d+\s*[smhdw])\s+ago\b"
    rf"|(?:{_STAMP_VERB})?\b(?:just\s+now|moments\s+ago)\b"
    rf"|\b{_STAMP_VERB}(?:yesterday|today|earlier\s+today)\b"
    r")(?:\s*[.,;:|\u00b7\u2022](?=\s|$))?",
    re.IGNORECASE,
)
_NOT_LOOSE = re.compile(r"[\W_]+")
# Every kind of white space (U+2028, U+1680, \x1c ... too): a long run left uncollapsed would make
# _RELATIVE_TIME backtrack over it at every position, quadratic time on a hostile page.
_ANY_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Text reduced to what matters when comparing two versions of a story."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = _ANY_SPACE.sub(" ", paragraph)
        lowered = paragraph.lower()  # cheap pre-check: most paragraphs carry no timestamp
        if "ago" in lowered or "now" in lowered or "day" in lowered:
            paragraph = _ANY_SPACE.sub(" ", _RELATIVE_TIME.sub(" ", paragraph))
        if paragraph := paragraph.strip():
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def fingerprints(title: str, text: str) -> tuple[str, str]:
    """(exact, loose) digests of a version; equal loose digests mean a cosmetic difference."""
    normal = normalize_text(title) + "\n" + normalize_text(text)
    return _digest(normal), _digest(_NOT_LOOSE.sub("", normal).casefold())


# A label that leads a promo rather than the story: "READ MORE: ...", "Related stories:",
# "Watch:", "More on this story:", "► See also", and calls to action without a colon (but not a
# wall's "Subscribe to continue reading": that tells the change rules the story is not there).
_PROMO_LABEL = re.compile(
    r"[\W_]*(?:"
    r"(?:read\s+(?:more|also|next)|also\s+read|see\s+also|watch|listen|recommended|trending"
    r"|related(?:\s+\w+)?|more(?:\s+(?:on|from|about)\b[^:|\n]{0,40})?|don'?t\s+miss"
    r"|most\s+read|top\s+stories|editor'?s\s+picks?)\s*(?:[:|>\u2013\u2014\u00bb]|$)"
    r"|(?:sign\s+up\s+(?:for|to\s+our)|subscribe\s+(?:to|for)\s+our|follow\s+us|get\s+our"
    r"|join\s+our)\b)",
    re.IGNORECASE,
)
PROMO_WORDS = 30  # a longer paragraph is story, whatever it starts with


def is_promo(text: str, link_text: str = "") -> bool:
    """Whether a paragraph promotes something else instead of telling the story.

    Sites rotate such lines on every request, so they must stay out of what is read and compared:
    a short paragraph led by a promo label, or one whose letters are mostly link text.
    """
    if not text.strip() or len(text.split()) > PROMO_WORDS:
        return False
    if _PROMO_LABEL.match(text):
        return True
    letters = len(_NOT_LOOSE.sub("", text))
    return letters > 0 and len(_NOT_LOOSE.sub("", link_text)) >= 0.8 * letters
