"""How long and how much a fetch may take: our own limits, from the [fetch] settings, and the
waits a server asks for (Retry-After, Cache-Control max-age), never longer than a day."""

from __future__ import annotations

from time import time
from typing import NamedTuple

from reader.config import FetchConfig
from reader.core.numbers import clamp, outside_int

MAX_WAIT = 24 * 3600  # the longest a server's Retry-After or max-age can make us wait, in seconds
MIB = 1024 * 1024
_DEFAULTS = FetchConfig()


class FetchLimits(NamedTuple):
    timeout: float
    max_bytes: int
    max_redirects: int = _DEFAULTS.max_redirects
    low_speed: int = 100  # bytes per second, averaged over low_speed_time, or the fetch ends
    low_speed_time: int = 20  # seconds


def feed_limits(settings: FetchConfig) -> FetchLimits:
    """The limits of a feed fetch under ``[fetch]`` settings."""
    return FetchLimits(
        timeout=settings.feed_timeout,
        max_bytes=int(settings.feed_max_mib * MIB),
        max_redirects=settings.max_redirects,
    )


def page_limits(settings: FetchConfig) -> FetchLimits:
    """The limits of a story page fetch under ``[fetch]`` settings."""
    return FetchLimits(
        timeout=settings.page_timeout,
        max_bytes=int(settings.page_max_mib * MIB),
        max_redirects=settings.max_redirects,
    )


FEED_LIMITS = feed_limits(_DEFAULTS)
PAGE_LIMITS = page_limits(_DEFAULTS)


def size_text(limit: int) -> str:
    return f"{limit / MIB:g} MiB" if limit >= MIB else f"{limit} bytes"


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
