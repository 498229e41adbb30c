"""Newsroom: a terminal newsroom reader that watches stories change."""

__version__ = "0.1.0"
