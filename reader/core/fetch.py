"""The fetcher: libcurl (via pycurl) with the limits a feed reader needs against hostile servers.

Design. One ``CurlMulti`` per Fetcher, driven from the asyncio loop by pycurl's ``AsyncCurlMulti``
(libcurl's socket and timer callbacks become ``add_reader``/``add_writer`` and ``call_later``): a
warm refresh is hundreds of 304s, and this costs no thread hop per request while every fetch of a
pass shares one connection cache, DNS cache, TLS session cache and cookie jar. Redirects are
followed here, one hop at a time, not by libcurl, so that each hop gets its own slot, address
policy, credentials (only from that hop's own URL) and validators (never sent to another host),
and a permanent move is seen for what it is.

Limits. The deadline starts when a fetch gets its slot (our own per-host and global semaphores, so
time spent queued behind other feeds is not counted) and is handed to libcurl as ``TIMEOUT_MS``; a
low-speed limit ends drips sooner. The cap counts *decoded* bytes in the write callback, which
aborts the transfer past it, so a gzip or brotli bomb never inflates further than the cap.

Address policy, at connect time on the address libcurl actually uses (``OPENSOCKETFUNCTION`` sees
it after libcurl's own resolution, so no second lookup can answer differently), and again before
each request on a reused connection (``PREREQFUNCTION``): private and loopback addresses only for
the exact (host, port) of the first URL, when the caller trusts that host. With a proxy the socket
goes to the proxy, which the user configured and so is trusted; the target's addresses are then
judged here before the transfer.

Keep-alive hygiene. libcurl 8.23 hands an idle HTTP/1.1 connection to the next request even when
unread bytes wait on it (trailing bytes after a body, an unsolicited 408), which would give that
request someone else's answer; the pre-request callback refuses such a connection and the request
is sent again on a fresh one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import select
import socket
import string
from collections import defaultdict
from time import time
from types import TracebackType
from typing import NamedTuple
from urllib.parse import quote, unquote, urljoin, urlsplit

import pycurl

from reader import __version__
from reader.core.numbers import clamp, outside_int
from reader.core.safety import display_url, is_public_address, is_safe_url

USER_AGENT = f"newsroom/{__version__} (terminal feed reader)"
PERMANENT = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_WAIT = 24 * 3600  # the longest a server's Retry-After or max-age can make us wait, in seconds
HEAD_LIMIT = 64 * 1024
MAX_FIELDS = 100
DISCARD_LIMIT = 64 * 1024  # body of a redirect or an error read (to keep the connection) up to this

# libcurl codes pycurl has no name for.
_E_HTTP2_STREAM = 92
_E_PROXY = 97
_BROKEN = frozenset(
    {
        pycurl.E_UNSUPPORTED_PROTOCOL,  # "HTTP/0.9": the scheme was checked before, so garbage
        8,  # CURLE_WEIRD_SERVER_REPLY
        pycurl.E_HTTP2,
        pycurl.E_PARTIAL_FILE,
        pycurl.E_GOT_NOTHING,
        pycurl.E_RECV_ERROR,
        pycurl.E_SEND_ERROR,
        _E_HTTP2_STREAM,
    }
)
_STATUS_LINE = re.compile(rb"HTTP/(1\.[01]|2|3) ([1-5][0-9][0-9])(?: ([^\r\n]*))?\r?\n")
# Characters a request target may carry as they are; anything else (spaces, non-ASCII) is escaped.
_TARGET_SAFE = string.punctuation
# Header values we send may not carry control characters (no CR/LF smuggled in from a server).
_SAFE_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # CentOS, RHEL 7
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # Alpine, macOS, BSDs
)
_SYSTEM_DIRS = ("/etc/ssl/certs", "/etc/pki/tls/certs")


class FetchLimits(NamedTuple):
    timeout: float
    max_bytes: int
    max_redirects: int = 5
    low_speed: int = 100  # bytes per second, averaged over low_speed_time, or the fetch ends
    low_speed_time: int = 20  # seconds


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


def _ascii_host(host: str) -> str:
    """A host name as DNS and libcurl want it: IDNA (UTS 46) for non-ASCII names."""
    if host.isascii():
        return host.lower()
    import idna  # only for internationalised names

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise FetchError(f"refused: invalid host name {host[:100]!r}") from None


class _Target(NamedTuple):
    """One hop's URL, taken apart and made ready for libcurl."""

    url: str  # as given, for the Response
    curl_url: str  # ASCII host, escaped target, no user name or password
    scheme: str
    host: str  # as written, for messages
    origin: tuple[str, int]  # (ASCII host, port)
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> _Target:
        if not is_safe_url(url):
            raise FetchError(f"refused: not an http(s) URL: {display_url(url)[:100]!r}")
        parts = urlsplit(url)
        default = 443 if parts.scheme == "https" else 80
        try:
            host = parts.hostname or ""
            port = parts.port or default
        except ValueError:
            raise FetchError(f"refused: invalid URL {display_url(url)[:100]!r}") from None
        name = _ascii_host(host)
        shown = f"[{name}]" if ":" in name else name
        target = quote(parts.path or "/", safe=_TARGET_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_TARGET_SAFE)
        netloc = shown if port == default else f"{shown}:{port}"
        username = unquote(parts.username) if parts.username is not None else None
        password = unquote(parts.password or "") if username is not None else None
        return cls(
            url,
            f"{parts.scheme}://{netloc}{target}",
            parts.scheme,
            host,
            (name, port),
            username,
            password,
        )


