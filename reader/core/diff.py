"""What changed between two versions of a story: paragraph-aligned, word-level, classified.

Paragraphs are aligned first (so a paragraph added at the end is one insertion, not a cascade of
word changes), then paragraphs that were replaced are compared word by word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from reader.core.text import normalize_text

CORRECTION = re.compile(
    r"\b(correction\s*:|an earlier version of this (article|story)|this (article|story) has"
    r" been corrected|we (have )?corrected)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of words: "=" unchanged, "+" inserted, "-" deleted; "\n\n" separates paragraphs."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class Diff:
    title_before: str
    title_after: str
    chunks: tuple[Chunk, ...]

    @property
    def added(self) -> list[str]:
        return [c.text.strip() for c in self.chunks if c.op == "+" and c.text.strip()]

    @property
    def removed(self) -> list[str]:
        return [c.text.strip() for c in self.chunks if c.op == "-" and c.text.strip()]

    @property
    def words_added(self) -> int:
        return sum(len(text.split()) for text in self.added)

    @property
    def words_removed(self) -> int:
        return sum(len(text.split()) for text in self.removed)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _words(old: str, new: str) -> list[Chunk]:
    a, b = old.split(), new.split()
    chunks: list[Chunk] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            chunks.append(Chunk("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("-", " ".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("+", " ".join(b[j1:j2])))
    return chunks


def diff_texts(title_before: str, text_before: str, title_after: str, text_after: str) -> Diff:
    old, new = _paragraphs(text_before), _paragraphs(text_after)
    keys_old = [normalize_text(p) for p in old]
    keys_new = [normalize_text(p) for p in new]
    chunks: list[Chunk] = []

    def paragraph(parts: list[Chunk]) -> None:
        if chunks:
            chunks.append(Chunk("=", "\n\n"))
        chunks.extend(parts)

    matcher = SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for text in new[j1:j2]:
                paragraph([Chunk("=", text)])
        elif op == "delete":
            for text in old[i1:i2]:
                paragraph([Chunk("-", text)])
        elif op == "insert":
            for text in new[j1:j2]:
                paragraph([Chunk("+", text)])
        else:  # replaced paragraphs: pair them up and compare word by word
            pairs = max(i2 - i1, j2 - j1)
            for k in range(pairs):
                before = old[i1 + k] if i1 + k < i2 else ""
                after = new[j1 + k] if j1 + k < j2 else ""
                paragraph(_words(before, after))
    return Diff(title_before, title_after, tuple(chunks))


def classify(title_before: str, text_before: str, title_after: str, text_after: str) -> str:
    """headline, correction, update (paragraphs added) or edit (words changed)."""
    if normalize_text(title_before) != normalize_text(title_after):
        return "headline"
    if CORRECTION.search(text_after) and not CORRECTION.search(text_before):
        return "correction"
    old = {normalize_text(p) for p in _paragraphs(text_before)}
    new = [normalize_text(p) for p in _paragraphs(text_after)]
    if old and old <= set(new) and len(new) > len(old):
        return "update"
    return "edit"
