"""The `newsroom` command: parse arguments, call the core, print text for people or JSON.

Errors are one line on stderr: exit 2 for bad usage or input, 1 for failures; no tracebacks.
The commands live by subject (feeds.py, articles.py, watch.py, tui.py), the argument parser in
parser.py, and what they print in output.py; the network work goes through the core's Newsroom.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Sequence

from reader.cli.errors import Failure, UsageError
from reader.cli.output import clean
from reader.cli.parser import command_function, parse
from reader.config import ConfigError, load_config
from reader.core.store import Store, StoreError

# Commands that only read the database: the others stop at once on a read-only home, before
# they fetch anything that could not be kept.
READERS = {"feeds", "articles", "show", "search", "history", "diff", "export", "archive"}


def run(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    function = command_function(args.command or "tui")
    if args.command == "demo":  # in a home of its own
        return function(args, None, None)
    config = load_config(args.home)
    store = Store(config.db_path)
    try:
        if args.command not in READERS:
            store.check_writable()
        if config.filters.hide or store.hide_digest():
            from reader.core.filters import apply_filters

            apply_filters(store, config)  # the filters changed since the last command
        code: int = function(args, config, store)
        return code
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
    print(f"newsroom: error: {clean(str(exc))}", file=sys.stderr)


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
