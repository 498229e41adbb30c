"""The search language's parser (reader.core.query), and any text against a real SQLite store."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.query import (
    MAX_LENGTH,
    And,
    ChangeKind,
    Field,
    InFeed,
    InFolder,
    Not,
    Or,
    Published,
    Query,
    QueryError,
    State,
    Text,
    parse,
    scoped,
)
from reader.core.store import Store
from reader.core.store.searchsql import fts_string

NOW = 1_800_000_000
DAY = 86400


def tree(text: str) -> object:
    return parse(text, now=NOW).root


def test_words_are_anded_and_or_binds_looser() -> None:
    assert tree("fire") == Text("fire")
    assert tree("fire chief") == And((Text("fire"), Text("chief")))
    assert tree("fire AND chief") == And((Text("fire"), Text("chief")))
    assert tree("fire OR comet") == Or((Text("fire"), Text("comet")))
    assert tree("a b OR c") == Or((And((Text("a"), Text("b"))), Text("c")))
    assert tree("a (b OR c)") == And((Text("a"), Or((Text("b"), Text("c")))))
    assert tree("fire or comet") == And((Text("fire"), Text("or"), Text("comet")))


def test_negation_phrase_and_prefix() -> None:
    assert tree("fire -warehouse") == And((Text("fire"), Not(Text("warehouse"))))
    assert tree("NOT warehouse") == Not(Text("warehouse"))
    assert tree("-(a OR b)") == Not(Or((Text("a"), Text("b"))))
    assert tree('"fire  chief"') == Text("fire chief")
    assert tree('-"fire chief"') == Not(Text("fire chief"))
    assert tree("war*") == Text("war", prefix=True)
    assert tree('"fire chi"*') == Text("fire chi", prefix=True)
    # A hyphen inside a word, or standing alone, is not an operator.
    assert tree("covid-19") == Text("covid-19")
    assert tree("fire - chief") == And((Text("fire"), Text("chief")))
    assert tree("--x") == Text("--x")


def test_fields() -> None:
    assert tree("title:fire") == Text("fire", column="title")
    assert tree('title:"fire chief"') == Text("fire chief", column="title")
    assert tree("TITLE:war*") == Text("war", prefix=True, column="title")
    assert tree('author:"Jane Doe"') == Field("author", "Jane Doe")
    assert tree("feed:3") == Field("feed", "3")
    assert tree("folder:News") == Field("folder", "News")
    assert tree("tag:week*") == Field("tag", "week", prefix=True)
    assert tree("url:example.org/a") == Field("url", "example.org/a")
    assert tree("url:http://x.org") == Field("url", "http://x.org")


def test_state_kind_and_time() -> None:
    assert tree("is:unread is:STARRED") == And((State("unread"), State("starred")))
    assert tree("is:updated") == State("updated")
    assert tree("is:hidden") == State("hidden")
    for kind in ("headline", "correction", "update", "edit", "cut", "revert", "removed"):
        assert tree(f"kind:{kind}") == ChangeKind(kind)
    assert tree("after:2026-11-02") == Published(1_793_577_600, since=True)
    assert tree("before:2026-11-02") == Published(1_793_577_600, since=False)
    assert tree("age:<2d") == Published(NOW - 2 * DAY, since=True)
    assert tree("age:3h") == Published(NOW - 3 * 3600, since=True)
    assert tree("age:>1w") == Published(NOW - 7 * DAY, since=False)


def test_in_view_is_a_flag_and_scoped_narrows_to_the_view() -> None:
    assert parse("fire in:view", now=NOW) == Query(Text("fire"), in_view=True)
    assert parse("in:view", now=NOW) == Query(None, in_view=True)
    assert scoped(parse("fire in:view", now=NOW), feed_id=4, unread=True) == Query(
        And((Text("fire"), InFeed(4), State("unread"))), in_view=True
    )
    assert scoped(Query(None, True), folder="News") == Query(InFolder("News"), True)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("^ ...", "empty query"),
        ('"fire chief', "unbalanced quotes"),
        ("(fire OR comet", "unbalanced parentheses"),
        ("fire)", "unbalanced parentheses"),
        ("()", "empty parentheses"),
        ("*", "a * needs letters"),
        ("fire *", "a * needs letters"),
        ("colour:red", "unknown field colour:"),
        ("title:", "title: needs a value"),
        ("is:loud", "is:loud: unknown state"),
        ("kind:scoop", "kind:scoop: unknown kind"),
        ("after:yesterday", "not a date"),
        ("before:2026-13-40", "not a date"),
        ("age:2y", "not an age"),
        ("in:feeds", "unknown scope"),
        ("-in:view fire", "cannot be negated"),
        ("fire OR", "OR needs a term"),
        ("OR fire", "OR needs a term"),
        ("fire AND", "AND needs a term"),
        ("fire NOT", "NOT needs a term"),
        ("(" * 40 + "x" + ")" * 40, "too deeply nested"),
        ("NOT " * 40 + "x", "too deeply nested"),
        (" ".join(["w"] * 100), "too many terms"),
        ("x" * (MAX_LENGTH + 1), "query too long"),
    ],
)
def test_malformed_queries_are_one_line_errors(text: str, problem: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse(text, now=NOW)
    message = str(raised.value)
    assert problem in message and "\n" not in message


def test_fts5_syntax_is_only_words() -> None:
    """FTS5's own operators typed by people are words or errors of ours, never FTS5 syntax."""
    assert tree("NEAR(a b)") == And((Text("NEAR"), And((Text("a"), Text("b")))))
    assert tree("^fire") == Text("^fire")
    assert tree("{title}:fire") == Text("{title}:fire")
    assert tree("fire\x00chief") == And((Text("fire"), Text("chief")))
    assert fts_string('say "hi"') == '"say ""hi"""'


