"""The fetcher: one async httpx client with the limits a feed reader needs against hostile servers.

Every fetch has an overall deadline, a cap on *decompressed* bytes (we decode gzip/deflate
ourselves, a bounded chunk at a time, so a compression bomb never inflates past the cap), at most
a few redirects, http(s) only, and an address policy: private and loopback addresses are reachable
only on the one host the caller trusts (the feed's own host).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from collections import defaultdict
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from time import time
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from reader import __version__
from reader.core.safety import is_public_address, is_safe_url

USER_AGENT = f"newsroom/{__version__} (terminal feed reader)"
CHUNK = 64 * 1024
PERMANENT = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout: float
    max_bytes: int
    max_redirects: int = 5


FEED_LIMITS = FetchLimits(timeout=30.0, max_bytes=15 * 1024 * 1024)
PAGE_LIMITS = FetchLimits(timeout=45.0, max_bytes=5 * 1024 * 1024)


@dataclass(frozen=True, slots=True)
class Response:
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
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _size(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError):
        return None


def _max_age(value: str | None) -> int | None:
    for part in (value or "").split(","):
        name, _, number = part.strip().partition("=")
        if name.lower() == "max-age" and number.strip().isdigit():
            return int(number)
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


class Fetcher:
    """One HTTP client for a whole refresh, with global and per-host concurrency caps."""

    def __init__(
        self, *, concurrency: int = 16, per_host: int = 4, user_agent: str = USER_AGENT
    ) -> None:
        self.concurrency = concurrency
        self.per_host = per_host
        self.user_agent = user_agent
        self._client: httpx.AsyncClient | None = None
        self._all: asyncio.Semaphore | None = None
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        self._public: dict[str, bool] = {}

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
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                timeout=httpx.Timeout(20.0, connect=10.0),
                limits=httpx.Limits(
                    max_connections=self.concurrency, max_keepalive_connections=self.concurrency
                ),
                headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
                trust_env=False,
            )
            self._all = asyncio.Semaphore(self.concurrency)
        return self._client

    async def get(
        self,
        url: str,
        *,
        limits: FetchLimits = FEED_LIMITS,
        etag: str | None = None,
        last_modified: str | None = None,
        private_ok_host: str | None = None,
    ) -> Response:
        """GET ``url`` within ``limits``; raises FetchError for anything but a 2xx or 304."""
        try:
            async with asyncio.timeout(limits.timeout):
                return await self._follow(url, limits, etag, last_modified, private_ok_host)
        except TimeoutError:
            raise FetchError(f"timed out after {limits.timeout:g} s") from None

    async def _follow(
        self,
        url: str,
        limits: FetchLimits,
        etag: str | None,
        last_modified: str | None,
        private_ok_host: str | None,
    ) -> Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        all_permanent = True
        for hop in range(limits.max_redirects + 1):
            if not is_safe_url(url):
                raise FetchError(f"refused: not an http(s) URL: {url[:100]!r}")
            host = (urlsplit(url).hostname or "").lower()
            await self._check_address(host, private_ok_host)
            status, result = await self._request(url, headers, limits, host)
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
        """One request: a final Response, or the Location of a redirect."""
        client = self._http()
        assert self._all is not None
        async with self._all, self._hosts[host]:
            try:
                async with client.stream("GET", url, headers=headers) as reply:
                    return reply.status_code, await self._read(reply, limits)
            except httpx.TimeoutException:
                raise FetchError("the server did not answer in time") from None
            except httpx.InvalidURL:
                # httpx validates a redirect's Location even when it does not follow it.
                raise FetchError("refused: the server redirected to an invalid URL") from None
            except (httpx.HTTPError, httpx.StreamError) as exc:
                raise FetchError(_network_message(exc, host)) from None

    async def _read(self, reply: httpx.Response, limits: FetchLimits) -> Response | str:
        status = reply.status_code
        if status in REDIRECTS:
            location = reply.headers.get("Location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location")
            return location
        if not (200 <= status < 300 or status == 304):
            retry = _retry_after(reply.headers.get("Retry-After")) if status in (429, 503) else None
            phrase = reply.reason_phrase or ""
            raise FetchError(f"HTTP {status} {phrase}".strip(), status=status, retry_after=retry)
        content = b""
        if status == 304:
            await reply.aread()  # nothing to read, but the connection is only reused once read
        else:
            length = reply.headers.get("Content-Length", "")
            encoding = reply.headers.get("Content-Encoding", "").strip().lower()
            if encoding in ("identity", "none"):
                encoding = ""
            if encoding not in ("", "gzip", "x-gzip", "deflate"):
                raise FetchError(f"unsupported content encoding {encoding[:30]!r}")
            if length.isdigit() and not encoding and int(length) > limits.max_bytes:
                raise FetchError(f"response too large (over {_size(limits.max_bytes)})")
            decoder = _Decoder(encoding, limits.max_bytes)
            async for chunk in reply.aiter_raw(CHUNK):
                decoder.feed(chunk)
            content = decoder.content()
        return Response(
            url=str(reply.url),
            status=status,
            content=content,
            content_type=reply.headers.get("Content-Type"),
            etag=reply.headers.get("ETag"),
            last_modified=reply.headers.get("Last-Modified"),
            moved_to=None,
            max_age=_max_age(reply.headers.get("Cache-Control")),
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


def _network_message(exc: Exception, host: str) -> str:
    """A short, stable description of a network failure (httpx wraps the OS error)."""
    causes = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return f"connection refused by {host}"
    if any(isinstance(c, socket.gaierror) for c in causes):
        return f"name not resolved: {host}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect to {host}"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
        return f"broken HTTP response from {host}"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"network error: {first[:150]}"
