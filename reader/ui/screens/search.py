"""The search box: a query in the search language (reader.core.query), checked before it runs.

A malformed query (or none) is named on the line under the input and the box stays open with the
text as typed, so it can be mended; a query with ``in:view`` searches only the view shown before.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from reader.core.query import QueryError, parse
from reader.ui.outside import outside
from reader.ui.screens.dialogs import InputDialog


class SearchDialog(InputDialog):
    """Ask for a query; dismissed with its text only once it parses."""

    def __init__(self, clock: Callable[[], float], value: str = "") -> None:
        super().__init__("Search stories", "words to find", value)
        self.clock = clock

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(outside(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")
            yield Label(Content(""), id="search-error")
            yield Label(
                Content(
                    'enter to search · escape to cancel · OR -word "phrase" war* title: in:view'
                ),
                classes="dialog-hint",
            )

    def say(self, text: str) -> None:
        """The error line stays, blank, so the box keeps its height as errors come and go."""
        error = self.query_one("#search-error", Label)
        error.update(outside(f"! {text}", "$text-error") if text else Content(""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.prevent_default()  # InputDialog's handler would dismiss with any text
        text = event.value.strip()
        if not text:
            self.say("Type a query, or press escape to cancel")
            return
        try:
            parse(text, now=int(self.clock()))
        except QueryError as exc:
            self.say(str(exc))
            return
        self.dismiss(text)
