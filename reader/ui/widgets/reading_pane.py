"""The reading pane: a metadata header and the story, drawn once into lines.

Opening a story wraps its text once, at the pane's width; scrolling and every later frame only
copy lines. The pane has no child widgets, so a new story never lays out the rest of the screen
again (a widget per paragraph did, and key presses waited for it). Links are shown, never opened
by themselves.

A story first shows the feed's text, then its full text once the page has been extracted (in a
worker); `t` switches between the two.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.markdown import Heading, Markdown
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.events import Resize
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.fulltext import FullText, feed_text
from reader.core.models import Article
from reader.core.safety import sanitize_for_terminal
from reader.ui.widgets.lines import look, set_height

PLACEHOLDER = "Select a story to read it."


def _clean(text: str | None) -> str:
    return sanitize_for_terminal(text or "").replace("\n", " ").strip()


class _Heading(Heading):
    LEVEL_ALIGN: ClassVar[dict[str, str]] = {}  # every heading on the left, as in the article


class _Story(Markdown):
    elements: ClassVar[dict] = {**Markdown.elements, "heading_open": _Heading}


class ReadingPane(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "reading-pane--title",
        "reading-pane--meta",
        "reading-pane--label",
        "reading-pane--note",
        "reading-pane--changed",
        "reading-pane--rule",
        "reading-pane--heading",
        "reading-pane--link",
        "reading-pane--quote",
        "reading-pane--code",
        "reading-pane--bullet",
    }

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article: Article | None = None
        self.texts: dict[str, FullText] = {}
        self.source = "feed"
        self.note: str | None = None
        self.lines: list[Strip] = []  # the whole story, drawn at the current width
        self._look: tuple[Style, ...] = ()  # the styles those lines were drawn with
        self._blank = Strip.blank(0)

    def show(self, article: Article, loading: bool = True) -> None:
        """Show the feed's text at once; the full text follows through show_full()."""
        self.article = article
        self.texts = {"feed": feed_text(article)}
        self.source = "feed"
        self.note = "loading the full text…" if loading else None
        self._draw()
        self.scroll_home(animate=False, immediate=True)

    def show_full(self, full: FullText) -> None:
        if self.article is None or full.article_id != self.article.id:
            return  # the reader has moved on
        self.texts[full.source] = full
        self.note = full.note
        if full.source == "extracted":
            self.source = "extracted"
        self._draw()

    def toggle(self) -> bool:
        """Switch between the extracted and the feed text; False when there is no choice."""
        if len(self.texts) < 2:
            return False
        self.source = "feed" if self.source == "extracted" else "extracted"
        self._draw()
        return True

    # -- drawing ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self, event: Resize) -> None:
        if not self.lines or self.lines[0].cell_length != self.scrollable_content_region.width:
            self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.lines and look(self) != self._look:
            self._draw()  # a new theme: the lines carry the old colours

    def _draw(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            self.lines = []
            return
        self._look = look(self)
        base = self._look[0]
        console = self.app.console
        options = console.options.update(width=width, highlight=False, markup=False)
        with console.use_theme(self._theme()):
            rendered = console.render_lines(self._document(), options, style=base, pad=True)
        self.lines = [Strip(_inert(line), width) for line in rendered]
        self._blank = Strip.blank(width, base)  # below a short story, on every frame
        set_height(self, len(self.lines))

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        if 0 <= index < len(self.lines):
            return self.lines[index]
        return self._blank

    def _document(self) -> RenderableType:
        style = self.get_component_rich_style
        article = self.article
        if article is None:
            return Text(f"\n{PLACEHOLDER}")
        when = time.strftime("%a %d %b %Y %H:%M", time.localtime(article.published))
        meta = " · ".join(
            p for p in (_clean(article.feed_title), _clean(article.author), when) if p
        )
        label = "full text" if self.source == "extracted" else "feed text"
        if len(self.texts) > 1:
            label += " (t: switch)"
        header = Text.assemble(
            "\n",
            (_clean(article.title) or "(untitled)", style("reading-pane--title")),
            "\n",
            (meta, style("reading-pane--meta")),
            "\n",
            (_clean(article.url), style("reading-pane--meta") + Style(italic=True)),
            "\n",
            (label, style("reading-pane--label")),
        )
        if self.note:
            header.append(" · ")
            header.append(_clean(self.note), style("reading-pane--note"))
        if article.updated:
            header.append("\n")
            changed = f"↻ changed since first seen ({article.change_kind})"
            header.append(changed, style("reading-pane--changed"))
        rule = Rule(characters="─", style=style("reading-pane--rule"))
        markdown = sanitize_for_terminal(self.texts[self.source].markdown)
        code_theme = "ansi_dark" if self.app.current_theme.dark else "ansi_light"
        return Group(header, Text(), rule, Text(), _Story(markdown, code_theme=code_theme))

    def _theme(self) -> Theme:
        """Rich's Markdown styles, taken from this widget's component classes (the app theme)."""
        style = self.get_component_rich_style
        heading, quote, code = (
            style("reading-pane--heading"),
            style("reading-pane--quote"),
            style("reading-pane--code"),
        )
        styles: dict[str, Style] = {f"markdown.h{n}": heading for n in range(1, 7)}
        styles |= {
            "markdown.link": style("reading-pane--link"),
            "markdown.link_url": style("reading-pane--link"),
            "markdown.block_quote": quote,
            "markdown.code": code,
            "markdown.code_block": code,
            "markdown.item.bullet": style("reading-pane--bullet"),
            "markdown.item.number": style("reading-pane--bullet"),
            "markdown.hr": style("reading-pane--rule"),
        }
        return Theme(styles)


def _inert(line: list[Segment]) -> list[Segment]:
    """Segments without terminal hyperlinks: a story's links open only through `o`."""
    return [
        Segment(part.text, part.style.update_link(None)) if part.style and part.style.link else part
        for part in line
    ]
