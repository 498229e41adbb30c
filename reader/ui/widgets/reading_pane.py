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
from reader.ui.widgets.lines import by_class, look, set_height

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
        self._styles: dict[str, Style] = {}  # component class -> style, until the next restyle
        self._fresh: tuple[Style, ...] = ()  # look() as of the last restyle
        self._body: tuple[object, list[Strip]] = ((), [])  # the text's lines, and what made them
        self._header_height = 0
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
        self._styles = {}
        if self.lines and self._current_look() != self._look:
            self._draw()  # a new theme: the lines carry the old colours

    def _current_look(self) -> tuple[Style, ...]:
        """The styles to draw with, worked out once per restyle: it walks every ancestor, which
        took a third of the time of opening a story."""
        if not self._styles:
            self._fresh = look(self)
            self._styles = by_class(self, self._fresh)
        return self._fresh

    def _draw(self) -> None:
        """Draw the header and the text into lines. The text's lines are kept while only the
        header changes (the note once the full text is in, or could not be had)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            self.lines = []
            return
        self._look = self._current_look()
        base = self._look[0]
        console = self.app.console
        options = console.options.update(width=width, highlight=False, markup=False)

        def lines(renderable: RenderableType) -> list[Strip]:
            rendered = console.render_lines(renderable, options, style=base, pad=True)
            return [Strip(_inert(line), width) for line in rendered]

        header = lines(self._header())
        markdown = sanitize_for_terminal(self.texts[self.source].markdown) if self.article else ""
        dark = self.app.current_theme.dark
        made_of = (markdown, width, self._look, dark)
        same_text = made_of == self._body[0]
        if not same_text:
            with console.use_theme(self._theme()):
                code_theme = "ansi_dark" if dark else "ansi_light"
                body = lines(_Story(markdown, code_theme=code_theme)) if markdown else []
            self._body = (made_of, body)
        self.lines = header + self._body[1]
        self._blank = Strip.blank(width, base)  # below a short story, on every frame
        if same_text and len(header) == self._header_height:
            self.refresh_lines(0, len(header))
        else:
            set_height(self, len(self.lines))
        self._header_height = len(header)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        if 0 <= index < len(self.lines):
            return self.lines[index]
        return self._blank

    def _header(self) -> RenderableType:
        style = self._styles.__getitem__
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
        return Group(header, Text(), rule, Text())

    def _theme(self) -> Theme:
        """Rich's Markdown styles, taken from this widget's component classes (the app theme)."""
        style = self._styles.__getitem__
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
