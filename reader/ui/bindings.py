"""Every key binding of the TUI, one table per place it acts: the main screen (the app), the story
list, the diff screen, the help screen and the dialogs.

A row names the binding (its id, which `[keys]` in config.toml remaps), its default keys, the
action it runs, its label in the footer and on the help screen, what it does in a sentence and,
for the main screen's, its name in the command palette. Each screen's BINDINGS, the palette
(commands.py) and the check of the user's keymap (KNOWN_IDS) are built from these rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from textual.binding import Binding, BindingType


class Key(NamedTuple):
    id: str
    keys: str  # comma-separated, as Binding takes them
    action: str
    label: str  # in the footer and the help screen's Action column
    tooltip: str  # what it does
    title: str = ""  # its name in the command palette (main screen); "" keeps it out
    show: bool = False  # in the footer


def bindings(rows: Iterable[Key]) -> list[BindingType]:
    return [
        Binding(row.keys, row.action, row.label, show=row.show, id=row.id, tooltip=row.tooltip)
        for row in rows
    ]


def keys_of(row: Key, keymap: Mapping[str, str]) -> list[str]:
    """The keys bound to ``row``, as the user's keymap has them."""
    return [key.strip() for key in keymap.get(row.id, row.keys).split(",")]


APP: tuple[Key, ...] = (
    Key("move.down", "j,down", "move(1)", "Down", "Next story", "Move down"),
    Key("move.up", "k,up", "move(-1)", "Up", "Previous story", "Move up"),
    Key("move.top", "g,home", "edge(0)", "Top", "First story", "Go to the first story"),
    Key("move.bottom", "G,end", "edge(1)", "Bottom", "Last story", "Go to the last story"),
    Key(
        "story.next",
        "J",
        "story(1)",
        "Next story",
        "Open the next story (in the reading pane too)",
        "Open the next story",
    ),
    Key(
        "story.previous",
        "K",
        "story(-1)",
        "Prev story",
        "Open the previous story (in the reading pane too)",
        "Open the previous story",
    ),
    Key("article.open", "enter", "open", "Open", "Read the story", "Open the story", show=True),
    Key(
        "reader.page_down",
        "space",
        "page_down",
        "Page",
        "Page down in the story (or the list)",
        "Page down",
    ),
    Key(
        "move.next_unread",
        "n",
        "unread(1)",
        "Next unread",
        "Open the next unread story",
        "Next unread story",
    ),
    Key(
        "move.previous_unread",
        "p",
        "unread(-1)",
        "Prev unread",
        "Open the previous unread story",
        "Previous unread story",
    ),
    Key(
        "pane.next",
        "tab",
        "next_pane",
        "Pane",
        "Move between feeds, stories and the reading pane",
        "Next pane",
    ),
    Key(
        "feeds.refresh",
        "r",
        "refresh_feed",
        "Refresh",
        "Refresh the selected feed or folder (all feeds on a view)",
        "Refresh feed",
        show=True,
    ),
    Key(
        "feeds.refresh_all",
        "R",
        "refresh_all",
        "Refresh all",
        "Refresh all now: every feed, due or not",
        "Refresh all feeds",
    ),
    Key(
        "feeds.add",
        "a",
        "add_feed",
        "Add",
        "Subscribe to a feed or a site",
        "Add feed",
        show=True,
    ),
    Key(
        "feeds.rename",
        "e",
        "rename_feed",
        "Rename",
        "Rename the feed selected in the feeds pane",
        "Rename feed",
    ),
    Key(
        "feeds.move",
        "M",
        "move_feed",
        "Move",
        "Move the selected feed to a folder",
        "Move feed to folder",
    ),
    Key(
        "feeds.edit_url",
        "U",
        "edit_feed_url",
        "Edit URL",
        "Change the address of the selected feed",
        "Edit feed URL",
    ),
    Key(
        "feeds.remove",
        "x,delete",
        "remove_feed",
        "Remove",
        "Unsubscribe from the selected feed (asks first; starred stories stay)",
        "Remove feed",
    ),
    Key(
        "reader.toggle_text",
        "t",
        "toggle_text",
        "Full/feed text",
        "Switch the reading pane between the page's full text and the feed's text",
        "Switch full/feed text",
    ),
    Key(
        "article.browser",
        "o",
        "open_browser",
        "Browser",
        "Open the story in your web browser",
        "Open in browser",
    ),
    Key(
        "article.links",
        "l",
        "links",
        "Links",
        "List the story's links; a link's number opens it in your web browser",
        "Story links",
    ),
    Key(
        "article.save",
        "S",
        "save_story",
        "Save",
        "Save the story as Markdown in [tui] save_dir",
        "Save story as Markdown",
    ),
    Key(
        "article.copy_url",
        "y",
        "copy_url",
        "Copy URL",
        "Copy the story's web address to the clipboard ([tui] clipboard = true)",
        "Copy story URL",
    ),
    Key("article.star", "s", "star", "Star", "Star or unstar", "Star story"),
    Key(
        "article.toggle_read",
        "m",
        "toggle_read",
        "Read",
        "Mark the story read or unread",
        "Toggle read",
    ),
    Key(
        "feeds.mark_read",
        "A",
        "mark_feed_read",
        "Mark feed read",
        "Mark every story of the selected feed read (ctrl+z undoes)",
        "Mark feed read",
    ),
    Key("app.undo", "ctrl+z", "undo", "Undo", "Undo the last mark-feed-read", "Undo"),
    Key("app.search", "slash", "search", "Search", "Full-text search", "Search", show=True),
    Key(
        "app.save_search",
        "ctrl+s",
        "save_search",
        "Save search",
        "Save the current search as a view in the feeds pane ([[saved]] in config.toml)",
        "Save search",
    ),
    Key(
        "app.filter",
        "f",
        "cycle_filter",
        "Filter",
        "Cycle the filter: all, unread, starred, updated",
        "Cycle filter",
        show=True,
    ),
    Key(
        "article.diff",
        "d",
        "diff",
        "Changes",
        "Show what changed in the story",
        "What changed",
    ),
    Key(
        "app.updated",
        "u",
        "updated_stories",
        "Updated",
        "List the stories that changed after publication",
        "Updated stories",
    ),
    Key("app.help", "question_mark", "help", "Help", "Show every key", "Help", show=True),
    # Not in the palette: Textual's own entries quit, and the palette is open already.
    Key("app.quit", "q", "quit", "Quit", "Quit newsroom", show=True),
    Key(
        "app.back",
        "escape",
        "leave",
        "Back",
        "Leave the reading pane or the search",
        "Back",
    ),
    Key(
        "app.palette",
        "ctrl+p",
        "command_palette",
        "Commands",
        "Every action, plus import/export OPML and themes",
    ),
)

