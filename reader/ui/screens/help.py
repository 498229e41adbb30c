"""The help screen, generated from the key tables (so remapped keys show as remapped)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from reader.ui.bindings import APP, ARTICLE_LIST, FEED_LIST, HELP, bindings, keys_of
from reader.ui.outside import clean

# Where a table's keys act, after their description; the main screen's act everywhere.
PLACES = ((APP, ""), (ARTICLE_LIST, " (story list)"), (FEED_LIST, " (feeds pane)"))


def help_rows(app: App[None], keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """Every key of the main screen, its story list and its feeds pane, as the user's keymap
    has them: (keys, label, what it does)."""
    rows: list[tuple[str, str, str]] = []
    for table, place in PLACES:
        for row in table:
            keys = keys_of(row, keymap)
            shown = ", ".join(app.get_key_display(Binding(key, row.action)) for key in keys)
            rows.append((shown, row.label, row.tooltip + place))
    return rows


def _table(rows: list[tuple[str, str, str]]) -> Table:
    """The keys as a table whose last column wraps: at 80 columns no description is cut."""
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Action", no_wrap=True)
    table.add_column("What it does", ratio=1)
    for key, description, tooltip in rows:
        table.add_row(Text(clean(key)), Text(clean(description)), Text(clean(tooltip)))
    return table


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
            with VerticalScroll(id="help-keys"):
                yield Static(_table(self.rows))

    def on_mount(self) -> None:
        self.query_one("#help-keys").focus()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
