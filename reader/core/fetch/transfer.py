"""One request on one libcurl easy handle: the callbacks libcurl calls and what they collect.

The cap counts *decoded* bytes in the write callback, which aborts the transfer past it, so a
gzip or brotli bomb never inflates further than the cap. The address policy is checked when a
socket is opened (``OPENSOCKETFUNCTION`` sees the address after libcurl's own resolution) and
again before each request on a reused connection (``PREREQFUNCTION``).

Keep-alive hygiene. libcurl 8.23 hands an idle HTTP/1.1 connection to the next request even when
unread bytes wait on it (trailing bytes after a body, an unsolicited 408), which would give that
request someone else's answer; the pre-request callback refuses such a connection and the request
is sent again on a fresh one.
"""

from __future__ import annotations

import re
import socket
from typing import Any, NamedTuple

import pycurl

from reader.core.fetch import network
from reader.core.fetch.limits import FetchLimits, size_text
from reader.core.numbers import outside_int

HEAD_LIMIT = 64 * 1024
MAX_FIELDS = 100
DISCARD_LIMIT = 64 * 1024  # body of a redirect or an error read (to keep the connection) up to this
_STATUS_LINE = re.compile(rb"HTTP/(1\.[01]|2|3) ([1-5][0-9][0-9])(?: ([^\r\n]*))?\r?\n")

Ends = tuple[object, ...]  # (local address, local port, peer address, peer port)
# What the callbacks answer libcurl with.
SOCKOPT_OK: int = pycurl.SOCKOPT_OK
PROCEED: int = pycurl.PREREQFUNC_OK
ABORT: int = pycurl.PREREQFUNC_ABORT


class Answer(NamedTuple):
    status: int
    reason: str
    fields: dict[str, str]  # lower-case names, the first value of each
    cache_control: list[str]
    content: bytes
    protocol: str = "HTTP/1.1"  # as the status line gave it: HTTP/1.0, HTTP/1.1, HTTP/2, HTTP/3
    headers: tuple[tuple[str, str], ...] = ()  # every field as received, in order


class Connection:
    """What we know of one of libcurl's sockets: its ends once connected, and whether it carries
    multiplexed streams (HTTP/2), where bytes may arrive at any time."""

    __slots__ = ("ends", "fd", "multiplexed")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.ends: Ends | None = None
        self.multiplexed = False


class Transfer:
    """One request on one easy handle: the callbacks libcurl calls and what they collected.

    Callbacks never raise (pycurl would print the traceback): they note a problem and return a
    value that makes libcurl abort the transfer."""

    def __init__(
        self,
        known: dict[Ends, Connection],
        target: network.Target,
        limits: FetchLimits,
        *,
        trusted: bool,
        proxied: bool,
    ) -> None:
        self.known = known  # the fetcher's connections, by their ends
        self.target = target
        self.max_bytes = limits.max_bytes
        self.trusted = trusted
        self.proxied = proxied
        self.problem: str | None = None  # our own reason to abort
        self.stale = False  # refused a reused connection with unread bytes on it
        self.reused = False
        self.cut = False  # stopped reading the body of a redirect or an error
        self.made: list[socket.socket] = []
        self.opened: list[Connection] = []  # libcurl's sockets opened for this transfer
        self.connection: Connection | None = None
        self.status = 0
        self.reason = ""
        self.fields: dict[str, str] = {}
        self.cache_control: list[str] = []
        self.protocol = "HTTP/1.1"
        self.headers: list[tuple[str, str]] = []
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
            self.protocol = "HTTP/" + match[1].decode()
            self.fields, self.cache_control, self.headers = {}, [], []
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
            self.headers.append((name.strip(), value.strip()))
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
                self.problem = f"response too large (over {size_text(self.cap)})"
            else:
                self.cut = True
            return 0
        return None

    def write(self, data: bytes) -> int | None:
        self.size += len(data)
        if self.size > self.cap:
            if self.keep:
                self.problem = f"response too large (over {size_text(self.cap)})"
            else:
                self.cut = True
            return 0
        if self.keep:
            self.parts.append(data)
        return None

    def opensocket(self, purpose: int, address: tuple[int, int, int, tuple[Any, ...]]) -> object:
        family, kind, protocol, peer = address
        if not (self.proxied or self.trusted or network.public_ip(peer[0])):
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
        self.opened.append(Connection(fd))
        return SOCKOPT_OK

    def prereq(self, peer_ip: str, local_ip: str, peer_port: int, local_port: int) -> int:
        if not (self.proxied or self.trusted or network.public_ip(peer_ip)):
            self._refuse()
            return ABORT
        ends = (local_ip, local_port, peer_ip, peer_port)
        known = self.known
        for opened in self.opened:  # a new connection: remember it for its next requests
            if opened.ends is None and (opened_ends := network.socket_ends(opened.fd)):
                opened.ends = opened_ends
                known[opened_ends] = opened
            if opened.ends == ends:
                self.connection = opened
                return PROCEED
        self.connection = connection = known.get(ends)
        if connection is None:
            return PROCEED
        self.reused = True
        if not connection.multiplexed and network.readable(connection.fd):
            self.stale = True
            return ABORT
        return PROCEED

    def close(self) -> None:
        for sock in self.made:
            sock.close()

    def answer(self) -> Answer:
        return Answer(
            self.status,
            self.reason,
            self.fields,
            self.cache_control,
            b"".join(self.parts),
            self.protocol,
            tuple(self.headers),
        )
