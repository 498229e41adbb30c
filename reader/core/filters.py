"""Hide filters and saved searches: keeping articles.hidden in step with [filters] hide, finding
a saved search by name, and announcing the new stories that notifying saved searches match.

Hiding is materialised (a flag on each story) rather than added to every list as a search: a
list or an unread count then costs one column test, however many filters there are and
whatever words they look for. The flags follow the filters: stories are judged as they arrive
or change, and all of them again when the filters are not the ones last applied (a digest in
store_facts says which those were).
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING

from reader.config import Config, SavedSearch
from reader.core.query import Query, parse
from reader.core.store import Store

if TYPE_CHECKING:
    from reader.core.notify import Warn


class UnknownSavedError(ValueError):
    """No saved search by that name; str() is one line for people."""


def digest(config: Config) -> str | None:
    """Which filters these are, as store_facts remembers them; None for no filters, which a
    store that never had any needs no work (nor a write) for."""
    if not config.filters.hide:
        return None
    text = json.dumps(list(config.filters.hide), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _filters(config: Config) -> list[Query]:
    # Checked when config.toml was read; time never changes a filter (no age:).
    return [parse(text, now=0) for text in config.filters.hide]


def apply_filters(store: Store, config: Config) -> bool:
    """Set every story's hidden flag again if the filters are not those last applied; True if
    they were set. A read-only store is left as its last writer left it."""
    wanted = digest(config)
    if store.read_only or (store.hide_digest() or None) == wanted:
        return False
    store.sync_search_index()  # a filter's words are looked up in the index
    store.set_hidden(_filters(config), digest=wanted or "")
    return True


def hide_arrivals(store: Store, config: Config, *, after_id: int, since: int) -> None:
    """Judge the stories added after ``after_id`` or changed since ``since`` (a refresh's or a
    watch pass's), once the search index has them."""
    if apply_filters(store, config) or not config.filters.hide:
        return
    store.set_hidden(_filters(config), after_id=after_id, changed_since=since)


def hide_again(store: Store, config: Config) -> None:
    """Judge every story again: a feed's title, folder or tags changed, which filters such as
    feed:, folder: and tag: look at."""
    if config.filters.hide and not apply_filters(store, config):
        store.set_hidden(_filters(config))


def saved_search(config: Config, name: str) -> SavedSearch:
    for saved in config.saved:
        if saved.name == name:
            return saved
    known = ", ".join(s.name for s in config.saved) or "none in config.toml"
    raise UnknownSavedError(f"no saved search named {name!r} (known: {known})")


def saved_query(saved: SavedSearch, now: float | None = None) -> Query:
    """The saved search's query, read again at each use: age: counts from ``now``."""
    return parse(saved.query, now=int(time.time() if now is None else now))


def announce_matches(
    store: Store, config: Config, *, after_id: int, warn: Warn | None = None
) -> int:
    """Tell the [notify] command and URLs of each story added after ``after_id`` that a saved
    search with notify = true matches: once per story and saved search, ever. Returns how many
    alerts there were (``warn``: where a failure is told, by default stderr)."""
    told = 0
    for saved in config.saved:
        if not saved.notify:
            continue
        found = store.announce_matches(saved.name, saved_query(saved), after_id=after_id)
        if found:
            from reader.core.notify import notify_matches, warn_on_stderr

            notify_matches(config, saved.name, found, warn or warn_on_stderr)
        told += len(found)
    return told
