"""The link list of a story (`l`): pick a link by its number or with the cursor and enter.

The screen only chooses: it is dismissed with the link picked (or None), and the app opens it
with the browser rule of `o`. Digits typed add up to a number; it opens as soon as no longer
number could follow (with nine links, "3" opens at once; with twelve, "1" waits for a second
digit or enter).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from reader.core.links import Link
from reader.core.safety import display_url
from reader.ui.bindings import LINKS, bindings
from reader.ui.outside import clean, outside

HINT = "a number or enter opens a link · escape closes"


class LinksScreen(ModalScreen[Link | None]):
    BINDINGS = bindings(LINKS)
    DEFAULT_CSS = """
    LinksScreen { align: center middle; }
    LinksScreen DataTable { height: 1fr; }
    """

    def __init__(self, title: str, links: Sequence[Link]) -> None:
        super().__init__()
        self.title_text = title
        self.links = {link.n: link for link in links}
        self.typed = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(outside(f"Links of {self.title_text}"), classes="dialog-title")
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("#", "Text", "URL")
            for n, link in self.links.items():
                table.add_row(
                    Text(str(n)),
                    Text(clean(link.text)),
                    Text(clean(display_url(link.url))),
                    key=str(n),
                )
            yield table
            yield Label(outside(HINT), classes="dialog-hint", id="links-hint")

    def on_key(self, event: Key) -> None:
        if event.character is None or not event.character.isdigit():
            return
        event.stop()
        typed = (self.typed + event.character).lstrip("0")
        if not typed or int(typed) > max(self.links):
            self._typed("")  # no such link: start again
            return
        if int(typed) * 10 > max(self.links):
            self.dismiss(self.links.get(int(typed)))
            return
        self._typed(typed)

    def _typed(self, typed: str) -> None:
        """Keep the digits typed so far, and put the cursor on the link they name."""
        self.typed = typed
        self.query_one("#links-hint", Label).update(
            outside(f"link {typed}… (enter opens it)" if typed else HINT)
        )
        if typed and int(typed) in self.links:
            table = self.query_one(DataTable)
            table.move_cursor(row=table.get_row_index(typed))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        self.dismiss(self.links.get(int(key)) if key else None)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
