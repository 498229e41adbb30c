"""HTML to text, normalisation and fingerprints: what counts as a real change."""

from __future__ import annotations

import pytest

from reader.core.text import fingerprints, html_to_text, normalize_text


def test_html_to_text_blocks_lists_and_scripts() -> None:
    html = (
        "<h2>Title</h2><p>Hello <b>world</b> &amp; all</p><ul><li>one</li><li>two</li></ul>"
        "<script>alert(1)</script><style>p{}</style><p>line<br>break</p>"
    )
    assert html_to_text(html) == "Title\n\nHello world & all\n\n- one\n\n- two\n\nline\n\nbreak"


@pytest.mark.parametrize(
    "broken",
    ["<p>unclosed <b>bold", "<<<>>>", "<div><p>a</div></p>", "&#xffffffff; &bogus;", "<!--"],
)
def test_html_to_text_never_raises(broken: str) -> None:
    assert isinstance(html_to_text(broken), str)


def test_plain_text_is_tidied() -> None:
    assert html_to_text("  two   spaces\n\n\n\nnext ") == "two spaces\n\nnext"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('He said "no" -- twice.', "He  said “no” — twice."),
        ("co-operate", "co\u00adoperate"),
        ("The mayor spoke.", "Updated 5 minutes ago\n\nThe mayor spoke."),
        ("The mayor spoke.", "The mayor spoke. Last updated 12 minutes ago."),
        ("The mayor spoke.", "Posted 3 hours ago · The mayor spoke."),
        ("Café", "Cafe\u0301"),  # composed vs decomposed
        ("Fire crews arrived", "Fire  crews\narrived"),
    ],
)
def test_cosmetic_variants_share_the_loose_fingerprint(before: str, after: str) -> None:
    assert fingerprints("T", before)[1] == fingerprints("T", after)[1]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("At least three fire crews", "At least five fire crews"),
        ("Sales were 48 million", "Sales were 84 million"),
        ("One paragraph.", "One paragraph.\n\nUpdate: a second one."),
    ],
)
def test_real_edits_change_both_fingerprints(before: str, after: str) -> None:
    a, b = fingerprints("T", before), fingerprints("T", after)
    assert a[0] != b[0] and a[1] != b[1]


def test_title_counts_and_exact_differs_for_punctuation() -> None:
    assert fingerprints("Old", "x")[1] != fingerprints("New", "x")[1]
    assert fingerprints("T", "a, b")[0] != fingerprints("T", "a; b")[0]
    assert fingerprints("T", "a, b")[1] == fingerprints("T", "a; b")[1]


def test_normalize_keeps_paragraphs() -> None:
    assert normalize_text("One\n\n\n  Two  three ") == "One\n\nTwo three"
