"""The commands on subscriptions: add, import, export, refresh, feeds (edit and remove are in
manage.py)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reader.cli.errors import Failure, UsageError
from reader.cli.output import Style, clean, counted, print_json, shown_url
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
            added, others = newsroom.add_feeds(args.url, folder=args.folder, every=args.all)
    except UnsafeURLError as exc:
        raise UsageError(str(exc)) from None
    except SubscribeError as exc:
        raise Failure(str(exc)) from None
    for feed, created, stored in added:
        title = shown_url(feed.title)
        if created:
            stories = counted(stored, "story", "stories")
            print(f"Subscribed to {title} <{shown_url(feed.url)}> ({stories})")
        else:
            print(f"Already subscribed to {title} <{shown_url(feed.url)}>")
    if others:
        import shlex

        print(f"The site announces {counted(len(others), 'other feed')} (add all with --all):")
        for link in others:
            named = f"  # {clean(link.title)}" if clean(link.title) else ""
            print(f"  newsroom add {shlex.quote(shown_url(link.url))}{named}")
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
    print(f"Imported {counted(added, 'feed')} ({skipped} already subscribed)")
    if added:
        print("Run `newsroom refresh` to fetch their stories.")
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

    feeds, _ = store.feeds_to_refresh(int(time.time()), force=args.force)
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
        summary = newsroom.refresh(on_result=report, force=args.force)
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
                "not_due": summary.not_due,
                "changes": [change._asdict() for change in summary.changes],
            }
        )
        return 0
    print(
        f"{counted(summary.feeds, 'feed')}: {summary.ok} fetched,"
        f" {summary.not_modified} not modified, {summary.failed} failed;"
        f" {counted(summary.new, 'new story', 'new stories')},"
        f" {counted(summary.updated, 'story', 'stories')} updated"
    )
    if summary.not_due and args.force:
        held = counted(summary.not_due, "feed")
        print(f"{held} held back: their servers asked to wait (Retry-After)")
    elif summary.not_due:
        print(f"{counted(summary.not_due, 'feed')} not due (refresh --force fetches them now)")
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
                    "tags": list(f.tags),
                    "interval": f.interval_minutes,
                    "extract": f.extract,
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
        tags = style(" {" + ", ".join(clean(t) for t in f.tags) + "}", "36") if f.tags else ""
        line = f"{f.id:>{width}} {f.unread:>5}  {folder}{shown_url(f.title)}{tags}  {address}"
        if f.error:
            line += "  " + style(f"! {clean(f.error)}", "31")
        print(line)
    return 0
