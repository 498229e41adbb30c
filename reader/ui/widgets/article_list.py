"""The article list: a window over SQLite, drawn line by line.

It holds only the pages loaded so far (keyset pagination) and asks for the next page when the
cursor or the view gets near the end, so a store of 100,000 stories costs one page at startup and
no widget per row.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.models import Article
from reader.ui.bindings import ARTICLE_LIST, bindings
from reader.ui.outside import clean
from reader.ui.widgets.lines import by_class, look, set_height

PREFETCH = 40  # ask for the next page when the cursor is this close to the end
FEED_CAP = 28  # the widest the feed column gets, in cells
END = -1  # move_to(END): the last story of the view, however many pages down
# One letter for the kind of the latest change, beside the ↻ badge.
KIND_BADGES = {
    "headline": "H",
    "correction": "C",
    "update": "+",
    "edit": "~",
    "cut": "-",
    "revert": "R",
    "removed": "✗",
}


def age(seconds: float) -> str:
    """A compact age: 5m, 3h, 2d, 6w."""
    seconds = max(0, int(seconds))
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return "now"


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """Newest first; the cursor follows the story, not the row, when new stories arrive.

    None of a scroll view's keys: the arrows and home/end are the app's (they move the cursor,
    where a scroll view's would only scroll), and this list adds paging."""

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--feed",
        "article-list--age",
        "article-list--badge-updated",
        "article-list--badge-starred",
        "article-list--badge-unread",
    }
    BINDINGS = bindings(ARTICLE_LIST)

    # repaint=False: a move redraws the two lines involved (watch_cursor), not the whole list.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Selected(Message):
        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    class NeedMore(Message):
        """The list is near the end of what it holds and more stories exist; ``to_end``: every
        story down to the last is wanted (the cursor was sent there)."""

        def __init__(self, to_end: bool = False) -> None:
            super().__init__()
            self.to_end = to_end

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.rows: list[Article] = []
        self.has_more = False
        self.empty_message = "No stories here yet."
        self._asked_more = False
        # Where the cursor goes once more stories are in: an index, or END for the last.
        self._pending: int | None = None
        self._feed_cells = 0  # the widest feed name of the stories held
        # Drawn lines by (story, width, age, cursor state): moving the cursor or scrolling
        # redraws from here instead of building styled text again.
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(256)
        self._look: tuple[Style, ...] = ()
        self._styles: dict[str, Style] = {}  # component class -> style, as of the last restyle
        self._palette: dict[str, Style] = {}  # the same over the widget's own style
        self._restyled = True

    # -- data -------------------------------------------------------------------------------

    @property
    def current(self) -> Article | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def replace(self, rows: Sequence[Article], has_more: bool, keep: bool = True) -> None:
        """Show ``rows``; with ``keep`` the highlighted story keeps its place on screen."""
        old = self.current
        old_offset = self.cursor - int(self.scroll_y)
        self.rows = list(rows)
        self.has_more = has_more
        self._asked_more = False
        self._pending = None
        self._feed_cells = _widest_feed(self.rows)
        set_height(self, len(self.rows))
        index = 0
        if keep and old is not None:
            index = next((i for i, a in enumerate(self.rows) if a.id == old.id), 0)
        self.cursor = min(index, max(0, len(self.rows) - 1))
        if keep and old is not None:
            self.scroll_to(y=max(0, self.cursor - old_offset), animate=False, immediate=True)
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def extend(self, rows: Sequence[Article], has_more: bool, after: int | None) -> None:
        """Add the page read after the story ``after``; a page read for a list that has changed
        since (reloaded, or extended by another page) is dropped."""
        last = self.rows[-1].id if self.rows else None
        if after != last:
            return
        self.rows.extend(rows)
        self.has_more = has_more
        self._asked_more = False
        self._feed_cells = max(self._feed_cells, _widest_feed(rows))
        set_height(self, len(self.rows))
        pending, self._pending = self._pending, None
        if pending is not None:
            self.move_to(pending)  # asks for the next page again if it is further down

    def update_article(self, article: Article) -> None:
        for i, row in enumerate(self.rows):
            if row.id == article.id:
                self.rows[i] = article
                self.refresh_line(i)
                return

    # -- movement ---------------------------------------------------------------------------

    def move(self, delta: int) -> None:
        """``delta`` stories down (up when negative), from where the cursor is going."""
        pending = self._pending
        start = self.cursor if pending is None or pending == END else pending
        self.move_to(max(0, start + delta))

    def move_to(self, index: int) -> None:
        """Move the cursor to ``index`` (END: the last story of the view). A place past the
        stories loaded so far is reached once the pages down to it are in."""
        if not self.rows:
            return
        last = len(self.rows) - 1
        if self.has_more and (index == END or index > last):
            self._pending = index
            self.cursor = last
            self._asked_more = True
            self.post_message(self.NeedMore(to_end=index == END))
            return
        self.cursor = last if index == END else max(0, min(last, index))

    def action_page(self, direction: int) -> None:
        self.move(direction * max(1, self.size.height - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        height = max(1, self.size.height)
        # immediate: scrolled in this frame, not the next one, which a key pressed just after
        # this one would wait for.
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.refresh_line(old)  # virtual line numbers: ScrollView subtracts the scroll offset
        self.refresh_line(new)
        self._maybe_need_more(new)

    def _maybe_need_more(self, index: int) -> None:
        if self.has_more and not self._asked_more and index >= len(self.rows) - PREFETCH:
            self._asked_more = True
            self.post_message(self.NeedMore())

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return  # on the border (the title) or the scroll bar
        index = int(self.scroll_y) + offset.y
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.post_message(self.Selected(self.rows[index]))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._maybe_need_more(int(new) + self.size.height)

    # -- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # the scroll bar is always there
        index = int(self.scroll_y) + y
        base = self._base_style()
        if not self.rows:
            lines = textwrap.wrap(clean(self.empty_message), max(10, width - 2))
            if 1 <= y <= len(lines):
                return Strip([Segment(" " + lines[y - 1], base)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        article = self.rows[index]
        when = age(self.clock() - article.published).rjust(4)
        feed_width = self.feed_width(width)
        key = (article, width, feed_width, when, index == self.cursor and (1 + self.has_focus))
        strip = self._lines.get(key)
        if strip is None:
            cursor = None
            if index == self.cursor:
                cursor = self._styles["article-list--cursor"]
                if not self.has_focus:
                    cursor = Style(bgcolor=cursor.bgcolor, dim=True) if cursor.bgcolor else cursor
            strip = self._lines[key] = self._row(article, width, feed_width, when, base, cursor)
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyled = True

    def _base_style(self) -> Style:
        """The widget's style, worked out again only after a restyle (it walks every ancestor,
        which cost more than drawing a cached line)."""
        if self._restyled:
            self._restyled = False
            if (drawn_with := look(self)) != self._look:
                self._look = drawn_with
                self._styles = by_class(self, drawn_with)
                base = drawn_with[0]
                self._palette = {name: base + style for name, style in self._styles.items()}
                self._lines.clear()  # a new theme: every cached line is stale
        return self._look[0]

    def feed_width(self, width: int) -> int:
        """The feed column: a fifth of the list (20 cells at most) on a narrow terminal; on a
        wide one no wider than the longest feed name held, within a fifth of the list (FEED_CAP
        at most). The title takes the rest."""
        if self.screen.has_class("-narrow"):
            return max(6, min(20, width // 5))
        return max(6, min(FEED_CAP, width // 5, self._feed_cells))

    def _row(
        self,
        article: Article,
        width: int,
        feed_width: int,
        when: str,
        base: Style,
        cursor: Style | None,
    ) -> Strip:
        """One story's line, as segments in styles worked out once per restyle (building it
        as Rich text took three times as long, and page down draws a whole screen of them)."""
        palette = self._palette
        badge = palette["article-list--badge-updated"]
        title_width = max(8, width - feed_width - len(when) - 9)
        title = clean(article.title) or "(untitled)"
        feed = clean(article.feed_title)
        title_style = "article-list--unread" if not article.read else "article-list--read"
        parts = [
            (" ", base),
            ("●" if not article.read else " ", palette["article-list--badge-unread"]),
            ("★" if article.starred else " ", palette["article-list--badge-starred"]),
            ("↻" if article.updated else " ", badge),
            (KIND_BADGES.get(article.change_kind or "", " "), badge),
            (" ", base),
            (_fit(title, title_width), palette[title_style]),
            ("  ", base),
            (_fit(feed, feed_width), palette["article-list--feed"]),
            (" ", base),
            (when, palette["article-list--age"]),
        ]
        segments = [Segment(text, style + cursor if cursor else style) for text, style in parts]
        return Strip(segments).adjust_cell_length(width, base)


def _widest_feed(rows: Sequence[Article]) -> int:
    return max((cell_len(clean(name)) for name in {a.feed_title for a in rows}), default=0)


def _fit(text: str, width: int) -> str:
    """Cut to ``width`` cells with an ellipsis, padded to exactly ``width``."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    return text + " " * (width - length)
