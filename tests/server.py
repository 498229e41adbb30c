"""A real HTTP server on 127.0.0.1 for tests: a table of routes, request counts, switches."""

from __future__ import annotations

import contextlib
import hashlib
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """A canned answer. With ``validators`` the server sends an ETag and Last-Modified and
    answers conditional requests with 304, as a well-behaved feed server does."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True
    delay: float = 0.0
    last_modified: str = "Mon, 02 Nov 2026 10:00:00 GMT"

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


Handler = Callable[[BaseHTTPRequestHandler], Route]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0  # accepted so far: shows whether clients keep connections alive

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients under test hang up mid-request (killed processes, deadlines): not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LoopbackServer:
    """Serves ``routes`` (path -> Route or a function of the request returning one)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        # Raw handlers write the whole reply themselves (slow drips, endless bodies, bombs).
        self.raw: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.hits: Counter[str] = Counter()
        self.statuses: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                # A client under test may give up mid-reply, as fetchers are meant to.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server._answer(self)

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        # A short poll: stop() waits up to one poll, and hundreds of tests stop a server.
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        with self._lock:
            self.hits[path] += 1
        if path in self.raw:
            self.raw[path](request)
            return
        entry = self.routes.get(path)
        route = entry(request) if callable(entry) else entry
        if route is None:
            route = Route(body=b"not found", status=404, content_type="text/plain")
        if route.delay:
            time.sleep(route.delay)
        status = route.status
        headers = {"Content-Type": route.content_type, **route.headers}
        body = route.body
        if route.validators and status == 200:
            headers["ETag"] = route.etag
            headers["Last-Modified"] = route.last_modified
            if request.headers.get("If-None-Match") == route.etag:
                status, body = 304, b""
        with self._lock:
            self.statuses.append((path, status))
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        if "Content-Length" not in headers:
            request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


def rss(title: str, items: list[dict[str, str]], link: str = "http://example.org/") -> bytes:
    """A small RSS 2.0 document; each item dict may hold title, link, guid, description, pubDate."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>{link}</link><description>test</description>",
    ]
    for item in items:
        parts.append("<item>")
        for tag in ("title", "link", "guid", "description", "pubDate", "author"):
            if tag in item:
                parts.append(f"<{tag}>{item[tag]}</{tag}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()
