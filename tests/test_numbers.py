"""Numbers from outside (headers, feed fields, chunk sizes): one parser, and always a sane int.

Unicode digits, runs of thousands of digits, signs and blanks must give None or a clamped int,
never an exception; and through the real commands, a hostile number ends in success or in one
line of error, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.core.feeds import MAX_TTL, FeedParseError, _ttl, parse_feed
from reader.core.fetch import MAX_WAIT, _max_age, _retry_after
from reader.core.ingest import MAX_INTERVAL, retry_at
from reader.core.numbers import MAX_DIGITS, clamp, outside_int
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
SQLITE_INTEGER = 2**63 - 1

# Characters a hostile number is made of: ASCII and other digits (superscripts, Arabic-Indic,
# fullwidth, Devanagari), signs, exponents, separators and blanks of every kind.
NUMBERISH = st.text(
    st.sampled_from("0123456789+-.eExX_, \t\r\n\x00\xa0\u2003²¹³٣۵０९abcdefABCDEF;="),
    max_size=30,
)
LONG_RUNS = st.builds(
    lambda digit, count, pad: pad + digit * count + pad,
    st.sampled_from("0179f²"),
    st.integers(MAX_DIGITS - 2, 6000),
    st.sampled_from(["", " ", "\t", "+", "-"]),
)
OUTSIDE = st.one_of(NUMBERISH, LONG_RUNS, st.text(max_size=30))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 42\t", 42),
        (b"42", 42),
        ("007", 7),
        ("0", 3),  # clamped up
        ("5000", 1000),  # clamped down
        ("9" * 5000, 1000),  # more digits than int() accepts: simply very large
        ("0" * 5000 + "12", 12),
        ("²", None),
        ("¹²", None),
        ("٣", None),  # Arabic-Indic three
        ("１２", None),  # fullwidth
        ("+5", None),
        ("-5", None),
        ("1e3", None),
        ("1_000", None),
        ("12.5", None),
        ("0x10", None),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_outside_int(value: str | bytes | None, expected: int | None) -> None:
    assert outside_int(value, low=3, high=1000) == expected


def test_outside_hex() -> None:
    assert outside_int(b"ff", low=0, high=10**6, base=16) == 255
    assert outside_int("0A", low=0, high=10**6, base=16) == 10
    assert outside_int("f" * 5000, low=0, high=10**6, base=16) == 10**6
    assert outside_int("0x3", low=0, high=10**6, base=16) is None
    assert outside_int("g", low=0, high=10**6, base=16) is None
    assert outside_int("ff", low=0, high=10**6) is None  # hex digits are no decimal ones


def test_clamp() -> None:
    assert clamp(float("nan"), 1, 5) == 1
    assert clamp(float("inf"), 1, 5) == 5
    assert clamp(float("-inf"), 1, 5) == 1
    assert clamp(3.5, 1, 5) == 3.5


@settings(max_examples=300, deadline=None)
@given(OUTSIDE, st.sampled_from([10, 16]), st.integers(0, 100), st.integers(0, 10**20))
@example("0x10", 16, 0, 100)
@example(" 0012 ", 10, 0, 100)
def test_outside_int_is_none_or_within_bounds(text: str, base: int, low: int, span: int) -> None:
    result = outside_int(text, low=low, high=low + span, base=base)  # type: ignore[arg-type]
    assert result is None or (type(result) is int and low <= result <= low + span)
    plain = text.strip(" \t\r\n")
    if result is not None:
        assert plain.isascii()
    # Where int() is strict enough (ASCII letters and digits, no "0x" prefix), both agree.
    if plain.isascii() and plain.isalnum() and "x" not in plain.lower() and len(plain) < 19:
        try:
            expected: int | None = min(max(int(plain, base), low), low + span)
        except ValueError:
            expected = None
        assert result == expected


@settings(max_examples=200, deadline=None)
@given(OUTSIDE)
@example("9" * 400)
@example("9" * 5000)
@example("²")
def test_retry_after_and_max_age_are_sane(text: str) -> None:
    for value in (_retry_after(text), _max_age(f"public, max-age={text}")):
        assert value is None or (type(value) is int and 0 <= value <= MAX_WAIT)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.floats(), st.integers(-(10**30), 10**30)),
    st.integers(0, 10**6),
)
def test_retry_at_never_overflows(retry_after: float | None, errors: int) -> None:
    now = 1_800_000_000
    when = retry_at(now, 30 * 60, errors, retry_after)
    assert type(when) is int and now <= when <= now + MAX_INTERVAL < SQLITE_INTEGER


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "ttl": OUTSIDE,
            "sy_updateperiod": st.sampled_from(["hourly", " Daily ", "weekly", "yearly", "x", ""]),
            "sy_updatefrequency": OUTSIDE,
        },
    )
)
def test_ttl_is_none_or_at_most_a_week(channel: dict[str, str]) -> None:
    ttl = _ttl(channel)
    assert ttl is None or (type(ttl) is int and 1 <= ttl <= MAX_TTL)


@settings(max_examples=100, deadline=None)
@given(st.text(st.sampled_from("0123456789²¹٣+- "), max_size=20) | LONG_RUNS)
def test_a_feed_with_any_ttl_parses(ttl: str) -> None:
    data = rss("Desk", [{"title": "One", "guid": "1"}]).replace(
        b"<description>", f"<ttl>{ttl}</ttl><description>".encode(), 1
    )
    parsed = parse_feed(data, url="https://example.org/feed")
    assert parsed.ttl_minutes is None or 1 <= parsed.ttl_minutes <= MAX_TTL


def test_a_json_feed_id_of_5000_digits_is_a_feed_error() -> None:
    data = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": ' + b"7" * 5000
    with pytest.raises(FeedParseError, match="invalid JSON"):
        parse_feed(data + b', "title": "x"}]}', url="https://example.org/feed.json")


# -- end to end: hostile numbers through the real commands -------------------------------------


def newsroom(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command; whatever happens, at most one line of error and never a traceback."""
    result = subprocess.run(
        [NEWSROOM, "--home", str(home), *args], capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) <= 1, result.stderr
    return result


