"""The terminal UI and the demo: run the app on a loop of our own, log an internal error."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from reader import __version__
from reader.cli.errors import Failure
from reader.config import Config, load_config
from reader.core.store import Store

if TYPE_CHECKING:
    from reader.ui.app import NewsroomApp


def _run_app(app: NewsroomApp, log: Path) -> None:
    """Run the TUI on a loop of our own. asyncio.run() would join the worker threads on the way
    out, so quitting (or SIGTERM) during a fetch from a silent server would hang until the fetch's
    deadline; main() then exits without waiting for them.

    An internal error ends the TUI with exit code 1 and one line on stderr; its traceback goes
    to ``log``, never to the terminal."""
    import asyncio
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

    from reader import demo

    if args.serve:
        try:
            demo.serve(port=args.port)
        except OSError as exc:
            raise Failure(f"cannot serve on port {args.port}: {exc.strerror}") from None
        return 0
    from reader.config import log_path
    from reader.core.newsroom import Newsroom
    from reader.ui.app import make_app

    with tempfile.TemporaryDirectory(prefix="newsroom-demo-") as home, demo.DemoServer() as server:
        config = load_config(home)
        demo_store = Store(config.db_path)
        try:
            demo_store.add_feeds(server.feeds())
            with Newsroom(demo_store, config) as newsroom:
                newsroom.refresh()
            # The demo's stories change within minutes: refresh (every feed, due or not) and
            # watch every 20 seconds.
            app = make_app(
                config,
                demo_store,
                refresh_on_start=False,
                refresh_interval=20,
                watch_everything=True,
                refresh_everything=True,
            )
            _run_app(app, log_path(args.home))
        finally:
            demo_store.close()
    return 0
