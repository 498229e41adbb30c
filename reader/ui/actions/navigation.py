"""Keys that move: through the focused pane (the feeds, the stories or the story being read),
between panes, to the next unread story, and back out of the story or the search."""

from __future__ import annotations

from typing import Literal

from textual.widget import Widget

from reader.ui.actions.stories import Stories
from reader.ui.actions.views import Views
from reader.ui.screens.help import HelpScreen, help_rows
from reader.ui.widgets.article_list import END
from reader.ui.widgets.feed_list import FeedList

Pane = Literal["feeds", "articles", "reader"]


class Navigation(Stories, Views):
    def _focused_pane(self) -> Pane:
        if self.reading and self.screen.has_class("-narrow"):
            return "reader"  # it has the whole screen
        focused = self.focused
        if isinstance(focused, FeedList):
            return "feeds"
        if focused is not None and (focused is self.reader or self.reader in focused.ancestors):
            return "reader"
        return "articles"

    def action_move(self, delta: int) -> None:
        pane = self._focused_pane()
        if pane == "feeds":
            self.feeds.action_cursor_down() if delta > 0 else self.feeds.action_cursor_up()
        elif pane == "reader":
            self.reader.scroll_relative(y=delta * 3, animate=False)
        else:
            self.articles.move(delta)

    def action_edge(self, bottom: int) -> None:
        if self._focused_pane() == "reader":
            self.reader.scroll_end() if bottom else self.reader.scroll_home()
        elif bottom:
            self.articles.move_to(END)
        else:
            self.articles.move_to(0)

    def action_story(self, delta: int) -> None:
        """The next or previous story of the list, opened: in the reading pane, whichever
        pane has the keys."""
        before = self.articles.cursor
        self.articles.move(delta)
        if self.articles.cursor != before and (article := self.articles.current) is not None:
            self.open_article(article)

    def action_open(self) -> None:
        if self._focused_pane() == "feeds":
            self.show_view(self.feeds.selected_view)
            self.articles.focus()
        elif (article := self.articles.current) is not None:
            self.open_article(article)

    def action_page_down(self) -> None:
        if self._focused_pane() == "feeds" and self.feeds.toggle_folder():
            return  # space on a folder opens or closes it
        if self.reader.article is not None and self.reader.display:
            self.reader.scroll_page_down(animate=False)
        else:
            self.articles.action_page(1)

    def action_unread(self, direction: int) -> None:
        rows = self.articles.rows
        indexes = range(
            self.articles.cursor + direction, len(rows) if direction > 0 else -1, direction
        )
        for index in indexes:
            if not rows[index].read:
                self.articles.move_to(index)
                self.open_article(rows[index])
                return
        self.toast("No more unread stories in this list")

    def action_next_pane(self) -> None:
        order: list[Widget] = [
            w for w in (self.feeds, self.articles, self.reader) if w.display and w.size.width
        ]
        pane: dict[Pane, Widget] = {
            "feeds": self.feeds,
            "articles": self.articles,
            "reader": self.reader,
        }
        current = pane[self._focused_pane()]
        index = order.index(current) if current in order else -1
        order[(index + 1) % len(order)].focus()

    def action_leave(self) -> None:
        if self.reading:
            self.reading = False
            self.fit_layout(self.size.width)
            self.articles.focus()
        elif self.search_query is not None:
            self.show_view(self.view)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_rows(self, self.config.keys)))
