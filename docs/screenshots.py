"""Write the README's screenshots (SVG) of the main screens, on the frozen demo newsroom.

Run with `make screenshots`; the same data backs the snapshot tests.
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

from reader.ui.app import make_app  # noqa: E402
from tests.tui_data import demo_store, frozen_clock  # noqa: E402

SHOTS = {
    "main": (),
    "reading": ("j", "enter"),
    "updated": ("u", "enter"),
    "help": ("question_mark",),
}


async def shoot(name: str, keys: tuple[str, ...], size: tuple[int, int]) -> None:
    with tempfile.TemporaryDirectory() as home:
        demo_store(Path(home))
        config, store = demo_store(Path(home), elapsed=300)
        app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
        async with app.run_test(size=size) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await app.workers.wait_for_complete()
                await pilot.pause()
            app.save_screenshot(f"{name}-{size[0]}x{size[1]}.svg", path=str(ROOT / "docs"))
        store.close()


def main() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    for name, keys in SHOTS.items():
        for size in ((160, 48), (80, 24)):
            asyncio.run(shoot(name, keys, size))
            print(f"docs/{name}-{size[0]}x{size[1]}.svg")


if __name__ == "__main__":
    main()
