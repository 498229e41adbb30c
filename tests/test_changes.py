"""The change rules of both tiers, called with values: no database, no network."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import run
from reader.config import load_config
from reader.core.changes import (
    BASELINE,
    SAME,
    classify,
    default_pair,
    feed_change,
    is_cut,
    is_wall,
    page_change,
    page_removed,
)
from reader.core.models import Decision, PageVersion, ParsedEntry, ParsedFeed, StoryState, Version
from reader.core.store import Store
from reader.core.text import fingerprints

STORY = [
    "The harbour board met on Tuesday to decide the future of the old lighthouse on the point.",
    "Members heard from engineers who said the tower needs urgent repairs to its foundations.",
    "A decision on funding is expected later this month after a public consultation.",
]
TEXT = "\n\n".join(STORY)
TITLE = "Lighthouse future in doubt"


def state(title: str, text: str) -> StoryState:
    return StoryState(title, text, fingerprints(title, text)[1])


def page(
    seq: int,
    title: str = TITLE,
    text: str = TEXT,
    *,
    extractor: str = "trafilatura 2.0",
    byline: str | None = "Ada Quill",
    canonical_url: str | None = "https://example.org/lighthouse",
    kind: str | None = None,
) -> PageVersion:
    return PageVersion(seq, title, text, "", extractor, None, None, byline, canonical_url, kind)


def check(
    earlier: list[PageVersion],
    title: str = TITLE,
    text: str = TEXT,
    *,
    byline: str | None = "Ada Quill",
    canonical_url: str | None = "https://example.org/lighthouse",
    extractor: str = "trafilatura 2.0",
    ignore: list[re.Pattern[str]] | None = None,
) -> Decision:
    """A page just extracted, by default the same story as page() holds."""
    return page_change(
        earlier,
        title=title,
        text=text,
        byline=byline,
        canonical_url=canonical_url,
        extractor=extractor,
        ignore=ignore or [],
    )


def test_feed_tier() -> None:
    stored = state(TITLE, TEXT)
    assert feed_change(stored, state(TITLE, TEXT.replace(" ", "  ")), set()) == SAME
    assert feed_change(stored, state(TITLE, TEXT.replace("the old", "the “old”")), set()) == SAME
    saved = state("Lighthouse saved", TEXT)
    assert feed_change(stored, saved, set()) == Decision(True, "headline")
    assert feed_change(stored, saved, {saved.loose}) == BASELINE  # a flip-flop: unflagged


def test_first_look_and_cosmetic_page_changes() -> None:
    assert check([]) == BASELINE
    assert check([page(2)], text=TEXT.replace("the old", "the ‘old’")) == SAME
    assert check([page(2)], text="Updated 5 minutes ago\n\n" + TEXT) == SAME


def test_page_kinds() -> None:
    assert check([page(2)], title="Lighthouse saved") == Decision(True, "headline")
    fix = "Correction: An earlier version of this article misstated the day."
    assert check([page(2)], text=TEXT + "\n\n" + fix) == Decision(True, "correction")
    assert check([page(2)], text=TEXT + "\n\nThe board voted.") == Decision(True, "update")
    assert check([page(2)], text=TEXT.replace("Tuesday", "Monday")) == Decision(True, "edit")
    assert check([page(2)], text=STORY[0]) == Decision(True, "cut")  # however short
    assert check([page(2)], text=TEXT.replace(" urgent", "")) == Decision(True, "cut")


def test_a_revert_is_news_once() -> None:
    edited = TEXT.replace("Tuesday", "Monday")
    assert check([page(3, text=edited), page(2)]) == Decision(True, "revert")
    reverted = [page(4, kind="revert"), page(3, text=edited, kind="edit"), page(2)]
    assert check(reverted, text=edited) == SAME  # a flip-flop after the revert
    assert check(reverted) == SAME  # the current state


def test_pages_that_are_not_news() -> None:
    edited = TEXT.replace("Tuesday", "Monday")
    assert check([page(2)], text=edited, extractor="trafilatura 2.1") == BASELINE
    assert check([page(2)], byline=None) == SAME  # the extractor missed the byline once
    assert not page_removed(500) and not page_removed(None)
    assert page_removed(404) and page_removed(410)


def test_byline_and_canonical_url_are_news() -> None:
    assert check([page(2)], byline="Ben Ortiz") == Decision(True, "edit")
    assert check([page(2)], canonical_url="https://example.org/other") == Decision(True, "edit")


def test_ignore_rules() -> None:
    counted = [page(2, text=TEXT + "\n\nVisitors today: 14")]
    rules = [re.compile(r"Visitors today: \d+")]
    assert check(counted, text=TEXT + "\n\nVisitors today: 15", ignore=rules) == SAME
    assert check(counted, text=TEXT + "\n\nVisitors today: 15") == Decision(True, "edit")


def test_walls_are_not_versions() -> None:
    walls = [
        "Subscribe to continue reading. Already a subscriber? Sign in.",
        "We value your privacy. Accept all cookies to continue to the site.",
        "Page not found. The page you were looking for does not exist.",
        STORY[0] + "\n\nSubscribe now to keep reading this story and all our journalism.",
        "Oops.",  # hardly any text, none of it the story's
    ]
    for wall in walls:
        assert check([page(2)], title="Harbour Times", text=wall) == SAME, wall
    # A wall phrase in a story that keeps most of its text is an ordinary change.
    quoted = TEXT + "\n\nThe board's site said: page not found."
    assert check([page(2)], text=quoted) == Decision(True, "update")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([*STORY, "Extra words about the pier."]), min_size=1))
def test_a_cut_is_never_a_wall(kept: list[str]) -> None:
    before = "\n\n".join(dict.fromkeys([*STORY, *kept]))
    after = "\n\n".join(dict.fromkeys(kept))
    shorter = len(after.split()) < len(before.split())
    assert is_cut(before, after) == shorter
    assert not is_wall(before, after)


def test_classify() -> None:
    assert classify("T", "a\n\nb", "T", "a\n\nb\n\nc") == "update"
    assert classify("T", "a b", "T", "a c") == "edit"
    assert classify("T", "a", "T2", "a") == "headline"


def version(seq: int, source: str) -> Version:
    return Version(seq, seq, source, None, "T", "text")


def test_default_pair() -> None:
    mixed = [version(1, "feed"), version(2, "page"), version(3, "page"), version(4, "feed")]
    assert default_pair(mixed) == (1, 4)  # the latest against the previous of its source
    assert default_pair(mixed, to=3) == (2, 3)
    assert default_pair(mixed, to=2) == (2, 2)  # nothing earlier from the page: nothing to show
    assert default_pair(mixed, read=3) == (1, 4)  # the last feed version read, not a page
    assert default_pair(mixed, to=3, read=2) == (2, 3)  # the page version read
    pages = [version(n, "page") for n in range(1, 6)]
    assert default_pair(pages, read=3) == (3, 5)  # from the version read
    assert default_pair(mixed, read=4) == (1, 4)  # read at the latest: nothing to start from
    assert default_pair(mixed, to=1) == (1, 1)
    assert default_pair([version(1, "feed")]) == (1, 1)


@settings(max_examples=200, deadline=None)
@given(sources=st.lists(st.sampled_from(["feed", "page"]), min_size=1, max_size=8), data=st.data())
def test_default_pair_compares_neighbours_of_one_source(
    sources: list[str], data: st.DataObject
) -> None:
    versions = [version(n, source) for n, source in enumerate(sources, start=1)]
    to = data.draw(st.sampled_from([None, *range(1, len(versions) + 1)]))
    read = data.draw(st.sampled_from([None, *range(1, len(versions) + 1)]))
    start, end = default_pair(versions, to=to, read=read)
    assert end == (to or len(versions)) and 1 <= start <= end
    assert versions[start - 1].source == versions[end - 1].source  # never a teaser and a page
    same = [v.seq for v in versions if v.source == sources[end - 1] and v.seq < end]
    seen = [seq for seq in same if read is not None and seq <= read]
    assert start == max(seen or same, default=end)


def test_the_cli_and_the_tui_open_the_same_diff(home: Path) -> None:
    """A feed change after two page versions: both start from the latest version and the
    previous one of the same source (the TUI used to show the latest page change)."""
    from reader.ui.screens.diff import DiffScreen

    store = Store(load_config(home).db_path)
    try:
        feed, _ = store.add_feed("http://127.0.0.1:9/feed.xml")
        entry = ParsedEntry("s1", "http://127.0.0.1:9/s1", TITLE, None, 1, None, "Teaser.", None)
        parsed = ParsedFeed("Harbour", None, None, (entry,))
        store.apply_feed(feed.id, parsed, judge=feed_change, now=1, next_check_at=0)
        [article] = store.articles()
        for seq, text in ((2, TEXT), (3, TEXT + "\n\nThe board voted.")):
            store.add_page_version(
                article.id,
                title=TITLE,
                byline=None,
                text=text,
                markdown=text,
                extractor="x",
                etag=None,
                last_modified=None,
                now=seq,
                kind="update" if seq == 3 else None,
            )
        headline = parsed._replace(entries=(entry._replace(title="Lighthouse saved"),))
        store.apply_feed(feed.id, headline, judge=feed_change, now=4, next_check_at=0)
        versions = store.versions(article.id)
        assert [(v.seq, v.source) for v in versions] == [
            (1, "feed"),
            (2, "page"),
            (3, "page"),
            (4, "feed"),
        ]
        screen = DiffScreen(article.title, versions, store.read_version(article.id))
    finally:
        store.close()
    assert (screen.base, screen.target) == (1, 4) == cli_pair(home, article.id)
    assert cli_pair(home, article.id, "--to", "1") == (1, 1)  # nothing earlier: nothing shown


def cli_pair(home: Path, article_id: int, *args: str) -> tuple[int, int]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), "diff", str(article_id), "--json", *args]) == 0
    shown = json.loads(out.getvalue())
    return shown["from"], shown["to"]


def test_a_story_that_never_changed_has_nothing_to_compare(home: Path) -> None:
    """The contract: nothing to compare gives empty lists (not an error)."""
    store = Store(load_config(home).db_path)
    try:
        feed, _ = store.add_feed("http://127.0.0.1:9/feed.xml")
        entry = ParsedEntry("s1", None, TITLE, None, 1, None, "Teaser.", None)
        parsed = ParsedFeed("Harbour", None, None, (entry,))
        store.apply_feed(feed.id, parsed, judge=feed_change, now=1, next_check_at=0)
        [article] = store.articles()
    finally:
        store.close()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), "diff", str(article.id), "--json"]) == 0
    assert json.loads(out.getvalue()) == {
        "from": 1,
        "to": 1,
        "title_before": TITLE,
        "title_after": TITLE,
        "added": [],
        "removed": [],
    }
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), "diff", str(article.id)]) == 0
    assert out.getvalue() == f"{TITLE}: no change recorded\n"


def test_a_page_baseline_is_not_compared_with_the_teaser(home: Path) -> None:
    """The feed's teaser, then the page's first look: nothing changed, nothing to show."""
    store = Store(load_config(home).db_path)
    try:
        feed, _ = store.add_feed("http://127.0.0.1:9/feed.xml")
        entry = ParsedEntry("s1", "http://127.0.0.1:9/s1", TITLE, None, 1, None, "Teaser.", None)
        parsed = ParsedFeed("Harbour", None, None, (entry,))
        store.apply_feed(feed.id, parsed, judge=feed_change, now=1, next_check_at=0)
        [article] = store.articles()
        store.add_page_version(
            article.id,
            title=TITLE,
            byline=None,
            text=TEXT,
            markdown=TEXT,
            extractor="x",
            etag=None,
            last_modified=None,
            now=2,
        )
    finally:
        store.close()
    assert cli_pair(home, article.id) == (2, 2)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), "diff", str(article.id)]) == 0
    assert "no change recorded" in out.getvalue() and "{+" not in out.getvalue()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), "history", str(article.id), "--json"]) == 0
    assert [row["source"] for row in json.loads(out.getvalue())] == ["feed", "page"]
