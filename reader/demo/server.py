"""The demo newsroom on 127.0.0.1: every document with an ETag and Last-Modified, and 304s for
the validators that still match."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from reader.demo.pages import (
    http_date,
    render_atom,
    render_home,
    render_json_feed,
    render_opml,
    render_rss,
    render_story,
)
from reader.demo.stories import DESKS, SITE, STORIES
from reader.demo.timeline import DemoNewsroom


@dataclass
class Resource:
    body: bytes
    content_type: str
    last_modified: float


@dataclass
class _Counters:
    requests: int = 0
    not_modified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def resolve(newsroom: DemoNewsroom, path: str, base: str) -> Resource | None:
    """The resource at ``path`` right now, or None for a 404."""
    renderers = {"rss": render_rss, "atom": render_atom, "json": render_json_feed}
    types = {
        "rss": "application/rss+xml; charset=utf-8",
        "atom": "application/atom+xml; charset=utf-8",
        "json": "application/feed+json; charset=utf-8",
    }
    html = "text/html; charset=utf-8"
    for desk in DESKS:
        if path == desk.path:
            states = newsroom.stories(desk.key)
            withdrawn = [
                s.removed_at
                for s in STORIES
                if s.desk == desk.key and s.removed_at and s.removed_at <= newsroom.elapsed()
            ]
            changed = max([s.changed_at for s in states] + withdrawn, default=0)
            body = renderers[desk.kind](newsroom, desk, base)
            return Resource(body.encode(), types[desk.kind], newsroom.start + changed)
    if path in ("/", "/index.html"):
        return Resource(render_home(newsroom, base).encode(), html, newsroom.start)
    if path == "/demo.opml":
        return Resource(render_opml(base).encode(), "text/x-opml; charset=utf-8", newsroom.start)
    if path.startswith("/stories/") and path.endswith(".html"):
        slug = path.removeprefix("/stories/").removesuffix(".html")
        for story in STORIES:
            if story.slug == slug:
                state = newsroom.state(story, newsroom.elapsed())
                if state is None:
                    return None
                changed = newsroom.start + state.changed_at
                if story.relative_stamp:
                    changed = newsroom.start + newsroom.elapsed() // 60 * 60
                return Resource(render_story(newsroom, state, base).encode(), html, changed)
    return None


class DemoServer:
    """Serves a DemoNewsroom on 127.0.0.1 in a background thread."""

    def __init__(
        self, newsroom: DemoNewsroom | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.newsroom = newsroom or DemoNewsroom()
        self._counters = _Counters()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        self.base_url = f"http://{bound_host!s}:{bound_port}"
        self._thread: threading.Thread | None = None

    @property
    def requests(self) -> int:
        return self._counters.requests

    @property
    def not_modified(self) -> int:
        return self._counters.not_modified

    def url(self, path: str) -> str:
        return self.base_url + path

    def feeds(self) -> list[tuple[str, str, str]]:
        """(url, title, folder) of every desk's feed."""
        return [(self.url(d.path), f"{d.name} · {SITE}", d.folder) for d in DESKS]

    def start(self) -> str:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._answer(self)

            def do_HEAD(self) -> None:
                server._answer(self, head=True)

        return Handler

    def _answer(self, request: BaseHTTPRequestHandler, head: bool = False) -> None:
        with self._counters.lock:
            self._counters.requests += 1
        found = resolve(self.newsroom, request.path.split("?", 1)[0], self.base_url)
        if found is None:
            self._send(request, 404, b"not found\n", {"Content-Type": "text/plain"}, head)
            return
        etag = '"' + hashlib.sha256(found.body).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": found.content_type,
            "ETag": etag,
            "Last-Modified": http_date(found.last_modified),
            "Cache-Control": "max-age=30",
        }
        if _fresh(request, etag, found.last_modified):
            with self._counters.lock:
                self._counters.not_modified += 1
            self._send(request, 304, b"", headers, head=True)
            return
        self._send(request, 200, found.body, headers, head)

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: dict[str, str],
        head: bool,
    ) -> None:
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)) if status != 304 else "0")
        request.end_headers()
        if not head:
            request.wfile.write(body)


def _fresh(request: BaseHTTPRequestHandler, etag: str, last_modified: float) -> bool:
    """Whether the client's validators still match (If-None-Match wins over If-Modified-Since)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*"
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def serve(port: int = 8765, host: str = "127.0.0.1") -> None:
    """Serve the demo newsroom in the foreground until interrupted."""
    server = DemoServer(host=host, port=port)
    print(f"Demo newsroom at {server.base_url}/", flush=True)
    print(f"Subscriptions: {server.url('/demo.opml')}", flush=True)
    print("Stories change during the first five minutes. Press Ctrl-C to stop.", flush=True)
    server.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
