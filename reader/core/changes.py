"""Did a story change, and how: the rules of both tiers, as functions of values.

Feed tier (every refresh): a story's title and summary are compared by their loose fingerprint.
Equal means cosmetic: nothing is stored. A state the feed showed before (a flip-flop) becomes
current again, unflagged. Anything else is a change.

Page tier (the watcher): the first look at a page is its baseline, not news. Nothing is flagged
for a cosmetic change, for text the user's ignore rules remove, for a wall (a subscription,
consent or error page: little of the story left, and a wall phrase or hardly any text) or for an
extractor upgrade (a new baseline). A return to an earlier state is news once, as a revert; after
that, going back and forth between states seen before (load-balanced servers serving two copies)
records nothing. A new byline or canonical URL is news even when the text is the same. A page
that turns 404/410 is "removed".

A change is a headline, a correction, an update (paragraphs added), a cut (what is left is mostly
a subset of what was there, however short), an edit (words changed) or a revert.
The store keeps what these rules decide and never asks them itself: the refresh hands
`feed_change` to Store.apply_feed, and the watcher asks `page_change`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Sequence

from reader.core.models import Decision, PageVersion, StoryState, Version
from reader.core.text import fingerprints, normalize_text, paragraphs

CORRECTION = re.compile(
    r"\b(correction\s*:|an earlier version of this (article|story)|this (article|story) has"
    r" been corrected|we (have )?corrected)",
    re.IGNORECASE,
)
WALL = re.compile(
    r"\b(subscribe (now )?to (continue|keep reading|read)|subscribers? only|already a subscriber"
    r"|(sign|log) ?in to (continue|read|keep reading)|create a free account|accept (all )?cookies"
    r"|we value your privacy|cookie (settings|preferences)|page not found|404 not found"
    r"|access denied|something went wrong|are you a robot|enable javascript)",
    re.IGNORECASE,
)
KEPT = 0.5  # a wall keeps less than this share of the story's words
SHORTER = 0.5  # a page with less than half the words, few of them the story's, is a wall too
SUBSET = 0.9  # a cut: at least this share of what is left was there before
GONE = frozenset({404, 410})

SAME = Decision(keep=False)  # nothing to store
BASELINE = Decision(keep=True)  # store the new state and flag nothing


def classify(title_before: str, text_before: str, title_after: str, text_after: str) -> str:
    """headline, correction, update (paragraphs added), cut (text taken out, little added) or
    edit (words changed)."""
    if normalize_text(title_before) != normalize_text(title_after):
        return "headline"
    if CORRECTION.search(text_after) and not CORRECTION.search(text_before):
        return "correction"
    if is_cut(text_before, text_after):
        return "cut"
    old = {normalize_text(p) for p in paragraphs(text_before)}
    new = [normalize_text(p) for p in paragraphs(text_after)]
    if old and old <= set(new) and len(new) > len(old):
        return "update"
    return "edit"


def feed_change(stored: StoryState, latest: StoryState, earlier: Container[str]) -> Decision:
    """A known story's entry in a fresh copy of its feed, against the stored one; ``earlier``
    holds the loose fingerprints of the story's earlier feed versions."""
    if latest.loose == stored.loose:
        return SAME  # cosmetic
    if latest.loose in earlier:
        return BASELINE  # a flip-flop: follow the feed, flag nothing
    return Decision(True, classify(stored.title, stored.text, latest.title, latest.text))


def page_change(
    earlier: Sequence[PageVersion],
    *,
    title: str,
    text: str,
    byline: str | None,
    canonical_url: str | None,
    extractor: str,
    ignore: Sequence[re.Pattern[str]] = (),
) -> Decision:
    """A page just extracted against the story's page versions (newest first); ``ignore``: the
    user's rules for text that never counts."""
    if not earlier:
        return BASELINE  # the first look at the page
    latest = earlier[0]
    loose = _loose(title, text, ignore)
    # Byline and canonical URL are compared on their own: a new author is news too.
    moved = _differs(latest.byline, byline) or _differs(latest.canonical_url, canonical_url)
    if not moved and loose == _loose(latest.title, latest.text, ignore):
        return SAME  # cosmetic, or ignored by a rule
    if not moved and loose in {_loose(page.title, page.text, ignore) for page in earlier[1:]}:
        if any(page.kind == "revert" for page in earlier):
            return SAME  # a flip-flop between states seen before
        return Decision(True, "revert")
    if is_wall(latest.text, title + "\n\n" + text):
        return SAME  # a subscription, consent or error page, not the story
    if extractor != latest.extractor:
        return BASELINE  # a new extractor reads the same page differently: not news
    return Decision(True, classify(latest.title, latest.text, title, text))


def is_cut(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` with text taken out: fewer words, nearly all of them
    there before."""
    old, new = _words(before), _words(after)
    if not new or new.total() >= old.total():
        return False
    return (new & old).total() >= SUBSET * new.total()


def is_wall(story: str, page: str) -> bool:
    """Whether ``page`` stands in for the story rather than being it: little of the story
    left, and either a wall phrase the story lacks or hardly any text, little of it the story's."""
    old, new = _words(story), _words(page)
    if not old or len(old.keys() & new.keys()) >= KEPT * len(old):
        return False
    if WALL.search(page) and not WALL.search(story):
        return True
    unrelated = (new & old).total() < KEPT * new.total()
    return unrelated and new.total() < SHORTER * old.total()


def page_removed(status: int | None) -> bool:
    """Whether a failed fetch says the story's page is gone for good."""
    return status in GONE


def default_pair(
    versions: Sequence[Version], *, to: int | None = None, read: int | None = None
) -> tuple[int, int]:
    """The (from, to) versions a diff shows unless told: ``to`` (else the latest) against the
    last version of the same source the user read (``read``: how many versions the story had
    then), else against the previous version of that source; never a feed teaser against a
    page. ``versions``: at least one, and ``to`` among them; a story with nothing earlier of
    that source is compared with itself (nothing to show)."""
    target = max(v.seq for v in versions) if to is None else to
    source = next(v.source for v in versions if v.seq == target)
    same = [v.seq for v in versions if v.source == source and v.seq < target]
    seen = [seq for seq in same if read is not None and seq <= read]
    return max(seen or same, default=target), target


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", normalize_text(text).casefold()))


def _loose(title: str, text: str, ignore: Sequence[re.Pattern[str]]) -> str:
    for rule in ignore:
        text = rule.sub("", text)
    return fingerprints(title, text)[1]


def _differs(old: str | None, new: str | None) -> bool:
    """Both known and different (a field the extractor missed once is not a change)."""
    return bool(old and new and " ".join(old.split()) != " ".join(new.split()))