def ttl_feed(ttl: str) -> bytes:
    return rss("Desk", [{"title": "Story", "guid": "s1"}]).replace(
        b"<description>", f"<ttl>{ttl}</ttl><description>".encode(), 1
    )


JSON_FEED = json.dumps(
    {"version": "https://jsonfeed.org/version/1.1", "title": "Desk", "items": [{"id": 0}]}
).replace('"id": 0', '"id": ' + "7" * 5000)
GOOD = rss("Desk", [{"title": "Story", "guid": "s1", "description": "The feed's text."}])
FEEDS = {  # path -> (answer, does `add` succeed?)
    "/max-age": (Route(GOOD, headers={"Cache-Control": "max-age=¹"}), True),
    "/retry-after": (Route(b"", status=503, headers={"Retry-After": "²"}), False),
    "/length": (Route(GOOD, headers={"Content-Length": "9" * 5000}), False),
    "/ttl-superscript": (Route(ttl_feed("²")), True),
    "/ttl-5000": (Route(ttl_feed("9" * 5000)), True),
    "/json-id": (Route(JSON_FEED.encode(), content_type="application/feed+json"), False),
}


def test_hostile_feed_numbers_through_add_and_refresh(server: LoopbackServer, home: Path) -> None:
    for path, (route, works) in FEEDS.items():
        server.routes[path] = route
        result = newsroom(home, "add", server.url(path))
        assert result.returncode == (0 if works else 1), (path, result.stderr)
        assert works or result.stderr.startswith("newsroom: error:")
    (home / "urls").write_text("".join(server.url(path) + "\n" for path in FEEDS))
    assert newsroom(home, "import", str(home / "urls")).returncode == 0
    refresh = newsroom(home, "refresh", "--json")
    assert refresh.returncode == 0
    assert json.loads(refresh.stdout)["failed"] == sum(not works for _, works in FEEDS.values())
    listed = {feed["url"]: feed for feed in json.loads(newsroom(home, "feeds", "--json").stdout)}
    for path, (_, works) in FEEDS.items():
        error = listed[server.url(path)]["error"]
        assert (error is None) == works and "internal error" not in (error or ""), (path, error)


PAGES = {
    "/page/max-age": Route(
        b"<p>x</p>", content_type="text/html", headers={"Cache-Control": "max-age=¹"}
    ),
    "/page/retry-after": Route(b"", status=503, headers={"Retry-After": "²"}),
    "/page/length": Route(
        b"<p>x</p>", content_type="text/html", headers={"Content-Length": "9" * 5000}
    ),
}


def test_hostile_page_numbers_through_show_and_watch(server: LoopbackServer, home: Path) -> None:
    items = [
        {"title": f"Story {n}", "guid": str(n), "link": server.url(path), "description": "Text."}
        for n, path in enumerate(PAGES)
    ]
    server.routes["/feed.xml"] = Route(rss("Desk", items))
    server.routes.update(PAGES)
    assert newsroom(home, "add", server.url("/feed.xml")).returncode == 0
    for article in json.loads(newsroom(home, "articles", "--json").stdout):
        shown = newsroom(home, "show", str(article["id"]), "--json")
        assert shown.returncode == 0 and json.loads(shown.stdout)["title"] == article["title"]
    watched = newsroom(home, "watch", "--once", "--all", "--json")
    assert watched.returncode == 0 and json.loads(watched.stdout)["checked"] == len(PAGES)
