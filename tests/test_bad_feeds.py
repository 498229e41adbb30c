"""Bad feeds through the whole refresh (real server, real database): odd charsets and invalid
characters end up as valid text, and a handful of hostile feeds among good ones break nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader.config import load_config
from reader.core.refresh import refresh_all
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))


def document(title: str, encoding: str | None = "utf-8") -> str:
    declaration = f' encoding="{encoding}"' if encoding else ""
    return (
        f'<?xml version="1.0"{declaration}?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.org/</link><item><title>{title} story</title><guid>g1</guid>"
        "<description>text</description></item></channel></rss>"
    )


CHARSETS = {
    "cp1252 bytes declared utf-8": (
        document("Café “quoted”").encode("cp1252"),
        "application/rss+xml",
        "Café “quoted”",
    ),
    "latin-1, no declaration, no header charset": (
        document("Café", None).encode("latin-1"),
        "application/xml",
        "Café",
    ),
    "header charset contradicts the declaration": (
        document("Café").encode(),
        "application/xml; charset=iso-8859-1",
        "Café",
    ),
    "utf-16 without a BOM": (
        document("Café", "utf-16").encode("utf-16-le"),
        "application/xml",
        "Café",
    ),
    "utf-16 big-endian without a BOM or declaration": (
        document("Café", None).encode("utf-16-be"),
        "application/xml",
        "Café",
    ),
    "koi8-r": (document("Привет", "koi8-r").encode("koi8-r"), "application/xml", "Привет"),
    "NUL bytes": (document("Ca\x00fé").encode(), "application/xml", "Café"),
    "references to NUL and surrogates": (
        document("A&#0;B &#xD800;&#56320; &#x110000;").encode(),
        "application/xml",
        "AB \ufffd\ufffd \ufffd",
    ),
    "JSON Feed with NUL and lone surrogates": (
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Ca\x00fé \ud800",
                "items": [{"id": "g1", "title": "Ca\x00fé \ud800 story", "content_text": "x"}],
            }
        ).encode(),
        "application/feed+json",
        "Café \ufffd",
    ),
}


@pytest.mark.parametrize("case", CHARSETS, ids=list(CHARSETS))
def test_charsets_end_up_as_valid_text(case: str, server: LoopbackServer, home: Path) -> None:
    body, content_type, title = CHARSETS[case]
    server.routes["/feed"] = Route(body, content_type=content_type)
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(server.url("/feed"))
    summary = refresh_all(store, config)
    assert (summary.ok, summary.failed) == (1, 0)
    assert store.feeds()[0].title == title
    assert store.articles()[0].title == f"{title} story"
    # What SQLite holds is valid UTF-8 without NULs, as read back by a strict reader.
    raw = sqlite3.connect(config.db_path)
    raw.text_factory = bytes
    for (value,) in raw.execute("SELECT title FROM feeds UNION ALL SELECT title FROM articles"):
        assert b"\x00" not in value
        value.decode("utf-8")
    raw.close()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY a "hahahahahahahahahahahahahahahaha">\n'
    + b"".join(
        b' <!ENTITY %c "%s">\n' % (name, (b"&%c;" % prev) * 20)
        for prev, name in zip(b"abcdefgh", b"bcdefghi", strict=True)
    )
    + b']>\n<rss version="2.0"><channel><title>&i;</title><item><title>&i;</title>'
    b"</item></channel></rss>"
)


def gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join(compressor.compress(block) for _ in range(size // len(block))) + (
        compressor.flush()
    )


def silent(request: BaseHTTPRequestHandler) -> None:
    time.sleep(30)  # accepts, never answers


def drip(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "application/xml")
    request.end_headers()
    for _ in range(30):
        request.wfile.write(b"<")
        request.wfile.flush()
        time.sleep(1)


def endless(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "application/xml")
    request.send_header("Connection", "close")
    request.end_headers()
    request.wfile.write(b'<rss version="2.0"><channel><title>')
    for _ in range(400):  # 25 MiB, past the 1 MiB cap set below
        request.wfile.write(b"x" * 65536)


# path -> (route or raw handler, a word the stored error must hold)
BAD: dict[str, tuple[Route | object, str]] = {
    "/silent.xml": (silent, "timed out"),
    "/drip.xml": (drip, "timed out"),
    "/500.xml": (Route(b"oops", status=500, content_type="text/plain"), "HTTP 500"),
    "/bomb.xml": (
        Route(gzip_bomb(64 * 1024 * 1024), headers={"Content-Encoding": "gzip"}),
        "too large",
    ),
    "/endless.xml": (endless, "too large"),
    "/laughs.xml": (Route(BILLION_LAUGHS), "entity declarations"),
    "/page.xml": (Route(b"<html><body>a web page</body></html>", content_type="text/html"), "feed"),
    "/loop.xml": (Route(status=302, headers={"Location": "/loop.xml"}), "redirect"),
}


@pytest.mark.slow
def test_bad_feeds_among_fifty_break_nothing(server: LoopbackServer, home: Path) -> None:
    good = 50 - len(BAD)
    for n in range(good):
        items = [{"title": f"Feed {n} story {i}", "guid": f"{n}-{i}"} for i in range(10)]
        server.routes[f"/good/{n}.xml"] = Route(rss(f"Good {n}", items))
    for path, (answer, _) in BAD.items():
        if isinstance(answer, Route):
            server.routes[path] = answer
        else:
            server.raw[path] = answer  # type: ignore[assignment]
    urls = [server.url(f"/good/{n}.xml") for n in range(good)] + [server.url(p) for p in BAD]
    (home / "urls").write_text("\n".join(urls) + "\n")
    (home / "config.toml").write_text("[fetch]\nfeed_timeout = 3\nfeed_max_mib = 1\n")

    def newsroom(*args: str) -> subprocess.CompletedProcess[str]:
        command = [NEWSROOM, "--home", str(home), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    assert newsroom("import", str(home / "urls")).returncode == 0
    started = time.monotonic()
    refresh = newsroom("refresh", "--json")
    assert time.monotonic() - started < 20  # the deadlines, not the hostile servers, decide
    assert "Traceback" not in refresh.stderr
    assert json.loads(refresh.stdout)["failed"] == len(BAD)
    listed = {feed["url"]: feed for feed in json.loads(newsroom("feeds", "--json").stdout)}
    for n in range(good):
        feed = listed[server.url(f"/good/{n}.xml")]
        assert (feed["error"], feed["unread"], feed["title"]) == (None, 10, f"Good {n}")
    for path, (_, word) in BAD.items():
        error = listed[server.url(path)]["error"]
        assert error and word in error and "\n" not in error, (path, error)

    # Failing feeds back off: a first failure keeps the normal interval (it may be a blip), each
    # further one doubles it.
    def due(path: str) -> int:
        with sqlite3.connect(home / "newsroom.db") as db:
            return db.execute(
                "SELECT next_check_at FROM feeds WHERE url = ?", (server.url(path),)
            ).fetchone()[0]

    interval = load_config(home).refresh.interval_minutes * 60
    assert abs(due("/500.xml") - due("/good/0.xml")) < 60
    newsroom("refresh", "--force")
    assert due("/500.xml") - due("/good/0.xml") >= interval - 60
