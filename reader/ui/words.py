"""Counts in the TUI's messages, in words: "1 feed", "2 feeds"."""

from __future__ import annotations


def count(number: int, noun: str, plural: str = "") -> str:
    """``number`` and ``noun``, plural (``plural``, or ``noun`` + "s") unless it is one."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
