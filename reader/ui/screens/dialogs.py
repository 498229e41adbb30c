"""Small modal dialogs: ask for one line of text, or confirm an action.

A mistake (an empty line where one is needed, a value refused) is shown under the input and the
dialog stays open with the text as typed, so it can be mended; escape cancels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from reader.ui.bindings import CONFIRM_DIALOG, INPUT_DIALOG, bindings
from reader.ui.outside import outside


class InputDialog(ModalScreen[str | None]):
    """Ask for a line of text (a feed URL, a search, a file name); escape cancels."""

    BINDINGS = bindings(INPUT_DIALOG)

    def __init__(
        self,
        title: str,
        placeholder: str = "",
        value: str = "",
        *,
        empty: bool = False,
        missing: str = "Type something, or press escape to cancel",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.empty = empty  # an empty line is an answer ("" rather than None, which cancels)
        self.missing = missing  # said in place when an empty line is not an answer

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(outside(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")
            yield Label(Content(""), id="dialog-error", classes="dialog-error -error")
            yield Label(Content("enter to confirm · escape to cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.say("")

    def say(self, text: str) -> None:
        """Show ``text`` (outside text allowed) under the input; "" hides the line."""
        label = self.query_one("#dialog-error", Label)
        label.update(outside(text))
        label.display = bool(text)

    def on_input_changed(self) -> None:
        self.say("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value and not self.empty:
            self.say(self.missing)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class Refused(Message):
    error: str


@dataclass
class Accepted(Message):
    value: str


class TriedInputDialog(InputDialog):
    """An InputDialog whose answer is tried before it closes: ``attempt`` runs in a thread
    worker and returns why the answer was refused (None: done). A refusal is shown in place;
    the dialog is dismissed with an accepted answer, or None for one equal to ``value``."""

    def __init__(
        self,
        title: str,
        attempt: Callable[[str], str | None],
        value: str = "",
        *,
        empty: bool = False,
    ) -> None:
        super().__init__(title, value=value, empty=empty)
        self.attempt = attempt

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.prevent_default()  # InputDialog's handler would dismiss with the text
        value = event.value.strip()
        if value == self.value:
            self.dismiss(None)
        elif not value and not self.empty:
            self.say(self.missing)
        else:
            self.try_answer(value)

    def try_answer(self, value: str) -> None:
        self.run_worker(
            lambda: self._try(value),
            name="Trying the answer",
            group="dialog",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _try(self, value: str) -> None:
        error = self.attempt(value)
        self.post_message(Accepted(value) if error is None else Refused(error))

    def on_refused(self, message: Refused) -> None:
        self.say(message.error)

    def on_accepted(self, message: Accepted) -> None:
        self.dismiss(message.value)


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
