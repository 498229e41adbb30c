"""HTTP/1.1 on asyncio streams: just what a GET needs, and strict about what comes back.

A response head is capped (64 KiB, 100 fields), chunk sizes are checked, and a body is handed to
the caller a bounded piece at a time, so the caller decides how much it keeps.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import NamedTuple

from reader.core.numbers import outside_int

HEAD_LIMIT = 64 * 1024  # also the StreamReader limit, which bounds every readuntil()
MAX_FIELDS = 100
PIECE = 64 * 1024
LARGEST_BODY = 1 << 62  # a bigger Content-Length or chunk size is read as this; caps end it sooner
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Header values we send may not carry control characters (no CR/LF smuggled in from a server).
_SAFE_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")


class BrokenResponse(Exception):
    """The server's answer is not HTTP/1.1 we can read."""


class NoResponse(BrokenResponse):
    """The connection ended before the first byte of an answer."""


class Head(NamedTuple):
    status: int
    reason: str
    fields: dict[str, str]  # lower-case names; repeated fields joined with ", "
    keep_alive: bool

    @property
    def has_body(self) -> bool:
        return self.status not in (204, 304)


def request(target: str, fields: dict[str, str]) -> bytes:
    """A GET request; fields whose value holds control characters are left out."""
    lines = [f"GET {target} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in fields.items() if _SAFE_VALUE.fullmatch(value)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_head(reader: asyncio.StreamReader) -> Head:
    """The final response head; informational (1xx) heads are skipped."""
    first = True
    while True:
        try:
            block = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if first and not exc.partial:
                raise NoResponse("no answer") from None
            raise BrokenResponse("the head was cut short") from None
        except asyncio.LimitOverrunError:
            raise BrokenResponse("the head is too long") from None
        first = False
        head = _parse_head(block)
        if head.status >= 200:
            return head


def _parse_head(block: bytes) -> Head:
    lines = block[:-4].split(b"\r\n")
    if len(lines) > MAX_FIELDS + 1:
        raise BrokenResponse("too many header fields")
    version, _, rest = lines[0].partition(b" ")
    code, _, reason = rest.partition(b" ")
    status = outside_int(code, low=0, high=999) if len(code) == 3 else None
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or status is None or not 100 <= status <= 599:
        raise BrokenResponse("not an HTTP/1 status line")
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise BrokenResponse("malformed header field")
        key = name.decode("ascii").lower()
        text = value.strip(b" \t").decode("latin-1")
        fields[key] = f"{fields[key]}, {text}" if key in fields else text
    tokens = {token.strip().lower() for token in fields.get("connection", "").split(",")}
    keep_alive = "keep-alive" in tokens if version == b"HTTP/1.0" else "close" not in tokens
    return Head(status, reason.decode("latin-1"), fields, keep_alive)


async def read_body(
    reader: asyncio.StreamReader, head: Head, sink: Callable[[bytes], None]
) -> bool:
    """Pass the body to ``sink`` piece by piece; True when the connection can be reused."""
    if not head.has_body:
        return head.keep_alive
    coding = head.fields.get("transfer-encoding", "").strip().lower()
    length = head.fields.get("content-length")
    try:
        if coding:
            if coding.rsplit(",", 1)[-1].strip() != "chunked":
                await _until_close(reader, sink)
                return False
            await _chunked(reader, sink)
            return head.keep_alive and length is None
        if length is not None:
            size = outside_int(length, low=0, high=LARGEST_BODY)
            if size is None:
                raise BrokenResponse("bad Content-Length")
            await _exactly(reader, size, sink)
            return head.keep_alive
        await _until_close(reader, sink)
        return False
    except asyncio.IncompleteReadError:
        raise BrokenResponse("the body was cut short") from None
    except asyncio.LimitOverrunError:
        raise BrokenResponse("a chunk line is too long") from None


async def _exactly(reader: asyncio.StreamReader, size: int, sink: Callable[[bytes], None]) -> None:
    while size:
        piece = await reader.read(min(PIECE, size))
        if not piece:
            raise BrokenResponse("the body was cut short")
        sink(piece)
        size -= len(piece)


async def _until_close(reader: asyncio.StreamReader, sink: Callable[[bytes], None]) -> None:
    while piece := await reader.read(PIECE):
        sink(piece)


async def _chunked(reader: asyncio.StreamReader, sink: Callable[[bytes], None]) -> None:
    while True:
        line = await reader.readuntil(b"\r\n")
        remaining = outside_int(line[:-2].split(b";", 1)[0], low=0, high=LARGEST_BODY, base=16)
        if remaining is None:
            raise BrokenResponse("bad chunk size")
        if not remaining:
            break
        await _exactly(reader, remaining, sink)
        if await reader.readexactly(2) != b"\r\n":
            raise BrokenResponse("a chunk does not end where its size says")
    for _ in range(MAX_FIELDS):  # trailer fields, ignored
        if await reader.readuntil(b"\r\n") == b"\r\n":
            return
    raise BrokenResponse("too many trailer fields")
