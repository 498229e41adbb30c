"""The libcurl fetcher against real loopback servers: limits, redirects, address policy, hostile
servers, keep-alive hygiene, proxies, trust stores, cookies."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pycurl
import pytest

from reader import cli
from reader.core.fetch import MAX_WAIT, Fetcher, FetchError, FetchLimits, Response, network
from reader.core.safety import is_public_address
from reader.core.store import Store
from tests.server import LoopbackServer, Route, rss

LOCAL = "127.0.0.1"
SMALL = FetchLimits(timeout=1.0, max_bytes=1024 * 1024)
QUICK = FetchLimits(timeout=0.5, max_bytes=1024)
ENVIRONMENT = (
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy or trust store settings from the machine running the tests."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


async def fetch(url: str, limits: FetchLimits = SMALL, **kwargs: object) -> Response:
    async with Fetcher() as fetcher:
        return await fetcher.get(url, limits=limits, trusted=url, **kwargs)  # type: ignore[arg-type]


def headers(request: BaseHTTPRequestHandler, status: int, extra: dict[str, str]) -> None:
    request.send_response(status)
    for name, value in extra.items():
        request.send_header(name, value)
    request.end_headers()


Handler = Callable[[BaseHTTPRequestHandler], None]


def raw(reply: bytes, *, close: bool = False) -> Handler:
    """A raw handler that writes ``reply`` as it is."""

    def answer(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(reply)
        request.close_connection = close

    return answer


def gzip_bomb(size: int, wbits: int = 31) -> bytes:
    """``size`` zero bytes, compressed (about 1/1000 of the size): gzip, zlib or raw deflate."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


# --- validators, keep-alive, decoding, caps ------------------------------------------------------


async def test_validators_and_304(server: LoopbackServer) -> None:
    server.routes["/f.xml"] = Route(b"<rss/>", headers={"Cache-Control": "public, max-age=600"})
    first = await fetch(server.url("/f.xml"))
    assert first.status == 200 and first.content == b"<rss/>" and first.max_age == 600
    assert first.etag and first.last_modified and first.moved_to is None
    second = await fetch(server.url("/f.xml"), etag=first.etag)
    assert second.not_modified and second.content == b""


async def test_connections_are_kept_alive_across_304s(server: LoopbackServer) -> None:
    server.routes["/feed"] = Route(b"<rss/>")
    async with Fetcher() as fetcher:
        first = await fetcher.get(server.url("/feed"), trusted=server.url("/feed"))
        for _ in range(5):
            again = await fetcher.get(
                server.url("/feed"), etag=first.etag, trusted=server.url("/feed")
            )
            assert again.not_modified
    assert server.httpd.connections == 1


def brotli_compress(data: bytes) -> bytes:
    brotli = pytest.importorskip("brotli")
    return brotli.compress(data, quality=5)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br"])
async def test_compressed_bodies(server: LoopbackServer, encoding: str) -> None:
    body = b"<rss>" + b"news " * 5000 + b"</rss>"
    if encoding == "gzip":
        data = gzip.compress(body)
    elif encoding == "deflate":
        data = zlib.compress(body)
    elif encoding == "raw-deflate":
        raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        data, encoding = raw_deflate.compress(body) + raw_deflate.flush(), "deflate"
    else:
        data = brotli_compress(body)
    server.routes["/z"] = Route(data, headers={"Content-Encoding": encoding})
    assert (await fetch(server.url("/z"))).content == body


async def test_bad_encodings_are_one_line(server: LoopbackServer) -> None:
    """libcurl decodes one gzip member only: a second one is refused, not silently dropped."""
    two = gzip.compress(b"<rss>") + gzip.compress(b"</rss>")
    server.routes["/two"] = Route(two, headers={"Content-Encoding": "gzip"})
    server.routes["/garbled"] = Route(b"not gzip at all", headers={"Content-Encoding": "gzip"})
    server.routes["/odd"] = Route(b"x", headers={"Content-Encoding": "compress"})
    for path in ("/two", "/garbled"):
        with pytest.raises(FetchError, match=r"^corrupt gzip body$"):
            await fetch(server.url(path))
    with pytest.raises(FetchError, match=r"^unsupported content encoding 'compress'$"):
        await fetch(server.url("/odd"))


