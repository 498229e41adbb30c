"""Write the README's screenshots (SVG) of the main screens: the demo newsroom, served for
real (so stories open with their full text), five minutes after it opened.

Run with `make screenshots`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.config import load_config  # noqa: E402
from reader.core.refresh import refresh_all  # noqa: E402
from reader.core.store import Store  # noqa: E402
from reader.demo import DemoNewsroom, DemoServer  # noqa: E402
from reader.ui.app import NewsroomApp, make_app  # noqa: E402
from tests.tui_data import FROZEN, frozen_clock  # noqa: E402

SHOTS = {
    "main": (),
    "reading": ("j", "enter"),
    "updated": ("u", "enter"),
    "help": ("question_mark",),
}


async def shoot(app: NewsroomApp, name: str, keys: tuple[str, ...], size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.save_screenshot(f"{name}-{size[0]}x{size[1]}.svg", path=str(ROOT / "docs"))


def main() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    for name, keys in SHOTS.items():
        for size in ((160, 48), (80, 24)):
            newsroom = DemoNewsroom(start=FROZEN - 60, clock=frozen_clock)
            with tempfile.TemporaryDirectory() as home, DemoServer(newsroom) as server:
                config = load_config(home)
                store = Store(config.db_path)
                store.add_feeds(server.feeds())
                refresh_all(store, config)
                newsroom.advance(300)  # five minutes on, some stories have changed
                refresh_all(store, config)
                app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
                asyncio.run(shoot(app, name, keys, size))
                store.close()
            print(f"docs/{name}-{size[0]}x{size[1]}.svg")


if __name__ == "__main__":
    main()
