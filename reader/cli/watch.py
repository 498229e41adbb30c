"""The watch command: one pass with --once, else the daemon."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from reader.cli.output import clean, counted, print_json, when
from reader.config import Config, ConfigError
from reader.core.store import Store

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reader.core.models import Change


def print_changes(changes: Sequence[Change]) -> None:
    """The daemon's line per change: when, kind, story id, headline."""
    now = when(int(time.time()))
    for change in changes:
        print(f"{now}  {change.kind:<10} {change.id:>6}  {clean(change.title)}", flush=True)


def cmd_watch(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.newsroom import Newsroom
    from reader.core.notify import missing_apprise
    from reader.core.watch import watch_daemon

    problem = missing_apprise(config)
    if problem:
        raise ConfigError(f"{config.config_path}: {problem}")
    with Newsroom(store, config) as newsroom:
        if not args.once:
            feeds = counted(len(store.feeds(unread=False)), "feed")
            print(f"{when(int(time.time()))}  watching the stories of {feeds}", flush=True)
            watch_daemon(newsroom, everything=args.all, on_changes=print_changes)
        summary = newsroom.watch(everything=args.all)
    if args.json:
        print_json(
            {
                "checked": summary.checked,
                "changed": summary.changed,
                "unchanged": summary.unchanged,
                "not_modified": summary.not_modified,
                "failed": summary.failed,
                "changes": [change._asdict() for change in summary.changes],
                "failures": [failure._asdict() for failure in summary.failures],
            }
        )
    else:
        print(
            f"{counted(summary.checked, 'story', 'stories')} checked: {summary.changed} changed,"
            f" {summary.unchanged} unchanged, {summary.not_modified} not modified,"
            f" {summary.failed} failed"
        )
        for failure in summary.failures:
            print(f"  story {failure.id} failed: {clean(failure.error)}")
    return 0
