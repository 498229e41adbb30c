"""The `newsroom` command: parse arguments, call the core, print text for people or JSON.

Errors are one line on stderr: exit 2 for bad usage or input, 1 for failures. Everything a feed
wrote passes through sanitize_for_terminal() before it reaches a terminal; JSON is ASCII-escaped.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from reader import __version__
from reader.config import Config, ConfigError, load_config
from reader.core.models import Article, RefreshResult, RefreshStatus
from reader.core.safety import display_url, sanitize_for_terminal
from reader.core.store import Store, StoreError

if TYPE_CHECKING:
    from reader.ui.app import NewsroomApp


class UsageError(Exception):
    """Bad input from the user: exit code 2."""


class Failure(Exception):
    """The command could not do its job: exit code 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"newsroom: error: {_clean(message)} (see {self.prog} --help)\n")


def _iso(ts: int | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)) if ts else None


def _clean(text: str | None) -> str:
    """One line fit for a terminal: controls removed, line breaks and tabs turned into spaces."""
    return sanitize_for_terminal(text or "").replace("\n", " ").replace("\t", " ").strip()


def _url(url: str | None) -> str:
    """A URL for people, never with a password in it."""
    return _clean(display_url(url or ""))


def _print_json(data: Any) -> None:
    import json  # most commands print text

    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


