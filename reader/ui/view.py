"""What the story list shows, as plain values: a view (a virtual list or one feed) narrowed by a
filter, or a search. The feeds pane names its entries by option id ("all", "unread", "starred",
"updated", "feed:<id>"); View.parse() is the one place that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["all", "unread", "starred", "updated", "feed"]
Filter = Literal["all", "unread", "starred", "updated"]
FILTERS: tuple[Filter, ...] = ("all", "unread", "starred", "updated")
NAMES: dict[Kind, str] = {
    "all": "All",
    "unread": "Unread",
    "starred": "Starred",
    "updated": "Updated",
}
_VIRTUAL: dict[str, Kind] = {
    "all": "all",
    "unread": "unread",
    "starred": "starred",
    "updated": "updated",
}


@dataclass(frozen=True)
class View:
    """An entry of the feeds pane: a virtual view, or the feed ``feed_id``."""

    kind: Kind = "all"
    feed_id: int | None = None

    @classmethod
    def of_feed(cls, feed_id: int) -> View:
        return cls("feed", feed_id)

    @classmethod
    def parse(cls, option_id: str | None) -> View:
        """The view of a feeds pane option id; All for anything else (a folder heading)."""
        if option_id and option_id.startswith("feed:"):
            return cls.of_feed(int(option_id[5:]))
        return cls(_VIRTUAL.get(option_id or "", "all"))

    @property
    def option_id(self) -> str:
        return f"feed:{self.feed_id}" if self.kind == "feed" else self.kind


@dataclass(frozen=True)
class ArticleQuery:
    """The stories to list: a view's, narrowed by a filter, or those matching ``search`` (which
    ignores both)."""

    feed_id: int | None = None
    unread: bool = False
    starred: bool = False
    updated: bool = False
    search: str | None = None

    @classmethod
    def of(cls, view: View, narrow: Filter, search: str | None = None) -> ArticleQuery:
        if search is not None:
            return cls(search=search)
        kinds = {view.kind, narrow}
        return cls(
            feed_id=view.feed_id,
            unread="unread" in kinds,
            starred="starred" in kinds,
            updated="updated" in kinds,
        )
