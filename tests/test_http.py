"""The fetcher against a real loopback server: validators, caps, deadlines, redirects, policy."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader.core.http import MAX_WAIT, Fetcher, FetchError, FetchLimits
from tests.server import LoopbackServer, Route

LOCAL = "127.0.0.1"
SMALL = FetchLimits(timeout=1.5, max_bytes=1024 * 1024)


async def fetch(url: str, limits: FetchLimits = SMALL, **kwargs: object):
    async with Fetcher() as fetcher:
        return await fetcher.get(url, limits=limits, private_ok_host=LOCAL, **kwargs)


def headers(request: BaseHTTPRequestHandler, status: int, extra: dict[str, str]) -> None:
    request.send_response(status)
    for name, value in extra.items():
        request.send_header(name, value)
    request.end_headers()


def gzip_bomb(size: int, wbits: int = 31) -> bytes:
    """``size`` zero bytes, compressed (about 1/1000 of the size): gzip, zlib or raw deflate."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


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
        first = await fetcher.get(server.url("/feed"), private_ok_host="127.0.0.1")
        for _ in range(5):
            again = await fetcher.get(
                server.url("/feed"), etag=first.etag, private_ok_host="127.0.0.1"
            )
            assert again.not_modified
    assert server.httpd.connections == 1


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "two-gzip-members"])
async def test_compressed_bodies(server: LoopbackServer, encoding: str) -> None:
    body = b"<rss>" + b"news " * 5000 + b"</rss>"
    if encoding == "gzip":
        data, header = gzip.compress(body), "gzip"
    elif encoding == "deflate":
        data, header = zlib.compress(body), "deflate"
    elif encoding == "raw-deflate":
        raw = zlib.compressobj(6, zlib.DEFLATED, -15)
        data, header = raw.compress(body) + raw.flush(), "deflate"
    else:
        half = len(body) // 2
        data, header = gzip.compress(body[:half]) + gzip.compress(body[half:]), "gzip"
    server.routes["/z"] = Route(data, headers={"Content-Encoding": header})
    assert (await fetch(server.url("/z"))).content == body


