"""What the story list shows, as plain values: a view (a virtual list or one feed) narrowed by a
filter, or a search. The feeds pane names its entries by option id ("all", "unread", "starred",
"updated", "feed:<id>", "folder:<name>", "saved:<name>"); View.parse() is the one place that
reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reader.core.query import And, Query, scoped

Kind = Literal["all", "unread", "starred", "updated", "feed", "folder", "saved"]
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
    """An entry of the feeds pane: a virtual view, the feed ``feed_id``, every feed of the
    folder ``folder`` or the stories of the saved search named ``saved``."""

    kind: Kind = "all"
    feed_id: int | None = None
    folder: str | None = None
    saved: str | None = None

    @classmethod
    def of_feed(cls, feed_id: int) -> View:
        return cls("feed", feed_id)

    @classmethod
    def of_folder(cls, folder: str) -> View:
        return cls("folder", folder=folder)

    @classmethod
    def of_saved(cls, name: str) -> View:
        return cls("saved", saved=name)

    @classmethod
    def parse(cls, option_id: str | None) -> View:
        """The view of a feeds pane option id; All for anything else."""
        if option_id and option_id.startswith("saved:"):
            return cls.of_saved(option_id[6:])
        if option_id and option_id.startswith("feed:"):
            return cls.of_feed(int(option_id[5:]))
        if option_id and option_id.startswith("folder:"):
            return cls.of_folder(option_id[7:])
        return cls(_VIRTUAL.get(option_id or "", "all"))

    @property
    def option_id(self) -> str:
        if self.kind == "feed":
            return f"feed:{self.feed_id}"
        if self.kind == "folder":
            return f"folder:{self.folder}"
        if self.kind == "saved":
            return f"saved:{self.saved}"
        return self.kind


@dataclass(frozen=True)
class ArticleQuery:
    """The stories to list: a view's (``saved``: a saved search's query), narrowed by a filter,
    or those matching ``search`` (which ignores both, unless it asks for ``in:view``)."""

    feed_id: int | None = None
    folder: str | None = None
    unread: bool = False
    starred: bool = False
    updated: bool = False
    search: Query | None = None
    saved: Query | None = None

    @classmethod
    def of(
        cls,
        view: View,
        narrow: Filter,
        search: Query | None = None,
        saved: Query | None = None,
    ) -> ArticleQuery:
        kinds = {view.kind, narrow}
        if search is not None and search.in_view and saved is not None and saved.root:
            roots = (saved.root,) if search.root is None else (search.root, saved.root)
            search = Query(And(roots) if len(roots) > 1 else roots[0], in_view=True)
        if search is not None and search.in_view:
            search = scoped(
                search,
                feed_id=view.feed_id,
                folder=view.folder,
                unread="unread" in kinds,
                starred="starred" in kinds,
                updated="updated" in kinds,
            )
        if search is not None:
            return cls(search=search)
        return cls(
            feed_id=view.feed_id,
            folder=view.folder,
            unread="unread" in kinds,
            starred="starred" in kinds,
            updated="updated" in kinds,
            saved=saved,
        )
