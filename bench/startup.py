"""TUI startup benchmark: time to first paint (feeds and articles visible).

Builds a store of N feeds x M stories (default 1,000 x 100 = 100,000), then starts the app
headless and waits until both lists show rows. Also measures the demo newsroom's small store.
Usage: python bench/startup.py [--feeds N] [--items M] [--runs R]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.config import load_config  # noqa: E402
from reader.core.models import ParsedEntry, ParsedFeed  # noqa: E402
from reader.core.store import Store  # noqa: E402
from reader.ui.app import make_app  # noqa: E402
from tests.tui_data import demo_store  # noqa: E402


def fill(store: Store, feeds: int, items: int) -> None:
    now = int(time.time())
    for n in range(feeds):
        feed, _ = store.add_feed(f"http://bench.example/{n}.xml", folder=f"Folder {n % 10}")
        entries = tuple(
            ParsedEntry(
                guid=f"{n}-{i}",
                url=f"http://bench.example/{n}/{i}",
                title=f"Feed {n} story {i}: the harbour board meets again",
                author=None,
                published=now - (n * items + i) * 37,
                updated=None,
                summary=f"Story {i} of feed {n}, a teaser of a few words.",
                content=None,
            )
            for i in range(items)
        )
        parsed = ParsedFeed(
            title=f"Bench feed {n}", site_url=None, ttl_minutes=None, entries=entries
        )
        store.apply_feed(feed.id, parsed, now=now, next_check_at=now + 1800)


async def first_paint(home: Path) -> float:
    config = load_config(home)
    started = time.perf_counter()
    app = make_app(config, refresh_on_start=False)
    async with app.run_test(size=(160, 48)) as pilot:
        while not (app.articles.rows and app.feeds.option_count > 4):
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - started
    app.store.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        demo_home = Path(tmp) / "demo"
        demo_store(demo_home)[1].close()
        big_home = Path(tmp) / "big"
        big_home.mkdir()
        store = Store(load_config(big_home).db_path)
        built = time.perf_counter()
        fill(store, args.feeds, args.items)
        store.close()
        print(f"built {args.feeds * args.items:,} stories in {time.perf_counter() - built:.1f} s")
        for name, home in (
            ("demo (16 stories)", demo_home),
            (f"{args.feeds * args.items:,} stories", big_home),
        ):
            times = [asyncio.run(first_paint(home)) for _ in range(args.runs)]
            print(
                f"first paint, {name}: best {min(times) * 1000:.0f} ms,"
                f" median {sorted(times)[len(times) // 2] * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
