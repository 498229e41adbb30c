"""The word diff: precise on real edits, bounded on hostile pages (one word repeated)."""

from __future__ import annotations

import time
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import diff
from reader.core.changes import classify
from reader.core.diff import diff_texts

STORY = [
    "The harbour council met on Tuesday to discuss the new lighthouse.",
    "Councillor Ada Quill said the keeper would stay on until the spring.",
    "Work on the pier starts next month, weather permitting.",
]


def timed(old: str, new: str) -> tuple[diff.Diff, float]:
    start = time.perf_counter()
    result = diff_texts("T", old, "T", new)
    return result, time.perf_counter() - start


def test_small_edits_keep_word_precision() -> None:
    edited = [STORY[0], STORY[1].replace("spring", "summer"), STORY[2]]
    d = diff_texts("T", "\n\n".join(STORY), "T", "\n\n".join(edited))
    assert (d.added, d.removed) == (["summer."], ["spring."])
    assert (d.words_added, d.words_removed) == (1, 1)
    added = diff_texts("T", "\n\n".join(STORY), "T", "\n\n".join([*STORY, "More to follow."]))
    assert (added.added, added.removed) == (["More to follow."], [])
    assert classify("T", "\n\n".join(STORY), "T", "\n\n".join([*STORY, "More."])) == "update"
    assert classify("T", "\n\n".join(STORY), "T", "\n\n".join(edited)) == "edit"


def test_unchanged_paragraphs_print_as_before() -> None:
    """However the chunks are grouped, the text they spell is the new version."""
    edited = [STORY[0], STORY[1].replace("Ada", "Ida"), STORY[2]]
    d = diff_texts("T", "\n\n".join(STORY), "T", "\n\n".join(edited))
    spelled = " ".join(c.text for c in d.chunks if c.op != "-").replace(" \n\n ", "\n\n")
    assert spelled == "\n\n".join(edited)


def test_one_word_changed_in_a_page_of_one_repeated_word() -> None:
    # 40 KB took 8 s and 80 KB 32 s before the work was bounded; now each takes milliseconds.
    for size in (40_000, 80_000):
        words = ["word"] * (size // 5)
        changed = list(words)
        changed[len(words) // 3] = "other"
        d, seconds = timed(" ".join(words), " ".join(changed))
        assert (d.added, d.removed) == (["other"], ["word"])
        assert seconds < 1.0


def test_a_five_megabyte_page_finishes_quickly() -> None:
    """The page-size cap is 5 MiB: a page that size with one word changed is still precise,
    and one changed at both ends falls back to showing the whole differing middle."""
    words = ["word"] * 1_000_000
    changed = list(words)
    changed[500_000] = "other"
    d, seconds = timed(" ".join(words), " ".join(changed))
    assert (d.added, d.removed) == (["other"], ["word"])
    assert seconds < 10  # about 1 s here; it never finished before
    both_ends = list(words)
    both_ends[0], both_ends[-1] = "first", "last"
    d, seconds = timed(" ".join(words), " ".join(both_ends))
    assert d.removed == [" ".join(words)] and d.added == [" ".join(both_ends)]
    assert seconds < 10


def test_too_many_paragraphs_are_shown_whole() -> None:
    paragraphs = ["word"] * 200_000
    changed = ["first", *paragraphs[1:-1], "last"]
    d, seconds = timed("\n\n".join(paragraphs), "\n\n".join(changed))
    assert d.removed == ["\n\n".join(paragraphs)] and d.added == ["\n\n".join(changed)]
    assert d.words_added == d.words_removed == 200_000
    assert seconds < 5  # about 0.2 s here


def test_past_the_budget_the_changed_middle_is_shown_whole() -> None:
    words = ["word"] * 20_000
    changed = list(words)
    changed[10], changed[-10] = "x", "y"
    d, seconds = timed("intro\n\n" + " ".join(words), "intro\n\n" + " ".join(changed))
    assert d.chunks[0] == diff.Chunk("=", "intro")
    assert d.words_removed == d.words_added == 20_000 - 20 + 1
    assert d.added[0].startswith("x word") and d.added[0].endswith("word y")
    assert seconds < 2  # about 0.02 s here


vocabulary = st.sampled_from(["a", "b", "c", "the", "keeper", "x"])
texts = st.lists(
    st.lists(vocabulary, min_size=1, max_size=12).map(" ".join), min_size=0, max_size=8
).map("\n\n".join)


@settings(max_examples=300, deadline=None)
@given(old=texts, new=texts, budget=st.sampled_from([0, 10, 100, 10_000_000]))
def test_any_budget_gives_a_true_diff(old: str, new: str, budget: int) -> None:
    """Unchanged and removed runs spell the old text, unchanged and added ones the new text,
    with a generous budget or none at all."""
    with mock.patch.object(diff, "WORK_LIMIT", budget):
        d = diff_texts("T", old, "T", new)
    before = " ".join(c.text for c in d.chunks if c.op != "+")
    after = " ".join(c.text for c in d.chunks if c.op != "-")
    assert before.split() == old.split()
    assert after.split() == new.split()
