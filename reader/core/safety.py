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


def _userinfo(url: str) -> tuple[str, str, str] | None:
    """``url`` as (scheme and "//", userinfo, the rest) when it carries a user name, else None.

    Split the way urlsplit() and the fetcher split it: the authority ends at the first "/", "?"
    or "#", and the user part at the last "@" before that.
    """
    scheme, slashes, rest = url.partition("//")
    if not slashes or not _SCHEME.fullmatch(scheme):
        return None
    end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    if not at:
        return None
    return scheme + slashes, userinfo, host + rest[end:]


def display_url(url: str) -> str:
    """``url`` fit to show or print: ``http://alice:***@host/feed``, never the password.

    A user name without a password is masked too (``http://***@host/``): services put access
    tokens there.
    """
    parts = _userinfo(url)
    if parts is None:
        return url
    start, userinfo, rest = parts
    user, colon, _ = userinfo.partition(":")
    return f"{start}{user}:***@{rest}" if colon else f"{start}***@{rest}"


def unmasked(url: str, original: str) -> str:
    """``url`` as typed over ``original`` shown masked (see display_url): a login left as the
    mask (``alice:***``) stands for the original's, which was never shown, not for a password
    of three stars."""
    parts, old = _userinfo(url), _userinfo(original)
    if parts is None or old is None or parts[1] != (_userinfo(display_url(original)) or "")[1]:
        return url
    return f"{parts[0]}{old[1]}@{parts[2]}"


def without_credentials(url: str) -> str:
    """``url`` with no user name or password: for story links and exported subscriptions."""
    parts = _userinfo(url)
    return url if parts is None else parts[0] + parts[2]


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), parts.hostname, parts.port or default


def with_credentials_of(feed_url: str, link: str) -> str:
    """``link`` with the user name and password of ``feed_url`` when both are on the same
    scheme, host and port: a protected feed's own pages need its login to be fetched.

    Only for the request itself; stored and shown links stay without credentials.
    """
    parts = _userinfo(feed_url)
    if parts is None or _userinfo(link) is not None:
        return link
    try:
        if _origin(without_credentials(feed_url)) != _origin(link):
            return link
    except ValueError:
        return link
    start, _, rest = link.partition("//")
    return f"{start}//{parts[1]}@{rest}"


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
    shown = display_url(url)
    shown = shown[:80] + ("…" if len(shown) > 80 else "")
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
# IPv6 ranges whose last 32 bits are an IPv4 address: NAT64 (well-known and local-use prefixes)
# and the deprecated IPv4-compatible ::a.b.c.d (which also holds :: and ::1).
_EMBEDS_IPV4 = [ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48", "::/96")]


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """False for loopback, private, link-local, site-local, multicast, reserved and unspecified
    addresses. An IPv6 address that carries an IPv4 one (mapped, 6to4, NAT64, IPv4-compatible)
    is judged by the IPv4 address inside, which is where it leads."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and any(ip in network for network in _EMBEDS_IPV4):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return is_public_address(inner)
        if ip.is_site_local:
            return False
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return False
    return ip.is_global and not ip.is_multicast
