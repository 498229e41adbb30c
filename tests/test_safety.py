"""Terminal sanitising and the URL policy."""

from __future__ import annotations

import ipaddress

import pytest

from reader.core.safety import (
    UnsafeURLError,
    check_feed_url,
    is_public_address,
    is_safe_url,
    sanitize_for_terminal,
)


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b]0;owned\x07",  # OSC window title
        "\x1b]52;c;cGF5bG9hZA==\x07",  # OSC 52 clipboard
        "\x1b[2J\x1b[H",  # CSI clear screen
        "\u009b31m",  # C1 CSI
        "\x0e\x0f",  # shift out / in
        "\x7f\x00\x08",
        "\u202e\u2066\u200f\u061c",  # bidi overrides and isolates
    ],
)
def test_controls_never_survive(hostile: str) -> None:
    cleaned = sanitize_for_terminal(f"before{hostile}after")
    assert cleaned.startswith("before") and cleaned.endswith("after")
    assert all(ch.isprintable() for ch in cleaned)


def test_text_and_markup_are_kept() -> None:
    text = "Tab\there\nnew line [/] [@click=app.quit]x[/] ünïcode 新聞"
    assert sanitize_for_terminal(text) == text
    assert sanitize_for_terminal("a\r\nb\rc") == "a\nb\nc"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/feed.xml", "https://example.org/feed.xml"),
        ("  http://example.org/  ", "http://example.org/"),
        ("example.org/feed", "https://example.org/feed"),
        ("localhost:8080/feed", "https://localhost:8080/feed"),
    ],
)
def test_feed_urls_accepted(url: str, expected: str) -> None:
    assert check_feed_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/feed",
        "data:text/xml,<rss/>",
        "javascript:alert(1)",
        "/etc/passwd",
        "../x",
        "~/feeds.xml",
        "-oProxyCommand=x",
        "http://exa mple.org/",
        "",
    ],
)
def test_feed_urls_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_feed_url(url)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=c#d", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("-https://example.org", False),
        ("https://example.org/a\nb", False),
        ("https://example.org/" + "a" * 10_000, False),
        ("https://", False),
        ("https://example.org:99999999/", False),
    ],
)
def test_is_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1", False),
        ("224.0.0.1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_a_refused_feed_url_never_shows_its_password() -> None:
    with pytest.raises(UnsafeURLError) as refused:
        check_feed_url("http://alice:s3cret@exa mple.org/feed")
    assert "alice:***@" in str(refused.value) and "s3cret" not in str(refused.value)
