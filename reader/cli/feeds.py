"""The commands on subscriptions: add, import, export, refresh, feeds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.errors import Failure, UsageError
from reader.cli.output import Style, clean, print_json, shown_url
from reader.config import Config
from reader.core.models import RefreshResult, RefreshStatus
from reader.core.safety import display_url
from reader.core.store import Store


def cmd_add(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.newsroom import Newsroom
    from reader.core.safety import UnsafeURLError
    from reader.core.subscribe import SubscribeError

    try:
        with Newsroom(store, config) as newsroom:
            feed, created, stored = newsroom.add_feed(args.url, folder=args.folder)
    except UnsafeURLError as exc:
        raise UsageError(str(exc)) from None
    except SubscribeError as exc:
        raise Failure(str(exc)) from None
    title = shown_url(feed.title)
    if created:
        print(f"Subscribed to {title} <{shown_url(feed.url)}> ({stored} stories)")
    else:
        print(f"Already subscribed to {title} <{shown_url(feed.url)}>")
    return 0


def cmd_import(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.newsroom import Newsroom

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        with Newsroom(store, config) as newsroom:
            added, skipped, notes = newsroom.import_subscriptions(data)
    except ValueError as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    for note in notes:
        print(f"note: {clean(note)}", file=sys.stderr)
    print(f"Imported {added} feeds ({skipped} already subscribed)")
    return 0


def cmd_export(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.newsroom import Newsroom

    with Newsroom(store, config) as newsroom:
        exported = newsroom.export_subscriptions(
            args.format, with_credentials=args.with_credentials
        )
    sys.stdout.write(exported.rstrip("\n") + "\n")
    return 0


def cmd_refresh(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.newsroom import Newsroom

    feeds = store.feeds(unread=False)
    progress = sys.stderr.isatty() and not args.json
    done = 0

    def report(result: RefreshResult) -> None:
        nonlocal done
        done += 1
        if progress:
            sys.stderr.write(f"\rRefreshing feeds {done}/{len(feeds)}")
            sys.stderr.flush()
        if result.status is RefreshStatus.FAILED and not args.json:
            if progress:
                sys.stderr.write("\r\x1b[K")
            print(f"failed: {shown_url(result.url)}: {clean(result.error)}", file=sys.stderr)

    with Newsroom(store, config) as newsroom:
        summary = newsroom.refresh(feeds, on_result=report)
    if progress:
        sys.stderr.write("\r\x1b[K")
    if args.json:
        print_json(
            {
                "feeds": summary.feeds,
                "ok": summary.ok,
                "failed": summary.failed,
                "not_modified": summary.not_modified,
                "new": summary.new,
                "updated": summary.updated,
                "changes": [change._asdict() for change in summary.changes],
            }
        )
    else:
        print(
            f"{summary.feeds} feeds: {summary.ok} updated, {summary.not_modified} not modified,"
            f" {summary.failed} failed; {summary.new} new stories, {summary.updated} changed"
        )
    return 0


def cmd_feeds(args: argparse.Namespace, config: Config, store: Store) -> int:
    feeds = store.feeds()
    if args.json:
        print_json(
            [
                {
                    "id": f.id,
                    "url": display_url(f.url),
                    "title": display_url(f.title),
                    "folder": f.folder,
                    "unread": f.unread,
                    "error": f.error,
                }
                for f in feeds
            ]
        )
        return 0
    style = Style(sys.stdout)
    width = max((len(str(f.id)) for f in feeds), default=1)
    for f in feeds:
        folder = f"[{clean(f.folder)}] " if f.folder else ""
        address = style(shown_url(f.url), "2")
        line = f"{f.id:>{width}} {f.unread:>5}  {folder}{shown_url(f.title)}  {address}"
        if f.error:
            line += "  " + style(f"! {clean(f.error)}", "31")
        print(line)
    return 0