class _Style:
    """ANSI styling for our own output, only when writing to a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.on = stream.isatty() and "NO_COLOR" not in os.environ

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


def _article_json(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "feed_id": a.feed_id,
        "title": a.title,
        "url": display_url(a.url) if a.url else None,
        "published": _iso(a.published),
        "read": a.read,
        "starred": a.starred,
        "updated": a.updated,
        "versions": a.versions,
    }


def _print_articles(articles: Sequence[Article]) -> None:
    style = _Style(sys.stdout)
    width = max((len(str(a.id)) for a in articles), default=1)
    for a in articles:
        flags = ("N" if not a.read else " ") + ("*" if a.starred else " ")
        flags += "U" if a.updated else " "
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(a.published))
        feed = _url(a.feed_title)[:20].ljust(20)  # an untitled feed is named by its URL
        title = _clean(a.title) or "(untitled)"
        if not a.read:
            title = style(title, "1")
        print(f"{a.id:>{width}} {flags} {when}  {style(feed, '2')}  {title}")


# -- commands -----------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.safety import UnsafeURLError
    from reader.core.subscribe import SubscribeError, add_feed

    try:
        feed, created, stored = add_feed(store, config, args.url, folder=args.folder)
    except UnsafeURLError as exc:
        raise UsageError(str(exc)) from None
    except SubscribeError as exc:
        raise Failure(str(exc)) from None
    title = _url(feed.title)
    if created:
        print(f"Subscribed to {title} <{_url(feed.url)}> ({stored} stories)")
    else:
        print(f"Already subscribed to {title} <{_url(feed.url)}>")
    return 0


def cmd_import(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.subscribe import import_subscriptions

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        added, skipped, notes = import_subscriptions(store, data)
    except ValueError as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    for note in notes:
        print(f"note: {_clean(note)}", file=sys.stderr)
    print(f"Imported {added} feeds ({skipped} already subscribed)")
    return 0


def cmd_export(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.subscribe import export_subscriptions

    exported = export_subscriptions(store, args.format, with_credentials=args.with_credentials)
    sys.stdout.write(exported.rstrip("\n") + "\n")
    return 0


def cmd_refresh(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.refresh import refresh_all

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
            print(f"failed: {_url(result.url)}: {_clean(result.error)}", file=sys.stderr)

    summary = refresh_all(store, config, feeds, on_result=report)
    if progress:
        sys.stderr.write("\r\x1b[K")
    if args.json:
        _print_json(
            {
                "feeds": summary.feeds,
                "ok": summary.ok,
                "failed": summary.failed,
                "not_modified": summary.not_modified,
                "new": summary.new,
                "updated": summary.updated,
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
        _print_json(
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
    style = _Style(sys.stdout)
    width = max((len(str(f.id)) for f in feeds), default=1)
    for f in feeds:
        folder = f"[{_clean(f.folder)}] " if f.folder else ""
        line = f"{f.id:>{width}} {f.unread:>5}  {folder}{_url(f.title)}  {style(_url(f.url), '2')}"
        if f.error:
            line += "  " + style(f"! {_clean(f.error)}", "31")
        print(line)
    return 0


def cmd_articles(args: argparse.Namespace, config: Config, store: Store) -> int:
    if args.feed is not None and store.feed(args.feed) is None:
        raise UsageError(f"no feed with id {args.feed}")
    articles = store.articles(
        feed_id=args.feed,
        unread=args.unread,
        starred=args.starred,
        updated=args.updated,
        limit=args.limit,
    )
    if args.json:
        _print_json([_article_json(a) for a in articles])
    else:
        _print_articles(articles)
    return 0


def cmd_search(args: argparse.Namespace, config: Config, store: Store) -> int:
    articles = store.search(args.query, limit=args.limit)
    if args.json:
        _print_json([_article_json(a) for a in articles])
    else:
        _print_articles(articles)
    return 0


def _article_or_fail(store: Store, article_id: int) -> Article:
    article = store.article(article_id)
    if article is None:
        raise UsageError(f"no article with id {article_id}")
    return article


def cmd_show(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.fulltext import full_text, make_extractor

    a = _article_or_fail(store, args.id)
    extractor = make_extractor(config)
    try:
        story = full_text(store, config, a, extractor)
    finally:
        extractor.close()
    text = story.text
    if args.json:
        _print_json(
            {
                "id": a.id,
                "title": a.title,
                "url": display_url(a.url) if a.url else None,
                "author": a.author,
                "published": _iso(a.published),
                "text": text,
                "source": story.source,
            }
        )
        return 0
    style = _Style(sys.stdout)
    print(style(_clean(a.title) or "(untitled)", "1"))
    meta = [_url(a.feed_title), _clean(a.author), _iso(a.published) or ""]
    print(style(" · ".join(m for m in meta if m), "2"))
    if a.url:
        print(style(_url(a.url), "2"))
    if story.note:
        print(style(_clean(story.note), "33"))
    print()
    print(sanitize_for_terminal(text))
    return 0


def cmd_watch(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.watch import watch_daemon, watch_once

    if not args.once:
        watch_daemon(store, config, everything=args.all)
    summary = watch_once(store, config, everything=args.all)
    if args.json:
        _print_json(
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


def _version_rows(store: Store, article: Article) -> list[dict[str, Any]]:
    """Every stored version, oldest first, with its change against the previous one."""
    from reader.core.diff import diff_texts

    versions = store.versions(article.id) or [
        (1, article.first_seen, "feed", None, article.title, article.summary)
    ]
    rows = []
    previous: dict[str, tuple] = {}
    for seq, seen_at, source, kind, title, text in versions:
        before = previous.get(source)
        diff = diff_texts(before[4], before[5], title, text) if before else None
        rows.append(
            {
                "version": seq,
                "seen_at": _iso(seen_at),
                "title": title,
                "kind": kind,
                "source": source,
                "words_added": diff.words_added if diff else 0,
                "words_removed": diff.words_removed if diff else 0,
            }
        )
        previous[source] = (seq, seen_at, source, kind, title, text)
    return rows


def cmd_history(args: argparse.Namespace, config: Config, store: Store) -> int:
    article = _article_or_fail(store, args.id)
    rows = _version_rows(store, article)
    if args.json:
        _print_json([{k: v for k, v in row.items() if k != "source"} for row in rows])
        return 0
    for row in rows:
        kind = row["kind"] or ("first seen" if row["version"] == 1 else "baseline")
        print(
            f"v{row['version']:<3} {row['seen_at']}  {row['source']:<4}  {kind:<10}"
            f" +{row['words_added']} -{row['words_removed']}  {_clean(row['title'])}"
        )
    return 0


def cmd_diff(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.diff import diff_texts

    article = _article_or_fail(store, args.id)
    versions = {v[0]: v for v in store.versions(article.id)}
    if len(versions) < 2:
        raise UsageError(f"article {args.id} has a single version: nothing to compare")
    latest = max(versions)
    to = args.to or latest
    source = versions[to][2] if to in versions else "page"
    earlier = [seq for seq, v in versions.items() if seq < to and v[2] == source]
    start = args.from_ or (max(earlier) if earlier else max(seq for seq in versions if seq < to))
    for seq in (start, to):
        if seq not in versions:
            raise UsageError(f"article {args.id} has no version {seq} (1 to {latest})")
    old, new = versions[start], versions[to]
    diff = diff_texts(old[4], old[5], new[4], new[5])
    if args.json:
        _print_json(
            {
                "from": start,
                "to": to,
                "title_before": diff.title_before,
                "title_after": diff.title_after,
                "added": diff.added,
                "removed": diff.removed,
            }
        )
        return 0
    style = _Style(sys.stdout)
    if diff.title_before != diff.title_after:
        print(style("- " + _clean(diff.title_before), "31;9"))
        print(style("+ " + _clean(diff.title_after), "32;1"))
    else:
        print(style(_clean(diff.title_after), "1"))
    print(style(f"version {start} -> {to}", "2"))
    print()
    out = []
    for chunk in diff.chunks:
        text = sanitize_for_terminal(chunk.text)
        if chunk.op == "+":
            out.append(style(text, "32;1") if style.on else "{+" + text + "+}")
        elif chunk.op == "-":
            out.append(style(text, "31;9") if style.on else "[-" + text + "-]")
        else:
            out.append(text)
    print(" ".join(out).replace(" \n\n ", "\n\n"))
    return 0


def cmd_mark(args: argparse.Namespace, config: Config, store: Store) -> int:
    read = True if args.read else False if args.unread else None
    starred = True if args.star else False if args.unstar else None
    if read is None and starred is None:
        read = True
    if not store.mark(args.id, read=read, starred=starred):
        raise UsageError(f"no article with id {args.id}")
    return 0


def _run_app(app: NewsroomApp, log: Path) -> None:
    """Run the TUI on a loop of our own. asyncio.run() would join the worker threads on the way
    out, so quitting (or SIGTERM) during a fetch from a silent server would hang until the fetch's
    deadline; main() then exits without waiting for them.

    An internal error ends the TUI with exit code 1 and one line on stderr; its traceback goes
    to ``log``, never to the terminal."""
    import traceback

    loop = asyncio.new_event_loop()
    try:
        app.run(loop=loop)
        crash = app.crash
    except Exception:
        crash = traceback.format_exc()
    finally:
        loop.close()
    if crash is None:
        return
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as file:
            file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} newsroom {__version__}\n{crash}\n")
    except OSError as exc:
        raise Failure(
            f"the TUI stopped on an internal error (cannot write {log}: {exc.strerror})"
        ) from None
    raise Failure(f"the TUI stopped on an internal error (details in {log})")


def cmd_tui(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.config import log_path
    from reader.ui.app import make_app

    _run_app(make_app(config, store), log_path(args.home))
    return 0


def cmd_demo(args: argparse.Namespace, config: Config | None, store: Store | None) -> int:
    """The TUI on the demo newsroom, in a temporary home that is removed afterwards."""
    import tempfile

    from reader.core import demo

    if args.serve:
        try:
            demo.serve(port=args.port)
        except OSError as exc:
            raise Failure(f"cannot serve on port {args.port}: {exc.strerror}") from None
        return 0
    from reader.config import log_path
    from reader.core.refresh import refresh_all
    from reader.ui.app import make_app

    with tempfile.TemporaryDirectory(prefix="newsroom-demo-") as home, demo.DemoServer() as server:
        config = load_config(home)
        demo_store = Store(config.db_path)
        try:
            demo_store.add_feeds(server.feeds())
            refresh_all(demo_store, config)
            # The demo's stories change within minutes: refresh and watch every 20 seconds.
            app = make_app(
                config,
                demo_store,
                refresh_on_start=False,
                refresh_interval=20,
                watch_everything=True,
            )
            _run_app(app, log_path(args.home))
        finally:
            demo_store.close()
    return 0


# -- argument parsing ---------------------------------------------------------------------


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="newsroom", description="A terminal newsroom reader.")
    parser.add_argument("--version", action="version", version=f"newsroom {__version__}")
    parser.add_argument("--home", metavar="DIR", help="folder for config.toml and newsroom.db")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func: Callable[..., int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print one JSON document")

    p = command("add", cmd_add, "subscribe to a feed, or to the feed a site announces")
    p.add_argument("url")
    p.add_argument("--folder", metavar="F")
    p = command("import", cmd_import, "import an OPML file or a newsboat urls file")
    p.add_argument("file", metavar="FILE", help="the file, or - for standard input")
    p = command("export", cmd_export, "print the subscriptions")
    p.add_argument("--format", choices=("opml", "json"), default="opml")
    p.add_argument(
        "--with-credentials",
        action="store_true",
        help="keep user names and passwords in feed URLs (left out by default)",
    )
    json_flag(command("refresh", cmd_refresh, "fetch every feed now"))
    json_flag(command("feeds", cmd_feeds, "list subscriptions"))
    p = command("articles", cmd_articles, "list stories, newest first")
    p.add_argument("--feed", type=int, metavar="ID")
    p.add_argument("--unread", action="store_true")
    p.add_argument("--starred", action="store_true")
    p.add_argument("--updated", action="store_true", help="stories changed after first seen")
    p.add_argument("--limit", type=_positive, default=50, metavar="N")
    json_flag(p)
    p = command("show", cmd_show, "print a story's text")
    p.add_argument("id", type=int, metavar="ID")
    json_flag(p)
    p = command("search", cmd_search, "full-text search, best match first")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=_positive, default=50, metavar="N")
    json_flag(p)
    p = command("watch", cmd_watch, "watch stories for changes (a daemon without --once)")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--all", action="store_true", help="check every story in its window now")
    json_flag(p)
    p = command("history", cmd_history, "a story's stored versions, oldest first")
    p.add_argument("id", type=int, metavar="ID")
    json_flag(p)
    p = command("diff", cmd_diff, "what changed in a story (default: previous vs latest)")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--from", dest="from_", type=_positive, metavar="N")
    p.add_argument("--to", type=_positive, metavar="M")
    json_flag(p)
    p = command("mark", cmd_mark, "mark a story read, unread, starred or unstarred")
    p.add_argument("id", type=int, metavar="ID")
    group = p.add_mutually_exclusive_group()
    for flag in ("--read", "--unread", "--star", "--unstar"):
        group.add_argument(flag, action="store_true")
    command("tui", cmd_tui, "the terminal UI (the default)")
    p = command("demo", cmd_demo, "try newsroom on the embedded demo newsroom")
    p.add_argument("--serve", action="store_true", help="only serve the demo newsroom")
    p.add_argument("--port", type=int, default=8765, help="port for --serve (default 8765)")
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        args.func = cmd_tui
    elif args.command == "demo":
        return cmd_demo(args, None, None)
    config = load_config(args.home)
    store = Store(config.db_path)
    try:
        return args.func(args, config, store)
    finally:
        store.close()


def _leave_stuck_workers(code: int) -> None:
    """Exit now if a worker thread is still busy (the TUI quit while a fetch waits on a silent
    server): every write is a single transaction, so nothing is lost by not waiting for it."""
    main = threading.main_thread()
    if any(t is not main and t.is_alive() and not t.daemon for t in threading.enumerate()):
        sys.stderr.flush()
        os._exit(code)


def _error(exc: Exception) -> None:
    """The one error line: messages quote servers and files, so it is cleaned like feed text."""
    print(f"newsroom: error: {_clean(str(exc))}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: run one command and return its exit code."""
    try:
        code = run(argv)
        sys.stdout.flush()
        _leave_stuck_workers(code)
        return code
    except (UsageError, ConfigError) as exc:
        _error(exc)
        return 2
    except (Failure, StoreError) as exc:
        _error(exc)
        _leave_stuck_workers(1)  # a TUI that stopped on an error may leave a fetch waiting
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        # The process ends next. Its last garbage collection would walk every object made so
        # far (about 20 ms) and free nothing that matters; frozen objects are left alone.
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
