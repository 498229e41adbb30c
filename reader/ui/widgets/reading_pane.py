"""The reading pane: a metadata header and the story as Markdown. Links never open by themselves.

A story first shows the feed's text, then its full text once the page has been extracted (in a
worker); `t` switches between the two.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from reader.core.fulltext import FullText, feed_text
from reader.core.models import Article
from reader.core.safety import sanitize_for_terminal


def _clean(text: str | None) -> str:
    return sanitize_for_terminal(text or "").replace("\n", " ").strip()


class ReadingPane(VerticalScroll, can_focus=True):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article: Article | None = None
        self.texts: dict[str, FullText] = {}
        self.source = "feed"
        self.note: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Select a story to read it."), id="reader-header")
        yield Markdown("", id="reader-body", open_links=False)

    def show(self, article: Article, loading: bool = True) -> None:
        """Show the feed's text at once; the full text follows through show_full()."""
        self.article = article
        self.texts = {"feed": feed_text(article)}
        self.source = "feed"
        self.note = "loading the full text…" if loading else None
        self._render_story()
        self.scroll_home(animate=False)

    def show_full(self, full: FullText) -> None:
        if self.article is None or full.article_id != self.article.id:
            return  # the reader has moved on
        self.texts[full.source] = full
        self.note = full.note
        if full.source == "extracted":
            self.source = "extracted"
        self._render_story()

    def toggle(self) -> bool:
        """Switch between the extracted and the feed text; False when there is no choice."""
        if len(self.texts) < 2:
            return False
        self.source = "feed" if self.source == "extracted" else "extracted"
        self._render_story()
        return True

    def _render_story(self) -> None:
        article = self.article
        if article is None:
            return
        when = time.strftime("%a %d %b %Y %H:%M", time.localtime(article.published))
        parts = (_clean(article.feed_title), _clean(article.author), when)
        meta = " · ".join(part for part in parts if part)
        label = "full text" if self.source == "extracted" else "feed text"
        if len(self.texts) > 1:
            label += " (t: switch)"
        parts: list[str | tuple[str, str]] = [
            (_clean(article.title) or "(untitled)", "bold"),
            "\n",
            (meta, "$text-muted"),
            "\n",
            (_clean(article.url), "$text-muted italic"),
            "\n",
            (label, "$text-accent"),
        ]
        if self.note:
            parts += [" · ", (_clean(self.note), "$text-warning")]
        if article.updated:
            parts += ["\n", (f"↻ changed since first seen ({article.change_kind})", "$warning")]
        self.query_one("#reader-header", Static).update(Content.assemble(*parts))
        markdown = sanitize_for_terminal(self.texts[self.source].markdown)
        self.query_one("#reader-body", Markdown).update(markdown)
