"""Did a story change, and how: the rules of both tiers, as functions of values.

Feed tier (every refresh): a story's title and summary are compared by their loose fingerprint.
Equal means cosmetic: nothing is stored. A state the feed showed before (a flip-flop) becomes
current again, unflagged. Anything else is a change.

Page tier (the watcher): the first look at a page is its baseline, not news. Nothing is flagged
for a cosmetic change, for text the user's ignore rules remove, for a state seen before, for a
much shorter page (a paywall or an error page) or for an extractor upgrade (a new baseline). A new
byline or canonical URL is news even when the text is the same. A page that turns 404/410 is
"removed".

A change is a headline, a correction, an update (paragraphs added) or an edit (words changed).
The store keeps what these rules decide and never asks them itself: the refresh hands
`feed_change` to Store.apply_feed, and the watcher asks `page_change`.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from reader.core.models import Decision, PageVersion, StoryState, Version
from reader.core.text import fingerprints, normalize_text, paragraphs

CORRECTION = re.compile(
    r"\b(correction\s*:|an earlier version of this (article|story)|this (article|story) has"
    r" been corrected|we (have )?corrected)",
    re.IGNORECASE,
)
SHORTER = 0.5  # a page with less than half the words of the last version is not news
GONE = frozenset({404, 410})

SAME = Decision(keep=False)  # nothing to store
BASELINE = Decision(keep=True)  # store the new state and flag nothing


def classify(title_before: str, text_before: str, title_after: str, text_after: str) -> str:
    """headline, correction, update (paragraphs added) or edit (words changed)."""
    if normalize_text(title_before) != normalize_text(title_after):
        return "headline"
    if CORRECTION.search(text_after) and not CORRECTION.search(text_before):
        return "correction"
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
    seen = {_loose(page.title, page.text, ignore) for page in earlier}
    # Byline and canonical URL are compared on their own: a new author is news too.
    moved = _differs(latest.byline, byline) or _differs(latest.canonical_url, canonical_url)
    if _loose(title, text, ignore) in seen and not moved:
        return SAME  # cosmetic, ignored by a rule, or a state seen before
    if len(text.split()) < SHORTER * len(latest.text.split()):
        return SAME  # a paywall or an error page, not the story
    if extractor != latest.extractor:
        return BASELINE  # a new extractor reads the same page differently: not news
    return Decision(True, classify(latest.title, latest.text, title, text))


def page_removed(status: int | None) -> bool:
    """Whether a failed fetch says the story's page is gone for good."""
    return status in GONE


def default_pair(
    versions: Sequence[Version], *, to: int | None = None, read: int | None = None
) -> tuple[int, int]:
    """The (from, to) versions a diff shows unless told: ``to`` (else the latest) against the
    version the user read (``read``) if it is earlier, else against the previous version of the
    same source, else the previous one of any source. ``versions``: at least one, and ``to``
    among them; a story with nothing earlier is compared with itself (nothing to show)."""
    target = max(v.seq for v in versions) if to is None else to
    source = next(v.source for v in versions if v.seq == target)
    before = [v for v in versions if v.seq < target]
    if read is not None and any(v.seq == read for v in before):
        return read, target
    same = [v for v in before if v.source == source] or before
    return max((v.seq for v in same), default=target), target


def _loose(title: str, text: str, ignore: Sequence[re.Pattern[str]]) -> str:
    for rule in ignore:
        text = rule.sub("", text)
    return fingerprints(title, text)[1]


def _differs(old: str | None, new: str | None) -> bool:
    """Both known and different (a field the extractor missed once is not a change)."""
    return bool(old and new and " ".join(old.split()) != " ".join(new.split()))
