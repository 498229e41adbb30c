"""What changed in a story: the headline on top, the body as an inline word diff, and the
version timeline to pick any two versions (highlight one to compare with it, `b` sets the base).
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.diff import diff_texts
from reader.core.safety import sanitize_for_terminal

KIND_LABELS = {
    None: "",
    "headline": "headline changed",
    "correction": "correction",
    "update": "paragraphs added",
    "edit": "words changed",
    "removed": "page removed",
}


class DiffView(Static):
    """Renders a diff with colours taken from the stylesheet's component classes."""

    COMPONENT_CLASSES = {"diff--added", "diff--removed", "diff--title"}

    def show(self, old: tuple, new: tuple) -> None:
        diff = diff_texts(old[4], old[5], new[4], new[5])
        added = self.get_component_rich_style("diff--added")
        removed = self.get_component_rich_style("diff--removed")
        title = self.get_component_rich_style("diff--title")
        text = Text()
        if diff.title_before != diff.title_after:
            text.append(sanitize_for_terminal(diff.title_before), removed + title)
            text.append("\n")
            text.append(sanitize_for_terminal(diff.title_after), added + title)
        else:
            text.append(sanitize_for_terminal(diff.title_after), title)
        text.append(f"\nversion {old[0]} → version {new[0]}   ", "dim")
        text.append(f"+{diff.words_added} words", added)
        text.append("  ")
        text.append(f"-{diff.words_removed} words", removed)
        text.append("\n\n")
        for chunk in diff.chunks:
            words = sanitize_for_terminal(chunk.text)
            if chunk.text == "\n\n":
                text.append("\n\n")
                continue
            style = added if chunk.op == "+" else removed if chunk.op == "-" else None
            text.append(words, style or "")
            text.append(" ")
        self.update(text)


class DiffScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,d", "dismiss", "Close", id="diff.close"),
        Binding("b", "set_base", "Set base", id="diff.base", tooltip="Compare with this version"),
    ]

    def __init__(self, title: str, versions: list[tuple], base: int | None) -> None:
        super().__init__()
        self.story_title = title
        self.versions = versions  # (seq, seen_at, source, kind, title, text), oldest first
        # The page tier has the whole story: show its latest change when there is one.
        pages = [v for v in versions if v[2] == "page"]
        target = pages[-1] if len(pages) > 1 else versions[-1]
        self.target = target[0]
        before = [v for v in versions if v[0] < target[0]]
        same = [v for v in before if v[2] == target[2]] or before
        default = same[-1][0] if same else target[0]
        known = {v[0] for v in before}
        self.base = base if base in known else default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog diff"):
            yield Label(
                Content(f"What changed: {sanitize_for_terminal(self.story_title)}"),
                classes="dialog-title",
            )
            with Horizontal():
                options = [
                    Option(
                        Content(
                            f"v{seq} {time.strftime('%d %b %H:%M', time.localtime(seen))}"
                            f" {source} {KIND_LABELS.get(kind, kind)}"
                        ),
                        id=str(seq),
                    )
                    for seq, seen, source, kind, _, _ in self.versions
                ]
                yield OptionList(*options, id="timeline")
                with VerticalScroll(id="diff-body"):
                    yield DiffView(id="diff-view")
            yield Label(
                Content("↑/↓ pick a version · b: use it as the base · escape closes"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        timeline = self.query_one("#timeline", OptionList)
        timeline.highlighted = [v[0] for v in self.versions].index(self.target)
        timeline.focus()
        self._show(self.target)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._show(int(event.option.id))

    def _show(self, seq: int) -> None:
        by_seq = {v[0]: v for v in self.versions}
        base = self.base if self.base != seq else min(by_seq)
        self.query_one(DiffView).show(by_seq[base], by_seq[seq])

    def action_set_base(self) -> None:
        timeline = self.query_one("#timeline", OptionList)
        if timeline.highlighted is not None:
            self.base = self.versions[timeline.highlighted][0]
            self.notify(f"Comparing with version {self.base}", timeout=2)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
