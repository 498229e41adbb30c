"""The reading pane: a metadata header and the story, drawn once into lines.

Opening a story wraps its text once, at the pane's width; scrolling and every later frame only
copy lines. The pane has no child widgets, so a new story never lays out the rest of the screen
again (a widget per paragraph did, and key presses waited for it). Links are shown as numbered
references with their list after the text (reader.core.links), never opened by themselves.

A story first shows the feed's text, then its full text once the page has been extracted (in a
worker); `t` switches between the two. A long text (a multi-megabyte page) is converted and drawn
in a worker too, its first lines shown as soon as they are ready: keys keep answering meanwhile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.console import Group, JustifyMethod, RenderableType
from rich.markdown import Heading, Markdown, MarkdownElement
from rich.rule import Rule
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.events import Resize
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.core.fulltext import FullText, feed_text
from reader.core.links import story_markdown
from reader.core.models import Article, Enclosure
from reader.ui.outside import clean
from reader.ui.widgets.lines import by_class, draw, look, set_height

PLACEHOLDER = "Select a story to read it."
# Texts up to this many characters are drawn at once (a few milliseconds); longer ones in a
# worker. Feed HTML of this size is converted at once, longer in a worker.
AT_ONCE = 30_000
FIRST_LINES = 200  # a text drawn in a worker shows from this many lines on, then as it grows
# What a text's lines were drawn from: its Markdown (None: not there yet), the width, the
# styles, whether the theme is dark, and the story's URL (which relative links are read against)
# and files (listed after the text).
MadeOf = tuple[str | None, int, tuple[Style, ...], bool, str | None, tuple[Enclosure, ...]]


class _Heading(Heading):
    LEVEL_ALIGN: ClassVar[
        dict[str, JustifyMethod]
    ] = {}  # every heading on the left, as in the article


class _Story(Markdown):
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "heading_open": _Heading,
    }


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

    @dataclass
    class FeedTextReady(Message, bubble=False):
        """The feed's text of a story, converted in a worker (its HTML was long)."""

        full: FullText

    @dataclass
    class Drawn(Message, bubble=False):
        """Lines of a long text drawn in a worker: the first ones, more, or (done) all."""

        made_of: MadeOf
        lines: list[Strip]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article: Article | None = None
        self.texts: dict[str, FullText] = {}
        self.source = "feed"
        self.note: str | None = None
        self.changed = False  # a new version came in while the story was open
        self.lines: list[Strip] = []  # the whole story, drawn at the current width
        self._look: tuple[Style, ...] = ()  # the styles those lines were drawn with
        self._styles: dict[str, Style] = {}  # component class -> style, until the next restyle
        self._fresh: tuple[Style, ...] = ()  # look() as of the last restyle
        self._body: tuple[MadeOf | None, list[Strip]] = (None, [])  # lines, and what made them
        self._header_lines: list[Strip] = []
        self._blank = Strip.blank(0)

    def show(self, article: Article, loading: bool = True, changed: bool = False) -> None:
        """Show the feed's text at once; the full text follows through show_full().
        ``changed``: this is a newer version of the story open until now."""
        self.article = article
        self.changed = changed
        self.source = "feed"
        self.note = "loading the full text…" if loading else None
        if len(article.summary) + len(article.content or "") <= AT_ONCE:
            self.texts = {"feed": feed_text(article)}
        else:
            self.texts = {}
            self.run_worker(
                partial(self._convert, article),
                name="Converting the story",
                group="convert",
                exclusive=True,
                thread=True,
                exit_on_error=False,
            )
        self._draw()
        self.scroll_home(animate=False, immediate=True)

    def _convert(self, article: Article) -> None:
        full = feed_text(article)
        if not get_current_worker().is_cancelled:
            self.post_message(self.FeedTextReady(full))

    def on_reading_pane_feed_text_ready(self, message: FeedTextReady) -> None:
        full = message.full
        if self.article is not None and full.article_id == self.article.id:
            self.texts.setdefault("feed", full)  # unless show_full() brought it first
            self._draw()

    def changed_since_read(self, article_id: int) -> None:
        """Say that the story shown changed since the user last read it."""
        if self.article is not None and self.article.id == article_id and not self.changed:
            self.changed = True
            self._draw()

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
        header = list(draw(self._header(), width, base))
        text = self.texts.get(self.source) if self.article else None
        made_of: MadeOf = (
            text.markdown if text else None,
            width,
            self._look,
            self.app.current_theme.dark,
            self.article.url if self.article else None,
            self.article.enclosures if self.article else (),
        )
        same_text = made_of == self._body[0]
        if not same_text:
            self.workers.cancel_group(self, "draw")
            self._body = (made_of, self._draw_text(made_of))
        self.lines = header + self._body[1]
        self._blank = Strip.blank(width, base)  # below a short story, on every frame
        if same_text and len(header) == len(self._header_lines):
            self.refresh_lines(0, len(header))
        else:
            set_height(self, len(self.lines))
        self._header_lines = header

    def _draw_text(self, made_of: MadeOf) -> list[Strip]:
        """The text's lines when it is short. A long one is drawn by a worker: "…" until
        then, as while the feed's text is being converted."""
        markdown, width, drawn_with, dark, url, files = made_of
        base = drawn_with[0]
        if self.article is None or (markdown == "" and not files):
            return []
        story = partial(_Story, code_theme="ansi_dark" if dark else "ansi_light")
        if markdown is not None and len(markdown) <= AT_ONCE:
            shown = clean(story_markdown(markdown, url, files), line=False)
            return list(draw(story(shown), width, base, self._theme()))
        if markdown is not None:
            self.run_worker(
                partial(self._draw_story, made_of, story, self._theme()),
                name="Drawing the story",
                group="draw",
                thread=True,
                exit_on_error=False,
            )
        return list(draw(Text("…", self._styles["reading-pane--note"]), width, base))

    def _draw_story(self, made_of: MadeOf, story: partial[_Story], theme: Theme) -> None:
        """Draw a long text in a worker, posting its lines when there are FIRST_LINES of
        them, twice as many, and so on (a few dozen posts for the longest page), then all."""
        worker = get_current_worker()
        markdown, width, drawn_with, _, url, files = made_of
        lines: list[Strip] = []
        post_at = FIRST_LINES
        shown = clean(story_markdown(markdown or "", url, files), line=False)
        for line in draw(story(shown), width, drawn_with[0], theme):
            if worker.is_cancelled:
                return
            lines.append(line)
            if len(lines) == post_at:
                self.post_message(self.Drawn(made_of, lines[:]))
                post_at *= 2
        self.post_message(self.Drawn(made_of, lines))

    def on_reading_pane_drawn(self, message: Drawn) -> None:
        if message.made_of is not self._body[0]:
            return  # drawn for a story, a width or a theme no longer shown
        self._body = (message.made_of, message.lines)
        self.lines = self._header_lines + message.lines
        set_height(self, len(self.lines))

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
        meta = " · ".join(p for p in (clean(article.feed_title), clean(article.author), when) if p)
        label = "full text" if self.source == "extracted" else "feed text"
        if len(self.texts) > 1:
            label += " (t: switch)"
        header = Text.assemble(
            "\n",
            (clean(article.title) or "(untitled)", style("reading-pane--title")),
            "\n",
            (meta, style("reading-pane--meta")),
            "\n",
            (clean(article.url), style("reading-pane--meta") + Style(italic=True)),
            "\n",
            (label, style("reading-pane--label")),
        )
        if self.note:
            header.append(" · ")
            header.append(clean(self.note), style("reading-pane--note"))
        if article.updated:
            header.append("\n")
            since = "you read it" if self.changed else "first seen"
            changed = f"↻ changed since {since} ({article.change_kind})"
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
