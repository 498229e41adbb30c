"""Watch pass benchmark: N unchanged stories, every page answered with a 304.

Serves N story pages with ETags from a loopback server, stores each story with a baseline page
version carrying that ETag (as a first watch pass would), then times `newsroom watch --once --all`
and counts the requests and their statuses at the server.
Usage: python bench/watch.py [--stories N]
"""

from __future__ import annotations

import argparse
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


def serve() -> tuple[ThreadingHTTPServer, Counter]:
    statuses: Counter = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            etag = f'"{self.path}"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            body = b"" if status == 304 else b"<html><body><p>story</p></body></html>"
            with lock:
                statuses[status] += 1
            self.send_response(status)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.request_queue_size = 256
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    args = parser.parse_args()
    httpd, statuses = serve()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with tempfile.TemporaryDirectory() as home:
        store = Store(load_config(home).db_path)
        feed, _ = store.add_feed(base + "/feed.xml")
        now = int(time.time())
        entries = tuple(
            ParsedEntry(
                f"s{i}", f"{base}/story/{i}", f"Story {i}", None, now - 600, None, "teaser", None
            )
            for i in range(args.stories)
        )
        store.apply_feed(
            feed.id,
            ParsedFeed("Bench", None, None, entries),
            judge=feed_change,
            now=now,
            next_check_at=now + 3600,
        )
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


if __name__ == "__main__":
    main()
