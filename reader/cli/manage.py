"""The commands that change a subscription: edit and remove."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from reader.cli.errors import UsageError
from reader.cli.output import clean, counted, print_json, shown_url
from reader.config import Config
from reader.core.manage import (
    FeedEdit,
    FeedEditError,
    UnknownFeedError,
    edit_feed,
    parse_interval,
    remove_feed,
)
from reader.core.store import Store


def cmd_edit(args: argparse.Namespace, config: Config, store: Store) -> int:
    try:
        edit = FeedEdit(
            title=args.title,
            folder=args.folder,
            url=args.url,
            interval_minutes=None if args.interval is None else parse_interval(args.interval),
            extract=args.extract,
            user_agent=args.user_agent,
            add_tags=tuple(args.tag),
            remove_tags=tuple(args.untag),
        )
        if edit == FeedEdit():
            raise UsageError(
                "nothing to change: give --title, --folder, --tag, --untag, --url, --interval,"
                " --extract or --user-agent"
            )
        changes = edit_feed(store, args.id, edit)
    except (UnknownFeedError, FeedEditError) as exc:
        raise UsageError(str(exc)) from None
    feed = store.feed(args.id)
    name = shown_url(feed.title if feed else str(args.id))
    if not changes:
        print(f"Nothing changed in feed {args.id} ({name})")
        return 0
    if config.filters.hide:
        from reader.core.filters import hide_again

        hide_again(store, config)  # a filter may look at the feed's title, folder or tags
    print(f"Feed {args.id} ({name}): {counted(len(changes), 'change')}")
    for change in changes:
        show = shown_url if change.name == "url" else clean
        print(f"  {change.name}: {_shown(change.before, show)} -> {_shown(change.after, show)}")
    return 0


def cmd_remove(args: argparse.Namespace, config: Config, store: Store) -> int:
    try:
        feed, deleted, kept = remove_feed(store, args.id)
    except UnknownFeedError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json({"id": feed.id, "title": feed.title, "deleted": deleted, "kept_starred": kept})
        return 0
    line = f"Removed {shown_url(feed.title)}: {counted(deleted, 'story', 'stories')} deleted"
    if kept:
        line += f", {counted(kept, 'starred story', 'starred stories')} kept"
    print(line)
    return 0


def _shown(value: str | None, show: Callable[[str], str]) -> str:
    return "(none)" if value is None else repr(show(value))
