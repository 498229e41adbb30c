"""Watch pass benchmark: N unchanged stories, every page answered with a 304, then baselines.

Serves N story pages with ETags from a loopback server, stores each story with a baseline page
version carrying that ETag (as a first watch pass would), then times `newsroom watch --once --all`
and counts the requests and their statuses at the server.
Then the first pass over P new stories whose pages are real articles (../shared/corpus, else
generated ones): `newsroom watch --once` takes their baselines (fetch, extract, store), timed
beside plain `trafilatura.extract` on the same pages.
Usage: python bench/watch.py [--stories N] [--pages P]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.config import load_config  # noqa: E402
from reader.core.changes import feed_change  # noqa: E402
from reader.core.models import ParsedEntry, ParsedFeed  # noqa: E402
from reader.core.store import Store  # noqa: E402

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
CORPUS = ROOT.parent / "shared" / "corpus" / "extraction" / "trafilatura-eval"


def serve(pages: list[bytes] | None = None) -> tuple[ThreadingHTTPServer, Counter]:
    """Story /story/I answers pages[I] (or a stub), with an ETag."""
    statuses: Counter = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            etag = f'"{self.path}"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            page = pages[int(self.path.rsplit("/", 1)[1])] if pages else STUB
            body = b"" if status == 304 else page
            with lock:
                statuses[status] += 1
            self.send_response(status)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.request_queue_size = 256
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, statuses


STUB = b"<html><body><p>story</p></body></html>"


def new_stories(home: str, base: str, count: int) -> Store:
    """A store holding ``count`` stories from one feed, /story/0 to /story/count-1."""
    store = Store(load_config(home).db_path)
    feed, _ = store.add_feed(base + "/feed.xml")
    now = int(time.time())
    entries = tuple(
        ParsedEntry(
            f"s{i}", f"{base}/story/{i}", f"Story {i}", None, now - 600, None, "teaser", None
        )
        for i in range(count)
    )
    store.apply_feed(
        feed.id,
        ParsedFeed("Bench", None, None, entries),
        judge=feed_change,
        now=now,
        next_check_at=now + 3600,
    )
    return store


def article_pages(count: int) -> list[bytes]:
    """Real article pages from the corpus, or generated ones when it is absent."""
    if CORPUS.is_dir():
        files = sorted((CORPUS / "html").glob("*.gz"))[:count]
        return [gzip.decompress(path.read_bytes()) for path in files]
    paragraph = "<p>Story {i}, paragraph {j}: the council met again and agreed on nothing new.</p>"
    return [
        (
            f"<html><head><title>Story {i}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Story {i}</h1>"
            + "".join(paragraph.format(i=i, j=j) for j in range(12))
            + "</article></body></html>"
        ).encode()
        for i in range(count)
    ]


def baselines(count: int) -> None:
    """Time the first pass over ``count`` new stories, then plain extract on the same pages."""
    import trafilatura

    pages = article_pages(count)
    httpd, _ = serve(pages)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with tempfile.TemporaryDirectory() as home:
        new_stories(home, base, len(pages)).close()
        started = time.perf_counter()
        out = subprocess.run(
            [NEWSROOM, "--home", home, "watch", "--once", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
    httpd.shutdown()
    summary = json.loads(out.stdout)
    print(
        f"baselines: {summary['checked']:,} of {len(pages):,} new stories in {seconds:.1f} s, "
        f"{summary['checked'] / seconds:.1f} stories/s ({summary['failed']} failed)"
    )
    started = time.perf_counter()
    cpu_started = time.process_time()
    for i, page in enumerate(pages):
        trafilatura.extract(page, url=f"{base}/story/{i}")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"plain trafilatura.extract on the same pages: {len(pages) / seconds:.1f} pages/s, "
        f"{cpu / len(pages) * 1000:.0f} ms of CPU per page"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=300, help="new stories for the baselines")
    args = parser.parse_args()
    httpd, statuses = serve()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with tempfile.TemporaryDirectory() as home:
        store = new_stories(home, base, args.stories)
        now = int(time.time())
        for article in store.articles(limit=args.stories):
            store.add_page_version(
                article.id,
                title=article.title,
                byline=None,
                text="story",
                markdown="story",
                extractor="baseline",
                etag=f'"/story/{article.url.rsplit("/", 1)[1]}"',
                last_modified=None,
                now=now,
            )
        store.close()
        started = time.perf_counter()
        out = subprocess.run(
            [NEWSROOM, "--home", home, "watch", "--once", "--all", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
    summary = json.loads(out.stdout)
    print(f"watch pass over {args.stories:,} unchanged stories: {seconds:.1f} s")
    print(f"requests: {sum(statuses.values()):,} ({dict(statuses)}), result: {summary}")
    httpd.shutdown()
    baselines(args.pages)


if __name__ == "__main__":
    main()
