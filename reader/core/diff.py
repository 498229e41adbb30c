"""What changed between two versions of a story: paragraph-aligned, then word-level.

Paragraphs are aligned first (so a paragraph added at the end is one insertion, not a cascade of
word changes), then paragraphs that were replaced are compared word by word.

difflib's matcher is quadratic on repetitive input (a page of one word repeated thousands of
times), so every diff gets a fixed budget of comparisons. Past it, what is left is shown whole:
the differing part of a paragraph, or of the page, as removed and then added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from reader.core.text import normalize_text, paragraphs

# Comparisons one diff may make: about 0.3 s on the worst (repetitive) input. A 4,000-word story
# edited in every paragraph costs 15,000; the same story as one paragraph about 1,000,000.
WORK_LIMIT = 2_000_000
# Paragraphs aligned on each side (a real story has a few hundred); past it the differing middle
# of the page is shown whole.
MAX_PARAGRAPHS = 5_000

Opcode = tuple[str, int, int, int, int]


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


class _Budget:
    """The comparisons left for one diff."""

    def __init__(self, total: int) -> None:
        self.left = total

    def spend(self, cost: int) -> bool:
        if cost > self.left:
            self.left = 0  # once short, stay short: the rest is shown whole
            return False
        self.left -= cost
        return True


def _opcodes(a: Sequence[str], b: Sequence[str], budget: _Budget) -> list[Opcode]:
    """difflib's opcodes from ``a`` to ``b``, within ``budget``.

    The common start and end are matched first, in linear time. The middle goes to
    SequenceMatcher one longest-match search at a time, each charged beforehand with the most
    comparisons it can make (for every element of ``a`` searched, its occurrences in ``b``). If
    the budget runs out, the middle is one deletion followed by one insertion.
    """
    head, tail = _common_ends(a, b)
    a_end, b_end = len(a) - tail, len(b) - tail
    middle = _middle_blocks(a[head:a_end], b[head:b_end], budget)
    if middle is None:
        gaps = [("delete", head, a_end, head, head), ("insert", a_end, a_end, head, b_end)]
        ops = [("equal", 0, head, 0, head), *gaps, ("equal", a_end, len(a), b_end, len(b))]
        return [op for op in ops if op[2] > op[1] or op[4] > op[3]]
    blocks = sorted([(0, 0, head), *((i + head, j + head, n) for i, j, n in middle)])
    ops = []
    i = j = 0
    for block_i, block_j, size in [*blocks, (a_end, b_end, tail), (len(a), len(b), 0)]:
        if i < block_i or j < block_j:
            tag = (
                "replace" if i < block_i and j < block_j else "delete" if i < block_i else "insert"
            )
            ops.append((tag, i, block_i, j, block_j))
        if size and ops and ops[-1][0] == "equal" and ops[-1][2] == block_i:  # adjacent: merge
            ops[-1] = ("equal", ops[-1][1], block_i + size, ops[-1][3], block_j + size)
        elif size:
            ops.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return ops


def _middle_blocks(
    a: Sequence[str], b: Sequence[str], budget: _Budget
) -> list[tuple[int, int, int]] | None:
    """SequenceMatcher's matching blocks (as get_matching_blocks finds them), or None if the
    search would cost more than the budget allows."""
    if not a or not b:
        return []
    if not budget.spend(len(a) + len(b)):
        return None
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    in_b = Counter(b)
    blocks = []
    queue = [(0, len(a), 0, len(b))]
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        # find_longest_match walks every occurrence in b of each a[i] searched, in or out of range
        if not budget.spend(ahi - alo + sum(in_b[word] for word in a[alo:ahi])):
            return None
        i, j, size = matcher.find_longest_match(alo, ahi, blo, bhi)
        if size:
            blocks.append((i, j, size))
            if alo < i and blo < j:
                queue.append((alo, i, blo, j))
            if i + size < ahi and j + size < bhi:
                queue.append((i + size, ahi, j + size, bhi))
    return blocks


def _common_ends(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """How many elements ``a`` and ``b`` share at their start, and then at their end."""
    head, shortest = 0, min(len(a), len(b))
    while head < shortest and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shortest - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _words(old: str, new: str, budget: _Budget) -> list[Chunk]:
    a, b = old.split(), new.split()
    chunks: list[Chunk] = []
    for op, i1, i2, j1, j2 in _opcodes(a, b, budget):
        if op == "equal":
            chunks.append(Chunk("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("-", " ".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("+", " ".join(b[j1:j2])))
    return chunks


class _Chunks:
    """The chunks of a diff, paragraph by paragraph; a run of unchanged paragraphs is one chunk."""

    def __init__(self) -> None:
        self.chunks: list[Chunk] = []
        self._same: list[str] = []

    def same(self, paragraphs: Sequence[str]) -> None:
        self._same.extend(paragraphs)

    def changed(self, parts: list[Chunk]) -> None:
        self._flush()
        if self.chunks:
            self.chunks.append(Chunk("=", "\n\n"))
        self.chunks.extend(parts)

    def _flush(self) -> None:
        if self._same:
            same, self._same = "\n\n".join(self._same), []
            self.changed([Chunk("=", same)])

    def done(self) -> tuple[Chunk, ...]:
        self._flush()
        return tuple(self.chunks)


def diff_texts(title_before: str, text_before: str, title_after: str, text_after: str) -> Diff:
    old, new = paragraphs(text_before), paragraphs(text_after)
    head, tail = _common_ends(old, new)
    old_mid, new_mid = old[head : len(old) - tail], new[head : len(new) - tail]
    out = _Chunks()
    out.same(new[:head])
    if max(len(old_mid), len(new_mid)) > MAX_PARAGRAPHS:  # too many to align: shown whole
        if old_mid:
            out.changed([Chunk("-", "\n\n".join(old_mid))])
        if new_mid:
            out.changed([Chunk("+", "\n\n".join(new_mid))])
        out.same(new[len(new) - tail :])
        return Diff(title_before, title_after, out.done())
    budget = _Budget(WORK_LIMIT)
    keys_old = [normalize_text(p) for p in old_mid]
    keys_new = [normalize_text(p) for p in new_mid]
    for op, i1, i2, j1, j2 in _opcodes(keys_old, keys_new, budget):
        if op == "equal":
            out.same(new_mid[j1:j2])
        elif op == "delete":
            for text in old_mid[i1:i2]:
                out.changed([Chunk("-", text)])
        elif op == "insert":
            for text in new_mid[j1:j2]:
                out.changed([Chunk("+", text)])
        else:  # replaced paragraphs: pair them up and compare word by word
            for k in range(max(i2 - i1, j2 - j1)):
                before = old_mid[i1 + k] if i1 + k < i2 else ""
                after = new_mid[j1 + k] if j1 + k < j2 else ""
                out.changed(_words(before, after, budget))
    out.same(new[len(new) - tail :])
    return Diff(title_before, title_after, out.done())
