"""The Fetcher: one libcurl multi handle driven by asyncio, with global and per-host caps.

One ``CurlMulti`` per Fetcher, driven from the asyncio loop by pycurl's ``AsyncCurlMulti``
(libcurl's socket and timer callbacks become ``add_reader``/``add_writer`` and ``call_later``): a
warm refresh is hundreds of 304s, and this costs no thread hop per request while every fetch
shares one connection cache, DNS cache, TLS session cache and cookie jar. Redirects are followed
here, one hop at a time, not by libcurl, so that each hop gets its own slot, address policy,
credentials (only from that hop's own URL) and validators (never sent to another host), and a
permanent move is seen for what it is.

The deadline starts when a fetch gets its slot (our own per-host and global semaphores, so time
spent queued behind other feeds is not counted) and is handed to libcurl as ``TIMEOUT_MS``; a
low-speed limit ends drips sooner.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections import defaultdict
from types import TracebackType
from typing import NamedTuple
from urllib.parse import urljoin

import pycurl

from reader import __version__
from reader.config import FetchConfig
from reader.core.fetch import network
from reader.core.fetch.errors import FetchError, TimedOut, failure
from reader.core.fetch.limits import FEED_LIMITS, FetchLimits, _max_age, _retry_after
from reader.core.fetch.transfer import Answer, Connection, Ends, Transfer
from reader.core.safety import is_public_address

USER_AGENT = f"newsroom/{__version__} (terminal feed reader)"
PERMANENT = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Header values we send may not carry control characters (no CR/LF smuggled in from a server).
_SAFE_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_DEFAULTS = FetchConfig()


class Response(NamedTuple):
    url: str
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    moved_to: str | None
    max_age: int | None
    # The status line and header fields as received, for keeping the page as evidence; the
    # content is as decoded by libcurl (Content-Encoding undone).
    reason: str = ""
    protocol: str = "HTTP/1.1"
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One HTTP client for a whole refresh or watch pass, with global and per-host caps."""

    def __init__(
        self,
        *,
        concurrency: int = _DEFAULTS.concurrency,
        per_host: int = _DEFAULTS.per_host,
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
        self._proxies = network.ProxySettings.read(proxy)
        self._trust = network.trust_store(ca_file)
        self._by_ends: dict[Ends, Connection] = {}  # libcurl's connections
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
        first = network.Target.parse(url)
        trusted = network.Target.parse(trusted_url).origin if trusted_url else None
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
                target = network.Target.parse(url)
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
                except TimedOut:
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
                reason=answer.reason,
                protocol=answer.protocol,
                headers=answer.headers,
            )
        raise FetchError(f"too many redirects (more than {limits.max_redirects})")

    async def _exchange(
        self,
        target: network.Target,
        headers: list[bytes],
        limits: FetchLimits,
        until: float,
        trusted: tuple[str, int] | None,
        user_agent: str,
    ) -> Answer:
        """One request, in a slot; sent again on a fresh connection if a kept-alive one turns
        out to hold unread bytes or answers 408 (it timed out while idle)."""
        proxy = self._proxies.for_target(target)
        is_trusted = target.origin == trusted
        if proxy and not is_trusted:
            await self._check_target(target)
        fresh = False
        while True:
            transfer = Transfer(
                self._by_ends, target, limits, trusted=is_trusted, proxied=bool(proxy)
            )
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
                    raise failure(code, message, errno, transfer, limits, proxy) from None
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
        transfer: Transfer,
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

    def _release(self, handle: pycurl.Curl, transfer: Transfer) -> None:
        transfer.close()
        if len(self._idle) < self.concurrency:
            handle.reset()
            self._idle.append(handle)
        else:
            handle.close()

    async def _check_target(self, target: network.Target) -> None:
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
                    public = all(network.public_ip(str(info[4][0])) for info in infos)
            self._public[name] = public
        if not public:
            raise FetchError(f"refused: {target.host} is a private address")
