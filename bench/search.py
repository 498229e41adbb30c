"""Search benchmark: typical queries of the search language over a large store.

Builds a store of N stories (bulk SQL, spread over 50 feeds; some with a second feed version and
a page version, a few in Chinese), indexes it as a refresh would (the triggers index versions as
they are written, Store.sync_search_index the latest states), then runs each query R times
through Store.search_hits and prints the median and the slowest time (the target: under a
second each), and the size of the search indexes beside the whole database (SQLite's dbstat).
Usage: python bench/search.py [--stories N] [--runs R]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.store import Store  # noqa: E402

# Words in about half the stories: the worst case for ranking (every hit is scored).
COMMON_WORDS = """the a of to and in on for with at by from city council harbour ferry fire chief
comet police school storm road rail budget court mayor election weather market hospital water
museum bridge festival station report crews warehouse workers union strike plan vote"""
COMMON = COMMON_WORDS.split()
CJK = "南京泰山北京上海东京大阪首尔新闻报道天气市场学校医院"
AUTHORS = ["Jane Smith", "Sam Lee", "Ada Quill", "Tom Baker", "Ana Ruiz", None]
QUERIES = [
    ("word", "harbour"),
    ("phrase", '"city council"'),
    ("OR", "ferry OR comet"),
    ("prefix", "harb*"),
    ("NOT", "fire -warehouse"),
    ("field title:", "title:storm"),
    ("field author:", "author:quill"),
    ("state, time", "is:unread after:2026-01-01 budget"),
    ("kind:", "kind:headline"),
    ("rare word", "zqxvor"),
    ("CJK 4 chars", "南京泰山"),
    ("CJK 2 chars", "南京"),
]


def words(rng: random.Random, vocabulary: list[str], count: int) -> str:
    return " ".join(
        rng.choice(COMMON) if rng.random() < 0.4 else rng.choice(vocabulary) for _ in range(count)
    )


def build(path: Path, stories: int, rng: random.Random) -> None:
    """Stories, versions and page versions written straight into the tables."""
    syllables = ["ka", "lo", "mi", "ren", "dar", "vo", "sel", "tin", "qu", "bra", "zo", "ne"]
    vocabulary = [
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20_000)
    ]
    vocabulary.append("zqxvor")
    store = Store(path)
    conn = store._conn()
    start = 1_767_225_600  # 2026-01-01
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO feeds (id, url, title, folder, added_at) VALUES (?, ?, ?, ?, 0)",
        [(f, f"http://127.0.0.1:9/{f}.xml", f"Desk {f}", f"Folder {f % 5}") for f in range(1, 51)],
    )
    articles = []
    versions = []
    for n in range(1, stories + 1):
        if n % 50 == 0:  # every other one with 南京泰山 in it
            title = rng.choice(CJK) + ("南京泰山" if n % 100 else "") + "".join(rng.sample(CJK, 6))
            summary = "".join(rng.choices(CJK, k=60))
        else:
            title = words(rng, vocabulary, rng.randint(6, 10)).capitalize()
            summary = words(rng, vocabulary, rng.randint(40, 80))
        published = start + (n - stories) * 300 + 60 * 86400  # the last 60 days in 2026
        edited = n % 10 == 0
        articles.append(
            (
                n,
                1 + n % 50,
                f"g{n}",
                f"http://127.0.0.1:9/story/{n}",
                title,
                rng.choice(AUTHORS),
                published,
                summary,
                "h",
                published,
                int(rng.random() < 0.7),
                3 if edited else 1,
                "headline" if edited else None,
                published + 3600 if edited else None,
            )
        )
        if edited:
            first = words(rng, vocabulary, 8).capitalize()
            page = words(rng, vocabulary, 400)
            versions += [
                (n, 1, published, "feed", None, first, summary),
                (n, 2, published + 600, "page", None, title, page),
                (n, 3, published + 3600, "feed", "headline", title, summary),
            ]
    conn.executemany(
        """INSERT INTO articles (id, feed_id, guid, url, title, author, published, summary,
        feed_hash, first_seen, read, version_count, change_kind, changed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        articles,
    )
    conn.executemany(
        """INSERT INTO versions (article_id, seq, seen_at, source, kind, title, text, text_hash,
        loose_hash) VALUES (?, ?, ?, ?, ?, ?, ?, '', '')""",
        versions,
    )
    conn.execute("COMMIT")
    store.close()


INDEXES = {
    "articles_fts": "latest states, with a copy of their text",
    "versions_fts": "every version, its text read from versions",
    "articles_cjk": "trigrams of latest states with CJK text",
    "versions_cjk": "trigrams of versions with CJK text",
}


def index_sizes(store: Store) -> tuple[dict[str, int], int]:
    """Bytes of each search index (the FTS5 table's shadow tables) and of the database."""
    sizes = {
        name: int(
            store._read("SELECT sum(pgsize) FROM dbstat WHERE name GLOB ?", (name + "*",))[0][0]
        )
        for name in INDEXES
    }
    return sizes, int(store._read("SELECT sum(pgsize) FROM dbstat")[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "newsroom.db"
        began = time.perf_counter()
        build(path, args.stories, rng)
        built = time.perf_counter()
        store = Store(path)
        store.sync_search_index()
        indexed = time.perf_counter()
        print(
            f"{args.stories} stories: written in {built - began:.1f} s (versions indexed by "
            f"the triggers as they were), latest states indexed in {indexed - built:.1f} s"
        )
        print(f"{'query':<16} {'text':<36} {'shown':>5} {'median':>9} {'max':>9}")
        for name, text in QUERIES:
            times = []
            hits = 0
            for _ in range(args.runs):
                t0 = time.perf_counter()
                hits = len(store.search_hits(text, limit=50))
                times.append(time.perf_counter() - t0)
            print(
                f"{name:<16} {text:<36} {hits:>5} {statistics.median(times) * 1000:>7.1f}ms"
                f" {max(times) * 1000:>7.1f}ms"
            )
        sizes, total = index_sizes(store)
        store.close()
        for name, size in sizes.items():
            print(f"{name:<13} {size / 1e6:7.1f} MB  {INDEXES[name]}")
        fts = sum(sizes.values())
        print(
            f"search indexes: {fts / 1e6:.1f} MB of a {total / 1e6:.1f} MB database "
            f"({100 * fts / total:.0f}%)"
        )


if __name__ == "__main__":
    main()
