"""The help screen, generated from the live bindings (so remapped keys show as remapped)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from reader.ui.bindings import HELP, bindings
from reader.ui.outside import clean


def help_rows(app: App[None]) -> list[tuple[str, str, str]]:
    """Every binding in force on the main screen, keys as remapped by the user's keymap."""
    keys: dict[tuple[str, str], list[str]] = {}
    tooltips: dict[tuple[str, str], str] = {}
    for key, active in app.screen.active_bindings.items():
        binding = active.binding
        # Ours (they have ids) and the app's own; not the generic scrolling of containers.
        if not binding.description or not (binding.id or active.node is app):
            continue
        name = (binding.description, binding.action)
        keys.setdefault(name, []).append(app.get_key_display(binding.with_key(key)))
        tooltips[name] = binding.tooltip
    return [(", ".join(k), name[0], tooltips[name]) for name, k in keys.items()]


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings(HELP)

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
