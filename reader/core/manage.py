"""Managing subscriptions: a feed's title, folder, tags, address and own settings, and removing
a feed.

The values come from people (the command line, the TUI's dialogs), so they are tidied and
checked here, once, and refused with a one-line FeedEditError; the store only keeps them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from reader.core.models import Feed
from reader.core.safety import check_feed_url, display_url, unmasked
from reader.core.store import Store

# A feed's own refresh interval, in minutes: the bounds of [refresh] interval_minutes.
INTERVAL_BOUNDS = (1, 10080)

ExtractChoice = Literal["on", "off", "default"]
EXTRACT_CHOICES: tuple[ExtractChoice, ...] = ("on", "off", "default")
_EXTRACT_VALUES: dict[ExtractChoice, bool | None] = {"on": True, "off": False, "default": None}


class UnknownFeedError(LookupError):
    """No subscription has that id (a removed feed kept for its starred stories has none)."""

    def __init__(self, feed_id: int) -> None:
        super().__init__(f"no feed with id {feed_id}")


class FeedEditError(ValueError):
    """A value a feed cannot take; str() is one line for people."""


@dataclass(frozen=True, slots=True)
class FeedEdit:
    """What to change in a subscription; None leaves a setting as it is.

    An empty ``title``, ``folder`` or ``user_agent`` clears it (the feed's own title, no folder,
    [fetch] user_agent); ``interval_minutes`` 0 and ``extract`` "default" hand the choice back
    to config.toml. Tags are added at the end in order, or taken away.
    """

    title: str | None = None
    folder: str | None = None
    url: str | None = None
    interval_minutes: int | None = None
    extract: ExtractChoice | None = None
    user_agent: str | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()


class FieldChange(NamedTuple):
    """One setting changed by an edit, its values as shown to people (None: not set)."""

    name: str
    before: str | None
    after: str | None


class Removed(NamedTuple):
    """What removing a feed did: the feed as it was, the stories deleted, the starred ones kept
    (with them, the feed stays in the store, marked removed)."""

    feed: Feed
    deleted: int
    kept_starred: int


def parse_interval(text: str) -> int:
    """A refresh interval as typed: minutes within INTERVAL_BOUNDS, or "0"/"default" (returns 0:
    follow [refresh] interval_minutes). Raises FeedEditError."""
    text = text.strip().lower()
    if text == "default":
        return 0
    try:
        minutes = int(text)
    except ValueError:
        raise FeedEditError(f"interval: not a number of minutes: {text!r}") from None
    return check_interval(minutes)


def check_interval(minutes: int) -> int:
    """``minutes`` if within INTERVAL_BOUNDS or 0 (the default); else FeedEditError."""
    low, high = INTERVAL_BOUNDS
    if minutes != 0 and not low <= minutes <= high:
        raise FeedEditError(
            f"interval: {minutes} minutes is out of range ({low} to {high}, or 0 for the default)"
        )
    return minutes


def parse_extract(text: str) -> ExtractChoice:
    """ "on", "off" or "default" as typed; raises FeedEditError otherwise."""
    choice = text.strip().lower()
    for known in EXTRACT_CHOICES:
        if choice == known:
            return known
    raise FeedEditError(f"extract: expected on, off or default, not {text!r}")


def tidy_text(value: str) -> str:
    """One tidy line: control characters dropped, runs of whitespace made one space."""
    return " ".join("".join(ch for ch in value if ch.isprintable() or ch.isspace()).split())


def tidy_folder(value: str) -> str:
    """A folder path as stored: "/"-separated names, each tidied ("News / Local" ->
    "News/Local"); empty for no folder."""
    return "/".join(name for part in value.split("/") if (name := tidy_text(part)))


def tidy_tag(value: str) -> str:
    """A tag as stored; raises FeedEditError for one a newsboat urls file would misread."""
    tag = tidy_text(value)
    if not tag:
        raise FeedEditError("a tag cannot be empty")
    if tag[0] in "~!":
        raise FeedEditError(f"a tag cannot start with {tag[0]!r}: {tag!r}")
    if "," in tag:  # OPML lists a feed's categories separated by commas
        raise FeedEditError(f"a tag cannot contain a comma: {tag!r}")
    return tag


def subscription(store: Store, feed_id: int) -> Feed:
    """The subscription ``feed_id``; UnknownFeedError when there is none (or it was removed)."""
    feed = store.feed(feed_id)
    if feed is None or feed.removed_at is not None:
        raise UnknownFeedError(feed_id)
    return feed


def edit_feed(store: Store, feed_id: int, edit: FeedEdit) -> list[FieldChange]:
    """Apply ``edit`` to the subscription ``feed_id``; returns what actually changed, in the
    order of FeedEdit's fields. Raises UnknownFeedError, or FeedEditError for a value it cannot
    take (nothing is changed then)."""
    feed = subscription(store, feed_id)
    values: dict[str, object] = {}
    changes: list[FieldChange] = []

    def change(name: str, column: str, before: str | None, after: str | None) -> None:
        if before != after:
            values[column] = after
            changes.append(FieldChange(name, before, after))

    if edit.title is not None:
        title = tidy_text(edit.title) or None
        if title != feed.user_title:
            values["user_title"] = title
            changes.append(FieldChange("title", feed.title, title))
    if edit.folder is not None:
        change("folder", "folder", feed.folder, tidy_folder(edit.folder) or None)
    if edit.url is not None:
        change("url", "url", feed.url, _new_url(store, feed, edit.url))
    if edit.interval_minutes is not None:
        minutes = check_interval(edit.interval_minutes) or None
        before = feed.interval_minutes
        if before != minutes:
            values["interval_minutes"] = minutes
            changes.append(FieldChange("interval", _minutes(before), _minutes(minutes)))
    if edit.extract is not None:
        after = _EXTRACT_VALUES[edit.extract]
        if feed.extract != after:
            values["extract"] = None if after is None else int(after)
            changes.append(FieldChange("extract", _extract(feed.extract), _extract(after)))
    if edit.user_agent is not None:
        change("user agent", "user_agent", feed.user_agent, tidy_text(edit.user_agent) or None)
    tags = _new_tags(feed.tags, edit.add_tags, edit.remove_tags)
    if values and not store.update_feed(feed_id, values):
        raise UnknownFeedError(feed_id)
    if "user_title" in values and values["user_title"] is None:
        # Back to the feed's own title: show that one, not "not set".
        at = next(n for n, c in enumerate(changes) if c.name == "title")
        changes[at] = changes[at]._replace(after=subscription(store, feed_id).title)
    if tags != feed.tags:
        store.set_feed_tags(feed_id, tags)
        changes.append(FieldChange("tags", ", ".join(feed.tags) or None, ", ".join(tags) or None))
    return changes


def remove_feed(store: Store, feed_id: int) -> Removed:
    """Unsubscribe from ``feed_id``: its stories go, except starred ones, which stay listed
    (starred, search) under the feed's name. Raises UnknownFeedError."""
    feed = subscription(store, feed_id)
    result = store.remove_feed(feed_id, now=int(time.time()))
    if result is None:
        raise UnknownFeedError(feed_id)
    deleted, kept = result
    return Removed(feed, deleted, kept)


def _new_url(store: Store, feed: Feed, url: str) -> str:
    try:
        url = check_feed_url(unmasked(url, feed.url))
    except ValueError as exc:
        raise FeedEditError(f"url: {exc}") from None
    other = store.feed_by_url(url)
    if other is not None and other.id != feed.id:
        kept = ", removed but kept for its starred stories" if other.removed_at else ""
        raise FeedEditError(f"{display_url(url)} is already subscribed (feed {other.id}{kept})")
    return url


def _new_tags(tags: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> tuple[str, ...]:
    gone = {tidy_tag(tag) for tag in remove}
    kept = [tag for tag in tags if tag not in gone]
    return tuple(dict.fromkeys([*kept, *(tidy_tag(tag) for tag in add)]))


def _minutes(value: int | None) -> str:
    return "default" if value is None else f"{value} min"


def _extract(value: bool | None) -> str:
    return {True: "on", False: "off", None: "default"}[value]
