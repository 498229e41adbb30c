"""The fetcher: a small HTTP/1.1 client with the limits a feed reader needs against hostile servers.

A refresh is hundreds of tiny conditional GETs, and a general-purpose client spent more CPU on each
304 than the network took; this one does only GET, keep-alive and TLS (the wire format is in
wire.py). Every fetch has an overall deadline, a cap on *decompressed* bytes (we decode
gzip/deflate ourselves, a bounded chunk at a time, so a compression bomb never inflates past the
cap), at most a few redirects, http(s) only, and an address policy: private and loopback
addresses are reachable only on the one host the caller trusts (the feed's own host).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import string
import zlib
from base64 import b64encode
from collections import defaultdict
from functools import cache
from time import time
from types import TracebackType
from typing import NamedTuple
from urllib.parse import quote, unquote, urljoin, urlsplit

from reader import __version__
from reader.core import wire
from reader.core.numbers import clamp, outside_int
from reader.core.safety import is_public_address, is_safe_url

USER_AGENT = f"newsroom/{__version__} (terminal feed reader)"
CHUNK = 64 * 1024
PERMANENT = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_WAIT = 24 * 3600  # the longest a server's Retry-After or max-age can make us wait, in seconds


class FetchLimits(NamedTuple):
    timeout: float
    max_bytes: int
    max_redirects: int = 5


FEED_LIMITS = FetchLimits(timeout=30.0, max_bytes=15 * 1024 * 1024)
PAGE_LIMITS = FetchLimits(timeout=45.0, max_bytes=5 * 1024 * 1024)


class Response(NamedTuple):
    url: str
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    moved_to: str | None
    max_age: int | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch that failed; str() is one line for people."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _size(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def _retry_after(value: str | None) -> int | None:
    """Retry-After as seconds from now (a number of seconds or an HTTP date), at most MAX_WAIT."""
    if not value or not value.strip():
        return None
    seconds = outside_int(value, low=0, high=MAX_WAIT)
    if seconds is not None:
        return seconds
    from email.utils import parsedate_to_datetime  # rare: only 429s and 503s carry a date

    try:
        return int(clamp(parsedate_to_datetime(value.strip()).timestamp() - time(), 0, MAX_WAIT))
    except (TypeError, ValueError, OverflowError):
        return None


def _max_age(value: str | None) -> int | None:
    """Cache-Control max-age in seconds, at most MAX_WAIT."""
    for part in (value or "").split(","):
        name, _, number = part.strip().partition("=")
        if name.lower() == "max-age":
            return outside_int(number, low=0, high=MAX_WAIT)
    return None


class _Decoder:
    """Incremental gzip/deflate decoding that never produces more than the cap allows."""

    def __init__(self, encoding: str, max_bytes: int) -> None:
        self.encoding = encoding
        self.max_bytes = max_bytes
        self.total = 0
        self.parts: list[bytes] = []
        # 47 = gzip or zlib header, auto-detected; deflate may also come raw (-15) from old servers.
        self._inflate = zlib.decompressobj(47) if encoding else None
        self._raw_fallback = encoding == "deflate"

    def _keep(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > self.max_bytes:
            raise FetchError(f"response too large (over {_size(self.max_bytes)})")
        self.parts.append(data)

    def feed(self, data: bytes) -> None:
        if self._inflate is None:
            self._keep(data)
            return
        try:
            while data:
                room = self.max_bytes - self.total + 1
                out = self._inflate.decompress(data, room)
                self._keep(out)
                data = self._inflate.unconsumed_tail
                if self._inflate.eof and self._inflate.unused_data:
                    # Another gzip member follows.
                    data = self._inflate.unused_data + data
                    self._inflate = zlib.decompressobj(47)
        except zlib.error:
            if self._raw_fallback and self.total == 0:
                self._raw_fallback = False
                self._inflate = zlib.decompressobj(-15)
                self.feed(data)
                return
            raise FetchError(f"corrupt {self.encoding} body") from None
        self._raw_fallback = False

    def content(self) -> bytes:
        return b"".join(self.parts)


class _Connection:
    """One keep-alive connection to (scheme, host, port)."""

    __slots__ = ("key", "reader", "reused", "writer")

    def __init__(
        self, key: tuple[str, str, int], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.key = key
        self.reader = reader
        self.writer = writer
        self.reused = False

    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def abort(self) -> None:
        self.writer.transport.abort()


class _Stale(Exception):
    """A reused connection the server had already closed: retry on a fresh one."""


@cache
def _tls() -> ssl.SSLContext:
    import certifi  # only when the first https URL is fetched

    return ssl.create_default_context(cafile=certifi.where())


class Fetcher:
    """One HTTP client for a whole refresh, with global and per-host concurrency caps."""

    def __init__(
        self, *, concurrency: int = 32, per_host: int = 4, user_agent: str = USER_AGENT
    ) -> None:
        self.concurrency = concurrency
        self.user_agent = user_agent
        self._all = asyncio.Semaphore(concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        self._idle: list[_Connection] = []  # oldest first, at most `concurrency`
        self._public: dict[str, bool] = {}
        self._silent: dict[str, float] = {}  # host -> loop time until which it is not asked

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for connection in self._idle:
            connection.abort()
        self._idle.clear()
        await asyncio.sleep(0)  # let the transports finish closing their sockets

    async def get(
        self,
        url: str,
        *,
        limits: FetchLimits = FEED_LIMITS,
        etag: str | None = None,
        last_modified: str | None = None,
        private_ok_host: str | None = None,
    ) -> Response:
        """GET ``url`` within ``limits``; raises FetchError for anything but a 2xx or 304.

        The deadline starts when the first request gets its slot: a feed queued behind others on
        the same host is not late. A host that lets a request time out is not asked again for
        as long, so its queued feeds fail at once rather than each waiting out its deadline."""
        try:
            async with asyncio.timeout(None) as deadline:
                return await self._follow(
                    url, limits, etag, last_modified, private_ok_host, deadline
                )
        except TimeoutError:
            raise FetchError(f"timed out after {limits.timeout:g} s") from None

    async def _follow(
        self,
        url: str,
        limits: FetchLimits,
        etag: str | None,
        last_modified: str | None,
        private_ok_host: str | None,
        deadline: asyncio.Timeout,
    ) -> Response:
        headers = {
            "User-Agent": self.user_agent,
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        all_permanent = True
        for hop in range(limits.max_redirects + 1):
            if not is_safe_url(url):
                raise FetchError(f"refused: not an http(s) URL: {url[:100]!r}")
            host = (urlsplit(url).hostname or "").lower()
            async with self._all, self._hosts[host]:
                now = asyncio.get_running_loop().time()
                if now < self._silent.get(host, 0.0):
                    raise FetchError(f"skipped: {host} timed out on another request")
                if deadline.when() is None:
                    deadline.reschedule(now + limits.timeout)
                try:
                    await self._check_address(host, private_ok_host)
                    status, result = await self._request(url, headers, limits, host)
                except asyncio.CancelledError:
                    if deadline.expired():  # the others queued for it would only wait as long
                        self._silent[host] = deadline.when() + limits.timeout
                    raise
            if isinstance(result, Response):
                moved = result.url if hop and all_permanent else None
                return Response(
                    result.url,
                    result.status,
                    result.content,
                    result.content_type,
                    result.etag,
                    result.last_modified,
                    moved,
                    result.max_age,
                )
            all_permanent = all_permanent and status in PERMANENT
            url = urljoin(url, result)
        raise FetchError(f"too many redirects (more than {limits.max_redirects})")

    async def _request(
        self, url: str, headers: dict[str, str], limits: FetchLimits, host: str
    ) -> tuple[int, Response | str]:
        """One request, in a slot: a final Response, or the Location of a redirect."""
        key, request = _request_for(url, headers)
        while True:
            connection = self._take_idle(key) or await self._connect(key)
            try:
                return await self._exchange(connection, request, limits, url)
            except _Stale:
                connection.abort()
            except wire.BrokenResponse:
                connection.abort()
                raise FetchError(f"broken HTTP response from {host}") from None
            except OSError as exc:
                connection.abort()
                raise FetchError(_network_message(exc, host)) from None
            except BaseException:
                connection.abort()
                raise

    def _take_idle(self, key: tuple[str, str, int]) -> _Connection | None:
        for index in range(len(self._idle) - 1, -1, -1):
            if self._idle[index].key == key:
                connection = self._idle.pop(index)
                if connection.usable():
                    connection.reused = True
                    return connection
                connection.abort()
        return None

    def _keep(self, connection: _Connection) -> None:
        if len(self._idle) >= self.concurrency:
            self._idle.pop(0).abort()
        self._idle.append(connection)

    async def _connect(self, key: tuple[str, str, int]) -> _Connection:
        scheme, host, port = key
        tls = _tls() if scheme == "https" else None
        try:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls, server_hostname=host if tls else None, limit=wire.HEAD_LIMIT
            )
        except ssl.SSLCertVerificationError as exc:
            raise FetchError(f"TLS certificate of {host} refused: {exc.verify_message}") from None
        except OSError as exc:
            raise FetchError(_network_message(exc, host, connecting=True)) from None
        return _Connection(key, reader, writer)

    async def _exchange(
        self, connection: _Connection, request: bytes, limits: FetchLimits, url: str
    ) -> tuple[int, Response | str]:
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            head = await wire.read_head(connection.reader)
        except (OSError, wire.NoResponse):
            if connection.reused:
                raise _Stale from None
            raise
        status, fields = head.status, head.fields
        if status in REDIRECTS:
            location = fields.get("location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location")
            connection.abort()  # its body is not worth reading
            return status, location
        if not (200 <= status < 300 or status == 304):
            retry = _retry_after(fields.get("retry-after")) if status in (429, 503) else None
            raise FetchError(
                f"HTTP {status} {head.reason}".strip(), status=status, retry_after=retry
            )
        encoding = fields.get("content-encoding", "").strip().lower()
        if encoding in ("identity", "none"):
            encoding = ""
        if encoding not in ("", "gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported content encoding {encoding[:30]!r}")
        length = outside_int(fields.get("content-length"), low=0, high=limits.max_bytes + 1)
        if not encoding and length is not None and length > limits.max_bytes:
            raise FetchError(f"response too large (over {_size(limits.max_bytes)})")
        decoder = _Decoder(encoding, limits.max_bytes)
        if await wire.read_body(connection.reader, head, decoder.feed):
            connection.reused = False
            self._keep(connection)
        else:
            connection.abort()
        return status, Response(
            url=url,
            status=status,
            content=decoder.content(),
            content_type=fields.get("content-type"),
            etag=fields.get("etag"),
            last_modified=fields.get("last-modified"),
            moved_to=None,
            max_age=_max_age(fields.get("cache-control")),
        )

    async def _check_address(self, host: str, private_ok_host: str | None) -> None:
        """Refuse hosts that resolve to private, loopback or otherwise internal addresses."""
        if private_ok_host and host == private_ok_host.lower():
            return
        public = self._public.get(host)
        if public is None:
            public = await _resolves_public(host)
            self._public[host] = public
        if not public:
            raise FetchError(f"refused: {host} is a private address")


# Characters a request target may carry as they are; anything else (spaces, non-ASCII) is escaped.
_TARGET_SAFE = string.punctuation


def _request_for(url: str, headers: dict[str, str]) -> tuple[tuple[str, str, int], bytes]:
    """The connection key and the request bytes for a URL that is_safe_url accepted."""
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or default
    except (UnicodeError, ValueError):
        raise FetchError(f"refused: invalid URL {url[:100]!r}") from None
    if not host:
        raise FetchError(f"refused: invalid URL {url[:100]!r}")
    target = quote(parts.path or "/", safe=_TARGET_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_TARGET_SAFE)
    name = f"[{host}]" if ":" in host else host
    fields = {"Host": name if port == default else f"{name}:{port}", **headers}
    if parts.username is not None:
        secret = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        fields["Authorization"] = "Basic " + b64encode(secret).decode("ascii")
    return (parts.scheme, host, port), wire.request(target, fields)


async def _resolves_public(host: str) -> bool:
    try:
        return is_public_address(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchError(f"name not resolved: {host}") from None
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    return bool(addresses) and all(is_public_address(a) for a in addresses)


def _network_message(exc: OSError, host: str, *, connecting: bool = False) -> str:
    """A short, stable description of a network failure."""
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {host}"
    if isinstance(exc, socket.gaierror):
        return f"name not resolved: {host}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error with {host}: {exc.reason or exc.strerror or 'handshake failed'}"
    if connecting:
        return f"cannot connect to {host}: {exc.strerror or type(exc).__name__}"
    return f"connection to {host} lost: {exc.strerror or type(exc).__name__}"
