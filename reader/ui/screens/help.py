"""The help screen, generated from the live bindings (so remapped keys show as remapped)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from reader.ui.outside import clean


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(
                Content("Keys  (escape closes; ctrl+p opens the command palette)"),
                classes="dialog-title",
            )
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Action", "What it does")
            for key, description, tooltip in self.rows:
                table.add_row(Text(clean(key)), Text(clean(description)), Text(clean(tooltip)))
            yield table

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
