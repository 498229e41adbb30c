"""Small modal dialogs: ask for one line of text, or confirm an action."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from reader.ui.bindings import CONFIRM_DIALOG, INPUT_DIALOG, bindings
from reader.ui.outside import outside


class InputDialog(ModalScreen[str | None]):
    """Ask for a line of text (a feed URL, a search, a file name); escape cancels."""

    BINDINGS = bindings(INPUT_DIALOG)

    def __init__(
        self, title: str, placeholder: str = "", value: str = "", *, empty: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.empty = empty  # an empty line is an answer ("" rather than None, which cancels)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(outside(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")
            yield Label(Content("enter to confirm · escape to cancel"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(value if value or self.empty else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no; y/enter confirm, n/escape cancel."""

    BINDINGS = bindings(CONFIRM_DIALOG)

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(outside(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="primary", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
