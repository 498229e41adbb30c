"""The search language, parsed into a tree of plain values: no SQL here (the store compiles it).

Words are ANDed; ``OR``, ``-word`` / ``NOT word``, ``"exact phrase"``, ``prefix*`` and
parentheses combine them; ``field:value`` narrows by title, author, feed, folder, tag, URL,
state, kind of change and time. Anything malformed is a QueryError whose message is one line
naming the problem, and every limit (length, terms, nesting) is checked before the work it
bounds, so no input reaches the database as syntax or exhausts the parser.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MAX_LENGTH = 1000
MAX_TERMS = 40
MAX_DEPTH = 16

FieldName = Literal["author", "feed", "folder", "tag", "url"]
StateName = Literal["unread", "starred", "updated", "hidden"]

TEXT_FIELDS = ("title",)
SQL_FIELDS: tuple[FieldName, ...] = ("author", "feed", "folder", "tag", "url")
STATES: tuple[StateName, ...] = ("unread", "starred", "updated", "hidden")
KINDS = ("headline", "correction", "update", "edit", "cut", "revert", "removed")
FIELDS = (*TEXT_FIELDS, *SQL_FIELDS, "is", "kind", "after", "before", "age", "in")
AGE_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400}


class QueryError(ValueError):
    """A query that cannot be understood; str() is one line for people."""


@dataclass(frozen=True)
class Text:
    """Words to find in a story's text (``column`` "title": only in its headline). Every
    version counts. ``prefix``: the last word may go on (``war*``)."""

    text: str
    prefix: bool = False
    column: Literal["title"] | None = None


@dataclass(frozen=True)
class Field:
    """A story's author, feed (title or id), folder, tag (folder or feed tag) or URL; ``prefix``
    for a value ending in ``*``."""

    name: FieldName
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class State:
    name: StateName


@dataclass(frozen=True)
class ChangeKind:
    """Stories with a version of this kind of change."""

    kind: str


@dataclass(frozen=True)
class Published:
    """Published at or after ``at`` (``since``), else before it; seconds since the epoch."""

    at: int
    since: bool


@dataclass(frozen=True)
class InFeed:
    """Stories of one feed by id: not written by people, a view's scope (see ``scoped``)."""

    feed_id: int


@dataclass(frozen=True)
class InFolder:
    """Stories of the feeds in one folder: a view's scope, like InFeed."""

    folder: str


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Text | Field | State | ChangeKind | Published | InFeed | InFolder | And | Or | Not


@dataclass(frozen=True)
class Query:
    """A parsed query: ``root`` (None: every story) and ``in_view``, asking to search only the
    stories the reader's current view shows."""

    root: Node | None
    in_view: bool = False


def scoped(
    query: Query,
    *,
    feed_id: int | None = None,
    folder: str | None = None,
    unread: bool = False,
    starred: bool = False,
    updated: bool = False,
) -> Query:
    """``query`` narrowed to a view's stories: one feed or folder, and/or a state."""
    parts: list[Node] = [] if query.root is None else [query.root]
    if feed_id is not None:
        parts.append(InFeed(feed_id))
    if folder is not None:
        parts.append(InFolder(folder))
    for name, wanted in (("unread", unread), ("starred", starred), ("updated", updated)):
        if wanted:
            parts.append(State(name))  # type: ignore[arg-type]
    root = None if not parts else parts[0] if len(parts) == 1 else And(tuple(parts))
    return Query(root, query.in_view)


# -- tokens ----------------------------------------------------------------------------------

_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AGE = re.compile(r"([<>]?)(\d{1,6})([hdw])")
_OPERATORS = ("OR", "AND", "NOT")


@dataclass(frozen=True)
class _Op:
    name: Literal["(", ")", "OR", "AND", "NOT", "-"]


