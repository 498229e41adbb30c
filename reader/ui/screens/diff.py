"""What changed in a story: the headline on top, the body as an inline word diff, and the
version timeline to pick any two versions (highlight one to compare with it, `b` sets the base);
on a narrow terminal the timeline is above the diff rather than beside it.

The diff is worked out and drawn in a worker: two long versions can take seconds, and the app
keeps answering keys meanwhile (escape closes the screen, q then quits).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.core.changes import default_pair
from reader.core.diff import Diff, diff_texts
from reader.core.models import Version
from reader.ui.actions.base import NARROW
from reader.ui.bindings import DIFF, bindings
from reader.ui.outside import clean, outside
from reader.ui.widgets.lines import draw
from reader.ui.words import count

KIND_LABELS = {
    None: "",
    "headline": "headline changed",
    "correction": "correction",
    "update": "paragraphs added",
    "edit": "words changed",
    "cut": "text cut",
    "revert": "back to an earlier version",
    "removed": "page removed",
}
WORKING = "Working out what changed…"
Pair = tuple[Version, Version]  # the versions compared: before, after


class DiffView(ScrollView, can_focus=True):
    """A diff drawn into lines in a worker, with colours from the stylesheet's component
    classes."""

    COMPONENT_CLASSES = {"diff--added", "diff--removed", "diff--title"}

    @dataclass
    class Drawn(Message, bubble=False):
        made_of: tuple[Pair, int]  # the versions compared, and the width drawn at
        lines: list[Strip]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.pair: Pair | None = None
        self.lines: list[Strip] = []
        self._made_of: tuple[Pair, int] | None = None

    def show(self, old: Version, new: Version) -> None:
        self.pair = (old, new)
        self.scroll_home(animate=False)
        self._start()

    def on_resize(self, event: Resize) -> None:
        self._start()

    def _start(self) -> None:
        """Show WORKING, and work out and draw the diff of ``pair`` at the current width."""
        width = self.scrollable_content_region.width
        if self.pair is None or width <= 0 or (self.pair, width) == self._made_of:
            return
        self._made_of = made_of = (self.pair, width)
        base = self.rich_style
        styles = [self.get_component_rich_style(name) for name in sorted(self.COMPONENT_CLASSES)]
        self._set_lines(list(draw(Text(WORKING, "dim"), width, base)))
        self.run_worker(
            partial(self._work, made_of, base, *styles),
            name="Working out the changes",
            group="diff",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _work(
        self, made_of: tuple[Pair, int], base: Style, added: Style, removed: Style, title: Style
    ) -> None:
        (old, new), width = made_of
        diff = diff_texts(old.title, old.text, new.title, new.text)
        text = _diff_text(diff, old.seq, new.seq, added, removed, title)
        worker = get_current_worker()
        lines: list[Strip] = []
        for line in draw(text, width, base):
            if worker.is_cancelled:
                return
            lines.append(line)
        self.post_message(self.Drawn(made_of, lines))

    def on_diff_view_drawn(self, message: Drawn) -> None:
        if message.made_of is self._made_of:
            self._set_lines(message.lines)

    def _set_lines(self, lines: list[Strip]) -> None:
        self.lines = lines
        self.virtual_size = Size(self.scrollable_content_region.width, len(lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        if 0 <= index < len(self.lines):
            return self.lines[index]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)


def _diff_text(
    diff: Diff, old_seq: int, new_seq: int, added: Style, removed: Style, title: Style
) -> Text:
    """The diff as styled text: headline (both when it changed), counts, then the body."""
    text = Text()
    if diff.title_before != diff.title_after:
        text.append(clean(diff.title_before), removed + title)
        text.append("\n")
        text.append(clean(diff.title_after), added + title)
    else:
        text.append(clean(diff.title_after), title)
    text.append(f"\nversion {old_seq} → version {new_seq}   ", "dim")
    text.append(f"+{count(diff.words_added, 'word')}", added)
    text.append("  ")
    text.append(f"-{count(diff.words_removed, 'word')}", removed)
    text.append("\n\n")
    for chunk in diff.chunks:
        if chunk.text == "\n\n":
            text.append("\n\n")
            continue
        style = added if chunk.op == "+" else removed if chunk.op == "-" else None
        text.append(clean(chunk.text, line=False), style or "")
        text.append(" ")
    return text


class DiffScreen(ModalScreen[None]):
    BINDINGS = bindings(DIFF)

    def __init__(self, title: str, versions: list[Version], base: int | None) -> None:
        super().__init__()
        self.story_title = title
        self.versions = versions  # oldest first
        # The same first pair as `newsroom diff`, from the version read when there is one.
        self.base, self.target = default_pair(versions, read=base)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog diff"):
            yield Label(outside(f"What changed: {self.story_title}"), classes="dialog-title")
            with Horizontal(id="diff-panes"):
                options = [
                    Option(
                        outside(
                            f"v{v.seq} {time.strftime('%d %b %H:%M', time.localtime(v.seen_at))}"
                            f" {v.source} {KIND_LABELS.get(v.kind, v.kind)}"
                        ),
                        id=str(v.seq),
                    )
                    for v in self.versions
                ]
                yield OptionList(*options, id="timeline")
                yield DiffView(id="diff-body")
            yield Label(
                Content("↑/↓ pick a version · b: use it as the base · escape closes"),
                classes="dialog-hint",
            )

    def on_resize(self, event: Resize) -> None:
        # Narrow: the timeline goes above the diff, which gets the dialog's whole width.
        self.set_class(event.size.width < NARROW, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW, "-narrow")
        timeline = self.query_one("#timeline", OptionList)
        timeline.highlighted = [v.seq for v in self.versions].index(self.target)
        timeline.focus()
        self._show(self.target)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._show(int(event.option.id))

    def _show(self, seq: int) -> None:
        by_seq = {v.seq: v for v in self.versions}
        base = self.base if self.base != seq else min(by_seq)
        self.query_one(DiffView).show(by_seq[base], by_seq[seq])

    def action_set_base(self) -> None:
        timeline = self.query_one("#timeline", OptionList)
        if timeline.highlighted is not None:
            self.base = self.versions[timeline.highlighted].seq
            self.notify(f"Comparing with version {self.base}", timeout=2, markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
