"""The prune command: delete the stories past [store] keep_days and keep_per_feed."""

from __future__ import annotations

import argparse
import time

from reader.cli.output import counted, print_json
from reader.config import Config
from reader.core.store import Store


def cmd_prune(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.retention import keeps_everything, prune

    if keeps_everything(config) and not args.json:
        print("Nothing to prune: [store] keep_days and keep_per_feed are not set (keep everything)")
        return 0
    summary = prune(store, config, int(time.time()))
    if args.json:
        print_json(summary._asdict())
        return 0
    print(
        f"Pruned {counted(summary.deleted, 'story', 'stories')}; kept"
        f" {summary.kept_starred} starred and {summary.kept_changed} changed"
    )
    return 0
