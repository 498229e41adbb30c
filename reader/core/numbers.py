"""The one way a number from outside (an HTTP header, a feed field, a chunk size) becomes an int.

Python's own parsers are too generous for hostile input: ``str.isdigit()`` accepts superscripts
and other Unicode digits that ``int()`` then refuses, ``int()`` refuses more than 4,300 digits,
and ``float()`` turns a long run of digits into infinity. Here only ASCII digits count, a number
longer than MAX_DIGITS is never converted (it only means "very large"), and every result is
clamped into a range the caller names, so what comes out is always a sane, finite int.
"""

from __future__ import annotations

from typing import Literal

MAX_DIGITS = 18  # past this (about 31 years in nanoseconds) a number only means "very large"
_DIGITS = {10: frozenset("0123456789"), 16: frozenset("0123456789abcdefABCDEF")}
_BLANK = " \t\r\n"


def outside_int(
    value: str | bytes | None, *, low: int, high: int, base: Literal[10, 16] = 10
) -> int | None:
    """``value`` as an int clamped to [low, high]; None if it is not a plain number.

    Surrounding ASCII whitespace is allowed; anything but ASCII digits of ``base`` is not ("²",
    "1e9", "+5", "-5", "0x10", "1_000"). A number with more than MAX_DIGITS significant digits
    is larger than any range and gives ``high``.
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    text = value.strip(_BLANK)
    if not text or not _DIGITS[base].issuperset(text):
        return None
    text = text.lstrip("0") or "0"
    if len(text) > MAX_DIGITS:
        return high
    return min(max(int(text, base), low), high)


def clamp(value: float, low: float, high: float) -> float:
    """``value`` within [low, high]; NaN gives ``low`` (it compares false with everything)."""
    if value != value:  # NaN
        return low
    return min(max(value, low), high)
