"""Rules for untrusted text and URLs: what may reach the terminal, what may be fetched or opened."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_DROP = [c for c in range(0x20) if c not in (0x09, 0x0A)] + [0x7F, *range(0x80, 0xA0), *_BIDI]
_TERMINAL_TABLE = {c: None for c in _DROP} | {0x0D: 0x0A}
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOST_PORT = re.compile(r"^[\w.-]+:\d+(/|$)")
MAX_URL_LENGTH = 4096


class UnsafeURLError(ValueError):
    """A URL newsroom will not fetch or open; str() is one line for people."""


def sanitize_for_terminal(text: str) -> str:
    """Remove what a terminal would interpret: C0 (but tab and newline), DEL, C1, bidi controls.

    Escape sequences lose their ESC/CSI introducer, so what is left is harmless printable text.
    """
    return text.replace("\r\n", "\n").translate(_TERMINAL_TABLE)


def is_safe_url(url: str) -> bool:
    """True for a plain http(s) URL with a host, fit to hand to a fetcher or a browser."""
    if not url or len(url) > MAX_URL_LENGTH or url.startswith("-") or _UNSAFE_IN_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)


def check_feed_url(url: str) -> str:
    """Return ``url`` tidied for subscribing (a bare host gets https://) or raise UnsafeURLError."""
    url = url.strip()
    shown = url[:80] + ("…" if len(url) > 80 else "")
    if not url:
        raise UnsafeURLError("empty URL")
    if url.startswith("-"):
        raise UnsafeURLError(f"not a web address: {shown!r}")
    if url.startswith(("/", ".", "~", "\\")):
        raise UnsafeURLError(f"not a web address (local paths are not feeds): {shown!r}")
    scheme = _SCHEME.match(url)
    if scheme is None or (scheme[1].lower() not in ("http", "https") and _HOST_PORT.match(url)):
        url = "https://" + url  # "example.org/feed" or "localhost:8080/feed"
    elif scheme[1].lower() not in ("http", "https"):
        raise UnsafeURLError(f"only http and https feeds are supported: {shown!r}")
    if not is_safe_url(url):
        raise UnsafeURLError(f"not a valid http(s) URL: {shown!r}")
    return url


_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """False for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public_address(mapped)
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return False
    return ip.is_global and not ip.is_multicast
