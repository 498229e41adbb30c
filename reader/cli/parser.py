"""The subcommands, their flags and their help."""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from reader import __version__
from reader.cli.output import clean

# Which module of reader.cli holds each command's function, cmd_<command>. A command imports
# only its own module: `newsroom refresh` never loads the story commands or the TUI's.
MODULES = {
    **dict.fromkeys(("add", "import", "export", "refresh", "feeds"), "feeds"),
    **dict.fromkeys(("articles", "search", "show", "history", "diff", "mark"), "articles"),
    **dict.fromkeys(("edit", "remove"), "manage"),
    "watch": "watch",
    "archive": "archive",
    "prune": "prune",
    **dict.fromkeys(("tui", "demo"), "tui"),
}


def command_function(name: str) -> Callable[..., int]:
    """The function that runs the command ``name``."""
    module = importlib.import_module(f"reader.cli.{MODULES[name]}")
    function: Callable[..., int] = getattr(module, f"cmd_{name}")
    return function


class Parser(argparse.ArgumentParser):
    """argparse, with our one error line (cleaned: it may quote the user's input) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"newsroom: error: {clean(message)} (see {self.prog} --help)\n")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line as a namespace; a search's words joined into one query.

    argparse takes a search word such as -ferry (the search language's NOT) for an unknown flag,
    and loses its place among the other words: the error says how to write it after --."""
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if args.command != "search":
        if extras:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        return args
    search = Parser(prog="newsroom search")
    flags = [extra for extra in extras if extra.startswith("--")]
    if flags:
        search.error(f"unrecognized arguments: {' '.join(flags)}")
    if extras:
        given = list(sys.argv[1:] if argv is None else argv)
        words = set(args.query) | set(extras)
        after = given[given.index("search") + 1 :]
        example = shlex.join(word for word in after if word in words)
        search.error(f"a word starting with - goes after --, as in: newsroom search -- {example}")
    if not args.query:
        search.error("the following arguments are required: QUERY")
    args.query = " ".join(args.query)
    return args


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="newsroom", description="A terminal newsroom reader.")
    parser.add_argument(
        "--version", action="version", version=f"newsroom {__version__}", help="print the version"
    )
    parser.add_argument(
        "--home", metavar="DIR", help="folder for config.toml and newsroom.db (or NEWSROOM_HOME)"
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="one of these (default: tui)", parser_class=Parser
    )

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help)

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print one JSON document")

    p = command("add", "subscribe to a feed, or to the feed a site announces")
    p.add_argument("url", metavar="URL", help="a feed's address, or a site's")
    p.add_argument("--folder", metavar="F", help="put it in folder F, such as News/Local")
    p.add_argument("--all", action="store_true", help="subscribe to every feed the site announces")
    p = command("edit", "change a subscription")
    p.add_argument("id", type=int, metavar="FEED_ID", help="the feed (ids: `newsroom feeds`)")
    p.add_argument("--title", metavar="T", help='a title of your own ("": the feed\'s own)')
    p.add_argument("--folder", metavar="F", help='a folder, such as News/Local ("": none)')
    p.add_argument("--tag", action="append", default=[], metavar="T", help="add a tag")
    p.add_argument("--untag", action="append", default=[], metavar="T", help="take a tag away")
    p.add_argument("--url", metavar="U", help="a new address for the feed")
    p.add_argument(
        "--interval",
        metavar="MINUTES",
        help="refresh this feed every MINUTES (1-10080; 0 or default: [refresh] interval_minutes)",
    )
    p.add_argument(
        "--extract",
        choices=("on", "off", "default"),
        help="fetch the full text of its new stories on refresh (default: as [extract] says)",
    )
    p.add_argument(
        "--user-agent", metavar="UA", help='the User-Agent to send for it ("": [fetch] user_agent)'
    )
    p = command("remove", "unsubscribe; the feed's stories go, except starred ones")
    p.add_argument("id", type=int, metavar="FEED_ID", help="the feed (ids: `newsroom feeds`)")
    json_flag(p)
    p = command("import", "import an OPML file or a newsboat urls file")
    p.add_argument("file", metavar="FILE", help="the file, or - for standard input")
    p = command("export", "print the subscriptions")
    p.add_argument(
        "--format",
        choices=("opml", "json", "urls"),
        default="opml",
        help="OPML (the default), JSON or a newsboat urls file",
    )
    p.add_argument(
        "--with-credentials",
        action="store_true",
        help="keep user names and passwords in feed URLs (left out by default)",
    )
    p = command("refresh", "fetch the feeds that are due")
    p.add_argument(
        "--force",
        action="store_true",
        help="fetch every feed now (except those whose server asked to wait, by Retry-After)",
    )
    json_flag(p)
    json_flag(command("prune", "delete stories past [store] keep_days and keep_per_feed"))
    json_flag(command("feeds", "list subscriptions, with their unread counts"))
    p = command("articles", "list stories, newest first")
    p.add_argument("--feed", type=int, metavar="ID", help="only this feed's stories")
    p.add_argument("--unread", action="store_true", help="only unread stories")
    p.add_argument("--starred", action="store_true", help="only starred stories")
    p.add_argument("--updated", action="store_true", help="only stories changed after first seen")
    p.add_argument("--saved", metavar="NAME", help="only the stories of a [[saved]] search")
    p.add_argument("--limit", type=_positive, default=50, metavar="N", help="at most N (50)")
    json_flag(p)
    p = command("show", "print a story's text")
    p.add_argument("id", type=int, metavar="ID", help="the story (ids: `newsroom articles`)")
    json_flag(p)
    p.add_argument(
        "--markdown", action="store_true", help="print the story as Markdown, as `S` saves it"
    )
    p = command("search", "search the stories' text, best match first")
    p.usage = "%(prog)s [-h] [--limit N] [--json] [--] QUERY [QUERY ...]"
    p.add_argument(  # "*", not "+": a missing query is named in parse(), with the -word hint
        "query",
        nargs="*",
        metavar="QUERY",
        help='words (ANDed), OR, -word, "a phrase", war*, (...), title: author: feed: folder:'
        " tag: url: is: kind: after: before: age: (see README); after -- when one starts with -",
    )
    p.add_argument("--limit", type=_positive, default=50, metavar="N", help="at most N (50)")
    json_flag(p)
    p = command("watch", "watch stories for changes (a daemon without --once)")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument("--all", action="store_true", help="check every story in its window now")
    json_flag(p)
    p = command("history", "list a story's stored versions, oldest first")
    p.add_argument("id", type=int, metavar="ID", help="the story")
    json_flag(p)
    p = command("diff", "show what changed in a story (default: previous vs latest version)")
    p.add_argument("id", type=int, metavar="ID", help="the story")
    p.add_argument(
        "--from",
        dest="from_",
        type=_positive,
        metavar="N",
        help="the older version (numbers: `newsroom history`)",
    )
    p.add_argument("--to", type=_positive, metavar="M", help="the newer version (default: latest)")
    json_flag(p)
    p = command("mark", "mark a story read, unread, starred or unstarred")
    p.add_argument("id", type=int, metavar="ID", help="the story")
    group = p.add_mutually_exclusive_group()
    for flag, does in (
        ("--read", "mark it read (the default)"),
        ("--unread", "mark it unread"),
        ("--star", "star it"),
        ("--unstar", "take its star away"),
    ):
        group.add_argument(flag, action="store_true", help=does)
    p = command("archive", "write stored page versions as a WARC file")
    p.add_argument("id", type=int, nargs="?", metavar="ID", help="one story (or --updated)")
    p.add_argument("--updated", action="store_true", help="every story changed after first seen")
    p.add_argument(
        "--warc",
        required=True,
        metavar="FILE",
        help="the file to write (.gz: compressed), or - for standard output",
    )
    command("tui", "open the reader in the terminal (what `newsroom` alone does)")
    p = command("demo", "try newsroom on the embedded demo newsroom")
    p.add_argument("--serve", action="store_true", help="only serve the demo newsroom")
    p.add_argument(
        "--port", type=int, default=8765, metavar="N", help="the port for --serve (8765)"
    )
    return parser