@pytest.mark.parametrize(("encoding", "wbits"), [("gzip", 31), ("deflate", 15), ("deflate", -15)])
async def test_compression_bombs_are_cut_with_bounded_memory(
    server: LoopbackServer, encoding: str, wbits: int
) -> None:
    bomb = gzip_bomb(256 * 1024 * 1024, wbits)  # 256 MiB inflated, about 256 KiB on the wire
    server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="too large"):
            await fetch(server.url("/bomb"), FetchLimits(timeout=10, max_bytes=15 * 1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024


async def test_huge_bodies_are_cut(server: LoopbackServer) -> None:
    server.routes["/declared"] = Route(b"x" * (2 * 1024 * 1024))

    def endless(request: BaseHTTPRequestHandler) -> None:
        headers(request, 200, {"Content-Type": "application/xml", "Connection": "close"})
        chunk = b"y" * 65536
        for _ in range(1000):  # 64 MiB at most, far past the cap
            request.wfile.write(chunk)

    server.raw["/endless"] = endless
    for path in ("/declared", "/endless"):
        with pytest.raises(FetchError, match=r"too large \(over 1 MiB\)"):
            await fetch(server.url(path))


async def test_slow_drip_hits_the_deadline(server: LoopbackServer) -> None:
    def drip(request: BaseHTTPRequestHandler) -> None:
        headers(request, 200, {"Content-Type": "application/xml", "Connection": "close"})
        for _ in range(30):
            request.wfile.write(b"x")
            request.wfile.flush()
            time.sleep(1)

    server.raw["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 1\.5 s"):
        await fetch(server.url("/drip"))
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
        listener.settimeout(0.2)
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
    with pytest.raises(FetchError, match="timed out"):
        await fetch(f"http://{LOCAL}:{silent_port}/feed")


async def test_a_silent_host_is_not_waited_on_again(silent_port: int) -> None:
    """Feeds queued for a host that just timed out fail at once instead of each waiting out
    its own deadline in turn."""
    limits = FetchLimits(timeout=0.5, max_bytes=1024)
    url = f"http://{LOCAL}:{silent_port}/feed"
    started = time.monotonic()
    async with Fetcher(per_host=2) as fetcher:
        results = await asyncio.gather(
            *(fetcher.get(url, limits=limits, private_ok_host=LOCAL) for _ in range(8)),
            return_exceptions=True,
        )
    messages = sorted(str(r) for r in results)
    assert messages.count("timed out after 0.5 s") == 2
    assert messages.count(f"skipped: {LOCAL} timed out on another request") == 6
    assert time.monotonic() - started < 1.2


async def test_redirect_loop_and_long_chain(server: LoopbackServer) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    for n in range(30):
        server.routes[f"/hop{n}"] = Route(status=301, headers={"Location": f"/hop{n + 1}"})
    for path in ("/a", "/hop0"):
        with pytest.raises(FetchError, match="too many redirects"):
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
    for n, target in enumerate(("file:///etc/passwd", "ftp://x/", "javascript:alert(1)")):
        server.routes[f"/r{n}"] = Route(status=302, headers={"Location": target})
        with pytest.raises(FetchError, match="refused"):
            await fetch(server.url(f"/r{n}"))


async def test_private_addresses_need_the_trusted_host(server: LoopbackServer) -> None:
    server.routes["/f"] = Route(b"<rss/>")
    server.routes["/jump"] = Route(
        status=302, headers={"Location": f"http://localhost:{server.port}/f"}
    )
    async with Fetcher() as fetcher:
        with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 is a private address"):
            await fetcher.get(server.url("/f"), limits=SMALL)
        assert (await fetcher.get(server.url("/f"), limits=SMALL, private_ok_host=LOCAL)).content
        with pytest.raises(FetchError, match="refused: localhost is a private address"):
            await fetcher.get(server.url("/jump"), limits=SMALL, private_ok_host=LOCAL)


async def test_http_errors_carry_status_and_retry_after(server: LoopbackServer) -> None:
    server.routes["/busy"] = Route(b"", status=429, headers={"Retry-After": "120"})
    server.routes["/down"] = Route(
        b"", status=503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}
    )
    with pytest.raises(FetchError, match="HTTP 404") as missing:
        await fetch(server.url("/missing"))
    assert missing.value.status == 404 and missing.value.retry_after is None
    with pytest.raises(FetchError) as busy:
        await fetch(server.url("/busy"))
    assert busy.value.status == 429 and busy.value.retry_after == 120
    with pytest.raises(FetchError) as down:
        await fetch(server.url("/down"))
    assert down.value.retry_after > 3600


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
async def test_a_content_length_of_5000_digits_is_too_large(
    server: LoopbackServer, encoding: str
) -> None:
    """Without an encoding the header alone refuses it; with one, the body is read (and ends)."""
    extra = {"Content-Encoding": encoding} if encoding else {}
    body = gzip.compress(b"<rss/>") if encoding else b"<rss/>"
    extra |= {"Content-Length": "9" * 5000, "Connection": "close"}
    server.routes["/feed"] = Route(body, headers=extra)
    with pytest.raises(FetchError, match=r"too large \(over 1 MiB\)|broken HTTP response"):
        await fetch(server.url("/feed"))


async def test_connection_refused_is_one_line() -> None:
    with socket.socket() as probe:
        probe.bind((LOCAL, 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as error:
        await fetch(f"http://{LOCAL}:{port}/")
    assert str(error.value) == "connection refused by 127.0.0.1"


async def test_per_host_cap_holds(server: LoopbackServer) -> None:
    active = peak = 0
    lock = threading.Lock()

    def slow(request: BaseHTTPRequestHandler) -> Route:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.2)
        with lock:
            active -= 1
        return Route(b"<rss/>")

    server.routes["/slow"] = slow
    async with Fetcher(per_host=3) as fetcher:
        await asyncio.gather(
            *(
                fetcher.get(server.url("/slow"), limits=SMALL, private_ok_host=LOCAL)
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
                fetcher.get(server.url("/slow"), limits=limits, private_ok_host=LOCAL)
                for _ in range(6)
            )
        )
    assert [r.status for r in responses] == [200] * 6


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
    assert seen["Accept-Encoding"] == "gzip, deflate"


async def test_broken_responses_are_one_line(server: LoopbackServer) -> None:
    def garbage(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"SPDY/9 banana\r\n\r\n")

    def cut(request: BaseHTTPRequestHandler) -> None:
        headers(request, 200, {"Content-Length": "1000"})
        request.wfile.write(b"<rss>")
        request.close_connection = True

    server.raw["/garbage"] = garbage
    server.raw["/cut"] = cut
    for path in ("/garbage", "/cut"):
        with pytest.raises(FetchError) as error:
            await fetch(server.url(path))
        assert str(error.value) == "broken HTTP response from 127.0.0.1"


@pytest.fixture
def forgetful_port() -> Iterator[int]:
    """Answers the first request on each connection, then closes it when the next one arrives:
    a keep-alive connection the server dropped just as the client reused it."""
    listener = socket.socket()
    listener.bind((LOCAL, 0))
    listener.listen(8)
    listener.settimeout(0.2)
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
            response = await fetcher.get(url, limits=SMALL, private_ok_host=LOCAL)
            assert response.content == b"<rss/>"


async def test_tls_certificates_are_verified(tmp_path: Path) -> None:
    """A self-signed certificate is refused with a one-line reason."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = LoopbackServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.routes["/feed"] = Route(b"<rss/>")
    server.start()
    try:
        with pytest.raises(FetchError) as error:
            await fetch(f"https://{LOCAL}:{server.port}/feed")
    finally:
        server.stop()
    message = str(error.value)
    assert message.startswith("TLS certificate of 127.0.0.1 refused: ")
    assert "self" in message and "\n" not in message


CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
HOSTILE_HEADS = {
    "head over 64 KiB": b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 70_000 + b"\r\n\r\n",
    "too many fields": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 150 + b"\r\n",
    "field without a colon": b"HTTP/1.1 200 OK\r\nContent-Length 3\r\n\r\nabc",
    "four-digit status": b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
    "not HTTP/1": b"ICY 200 OK\r\nContent-Length: 0\r\n\r\n",
    "bad Content-Length": b"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\nabc",
    "bad chunk size": CHUNKED + b"zz\r\nabc\r\n0\r\n\r\n",
    "prefixed chunk size": CHUNKED + b"0x3\r\nabc\r\n",
    "chunk longer than said": CHUNKED + b"2\r\nabc\r\n0\r\n\r\n",
    "superscript status": "HTTP/1.1 2²0 OK\r\nContent-Length: 0\r\n\r\n".encode(),
    "superscript Content-Length": "HTTP/1.1 200 OK\r\nContent-Length: ³\r\n\r\nabc".encode(),
    "chunk size of 5,000 digits": CHUNKED + b"f" * 5000 + b"\r\nabc\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("case", HOSTILE_HEADS)
async def test_hostile_responses_are_refused(server: LoopbackServer, case: str) -> None:
    def answer(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(HOSTILE_HEADS[case])
        request.close_connection = True

    server.raw["/feed"] = answer
    with pytest.raises(FetchError) as error:
        await fetch(server.url("/feed"))
    assert str(error.value) == "broken HTTP response from 127.0.0.1"


async def test_http_1_0_and_trailers(server: LoopbackServer) -> None:
    """An HTTP/1.0 body runs to the end of the connection; chunk trailers are skipped."""

    def old(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n<rss>1.0</rss>")
        request.close_connection = True

    def trailers(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(CHUNKED + b"5;ext=1\r\n<rss>\r\n6\r\n</rss>\r\n0\r\nX-Sum: 1\r\n\r\n")

    server.raw["/old"] = old
    server.raw["/trailers"] = trailers
    async with Fetcher() as fetcher:
        for path, body in (("/old", b"<rss>1.0</rss>"), ("/trailers", b"<rss></rss>")):
            for _ in range(2):  # and the connection is in a sane state afterwards
                response = await fetcher.get(server.url(path), limits=SMALL, private_ok_host=LOCAL)
                assert response.content == body