class _Answer(NamedTuple):
    status: int
    reason: str
    fields: dict[str, str]  # lower-case names, the first value of each
    cache_control: list[str]
    content: bytes


class _Connection:
    """What we know of one of libcurl's sockets: its ends once connected, and whether it carries
    multiplexed streams (HTTP/2), where bytes may arrive at any time."""

    __slots__ = ("ends", "fd", "multiplexed")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.ends: tuple[object, ...] | None = None
        self.multiplexed = False


def _ends(fd: int) -> tuple[object, ...]:
    """(local address, local port, peer address, peer port) of a socket; () if not connected."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        return ()
    try:
        local, peer = sock.getsockname(), sock.getpeername()
    except OSError:
        return ()
    finally:
        sock.detach()  # the socket is libcurl's: never close it here
    return (local[0], local[1], peer[0], peer[1])


def _readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _public_ip(text: str) -> bool:
    try:
        return is_public_address(ipaddress.ip_address(text.split("%")[0]))
    except ValueError:
        return False


class _Transfer:
    """One request on one easy handle: the callbacks libcurl calls and what they collected.

    Callbacks never raise (pycurl would print the traceback): they note a problem and return a
    value that makes libcurl abort the transfer."""

    def __init__(
        self,
        fetcher: Fetcher,
        target: _Target,
        limits: FetchLimits,
        *,
        trusted: bool,
        proxied: bool,
    ) -> None:
        self.fetcher = fetcher
        self.target = target
        self.max_bytes = limits.max_bytes
        self.trusted = trusted
        self.proxied = proxied
        self.problem: str | None = None  # our own reason to abort
        self.stale = False  # refused a reused connection with unread bytes on it
        self.reused = False
        self.cut = False  # stopped reading the body of a redirect or an error
        self.made: list[socket.socket] = []
        self.opened: list[_Connection] = []  # libcurl's sockets opened for this transfer
        self.connection: _Connection | None = None
        self.status = 0
        self.reason = ""
        self.fields: dict[str, str] = {}
        self.cache_control: list[str] = []
        self.head_bytes = 0
        self.head_fields = 0
        self.head_done = False
        self.keep = False
        self.cap = DISCARD_LIMIT
        self.size = 0
        self.parts: list[bytes] = []

    def _broken(self) -> int:
        self.problem = f"broken HTTP response from {self.target.host}"
        return 0

    def _refuse(self) -> None:
        self.problem = f"refused: {self.target.host} is a private address"

    def header(self, line: bytes) -> int | None:
        if self.size == 0 and line.startswith(b"HTTP/"):  # a new head: 1xx, CONNECT, final
            match = _STATUS_LINE.fullmatch(line)
            if match is None:
                return self._broken()
            if match[1] in (b"2", b"3") and self.connection is not None:
                self.connection.multiplexed = True
            self.status = int(match[2])
            self.reason = (match[3] or b"").decode("latin-1").strip()
            self.fields, self.cache_control = {}, []
            self.head_bytes, self.head_fields, self.head_done = len(line), 0, False
            return None
        if self.head_done:  # chunked trailers
            return None
        self.head_bytes += len(line)
        self.head_fields += 1
        if self.head_bytes > HEAD_LIMIT or self.head_fields > MAX_FIELDS:
            return self._broken()
        if line.strip():
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                return self._broken()
            name, value = name.strip().lower(), value.strip()
            if name == "cache-control":
                self.cache_control.append(value)
            else:
                self.fields.setdefault(name, value)
            return None
        if self.status < 200:
            return None  # the end of an informational head; the real one follows
        return self._head_end()

    def _head_end(self) -> int | None:
        self.head_done = True
        self.keep = 200 <= self.status < 300
        self.cap = self.max_bytes if self.keep else DISCARD_LIMIT
        if self.status in (204, 304):
            return None  # no body, whatever Content-Length says
        # Even compressed, a body longer than the cap would not decode to less.
        length = outside_int(self.fields.get("content-length"), low=0, high=self.cap + 1)
        if length is not None and length > self.cap:
            if self.keep:
                self.problem = f"response too large (over {_size(self.cap)})"
            else:
                self.cut = True
            return 0
        return None

    def write(self, data: bytes) -> int | None:
        self.size += len(data)
        if self.size > self.cap:
            if self.keep:
                self.problem = f"response too large (over {_size(self.cap)})"
            else:
                self.cut = True
            return 0
        if self.keep:
            self.parts.append(data)
        return None

    def opensocket(self, purpose: int, address: tuple[int, int, int, tuple]) -> object:
        family, kind, protocol, peer = address
        if not (self.proxied or self.trusted or _public_ip(peer[0])):
            self._refuse()
            return pycurl.SOCKET_BAD
        try:
            sock = socket.socket(family, kind, protocol)
        except OSError:
            return pycurl.SOCKET_BAD
        self.made.append(sock)  # pycurl hands libcurl a duplicate; ours closes in sockopt
        return sock

    def sockopt(self, fd: int, purpose: int) -> int:
        for sock in self.made:
            sock.close()
        self.made.clear()
        self.opened.append(_Connection(fd))
        return pycurl.SOCKOPT_OK

    def prereq(self, peer_ip: str, local_ip: str, peer_port: int, local_port: int) -> int:
        if not (self.proxied or self.trusted or _public_ip(peer_ip)):
            self._refuse()
            return pycurl.PREREQFUNC_ABORT
        ends = (local_ip, local_port, peer_ip, peer_port)
        known = self.fetcher._by_ends
        for opened in self.opened:  # a new connection: remember it for its next requests
            if opened.ends is None and (opened_ends := _ends(opened.fd)):
                opened.ends = opened_ends
                known[opened_ends] = opened
            if opened.ends == ends:
                self.connection = opened
                return pycurl.PREREQFUNC_OK
        self.connection = connection = known.get(ends)
        if connection is None:
            return pycurl.PREREQFUNC_OK
        self.reused = True
        if not connection.multiplexed and _readable(connection.fd):
            self.stale = True
            return pycurl.PREREQFUNC_ABORT
        return pycurl.PREREQFUNC_OK

    def close(self) -> None:
        for sock in self.made:
            sock.close()

    def answer(self) -> _Answer:
        return _Answer(
            self.status, self.reason, self.fields, self.cache_control, b"".join(self.parts)
        )


class _ProxySettings(NamedTuple):
    by_scheme: dict[str, str]
    no_proxy: tuple[str, ...]

    @classmethod
    def read(cls, proxy: str | None) -> _ProxySettings:
        """The configured proxy, else the environment's ``*_proxy``; ``no_proxy`` applies to both.

        Read here rather than left to libcurl, so that we know which hops go through a proxy
        (libcurl also ignores upper-case ``HTTP_PROXY``, which people set)."""
        env = os.environ

        def variable(name: str) -> str:
            return env.get(name.lower()) or env.get(name.upper()) or ""

        fallback = variable("all_proxy")
        if proxy:
            by_scheme = {"http": proxy, "https": proxy}
        else:
            by_scheme = {s: variable(f"{s}_proxy") or fallback for s in ("http", "https")}
        entries = (e.strip().lower() for e in variable("no_proxy").split(","))
        return cls({s: p for s, p in by_scheme.items() if p}, tuple(e for e in entries if e))

    def for_target(self, target: _Target) -> str | None:
        proxy = self.by_scheme.get(target.scheme)
        if proxy and not any(_bypass(entry, *target.origin) for entry in self.no_proxy):
            return proxy
        return None


def _bypass(entry: str, host: str, port: int) -> bool:
    """Whether a ``no_proxy`` entry (``*``, a domain, host:port, an address or a network)
    covers host:port."""
    if entry == "*":
        return True
    name, entry_port = entry, ""
    if entry.startswith("["):  # [v6]:port
        name, _, rest = entry[1:].partition("]")
        entry_port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        name, _, entry_port = entry.partition(":")
    if entry_port and entry_port != str(port):
        return False
    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False)
    except ValueError:
        domain = name.lstrip(".")
        return host == domain or host.endswith("." + domain)


def _trust_store(ca_file: str | None) -> list[tuple[int, str | bytes]]:
    """libcurl options for the certificates to trust: ``ca_file`` plus the system's store
    (``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set), certifi's roots when there is no system
    store. The wheel's libcurl looks for a bundle where its build system keeps one, which is
    not where most systems do, so the paths are always given."""
    env_file, env_dir = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    bundle = env_file or next((p for p in _SYSTEM_BUNDLES if os.path.isfile(p)), None)
    if bundle is None:
        import certifi  # only where the system has no store

        bundle = certifi.where()
    directory = env_dir or next((d for d in _SYSTEM_DIRS if os.path.isdir(d)), None)
    folder: list[tuple[int, str | bytes]] = [(pycurl.CAPATH, directory)] if directory else []
    if ca_file is None:
        return [(pycurl.CAINFO, bundle), *folder]
    if directory:
        return [(pycurl.CAINFO, ca_file), *folder]
    try:  # no directory to add ca_file to: one blob with both (libcurl caches no blob)
        with open(bundle, "rb") as system, open(ca_file, "rb") as own:
            return [(pycurl.CAINFO_BLOB, system.read() + b"\n" + own.read())]
    except OSError:
        return [(pycurl.CAINFO, ca_file)]  # libcurl says what is wrong with it, per fetch


class Fetcher:
    """One HTTP client for a whole refresh or watch pass, with global and per-host caps."""

    def __init__(
        self,
        *,
        concurrency: int = 32,
        per_host: int = 4,
        user_agent: str = USER_AGENT,
        proxy: str | None = None,
        ca_file: str | None = None,
    ) -> None:
        self.concurrency = concurrency
        self.user_agent = _CONTROL.sub(" ", user_agent)  # a header value: no CR/LF
        self._all = asyncio.Semaphore(concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        self._silent: dict[str, float] = {}  # host -> loop time until which it is not asked
        self._public: dict[str, bool] = {}  # proxied targets already judged
        self._proxies = _ProxySettings.read(proxy)
        self._trust = _trust_store(ca_file)
        self._by_ends: dict[tuple[object, ...], _Connection] = {}  # libcurl's connections
        self._idle: list[pycurl.Curl] = []
        self._share = pycurl.CurlShare()
        self._share.setopt(pycurl.SH_SHARE, pycurl.LOCK_DATA_COOKIE)
        self._share.setopt(pycurl.SH_SHARE, pycurl.LOCK_DATA_SSL_SESSION)
        self._multi = pycurl.AsyncCurlMulti()
        self._multi.setopt(pycurl.M_MAX_HOST_CONNECTIONS, per_host)
        self._multi.setopt(pycurl.M_MAX_TOTAL_CONNECTIONS, concurrency)
        self._multi.setopt(pycurl.M_MAXCONNECTS, concurrency)  # idle ones kept for reuse

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
        await self._multi.aclose()
        for handle in self._idle:
            handle.close()
        self._idle.clear()
        self._share.close()

    async def get(
        self,
        url: str,
        *,
        limits: FetchLimits = FEED_LIMITS,
        etag: str | None = None,
        last_modified: str | None = None,
        trusted: str | None = None,
        user_agent: str | None = None,
    ) -> Response:
        """GET ``url`` within ``limits``; raises FetchError for anything but a 2xx or 304.

        Private and loopback addresses are allowed only on the exact (host, port) of
        ``trusted``, the URL the user gave (a feed's own URL for its stories); ``user_agent``
        overrides the fetcher's for this request (a feed's own setting). The deadline starts
        when the first request gets its slot: a feed queued behind others on the same host is
        not late. A host that lets a request time out is not asked again for as long, so its
        queued feeds fail at once rather than each waiting out its deadline."""
        try:
            async with asyncio.timeout(None) as deadline:
                return await self._follow(
                    url, limits, etag, last_modified, trusted, user_agent, deadline
                )
        except TimeoutError:
            raise FetchError(f"timed out after {limits.timeout:g} s") from None

    async def _follow(
        self,
        url: str,
        limits: FetchLimits,
        etag: str | None,
        last_modified: str | None,
        trusted_url: str | None,
        user_agent: str | None,
        deadline: asyncio.Timeout,
    ) -> Response:
        first = _Target.parse(url)
        trusted = _Target.parse(trusted_url).origin if trusted_url else None
        agent = _CONTROL.sub(" ", user_agent) if user_agent else self.user_agent
        validators = [
            f"{name}: {value}".encode("latin-1")
            for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified))
            if value and _SAFE_VALUE.fullmatch(value)
        ]
        all_permanent = True
        target = first
        for hop in range(limits.max_redirects + 1):
            if hop:
                target = _Target.parse(url)
            headers = validators if target.origin == first.origin else []
            async with self._all, self._hosts[target.host]:
                now = asyncio.get_running_loop().time()
                if now < self._silent.get(target.host, 0.0):
                    raise FetchError(f"skipped: {target.host} timed out on another request")
                if deadline.when() is None:
                    deadline.reschedule(now + limits.timeout)
                until: float = deadline.when()  # type: ignore[assignment]
                try:
                    answer = await self._exchange(target, headers, limits, until, trusted, agent)
                except _TimedOut:
                    self._silent[target.host] = until + limits.timeout
                    raise
                except asyncio.CancelledError:
                    if deadline.expired():  # the others queued for it would only wait as long
                        self._silent[target.host] = until + limits.timeout
                    raise
            status, fields = answer.status, answer.fields
            if status in REDIRECTS:
                location = fields.get("location")
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location")
                all_permanent = all_permanent and status in PERMANENT
                url = urljoin(url, location)
                continue
            if not (200 <= status < 300 or status == 304):
                retry = _retry_after(fields.get("retry-after")) if status in (429, 503) else None
                raise FetchError(
                    f"HTTP {status} {answer.reason}".strip(), status=status, retry_after=retry
                )
            return Response(
                url=url,
                status=status,
                content=answer.content,
                content_type=fields.get("content-type"),
                etag=fields.get("etag"),
                last_modified=fields.get("last-modified"),
                moved_to=url if hop and all_permanent else None,
                max_age=_max_age(", ".join(answer.cache_control)),
            )
        raise FetchError(f"too many redirects (more than {limits.max_redirects})")

    async def _exchange(
        self,
        target: _Target,
        headers: list[bytes],
        limits: FetchLimits,
        until: float,
        trusted: tuple[str, int] | None,
        user_agent: str,
    ) -> _Answer:
        """One request, in a slot; sent again on a fresh connection if a kept-alive one turns
        out to hold unread bytes or answers 408 (it timed out while idle)."""
        proxy = self._proxies.for_target(target)
        is_trusted = target.origin == trusted
        if proxy and not is_trusted:
            await self._check_target(target)
        fresh = False
        while True:
            transfer = _Transfer(self, target, limits, trusted=is_trusted, proxied=bool(proxy))
            handle = self._idle.pop() if self._idle else self._new_handle()
            remaining = until - asyncio.get_running_loop().time()
            self._configure(handle, transfer, headers, limits, remaining, proxy, fresh, user_agent)
            try:
                await self._multi.perform(handle)
            except pycurl.error as exc:
                code, message = exc.args
                errno = handle.getinfo(pycurl.OS_ERRNO)
                self._release(handle, transfer)
                if transfer.stale and not fresh:
                    fresh = True
                    continue
                if not (transfer.cut and transfer.status):
                    raise _failure(code, message, errno, transfer, limits, proxy) from None
            except BaseException:
                transfer.close()  # the handle stays with the multi until it is removed
                raise
            else:
                self._release(handle, transfer)
            if transfer.status == 408 and transfer.reused and not fresh:
                fresh = True
                continue
            return transfer.answer()

    def _configure(
        self,
        handle: pycurl.Curl,
        transfer: _Transfer,
        headers: list[bytes],
        limits: FetchLimits,
        remaining: float,
        proxy: str | None,
        fresh: bool,
        user_agent: str,
    ) -> None:
        target = transfer.target
        option = handle.setopt
        option(pycurl.URL, target.curl_url)
        option(pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS)
        option(pycurl.NOSIGNAL, 1)
        option(pycurl.COOKIEFILE, "")  # the cookie engine, in memory, shared for the pass
        option(pycurl.USERAGENT, user_agent.encode())
        option(pycurl.ACCEPT_ENCODING, "")  # every encoding this libcurl decodes
        option(pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_2TLS)
        option(pycurl.HTTPHEADER, headers)
        option(pycurl.TIMEOUT_MS, max(1, int(remaining * 1000)))
        option(pycurl.LOW_SPEED_LIMIT, limits.low_speed)
        option(pycurl.LOW_SPEED_TIME, limits.low_speed_time)
        # "" also keeps libcurl from reading the environment: that was done, with no_proxy.
        option(pycurl.PROXY, (proxy or "").encode(errors="replace"))
        option(pycurl.NOPROXY, "")
        for name, value in self._trust:
            option(name, value)
        if target.username is not None:
            option(pycurl.USERNAME, target.username.encode())
            option(pycurl.PASSWORD, (target.password or "").encode())
        option(pycurl.FRESH_CONNECT, int(fresh))
        option(pycurl.HEADERFUNCTION, transfer.header)
        option(pycurl.WRITEFUNCTION, transfer.write)
        option(pycurl.OPENSOCKETFUNCTION, transfer.opensocket)
        option(pycurl.SOCKOPTFUNCTION, transfer.sockopt)
        option(pycurl.PREREQFUNCTION, transfer.prereq)

    def _new_handle(self) -> pycurl.Curl:
        handle = pycurl.Curl()
        handle.setopt(pycurl.SHARE, self._share)  # survives reset()
        return handle

    def _release(self, handle: pycurl.Curl, transfer: _Transfer) -> None:
        transfer.close()
        if len(self._idle) < self.concurrency:
            handle.reset()
            self._idle.append(handle)
        else:
            handle.close()

    async def _check_target(self, target: _Target) -> None:
        """Judge a proxied target's addresses (the proxy may resolve names we cannot: then it
        decides)."""
        name = target.origin[0]
        public = self._public.get(name)
        if public is None:
            try:
                public = is_public_address(ipaddress.ip_address(name))
            except ValueError:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(
                        name, target.origin[1], type=socket.SOCK_STREAM
                    )
                except OSError:
                    public = True
                else:
                    public = all(_public_ip(str(info[4][0])) for info in infos)
            self._public[name] = public
        if not public:
            raise FetchError(f"refused: {target.host} is a private address")


class _TimedOut(FetchError):
    """The deadline or the low-speed limit ended a transfer."""


def _failure(
    code: int,
    message: str,
    errno: int,
    transfer: _Transfer,
    limits: FetchLimits,
    proxy: str | None,
) -> FetchError:
    """A libcurl failure as one line for people."""
    host = transfer.target.host
    if transfer.problem:
        return FetchError(transfer.problem)
    if code == pycurl.E_OPERATION_TIMEDOUT:
        if message.startswith("Operation too slow"):
            return _TimedOut(
                f"too slow: under {limits.low_speed} bytes/s for {limits.low_speed_time} s"
            )
        return _TimedOut(f"timed out after {limits.timeout:g} s")
    if proxy and (
        code in (pycurl.E_COULDNT_RESOLVE_PROXY, pycurl.E_COULDNT_CONNECT, _E_PROXY)
        or "CONNECT tunnel" in message
    ):
        proxy_host = urlsplit(proxy if "://" in proxy else "http://" + proxy).hostname or "?"
        if code == pycurl.E_COULDNT_RESOLVE_PROXY:
            return FetchError(f"proxy refused: name not resolved: {proxy_host}")
        if code == pycurl.E_COULDNT_CONNECT:
            return FetchError(f"proxy refused: cannot connect to {proxy_host}")
        return FetchError(f"proxy refused: {_one_line(message)}")
    if code == pycurl.E_COULDNT_RESOLVE_HOST:
        return FetchError(f"name not resolved: {host}")
    if code == pycurl.E_COULDNT_CONNECT:
        if errno == 111:  # ECONNREFUSED
            return FetchError(f"connection refused by {host}")
        reason = os.strerror(errno) if errno else _one_line(message)
        return FetchError(f"cannot connect to {host}: {reason}")
    if code == pycurl.E_PEER_FAILED_VERIFICATION:
        return FetchError(f"TLS certificate of {host} refused: {_tls_reason(message)}")
    if code == pycurl.E_SSL_CONNECT_ERROR:
        return FetchError(f"TLS error with {host}: {_tls_reason(message)}")
    if code == pycurl.E_SSL_CACERT_BADFILE:
        return FetchError(f"cannot read the trusted certificates: {_one_line(message)}")
    encoding = transfer.fields.get("content-encoding", "")[:30]
    if code == pycurl.E_BAD_CONTENT_ENCODING or (code == pycurl.E_WRITE_ERROR and encoding):
        if message.startswith("Unrecognized"):
            return FetchError(f"unsupported content encoding {encoding!r}")
        return FetchError(f"corrupt {encoding} body")
    if code in _BROKEN:
        return FetchError(f"broken HTTP response from {host}")
    return FetchError(f"cannot fetch from {host}: {_one_line(message)}")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _tls_reason(message: str) -> str:
    """OpenSSL's reason without libcurl's and OpenSSL's prefixes and codes:
    "SSL certificate OpenSSL verify result: self-signed certificate (18)" gives
    "self-signed certificate"."""
    return _one_line(re.sub(r" \(\d+\)$", "", re.split(r": |::", message)[-1]))