HOSTILE_PIECES = [
    "fire",
    "war*",
    "*",
    "-",
    "NOT",
    "OR",
    "AND",
    "(",
    ")",
    '"',
    '""',
    "NEAR(",
    "NEAR/2",
    "^",
    "{title}:",
    "title:",
    "body:",
    "author:",
    "feed:1",
    "feed:²",
    "feed:99999999999999999999",
    "tag:",
    "is:unread",
    "kind:edit",
    "after:2026-01-01",
    "age:<2d",
    "in:view",
    "南京",
    "南京泰山",
    "5盒",
    "\x00",
    "'",
    ";",
    "%",
    "_",
    "\\",
    "é",
    ":",
    "+",
]


@pytest.fixture(scope="module")
def any_store() -> object:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "newsroom.db")
        conn = store._conn()
        conn.execute("INSERT INTO feeds (id, url, title, added_at) VALUES (1, 'http://x/', 'X', 0)")
        conn.execute(
            """INSERT INTO articles (feed_id, guid, title, summary, published, feed_hash,
            first_seen) VALUES (1, 'g', 'Warehouse fire 南京泰山5盒', 'war "é" ^', 1, 'h', 0)"""
        )
        yield store
        store.close()


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=120),
        st.lists(st.sampled_from(HOSTILE_PIECES), max_size=25).map(" ".join),
        st.lists(st.sampled_from(HOSTILE_PIECES), max_size=25).map("".join),
    )
)
def test_any_text_parses_or_is_a_query_error_and_what_parses_runs(
    any_store: Store, text: str
) -> None:
    try:
        query = parse(text, now=NOW)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    any_store.search_hits(query, limit=5)  # no sqlite or store error


terms = st.one_of(
    st.builds(Text, st.text(min_size=1), st.booleans(), st.sampled_from([None, "title"])),
    st.builds(
        Field,
        st.sampled_from(["author", "feed", "folder", "tag", "url"]),
        st.text(min_size=1),
        st.booleans(),
    ),
)
trees = st.recursive(
    terms,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: And(tuple(parts))),
        st.lists(inner, min_size=2, max_size=3).map(lambda parts: Or(tuple(parts))),
        inner.map(Not),
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(root=trees)
def test_any_tree_of_any_text_runs(any_store: Store, root: And) -> None:
    """Whatever a term holds (quotes, FTS5 syntax, NUL, LIKE wildcards), the compiled statement
    runs: the parser is not the only guard."""
    any_store.search_hits(Query(root), limit=5)
