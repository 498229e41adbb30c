"""HTML to text, normalisation and fingerprints: what counts as a real change."""

from __future__ import annotations

import time

import pytest

from reader.core.text import fingerprints, html_to_text, is_promo, normalize_text


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


@pytest.mark.parametrize("unit", ["<a ", "<!x", '<a "', "<a '>", "<!--", "<script>"])
def test_html_to_text_is_linear_on_unclosed_tags(unit: str) -> None:
    """A hostile summary of 200 kB of unclosed tags must not take quadratic time."""
    start = time.perf_counter()
    html_to_text(unit * (200_000 // len(unit)) + "<p>end</p>")
    assert time.perf_counter() - start < 2  # quadratic scanning takes minutes here


@pytest.mark.parametrize("space", ["\u2028", "\u1680", "\x1c", "\x85"])
def test_normalize_text_is_linear_on_any_white_space(space: str) -> None:
    """A run of white space the paragraph rule did not collapse made the relative-time rule
    backtrack from every position: 10,000 of U+2028 took 22 s."""
    start = time.perf_counter()
    assert normalize_text("a day" + space * 200_000 + "later") == "a day later"
    assert time.perf_counter() - start < 2


def test_html_to_text_quoted_attributes() -> None:
    html = "<p><a title='x>y' href=/a>link</a> and <img alt=\"a>b\"> <b>bold</b></p>"
    assert html_to_text(html) == "link and bold"


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


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Hello <b>world</b>, <a href='/x'>link</a>.", "Hello world, link."),
        (
            "<ul><li><p>one</p></li><li></li><li>two</li></ul><p>after</p>",
            "- one\n\n- two\n\nafter",
        ),
        ("<ol><li>first<li>second</ol>", "- first\n\n- second"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>", "a b\n\nc"),
        ("<html><head><title>Page</title><body><p>Body text", "Body text"),
        ("<p>x<script>if (a<b) {}</script>y<noscript>n</noscript><template>t</template></p>", "xy"),
        (
            "<style>p { color: red }</style><h1>Head</h1>line one<br/>line two",
            "Head\n\nline one\n\nline two",
        ),
        (
            "<blockquote>quoted</blockquote><pre>code   kept\nsimple</pre>",
            "quoted\n\ncode kept simple",
        ),
        ("caf&eacute; &amp; &#8220;bar&#8221; &nbsp;x", "café & “bar” x"),
        ("<div>\n\n  <p>  spaced   out  </p>\n\n</div>", "spaced out"),
    ],
)
def test_html_to_text_cases(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_html_to_text_fast_path_and_empty() -> None:
    assert html_to_text("") == ""
    assert html_to_text("a < b") == "a < b"
    assert html_to_text("\n\n  one  \n two\n\n\n") == "one two"


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Updated 5 minutes ago\n\nThe mayor spoke.", "The mayor spoke."),
        ("The mayor spoke. Last updated 12 minutes ago.", "The mayor spoke."),
        ("Fire crews arrived 3 hours ago at the scene.", "Fire crews arrived at the scene."),
        ("Posted just now", ""),
        ("Story text. UPDATED YESTERDAY", "Story text."),
        ("Story — updated 2h ago", "Story"),
        ("an hour ago · Story", "Story"),
        ("She left yesterday.", "She left yesterday."),  # content, not a timestamp
        (
            "\u201cQuote\u201d \u2018it\u2019s\u2019 a\u2013b c\u2014d \u22121 \u2012",
            "\"Quote\" 'it's' a-b c-d -1 -",
        ),
        ("soft\u00adhyphen zero\u200bwidth \ufb01ne", "softhyphen zerowidth fine"),
        ("One\n\n\n\n\n   \n\nTwo", "One\n\nTwo"),
    ],
)
def test_normalize_text(text: str, normal: str) -> None:
    assert normalize_text(text) == normal


def test_fingerprint_shape() -> None:
    exact, loose = fingerprints("Title", "Body")
    assert len(exact) == len(loose) == 32 and int(exact, 16) >= 0 and int(loose, 16) >= 0
    assert fingerprints("Title", "Body") == (exact, loose)
    # the title and the text are kept apart
    assert fingerprints("AB", "C")[0] != fingerprints("A", "BC")[0]


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("READ MORE: Mayor quits over harbour deal", "Mayor quits over harbour deal"),
        ("► Read more: Mayor quits over harbour deal", ""),
        ("Related: Islands vote on bridge plan", ""),
        ("Related stories", ""),
        ("More on this story:", ""),
        ("Watch: the moment the crane fell", ""),
        ("Listen | Our harbour podcast", ""),
        ("Sign up for our newsletter", ""),
        ("Follow us on Mastodon", ""),
        ("Islands vote on bridge plan", "Islands vote on bridge plan"),
    ],
)
def test_promos(text: str, links: str) -> None:
    assert is_promo(text, links)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("He declined to comment.", ""),
        ("No.", ""),
        ("See the table below: prices rose in every district.", ""),
        ("Moreover: the council has not voted.", ""),
        ("Subscribers complained about the delay.", ""),
        ("Subscribe to continue reading. Already a subscriber? Sign in.", ""),
        ("Sign in to read the rest of this story", ""),
        ("The mayor, the report says, will not resign before the vote.", "the report"),
        ("Read more: " + "the council said it would review the plan again in spring " * 3, ""),
        ("", ""),
    ],
)
def test_story_paragraphs_are_not_promos(text: str, links: str) -> None:
    assert not is_promo(text, links)
