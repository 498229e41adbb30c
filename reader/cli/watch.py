"""The watch command: one pass with --once, else the daemon."""

from __future__ import annotations

import argparse

from reader.cli.output import print_json
from reader.config import Config
from reader.core.store import Store


def cmd_watch(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.newsroom import Newsroom
    from reader.core.watch import watch_daemon

    with Newsroom(store, config) as newsroom:
        if not args.once:
            watch_daemon(newsroom, everything=args.all)
        summary = newsroom.watch(everything=args.all)
    if args.json:
        print_json(
            {
                "checked": summary.checked,
                "changed": summary.changed,
                "unchanged": summary.unchanged,
                "not_modified": summary.not_modified,
                "failed": summary.failed,
            }
        )
    else:
        print(
            f"{summary.checked} stories checked: {summary.changed} changed,"
            f" {summary.unchanged} unchanged, {summary.not_modified} not modified,"
            f" {summary.failed} failed"
        )
    return 0