# The story list moves its cursor with the app's keys; these page through it.
ARTICLE_LIST: tuple[Key, ...] = (
    Key("list.page_up", "pageup", "page(-1)", "Page up", "A screen of stories up"),
    Key("list.page_down", "pagedown", "page(1)", "Page down", "A screen of stories down"),
)

# The feeds pane: a folder opens and closes (enter and space on its line switch it too).
FEED_LIST: tuple[Key, ...] = (
    Key(
        "folder.collapse",
        "left",
        "fold(True)",
        "Close folder",
        "Hide the folder's feeds (enter or space on a folder opens or closes it)",
    ),
    Key("folder.expand", "right", "fold(False)", "Open folder", "Show the folder's feeds"),
)

DIFF: tuple[Key, ...] = (
    Key("diff.close", "escape,q,d", "dismiss", "Close", "Back to the stories", show=True),
    Key("diff.base", "b", "set_base", "Set base", "Compare with this version", show=True),
)

LINKS: tuple[Key, ...] = (
    Key("links.close", "escape,q,l", "dismiss", "Close", "Back to the story", show=True),
)

HELP: tuple[Key, ...] = (
    Key(
        "help.close",
        "escape,q,question_mark",
        "dismiss",
        "Close help",
        "Back to the stories",
        show=True,
    ),
)

INPUT_DIALOG: tuple[Key, ...] = (
    Key("dialog.cancel", "escape", "cancel", "Cancel", "Close without doing it", show=True),
)

CONFIRM_DIALOG: tuple[Key, ...] = (
    Key("dialog.yes", "y", "answer(True)", "Yes", "Go ahead", show=True),
    Key("dialog.no", "n,escape", "answer(False)", "No", "Leave it as it is", show=True),
)

KNOWN_IDS = frozenset(
    row.id
    for table in (APP, ARTICLE_LIST, FEED_LIST, DIFF, LINKS, HELP, INPUT_DIALOG, CONFIRM_DIALOG)
    for row in table
)
