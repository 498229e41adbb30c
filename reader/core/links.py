"""A story's links kept as numbered references: ``text [1]`` in the text, ``[1] text  url`` in a
list after it.

Story text is stored as Markdown (trafilatura's for pages, ours for the feed's HTML) with inline
links and images. For reading in a terminal each link becomes its text followed by a number, an
image becomes ``[image: alt]`` with a number, and the addresses go to a list at the end. Only web
addresses are numbered (relative ones made absolute against the story's URL): a ``javascript:``,
``data:`` or ``mailto:`` link keeps its text and loses its target. The plain text that diffs and
search compare is never made from this; it is only what is shown and saved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import urljoin

from reader.core.models import Enclosure
from reader.core.safety import display_url, is_safe_url

# [text](target) or ![alt](target); the text may hold one level of brackets (an image inside a
# link), the target may be <...> or hold balanced parentheses, and may be followed by a title.
# Every alternative starts with a different character, so a failed match never backtracks far.
_TEXT = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
_TARGET = r"<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*"
_LINK = re.compile(rf"(!?)\[({_TEXT})\]\(\s*({_TARGET})(?:\s+\"[^\"\n]*\")?\s*\)", re.DOTALL)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_EMPHASIS = re.compile(r"(?<!\\)(?:\*\*|__|\*(?! ))")
_HEADING = re.compile(r"^#{1,6} +", re.MULTILINE)
# Lines that start a block of their own (a list item, a quote, a table row, a heading, code),
# and those that end one: a line break between others is inside a paragraph.
_STARTS_BLOCK = re.compile(r"[ \t]*(?:[-*+] |\d+[.)] |[|>#`])")
_ENDS_BLOCK = re.compile(r"[ \t]*[|#`]")
_REF = re.compile(r" ?\\\[\d+\\\]")  # a reference made here: " \[2\]"
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
TEXT_LIMIT = 200  # characters of a link's text in the list


class Link(NamedTuple):
    """One numbered link: its plain text (for an image, ``image: alt``) and absolute URL."""

    n: int
    text: str
    url: str


class Linked(NamedTuple):
    """A story's Markdown with references in place of links, and the links they number."""

    markdown: str
    links: tuple[Link, ...]


def escape(text: str) -> str:
    """``text`` as literal Markdown: nothing in it becomes markup."""
    return _SPECIAL.sub(r"\\\1", text)


def plain(markdown: str) -> str:
    """Markdown read as plain text: emphasis and heading marks gone, escapes undone, each
    paragraph on one line."""
    paragraphs: list[list[str]] = []
    previous = ""
    for line in markdown.split("\n"):
        if (
            paragraphs
            and previous.strip()
            and line.strip()
            and not _STARTS_BLOCK.match(line)
            and not _ENDS_BLOCK.match(previous)
        ):
            paragraphs[-1].append(line.strip())
        else:
            paragraphs.append([line.rstrip()])
        previous = line
    lines = (" ".join(parts) for parts in paragraphs)
    text = _HEADING.sub("", "\n".join(lines))
    return _ESCAPED.sub(r"\1", _EMPHASIS.sub("", text))


def _one_line(markdown: str) -> str:
    text = " ".join(plain(markdown).split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def web_address(target: str, base: str | None) -> str | None:
    """``target`` made absolute against ``base``, if it is a web address; else None."""
    target = target.strip().removeprefix("<").removesuffix(">").strip()
    url = urljoin(base or "", _ESCAPED.sub(r"\1", target)) if target else ""
    return url if is_safe_url(url) else None


def number_links(markdown: str, base: str | None) -> Linked:
    """Replace each link of ``markdown`` by its text and ``[n]``, each image by
    ``[image: alt] [n]``; the same address keeps its first number."""
    numbers: dict[str, int] = {}
    links: list[Link] = []

    def number(url: str, text: str) -> int:
        if url not in numbers:
            numbers[url] = len(links) + 1
            links.append(Link(numbers[url], text, url))
        return numbers[url]

    def replace(match: re.Match[str]) -> str:
        image, inner, target = match[1], match[2], match[3]
        url = web_address(target, base)
        if image:
            alt = _one_line(inner)
            placeholder = escape(f"[image: {alt}]" if alt else "[image]")
            if url is None:
                return placeholder
            return f"{placeholder} \\[{number(url, f'image: {alt}' if alt else 'image')}\\]"
        text = _LINK.sub(replace, inner)  # an image inside the link comes first
        if url is None:
            return text
        n = number(url, _one_line(_REF.sub("", text)) or url)
        return f"{text} \\[{n}\\]" if text.strip() else f"\\[{n}\\]"

    return Linked(_LINK.sub(replace, markdown), tuple(links))


def size(length: int | None) -> str:
    """A file size for people: 12.3 MB."""
    if length is None:
        return "size unknown"
    amount = float(length)
    for unit in ("bytes", "kB", "MB", "GB"):
        if amount < 1000 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1000
    raise AssertionError  # the loop always returns


def link_lines(links: Sequence[Link]) -> list[str]:
    """The link list as plain lines: ``[n] text  url`` (never with a password)."""
    return [f"[{link.n}] {link.text}  {display_url(link.url)}" for link in links]


def file_lines(enclosures: Sequence[Enclosure]) -> list[str]:
    """The story's files as plain lines: ``url  (type, size)``."""
    return [f"{display_url(e.url)}  ({e.type or 'file'}, {size(e.length)})" for e in enclosures]


def sections(links: Sequence[Link], enclosures: Sequence[Enclosure]) -> str:
    """The "Links" and "Files" sections that follow a story, as Markdown (text and addresses
    escaped, one entry a line)."""
    parts = []
    for heading, lines in (("Links", link_lines(links)), ("Files", file_lines(enclosures))):
        if lines:
            parts.append(f"**{heading}**\n\n" + "\\\n".join(escape(line) for line in lines))
    return "\n\n".join(parts)


def story_markdown(markdown: str, base: str | None, enclosures: Sequence[Enclosure]) -> str:
    """A story's Markdown as shown: references in the text, then its links and files."""
    linked = number_links(markdown, base)
    after = sections(linked.links, enclosures)
    return "\n\n".join(part for part in (linked.markdown, after) if part)
