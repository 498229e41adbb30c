"""The reading pane: a metadata header and the story as Markdown. Links never open by themselves."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from reader.core.models import Article
from reader.core.safety import sanitize_for_terminal
from reader.core.text import html_to_markdown, html_to_text


def _clean(text: str | None) -> str:
    return sanitize_for_terminal(text or "").replace("\n", " ").strip()


def story_markdown(article: Article) -> str:
    """The feed's own text as Markdown: its full content when it has one, else the summary."""
    if article.content:
        markdown = html_to_markdown(sanitize_for_terminal(article.content))
        if len(html_to_text(article.content)) >= len(article.summary):
            return markdown
    return html_to_markdown(sanitize_for_terminal(article.summary).replace("\n\n", "<p>"))


class ReadingPane(VerticalScroll, can_focus=True):
    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.article: Article | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Select a story to read it."), id="reader-header")
        yield Markdown("", id="reader-body", open_links=False)

    def show(self, article: Article) -> None:
        self.article = article
        when = time.strftime("%a %d %b %Y %H:%M", time.localtime(article.published))
        meta = " · ".join(
            x for x in (_clean(article.feed_title), _clean(article.author), when) if x
        )
        header = Content.assemble(
            (_clean(article.title) or "(untitled)", "bold"),
            "\n",
            (meta, "$text-muted"),
            "\n",
            (_clean(article.url), "$text-muted italic"),
        )
        if article.updated:
            header = header.append(
                Content.styled(f"\n↻ changed since first seen ({article.change_kind})", "$warning")
            )
        self.query_one("#reader-header", Static).update(header)
        self.query_one("#reader-body", Markdown).update(story_markdown(article))
        self.scroll_home(animate=False)