_Token = _Op | Node


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _clean(text: str) -> str:
    """Control characters (NUL among them) are spaces: they never reach the database."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in text)


class _Scanner:
    def __init__(self, text: str, now: int) -> None:
        self.text = text
        self.now = now
        self.pos = 0
        self.in_view = False
        self.tokens: list[_Token] = []

    def scan(self) -> list[_Token]:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c.isspace():
                self.pos += 1
            elif c in "()":
                self.tokens.append(_Op(c))  # type: ignore[arg-type]
                self.pos += 1
            elif (
                c == "-"
                and self.pos + 1 < len(text)
                and not (text[self.pos + 1].isspace() or text[self.pos + 1] in ")-")
            ):
                self.tokens.append(_Op("-"))
                self.pos += 1
            elif c == '"':
                phrase = self._quoted()
                prefix = self._star()
                self._add_text(phrase, prefix, None)
            else:
                self._chunk()
        return self.tokens

    def _quoted(self) -> str:
        end = self.text.find('"', self.pos + 1)
        if end < 0:
            raise QueryError('unbalanced quotes: a " is not closed')
        phrase = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return phrase

    def _star(self) -> bool:
        if self.text.startswith("*", self.pos):
            self.pos += 1
            return True
        return False

    def _chunk(self) -> None:
        start = self.pos
        while self.pos < len(self.text) and not (
            self.text[self.pos].isspace() or self.text[self.pos] in '()"'
        ):
            self.pos += 1
        chunk = self.text[start : self.pos]
        if chunk in _OPERATORS:
            self.tokens.append(_Op(chunk))  # type: ignore[arg-type]
            return
        field = _FIELD.fullmatch(chunk)
        if field is None:
            prefix = chunk.endswith("*")
            word = chunk.rstrip("*")
            if prefix and not _has_word(word):
                raise QueryError(f"{chunk!r}: a * needs letters or digits before it")
            self._add_text(word, prefix, None)
            return
        name, value = field.group(1).lower(), field.group(2)
        if name not in FIELDS:
            raise QueryError(f"unknown field {name}: (known: {', '.join(FIELDS)})")
        quoted = False
        if not value and self.text.startswith('"', self.pos):
            value, quoted = self._quoted(), True
        prefix = self._star() if quoted else value.endswith("*")
        value = value if quoted else value.rstrip("*")
        if not value.strip():
            raise QueryError(f"{name}: needs a value")
        self._field(name, value.strip(), prefix)

    def _add_text(self, text: str, prefix: bool, column: Literal["title"] | None) -> None:
        if _has_word(text):
            self.tokens.append(Text(" ".join(text.split()), prefix, column))
        elif prefix:
            raise QueryError("a * needs letters or digits before it")
        elif self._after("-"):
            self.tokens.pop()  # "-" before punctuation alone: nothing to exclude

    def _after(self, *names: str) -> bool:
        """Is the last token one of the operators ``names``?"""
        last = self.tokens[-1] if self.tokens else None
        return isinstance(last, _Op) and last.name in names

    def _field(self, name: str, value: str, prefix: bool) -> None:
        low = value.lower()
        if name == "title":
            if not _has_word(value):
                raise QueryError(f"title:{value}: nothing to search for")
            self._add_text(value, prefix, "title")
        elif name in SQL_FIELDS:
            self.tokens.append(Field(name, value, prefix))
        elif name == "is":
            if low not in STATES:
                raise QueryError(f"is:{value}: unknown state (known: {', '.join(STATES)})")
            self.tokens.append(State(low))
        elif name == "kind":
            if low not in KINDS:
                raise QueryError(f"kind:{value}: unknown kind (known: {', '.join(KINDS)})")
            self.tokens.append(ChangeKind(low))
        elif name in ("after", "before"):
            self.tokens.append(Published(_date(name, value), name == "after"))
        elif name == "age":
            self.tokens.append(_age(value, self.now))
        else:  # in:
            if low != "view":
                raise QueryError(f"in:{value}: unknown scope (known: view)")
            if self._after("-", "NOT"):
                raise QueryError("in:view cannot be negated")
            self.in_view = True


def _date(name: str, value: str) -> int:
    """Midnight UTC of the day ``value`` names, as dates are shown in UTC."""
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return calendar.timegm(datetime.date.fromisoformat(value).timetuple())
    except ValueError:
        raise QueryError(f"{name}:{value}: not a date (YYYY-MM-DD)") from None


def _age(value: str, now: int) -> Published:
    found = _AGE.fullmatch(value)
    if found is None:
        raise QueryError(f"age:{value}: not an age (such as <2d, >12h, <1w)")
    sign, amount, unit = found.groups()
    return Published(now - int(amount) * AGE_UNITS[unit], sign != ">")


# -- grammar ---------------------------------------------------------------------------------


class _Parser:
    """or := and ("OR" and)* ; and := unary+ ; unary := ("-" | "NOT") unary | primary ;
    primary := "(" or ")" | term. "AND" between terms is allowed and changes nothing."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def is_op(self, *names: str) -> bool:
        token = self.peek()
        return isinstance(token, _Op) and token.name in names

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.or_(0)
        if self.is_op(")"):
            raise QueryError("unbalanced parentheses: a ) has no (")
        return node

    def or_(self, depth: int) -> Node:
        parts = [self.and_(depth)]
        while self.is_op("OR"):
            self.pos += 1
            parts.append(self.and_(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self, depth: int) -> Node:
        parts: list[Node] = []
        while self.peek() is not None and not self.is_op(")", "OR"):
            if self.is_op("AND"):
                self.pos += 1
                if not parts or self.peek() is None or self.is_op(")", "OR", "AND"):
                    raise QueryError("AND needs a term on each side")
                continue
            parts.append(self.unary(depth))
        if not parts:
            before = self.tokens[self.pos - 1] if self.pos else None
            if self.is_op(")") and not (isinstance(before, _Op) and before.name == "OR"):
                raise QueryError("unbalanced parentheses: a ) has no (")
            raise QueryError("OR needs a term on each side")
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Node:
        if self.is_op("-", "NOT"):
            if depth >= MAX_DEPTH:
                raise QueryError(f"too deeply nested (at most {MAX_DEPTH} levels)")
            word = "NOT" if self.is_op("NOT") else "-"
            self.pos += 1
            if self.peek() is None or self.is_op(")", "OR", "AND"):
                raise QueryError(f"{word} needs a term after it")
            return Not(self.unary(depth + 1))
        return self.primary(depth)

    def primary(self, depth: int) -> Node:
        token = self.peek()
        self.pos += 1
        if isinstance(token, _Op):
            if token.name != "(":
                raise QueryError(f"{token.name} needs a term after it")
            if depth >= MAX_DEPTH:
                raise QueryError(f"too deeply nested (at most {MAX_DEPTH} levels)")
            if self.is_op(")"):
                raise QueryError("empty parentheses")
            node = self.or_(depth + 1)
            if not self.is_op(")"):
                raise QueryError("unbalanced parentheses: a ( is not closed")
            self.pos += 1
            return node
        assert token is not None
        return token


def parse(text: str, *, now: int) -> Query:
    """The query ``text`` as a tree; ``now`` (seconds since the epoch) anchors ``age:``."""
    if len(text) > MAX_LENGTH:
        raise QueryError(f"query too long ({len(text)} characters, at most {MAX_LENGTH})")
    scanner = _Scanner(_clean(text), now)
    tokens = scanner.scan()
    terms = sum(1 for t in tokens if not isinstance(t, _Op))
    if terms > MAX_TERMS:
        raise QueryError(f"too many terms ({terms}, at most {MAX_TERMS})")
    root = _Parser(tokens).parse()
    if root is None and not scanner.in_view:
        raise QueryError("empty query: nothing to search for")
    return Query(root, scanner.in_view)
