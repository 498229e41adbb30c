"""The command palette's own entries: every action of the main screen by name, with its keys as
the user's keymap has them, built from the binding table (bindings.APP), then the commands that
have no key. Textual's system commands (themes, quit, screenshot) come from its own provider,
kept beside this one. (The palette opens on the main screen only: its key is an app binding,
and the modal screens take every key that is not a priority binding.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reader.ui.bindings import APP, keys_of

if TYPE_CHECKING:
    from reader.ui.app import NewsroomApp


class Command(NamedTuple):
    title: str
    help: str
    run: Callable[[], object]
    keys: str  # as shown, "" for none


# The app's actions that have no key: (title, what it does, action).
PALETTE_ONLY = (
    ("Import OPML", "Import subscriptions from an OPML or newsboat urls file", "import"),
    ("Export OPML", "Write subscriptions to an OPML file", "export"),
)


class NewsroomCommands(Provider):
    def commands(self) -> Iterator[Command]:
        app = cast("NewsroomApp", self.app)
        for row in APP:
            if row.title:
                keys = keys_of(row, app.config.keys)
                shown = ", ".join(app.get_key_display(Binding(key, row.action)) for key in keys)
                yield Command(row.title, row.tooltip, partial(app.run_action, row.action), shown)
        for title, help_text, action in PALETTE_ONLY:
            yield Command(title, help_text, partial(app.run_action, action), "")

    async def discover(self) -> Hits:
        for command in self.commands():
            shown = _shown(command.title, command)
            yield DiscoveryHit(shown, command.run, command.title, command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            if (score := matcher.match(command.title)) > 0:
                shown = _shown(matcher.highlight(command.title), command)
                yield Hit(score, shown, command.run, command.title, command.help)


def _shown(title: str | Content, command: Command) -> Content:
    """The title (plain text, or as the matcher highlighted it), then its keys, dimmed."""
    keys = ("  " + command.keys, "$text-muted") if command.keys else ""
    return Content.assemble(title, keys)