@pytest.mark.parametrize(("encoding", "wbits"), [("gzip", 31), ("deflate", 15), ("deflate", -15)])
async def test_compression_bombs_are_cut_with_bounded_memory(
    server: LoopbackServer, encoding: str, wbits: int
) -> None:
    bomb = gzip_bomb(64 * 1024 * 1024, wbits)  # 64 MiB inflated, about 64 KiB on the wire
    server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"too large \(over 15 MiB\)"):
            await fetch(server.url("/bomb"), FetchLimits(timeout=10, max_bytes=15 * 1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024


async def test_a_brotli_bomb_is_cut(server: LoopbackServer) -> None:
    bomb = brotli_compress(bytes(64 * 1024 * 1024))  # about a hundred bytes on the wire
    server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match=r"too large \(over 1 MiB\)"):
        await fetch(server.url("/bomb"))


async def test_huge_bodies_are_cut(server: LoopbackServer) -> None:
    server.routes["/declared"] = Route(b"x" * (2 * 1024 * 1024))

    def endless(request: BaseHTTPRequestHandler) -> None:
        headers(request, 200, {"Content-Type": "application/xml", "Connection": "close"})
        chunk = b"y" * 65536
        for _ in range(1000):  # 64 MiB at most, far past the cap
            request.wfile.write(chunk)

    server.raw["/endless"] = endless
    for path in ("/declared", "/endless"):
        with pytest.raises(FetchError, match=r"^response too large \(over 1 MiB\)$"):
            await fetch(server.url(path))
    assert server.hits["/declared"] == 1


# --- deadlines ---------------------------------------------------------------------------------


def drip(request: BaseHTTPRequestHandler) -> None:
    headers(request, 200, {"Content-Type": "application/xml", "Connection": "close"})
    for _ in range(30):
        request.wfile.write(b"x")
        request.wfile.flush()
        time.sleep(0.25)


async def test_slow_drip_hits_the_deadline(server: LoopbackServer) -> None:
    server.raw["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out after 0\.5 s$"):
        await fetch(server.url("/drip"), QUICK)
    assert time.monotonic() - started < 1


async def test_slow_drip_hits_the_low_speed_limit(server: LoopbackServer) -> None:
    """Long before the deadline; and the feeds queued for that host are not waited on."""
    server.raw["/drip"] = drip
    limits = FetchLimits(timeout=20, max_bytes=1024, low_speed=100, low_speed_time=1)
    started = time.monotonic()
    async with Fetcher(per_host=1) as fetcher:
        results = await asyncio.gather(
            *(
                fetcher.get(server.url("/drip"), limits=limits, trusted=server.url("/drip"))
                for _ in "ab"
            ),
            return_exceptions=True,
        )
    assert [str(r) for r in results] == [
        "too slow: under 100 bytes/s for 1 s",
        f"skipped: {LOCAL} timed out on another request",
    ]
    assert time.monotonic() - started < 3


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind((LOCAL, 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


async def test_silent_server_hits_the_deadline(silent_port: int) -> None:
    with pytest.raises(FetchError, match=r"^timed out after 0\.5 s$"):
        await fetch(f"http://{LOCAL}:{silent_port}/feed", QUICK)


async def test_a_silent_host_is_not_waited_on_again(silent_port: int) -> None:
    """Feeds queued for a host that just timed out fail at once instead of each waiting out
    its own deadline in turn."""
    url = f"http://{LOCAL}:{silent_port}/feed"
    started = time.monotonic()
    async with Fetcher(per_host=2) as fetcher:
        results = await asyncio.gather(
            *(fetcher.get(url, limits=QUICK, trusted=url) for _ in range(8)),
            return_exceptions=True,
        )
    messages = sorted(str(r) for r in results)
    assert messages.count("timed out after 0.5 s") == 2
    assert messages.count(f"skipped: {LOCAL} timed out on another request") == 6
    assert time.monotonic() - started < 1.2


async def test_per_host_cap_holds(server: LoopbackServer) -> None:
    active = peak = 0
    lock = threading.Lock()

    def slow(request: BaseHTTPRequestHandler) -> Route:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.1)
        with lock:
            active -= 1
        return Route(b"<rss/>")

    server.routes["/slow"] = slow
    async with Fetcher(per_host=3) as fetcher:
        await asyncio.gather(
            *(
                fetcher.get(server.url("/slow"), limits=SMALL, trusted=server.url("/slow"))
                for _ in range(9)
            )
        )
    assert peak == 3


async def test_waiting_for_a_slot_does_not_count_against_the_deadline(
    server: LoopbackServer,
) -> None:
    """Many feeds on one slow host: each answer comes in time, so none may time out."""

    def slow(request: BaseHTTPRequestHandler) -> Route:
        time.sleep(0.3)
        return Route(b"<rss/>")

    server.routes["/slow"] = slow
    limits = FetchLimits(timeout=0.5, max_bytes=1024)
    async with Fetcher(per_host=2) as fetcher:
        responses = await asyncio.gather(
            *(
                fetcher.get(server.url("/slow"), limits=limits, trusted=server.url("/slow"))
                for _ in range(6)
            )
        )
    assert [r.status for r in responses] == [200] * 6


# --- redirects -----------------------------------------------------------------------------------


async def test_redirect_loop_and_long_chain(server: LoopbackServer) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    for n in range(30):
        server.routes[f"/hop{n}"] = Route(status=301, headers={"Location": f"/hop{n + 1}"})
    for path in ("/a", "/hop0"):
        with pytest.raises(FetchError, match=r"^too many redirects \(more than 5\)$"):
            await fetch(server.url(path))
    assert server.hits["/hop6"] == 0 and server.hits["/hop5"] == 1


async def test_permanent_and_temporary_redirects(server: LoopbackServer) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/older"})
    server.routes["/older"] = Route(status=308, headers={"Location": "/new"})
    server.routes["/temp"] = Route(status=301, headers={"Location": "/temp2"})
    server.routes["/temp2"] = Route(status=302, headers={"Location": "/new"})
    server.routes["/new"] = Route(b"<rss/>")
    assert (await fetch(server.url("/old"))).moved_to == server.url("/new")
    moved = await fetch(server.url("/temp"))
    assert moved.moved_to is None and moved.url == server.url("/new")


async def test_redirect_to_other_schemes_refused(server: LoopbackServer) -> None:
    targets = ("file:///etc/passwd", "ftp://reader:secret@x/", "javascript:alert(1)")
    for n, target in enumerate(targets):
        server.routes[f"/r{n}"] = Route(status=302, headers={"Location": target})
        with pytest.raises(FetchError, match=r"^refused: not an http\(s\) URL: ") as error:
            await fetch(server.url(f"/r{n}"))
        assert "secret" not in str(error.value)


async def test_duplicate_fields_are_never_joined(server: LoopbackServer) -> None:
    """The first ETag counts; two Locations (like two Content-Lengths) make libcurl refuse the
    answer as ambiguous."""
    server.raw["/etags"] = raw(
        b'HTTP/1.1 200 OK\r\nETag: "a"\r\nETag: "b"\r\nContent-Length: 2\r\n\r\nok'
    )
    server.raw["/locations"] = raw(
        b"HTTP/1.1 302 Found\r\nLocation: /etags\r\nLocation: /elsewhere\r\n"
        b"Content-Length: 0\r\n\r\n"
    )
    assert (await fetch(server.url("/etags"))).etag == '"a"'
    with pytest.raises(FetchError, match=r"^broken HTTP response from 127\.0\.0\.1$"):
        await fetch(server.url("/locations"))
    assert server.hits["/elsewhere"] == 0


async def test_validators_are_not_sent_to_another_host(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a redirect to another host, If-None-Match and If-Modified-Since stay behind.
    (Loopback counts as public here, so that the second host can be reached at all.)"""
    monkeypatch.setattr(network, "public_ip", lambda ip: True)
    seen: list[tuple[str, str | None]] = []

    def record(request: BaseHTTPRequestHandler) -> Route:
        seen.append((request.headers["Host"], request.headers.get("If-None-Match")))
        if request.path == "/moved":
            return Route(status=301, headers={"Location": f"http://localhost:{server.port}/f"})
        return Route(b"<rss/>", validators=False)

    server.routes["/moved"] = server.routes["/f"] = record
    async with Fetcher() as fetcher:
        await fetcher.get(server.url("/moved"), limits=SMALL, etag='"v1"')
    assert seen == [(f"{LOCAL}:{server.port}", '"v1"'), (f"localhost:{server.port}", None)]


async def test_a_cookie_set_before_a_redirect_is_sent_after_it(server: LoopbackServer) -> None:
    """A site that sets a cookie and redirects to itself, as consent walls do."""

    def gate(request: BaseHTTPRequestHandler) -> Route:
        if "visited=1" in (request.headers.get("Cookie") or ""):
            return Route(b"<rss>inside</rss>")
        return Route(status=302, headers={"Set-Cookie": "visited=1; Path=/", "Location": "/feed"})

    server.routes["/feed"] = gate
    assert (await fetch(server.url("/feed"))).content == b"<rss>inside</rss>"
    assert server.hits["/feed"] == 2


# --- the address policy --------------------------------------------------------------------------


async def test_private_addresses_need_the_trusted_host(server: LoopbackServer) -> None:
    """Checked before every request, also on a connection already open to the trusted host."""
    server.routes["/f"] = Route(b"<rss/>")
    server.routes["/jump"] = Route(
        status=302, headers={"Location": f"http://localhost:{server.port}/f"}
    )
    async with Fetcher() as fetcher:
        assert (await fetcher.get(server.url("/f"), limits=SMALL, trusted=server.url("/f"))).content
        with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a private address$"):
            await fetcher.get(server.url("/f"), limits=SMALL)
        assert server.hits["/f"] == 1 and server.httpd.connections == 1  # no request on it
        with pytest.raises(FetchError, match=r"^refused: localhost is a private address$"):
            await fetcher.get(server.url("/jump"), limits=SMALL, trusted=server.url("/jump"))
    assert server.hits["/f"] == 1


async def test_only_the_trusted_port_is_trusted(server: LoopbackServer) -> None:
    """A feed on 127.0.0.1:P1 may not lead to another service on 127.0.0.1:P2."""
    other = LoopbackServer().start()
    try:
        other.routes["/admin"] = Route(b"secret")
        server.routes["/f"] = Route(status=302, headers={"Location": other.url("/admin")})
        with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a private address$"):
            await fetch(server.url("/f"))
        assert other.hits["/admin"] == 0 and other.httpd.connections == 0
    finally:
        other.stop()


class RebindingFetcher(Fetcher):
    """libcurl's resolver answers 127.0.0.1 for rebind.example, whatever Python's says."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port

    def _configure(self, handle: pycurl.Curl, *args: object) -> None:
        super()._configure(handle, *args)  # type: ignore[arg-type]
        handle.setopt(pycurl.RESOLVE, [f"rebind.example:{self.port}:{LOCAL}"])


async def test_the_address_connected_to_is_the_one_judged(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a check that resolved the name itself would see a public address here;
    the connection goes to 127.0.0.1, and that is what is refused."""
    real = socket.getaddrinfo

    def public_answer(host: str, *args: object, **kwargs: object) -> list:
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", server.port))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", public_answer)
    server.routes["/f"] = Route(b"<rss/>")
    url = f"http://rebind.example:{server.port}/f"
    async with RebindingFetcher(server.port) as fetcher:
        with pytest.raises(FetchError, match=r"^refused: rebind\.example is a private address$"):
            await fetcher.get(url, limits=SMALL)
        assert server.httpd.connections == 0
        trusted = await fetcher.get(url, limits=SMALL, trusted=url)
    assert trusted.content == b"<rss/>"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("64:ff9b::5db8:d822", True),  # NAT64 of a public address
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b:1::a00:1", False),  # local-use NAT64 of 10.0.0.1
        ("::127.0.0.1", False),  # IPv4-compatible
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("2002:c0a8:101::1", False),  # 6to4 of 192.168.1.1
        ("fec0::1", False),  # site-local
        ("::1", False),
        ("::", False),
    ],
)
def test_addresses_carrying_ipv4_are_judged_by_it(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


# --- errors --------------------------------------------------------------------------------------


async def test_http_errors_carry_status_and_retry_after(server: LoopbackServer) -> None:
    server.routes["/busy"] = Route(b"", status=429, headers={"Retry-After": "120"})
    server.routes["/down"] = Route(
        b"", status=503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}
    )
    server.routes["/gone"] = Route(b"x" * 200_000, status=404, headers={"Retry-After": "5"})
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found$") as missing:
        await fetch(server.url("/gone"))
    assert missing.value.status == 404 and missing.value.retry_after is None
    with pytest.raises(FetchError) as busy:
        await fetch(server.url("/busy"))
    assert busy.value.status == 429 and busy.value.retry_after == 120
    with pytest.raises(FetchError) as down:
        await fetch(server.url("/down"))
    assert down.value.retry_after == MAX_WAIT


async def test_hostile_numbers_in_headers(server: LoopbackServer) -> None:
    """Unicode digits are no number, and a number too long to convert is only "very large"."""
    server.routes["/super"] = Route(b"<rss/>", headers={"Cache-Control": "max-age=¹"})
    server.routes["/long-age"] = Route(b"<rss/>", headers={"Cache-Control": f"max-age={'9' * 400}"})
    server.routes["/two"] = Route(b"", status=503, headers={"Retry-After": "²"})
    server.routes["/long-wait"] = Route(b"", status=503, headers={"Retry-After": "9" * 400})
    assert (await fetch(server.url("/super"))).max_age is None
    assert (await fetch(server.url("/long-age"))).max_age == MAX_WAIT
    for path, retry_after in (("/two", None), ("/long-wait", MAX_WAIT)):
        with pytest.raises(FetchError, match="HTTP 503") as error:
            await fetch(server.url(path))
        assert error.value.retry_after == retry_after


@pytest.mark.parametrize("encoding", ["", "gzip"])
async def test_a_content_length_of_5000_digits_is_refused(
    server: LoopbackServer, encoding: str
) -> None:
    """A length over the cap is refused from the header alone, encoded or not."""
    extra = {"Content-Encoding": encoding} if encoding else {}
    body = gzip.compress(b"<rss/>") if encoding else b"<rss/>"
    extra |= {"Content-Length": "9" * 5000, "Connection": "close"}
    server.routes["/feed"] = Route(body, headers=extra)
    with pytest.raises(FetchError, match=r"^response too large \(over 1 MiB\)$"):
        await fetch(server.url("/feed"))


async def test_connection_refused_is_one_line() -> None:
    with socket.socket() as probe:
        probe.bind((LOCAL, 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as error:
        await fetch(f"http://reader:secret@{LOCAL}:{port}/")
    assert str(error.value) == "connection refused by 127.0.0.1"


async def test_unresolvable_names_are_one_line() -> None:
    with pytest.raises(FetchError, match=r"^name not resolved: nowhere\.invalid$"):
        await fetch("http://nowhere.invalid/feed")


async def test_request_target_headers_and_chunked_body(server: LoopbackServer) -> None:
    seen: dict[str, str] = {}

    def chunked(request: BaseHTTPRequestHandler) -> None:
        seen.update(request.headers.items(), line=request.requestline)
        request.send_response(200)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        for part in (b"<rss>", b"chunked", b"</rss>", b""):
            request.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))

    server.raw["/na%C3%AFve"] = chunked
    url = f"http://reader:p%40ss@127.0.0.1:{server.port}/naïve?q=café"
    response = await fetch(url)
    assert response.content == b"<rss>chunked</rss>"
    assert seen["line"] == "GET /na%C3%AFve?q=caf%C3%A9 HTTP/1.1"
    assert seen["Host"] == f"127.0.0.1:{server.port}"
    assert seen["Authorization"] == "Basic cmVhZGVyOnBAc3M="  # reader:p@ss
    assert {"gzip", "deflate", "br"} <= {e.strip() for e in seen["Accept-Encoding"].split(",")}
    assert seen["User-Agent"].startswith("newsroom/")


async def test_the_user_agent_is_configurable(server: LoopbackServer) -> None:
    agents: list[str] = []
    server.routes["/f"] = lambda request: agents.append(request.headers["User-Agent"]) or Route()
    async with Fetcher(user_agent="Intranet reader\r\nX-Evil: 1") as fetcher:
        await fetcher.get(server.url("/f"), limits=SMALL, trusted=server.url("/f"))
    assert agents == ["Intranet reader X-Evil: 1"]


async def test_host_names_are_encoded_with_uts46(server: LoopbackServer) -> None:
    """ "faß" is xn--fa-hia under UTS 46 (IDNA 2003 made it "fass"); libcurl sends any
    *.localhost name to the loopback address."""
    hosts: list[str] = []
    server.routes["/f"] = lambda request: hosts.append(request.headers["Host"]) or Route()
    url = f"http://Faß.localhost:{server.port}/f"
    async with Fetcher() as fetcher:
        await fetcher.get(url, limits=SMALL, trusted=url)
    assert hosts == [f"xn--fa-hia.localhost:{server.port}"]


async def test_broken_responses_are_one_line(server: LoopbackServer) -> None:
    server.raw["/garbage"] = raw(b"SPDY/9 banana\r\n\r\n", close=True)
    server.raw["/cut"] = raw(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss>", close=True)
    for path in ("/garbage", "/cut"):
        with pytest.raises(FetchError) as error:
            await fetch(server.url(path))
        assert str(error.value) == "broken HTTP response from 127.0.0.1"


CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
HOSTILE_HEADS = {
    "head over 64 KiB": b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 70_000 + b"\r\n\r\n",
    "too many fields": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 150 + b"\r\n",
    "field without a colon": b"HTTP/1.1 200 OK\r\nContent-Length 3\r\n\r\nabc",
    "four-digit status": b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
    "not HTTP/1": b"ICY 200 OK\r\nContent-Length: 0\r\n\r\n",
    "bad Content-Length": b"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\nabc",
    "two Content-Lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nabc",
    "bad chunk size": CHUNKED + b"zz\r\nabc\r\n0\r\n\r\n",
    "prefixed chunk size": CHUNKED + b"0x3\r\nabc\r\n",
    "chunk longer than said": CHUNKED + b"2\r\nabc\r\n0\r\n\r\n",
    "superscript status": "HTTP/1.1 2²0 OK\r\nContent-Length: 0\r\n\r\n".encode(),
    "superscript Content-Length": "HTTP/1.1 200 OK\r\nContent-Length: ³\r\n\r\nabc".encode(),
}


@pytest.mark.parametrize("case", HOSTILE_HEADS)
async def test_hostile_responses_are_refused(server: LoopbackServer, case: str) -> None:
    server.raw["/feed"] = raw(HOSTILE_HEADS[case], close=True)
    with pytest.raises(FetchError) as error:
        await fetch(server.url("/feed"))
    assert str(error.value) == "broken HTTP response from 127.0.0.1"


async def test_http_1_0_informational_heads_and_trailers(server: LoopbackServer) -> None:
    """An HTTP/1.0 body runs to the end of the connection, 1xx heads are skipped, chunk
    trailers are not fields; the connection is sane afterwards."""
    server.raw["/old"] = raw(
        b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n<rss>1.0</rss>", close=True
    )
    server.raw["/early"] = raw(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<rss/>"
    )
    server.raw["/trailers"] = raw(
        CHUNKED + b"5;ext=1\r\n<rss>\r\n6\r\n</rss>\r\n0\r\nETag: late\r\n\r\n"
    )
    cases = (("/old", b"<rss>1.0</rss>"), ("/early", b"<rss/>"), ("/trailers", b"<rss></rss>"))
    async with Fetcher() as fetcher:
        for path, body in cases:
            for _ in range(2):
                response = await fetcher.get(
                    server.url(path), limits=SMALL, trusted=server.url(path)
                )
                assert response.content == body and response.etag is None


# --- keep-alive hygiene --------------------------------------------------------------------------

INJECTED = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nINJECTED"


def late(reply: bytes, extra: bytes, *, close: bool = False) -> Handler:
    """Answer with ``reply``, then, a moment later on the idle connection, send ``extra``."""

    def answer(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(reply)
        request.wfile.flush()
        time.sleep(0.05)
        request.wfile.write(extra)
        request.close_connection = close

    return answer


async def test_unread_bytes_never_reach_another_request(server: LoopbackServer) -> None:
    """On one kept-alive host: trailing bytes after a body, a 204 and a 304 that carry a body,
    an unsolicited 408 on the idle connection; every request still gets its own answer."""
    server.raw["/trailing"] = late(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA", INJECTED)
    server.raw["/no-content"] = raw(b"HTTP/1.1 204 No Content\r\nContent-Length: 8\r\n\r\nINJECTED")
    server.raw["/not-modified"] = raw(b"HTTP/1.1 304 Not Modified\r\n\r\n" + INJECTED)
    server.raw["/timeout"] = late(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nC",
        b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        close=True,
    )
    server.routes["/next"] = Route(b"NEXT", validators=False)
    expected = {"/trailing": b"A", "/no-content": b"", "/not-modified": b"", "/timeout": b"C"}
    async with Fetcher() as fetcher:
        for path, body in expected.items():
            first = await fetcher.get(server.url(path), limits=SMALL, trusted=server.url(path))
            await asyncio.sleep(0.15)  # what comes late has come
            second = await fetcher.get(
                server.url("/next"), limits=SMALL, trusted=server.url("/next")
            )
            assert (first.content, second.content) == (body, b"NEXT"), path
    assert server.hits["/next"] == 4


async def test_a_408_on_a_reused_connection_is_retried_on_a_fresh_one(
    server: LoopbackServer,
) -> None:
    """A server that timed out the idle connection just as the next request went out."""

    def impatient(request: BaseHTTPRequestHandler) -> None:
        if getattr(request, "served", False):
            request.wfile.write(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n")
            request.close_connection = True
            return
        request.served = True  # type: ignore[attr-defined]
        request.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<rss/>")

    server.raw["/a"] = server.raw["/b"] = impatient
    async with Fetcher() as fetcher:
        for path in ("/a", "/b"):
            response = await fetcher.get(server.url(path), limits=SMALL, trusted=server.url(path))
            assert response.content == b"<rss/>"
    assert server.httpd.connections == 2


@pytest.fixture
def forgetful_port() -> Iterator[int]:
    """Answers the first request on each connection, then closes it when the next one arrives:
    a keep-alive connection the server dropped just as the client reused it."""
    listener = socket.socket()
    listener.bind((LOCAL, 0))
    listener.listen(8)
    listener.settimeout(0.05)
    stop = threading.Event()
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<rss/>"

    def serve(conn: socket.socket) -> None:
        with conn:
            if conn.recv(65536):
                conn.sendall(reply)
            conn.recv(65536)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn = listener.accept()[0]
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


async def test_a_dropped_keep_alive_connection_is_retried(forgetful_port: int) -> None:
    url = f"http://{LOCAL}:{forgetful_port}/feed"
    async with Fetcher() as fetcher:
        for _ in range(3):
            response = await fetcher.get(url, limits=SMALL, trusted=url)
            assert response.content == b"<rss/>"


# --- proxies -------------------------------------------------------------------------------------


class ForwardProxy:
    """A plain-http forward proxy: reads an absolute-form request, relays it, remembers it."""

    def __init__(self) -> None:
        self.listener = socket.create_server((LOCAL, 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://{LOCAL}:{self.port}"
        self.seen: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn = self.listener.accept()[0]
            except TimeoutError:
                continue
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            head = b""
            while b"\r\n\r\n" not in head:
                if not (data := conn.recv(65536)):
                    return
                head += data
            line, *fields = head.split(b"\r\n\r\n")[0].split(b"\r\n")
            method, target, version = line.split(b" ")
            self.seen.append(target.decode())
            parts = urlsplit(target.decode())
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            kept = [f for f in fields if not f.lower().startswith((b"connection", b"proxy-"))]
            request = [b" ".join((method, path.encode(), version)), *kept, b"Connection: close"]
            with socket.create_connection((parts.hostname, parts.port or 80)) as upstream:
                upstream.sendall(b"\r\n".join(request) + b"\r\n\r\n")
                while data := upstream.recv(65536):
                    conn.sendall(data)


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    relay = ForwardProxy()
    yield relay
    relay.close()


async def test_a_configured_proxy_is_used(server: LoopbackServer, proxy: ForwardProxy) -> None:
    server.routes["/feed"] = Route(b"<rss>proxied</rss>")
    async with Fetcher(proxy=proxy.url) as fetcher:
        response = await fetcher.get(server.url("/feed"), limits=SMALL, trusted=server.url("/feed"))
    assert response.content == b"<rss>proxied</rss>"
    assert proxy.seen == [server.url("/feed")]


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
async def test_the_environment_proxy_is_used_and_no_proxy_honoured(
    server: LoopbackServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    server.routes["/feed"] = Route(b"<rss/>")
    monkeypatch.setenv(variable, proxy.url)
    await fetch(server.url("/feed"))
    assert proxy.seen == [server.url("/feed")]
    monkeypatch.setenv("NO_PROXY", f"example.org, {LOCAL}:{server.port}")
    await fetch(server.url("/feed"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.0/8")
    await fetch(server.url("/feed"))
    assert proxy.seen == [server.url("/feed")] and server.hits["/feed"] == 3


async def test_the_configured_proxy_overrides_the_environment(
    server: LoopbackServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/feed"] = Route(b"<rss/>")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9/")  # nothing listens there
    async with Fetcher(proxy=proxy.url) as fetcher:
        await fetcher.get(server.url("/feed"), limits=SMALL, trusted=server.url("/feed"))
    assert proxy.seen == [server.url("/feed")]


async def test_the_policy_applies_to_the_proxied_target(
    server: LoopbackServer, proxy: ForwardProxy
) -> None:
    """The proxy is trusted (it is on loopback here); a private target still needs trust."""
    server.routes["/feed"] = Route(b"<rss/>")
    async with Fetcher(proxy=proxy.url) as fetcher:
        with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a private address$"):
            await fetcher.get(server.url("/feed"), limits=SMALL)
    assert proxy.seen == []


async def test_a_proxy_that_is_not_there_is_one_line(server: LoopbackServer) -> None:
    with socket.socket() as probe:
        probe.bind((LOCAL, 0))
        port = probe.getsockname()[1]
    async with Fetcher(proxy=f"http://user:secret@{LOCAL}:{port}") as fetcher:
        with pytest.raises(FetchError) as error:
            await fetcher.get(server.url("/feed"), limits=SMALL, trusted=server.url("/feed"))
    assert str(error.value) == "proxy refused: cannot connect to 127.0.0.1"


# --- TLS trust -----------------------------------------------------------------------------------


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def private_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private CA and a certificate it signed for 127.0.0.1, made for this test run."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *curve, "-days", "1", "-subj", "/CN=Newsroom Test CA",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=folder)  # fmt: skip
    openssl("req", *curve, "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
            "-out", "server.csr", cwd=folder)  # fmt: skip
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-extfile", "san.cnf", "-out", "server.pem",
            cwd=folder)  # fmt: skip
    return folder


@pytest.fixture
def https_server(private_ca: Path) -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(private_ca / "server.pem", private_ca / "server.key")
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.routes["/feed"] = Route(b"<rss>tls</rss>")
    server.start()
    yield server
    server.stop()


async def test_a_private_ca_is_refused_by_default(https_server: LoopbackServer) -> None:
    with pytest.raises(FetchError) as error:
        await fetch(f"https://{LOCAL}:{https_server.port}/feed")
    message = str(error.value)
    assert message.startswith("TLS certificate of 127.0.0.1 refused: ")
    assert "issuer" in message and "\n" not in message


async def test_a_private_ca_is_trusted_with_ca_file(
    https_server: LoopbackServer, private_ca: Path
) -> None:
    """And the connection is kept alive: TLS records after a response are no stray bytes."""
    async with Fetcher(ca_file=str(private_ca / "ca.pem")) as fetcher:
        for _ in range(3):
            response = await fetcher.get(
                f"https://{LOCAL}:{https_server.port}/feed",
                limits=SMALL,
                trusted=f"https://{LOCAL}:{https_server.port}/",
            )
            assert response.content == b"<rss>tls</rss>"
    assert https_server.httpd.connections == 1


async def test_a_private_ca_is_trusted_with_ssl_cert_file(
    https_server: LoopbackServer, private_ca: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(private_ca / "ca.pem"))
    response = await fetch(f"https://{LOCAL}:{https_server.port}/feed")
    assert response.content == b"<rss>tls</rss>"


# -- the settings end to end: config.toml, the store, `newsroom refresh` ------------------------


def _refresh(home: Path, url: str, config: str = "") -> dict[str, object]:
    """Subscribe ``home`` to ``url`` with ``config`` as config.toml, refresh, return the feed."""
    (home / "config.toml").write_text(config)
    store = Store(home / "newsroom.db")
    store.add_feed(url)
    store.close()
    assert cli.main(["--home", str(home), "refresh"]) == 0
    store = Store(home / "newsroom.db")
    try:
        (feed,) = store.feeds()
        return {"error": feed.error, "stories": len(store.articles(feed_id=feed.id))}
    finally:
        store.close()


def _feed_route(seen: list[str] | None = None) -> Callable[[BaseHTTPRequestHandler], Route]:
    def answer(request: BaseHTTPRequestHandler) -> Route:
        if seen is not None:
            seen.append(request.headers.get("User-Agent", ""))
        return Route(rss("Desk", [{"title": "Story", "guid": "s1"}]))

    return answer


def test_a_proxy_in_config_toml_carries_the_refresh(
    home: Path, server: LoopbackServer, proxy: ForwardProxy
) -> None:
    server.routes["/feed"] = _feed_route()
    feed = _refresh(home, server.url("/feed"), f'[fetch]\nproxy = "{proxy.url}"\n')
    assert feed == {"error": None, "stories": 1}
    assert proxy.seen == [server.url("/feed")]


def test_the_proxy_environment_is_used_and_no_proxy_honoured(
    home: Path, server: LoopbackServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/feed"] = _feed_route()
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    assert _refresh(home, server.url("/feed")) == {"error": None, "stories": 1}
    assert proxy.seen == [server.url("/feed")]
    monkeypatch.setenv("NO_PROXY", LOCAL)
    (home / "newsroom.db").unlink()
    assert _refresh(home, server.url("/feed")) == {"error": None, "stories": 1}
    assert len(proxy.seen) == 1


def test_a_private_ca_in_config_toml(
    home: Path, https_server: LoopbackServer, private_ca: Path
) -> None:
    https_server.routes["/feed"] = _feed_route()
    url = f"https://{LOCAL}:{https_server.port}/feed"
    refused = _refresh(home, url)
    assert str(refused["error"]).startswith("TLS certificate of 127.0.0.1 refused: ")
    (home / "newsroom.db").unlink()
    trusted = _refresh(home, url, f'[fetch]\nca_file = "{private_ca / "ca.pem"}"\n')
    assert trusted == {"error": None, "stories": 1}


def test_the_user_agent_from_config_toml_and_from_the_feed(
    home: Path, server: LoopbackServer
) -> None:
    seen: list[str] = []
    server.routes["/feed"] = _feed_route(seen)
    _refresh(home, server.url("/feed"), '[fetch]\nuser_agent = "Desk reader/2"\n')
    store = Store(home / "newsroom.db")
    with store._write() as conn:  # set by `newsroom edit --user-agent`
        conn.execute("UPDATE feeds SET user_agent = 'Wire desk/1', etag = NULL, body_hash = NULL")
    store.close()
    assert cli.main(["--home", str(home), "refresh", "--force"]) == 0
    assert seen == ["Desk reader/2", "Wire desk/1"]
