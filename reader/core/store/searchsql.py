"""The search language's tree (reader.core.query) as one SQL statement over the stories, their
feeds, their versions and the full-text indexes.

A term holds for a story when its latest state (articles_fts) or any stored version
(versions_fts) contains it; NOT, AND and OR then combine terms story by story, so
``fire -warehouse`` leaves out a story that ever said "warehouse". Terms with Chinese, Japanese
or Korean characters are substrings, looked up in the trigram tables that hold only such text
(under three characters, which a trigram cannot find, by instr() over those same rows).

Nothing the user typed becomes SQL or FTS5 syntax: every term is a quoted FTS5 string built here
(its double quotes doubled) or a bound LIKE/instr value, and the operators are ours.
"""

from __future__ import annotations

import re

from reader.core.query import (
    And,
    ChangeKind,
    Field,
    InFolder,
    Node,
    Not,
    Or,
    Published,
    Query,
    State,
    Text,
)
from reader.core.store import rows
from reader.core.store.schema import CJK_CHARACTERS

CJK = re.compile(f"[{CJK_CHARACTERS}]")
FEED_TITLE = "COALESCE(f.user_title, NULLIF(f.title, ''), f.url)"
# Stories hidden by the reader's filters ([filters] hide, materialised in articles.hidden): left
# out of every query unless it asks for them with is:hidden.
HIDDEN = "a.hidden = 1"
STATES = {
    "unread": "a.read = 0",
    "starred": "a.starred = 1",
    "updated": "a.changed_at IS NOT NULL",
    "hidden": HIDDEN,
}
# bm25 weights: a word in the headline counts most (articles_fts: title, summary, body;
# versions_fts: title, text).
LATEST_RANK = "bm25(articles_fts, 5.0, 2.0, 1.0)"
VERSION_RANK = "bm25(versions_fts, 5.0, 1.0)"


def fts_string(text: str) -> str:
    """``text`` as one FTS5 string: whatever it holds, FTS5 reads it as words, never syntax
    (a NUL would end the string early: it is a space)."""
    return '"' + text.replace("\x00", " ").replace('"', '""') + '"'


def fts_term(term: Text) -> str:
    expression = fts_string(term.text) + (" *" if term.prefix else "")
    return f"title : {expression}" if term.column else expression


def _like(value: str, prefix: bool, anywhere: bool) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ("%" if anywhere else "") + escaped + ("%" if prefix or anywhere else "")


class _Compiler:
    def __init__(self) -> None:
        self.params: list[object] = []
        self.wanted: list[Text] = []  # the terms not under a NOT: they rank the stories

    def node(self, node: Node, negated: bool = False) -> str:
        if isinstance(node, And | Or):
            joiner = " AND " if isinstance(node, And) else " OR "
            return "(" + joiner.join(self.node(part, negated) for part in node.parts) + ")"
        if isinstance(node, Not):
            return f"NOT {self.node(node.part, not negated)}"
        if isinstance(node, Text):
            if not negated:
                self.wanted.append(node)
            return f"a.id IN ({self.stories(node)})"
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, State):
            return STATES[node.name]
        if isinstance(node, ChangeKind):
            self.params.append(node.kind)
            return "EXISTS (SELECT 1 FROM versions v WHERE v.article_id = a.id AND v.kind = ?)"
        if isinstance(node, Published):
            self.params.append(node.at)
            return "a.published >= ?" if node.since else "a.published < ?"
        if isinstance(node, InFolder):
            self.params.append(node.folder)
            return "f.folder = ?"
        self.params.append(node.feed_id)  # InFeed
        return "a.feed_id = ?"

    def stories(self, term: Text, scored: bool = False) -> str:
        """The ids of the stories with ``term`` in their latest state or a version; with
        ``scored``, (id, score 0, version seq or NULL for the latest) rows instead."""
        latest, version = (", 0, NULL", ", 0, v.seq") if scored else ("", "")
        if not CJK.search(term.text):
            self.params += [fts_term(term)] * 2
            return f"""SELECT rowid{latest} FROM articles_fts WHERE articles_fts MATCH ?
                UNION ALL SELECT v.article_id{version} FROM versions_fts
                JOIN versions v ON v.id = versions_fts.rowid WHERE versions_fts MATCH ?"""
        if len(term.text) >= 3:
            match = fts_string(term.text)
            self.params += [f"title : {match}" if term.column else match] * 2
            return f"""SELECT rowid{latest} FROM articles_cjk WHERE articles_cjk MATCH ?
                UNION ALL SELECT v.article_id{version} FROM versions_cjk
                JOIN versions v ON v.id = versions_cjk.rowid WHERE versions_cjk MATCH ?"""
        needle = term.text.lower()
        latest_columns = ("title",) if term.column else ("title", "summary", "body")
        version_columns = ("title",) if term.column else ("title", "text")
        self.params += [needle] * (len(latest_columns) + len(version_columns))
        found = " OR ".join(f"instr(lower({c}), ?)" for c in latest_columns)
        found_v = " OR ".join(f"instr(lower(c.{c}), ?)" for c in version_columns)
        return f"""SELECT rowid{latest} FROM articles_cjk WHERE {found}
            UNION ALL SELECT v.article_id{version} FROM versions_cjk c
            JOIN versions v ON v.id = c.rowid WHERE {found_v}"""

    def field(self, field: Field) -> str:
        value, prefix = field.value, field.prefix
        if field.name in ("author", "url"):
            self.params.append(_like(value, prefix, anywhere=not prefix))
            return f"a.{field.name} LIKE ? ESCAPE '\\'"
        if field.name == "feed":
            self.params.append(_like(value, prefix, anywhere=not prefix))
            by_title = f"{FEED_TITLE} LIKE ? ESCAPE '\\'"
            if _FEED_ID.fullmatch(value):
                self.params.append(int(value))
                return f"({by_title} OR a.feed_id = ?)"
            return by_title
        pattern = _like(value, prefix, anywhere=False)
        if field.name == "folder":
            self.params.append(pattern)
            return "f.folder LIKE ? ESCAPE '\\'"
        self.params += [pattern, pattern]  # tag: the folder or one of the feed's tags
        return """(f.folder LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM feed_tags t
            WHERE t.feed_id = a.feed_id AND t.tag LIKE ? ESCAPE '\\'))"""

    def hits(self) -> str:
        """Rows (story id, score, version seq or NULL) for each story a wanted term is found
        in, scored by bm25 (0 for a substring), for the order and for matched_version."""
        plain = [t for t in self.wanted if not CJK.search(t.text)]
        parts: list[str] = []
        if plain:
            self.params += [" OR ".join(fts_term(t) for t in plain)] * 2
            parts.append(
                f"""SELECT rowid, {LATEST_RANK}, NULL FROM articles_fts WHERE articles_fts MATCH ?
                UNION ALL SELECT v.article_id, {VERSION_RANK}, v.seq FROM versions_fts
                JOIN versions v ON v.id = versions_fts.rowid WHERE versions_fts MATCH ?"""
            )
        parts += [self.stories(t, scored=True) for t in self.wanted if CJK.search(t.text)]
        return " UNION ALL ".join(parts)


def _wanted_text(node: Node) -> bool:
    """A term, or terms ORed: every story it finds has hits."""
    if isinstance(node, Or):
        return all(_wanted_text(part) for part in node.parts)
    return isinstance(node, Text)


def _texts(node: Node) -> list[Text]:
    if isinstance(node, And | Or):
        return [text for part in node.parts for text in _texts(part)]
    if isinstance(node, Not):
        return _texts(node.part)
    return [node] if isinstance(node, Text) else []


_FEED_COLUMN = re.compile(r"\bf\.")
_FEED_ID = re.compile(r"[0-9]{1,18}")  # an id SQLite can hold, in ASCII digits (not "²")


def _asks_for_hidden(node: Node) -> bool:
    if isinstance(node, And | Or):
        return any(_asks_for_hidden(part) for part in node.parts)
    if isinstance(node, Not):
        return _asks_for_hidden(node.part)
    return isinstance(node, State) and node.name == "hidden"


def condition(query: Query, *, shown: bool = True) -> tuple[str, list[object]]:
    """``query`` as a condition on ``articles a JOIN feeds f ON f.id = a.feed_id`` and its
    parameters, to AND into other statements. With ``shown``, hidden stories are left out
    unless the query mentions is:hidden."""
    compiler = _Compiler()
    where = "1" if query.root is None else compiler.node(query.root)
    if shown and (query.root is None or not _asks_for_hidden(query.root)):
        where = f"{where} AND a.hidden = 0"
    return where, compiler.params


def select(query: Query, limit: int) -> tuple[str, list[object]]:
    """The statement and its parameters: the stories matching ``query``, best first (bm25,
    then newest), each row ARTICLE_COLUMNS and the seq of the version matched when the words
    sought are only in earlier versions, not the latest (else NULL)."""
    compiler = _Compiler()
    if query.root is not None:
        compiler.node(query.root)  # for the terms that rank the stories
    compiler.params = []
    hits = compiler.hits()
    where, where_params = condition(query)
    if not hits:
        return (
            f"""SELECT {rows.ARTICLE_COLUMNS}, NULL FROM articles a
            JOIN feeds f ON f.id = a.feed_id WHERE {where}
            ORDER BY a.published DESC, a.id DESC LIMIT ?""",
            [*where_params, limit],
        )
    # A query that needs a wanted term (all of it, or a part ANDed) finds only stories with
    # hits; when that part holds every wanted term, the hits are its stories and it need not be
    # looked up again as a condition.
    root = query.root
    parts = root.parts if isinstance(root, And) else () if root is None else (root,)
    drive = next((p for p in parts if _wanted_text(p)), None)
    if drive is not None and len(_texts(drive)) == len(compiler.wanted):
        rest = tuple(p for p in parts if p is not drive)
        kept = None if not rest else rest[0] if len(rest) == 1 else And(rest)
        where, where_params = condition(Query(kept, query.in_view))
    join = "LEFT JOIN" if drive is None else "JOIN"
    feeds = "JOIN feeds f ON f.id = a.feed_id" if _FEED_COLUMN.search(where) else ""
    # The best ``limit`` ids first, then their columns: sorting thousands of hits with their
    # texts attached would cost more than the search.
    return (
        f"""WITH hits (article_id, score, seq) AS ({hits}),
        best AS (SELECT article_id, min(score) AS score, max(seq IS NULL) AS latest,
            max(seq) AS seq FROM hits GROUP BY article_id),
        found AS (SELECT a.id, b.score, a.published,
            CASE WHEN b.latest THEN NULL ELSE b.seq END AS matched
            FROM articles a {feeds}
            {join} best b ON b.article_id = a.id WHERE {where}
            ORDER BY b.score IS NULL, b.score, a.published DESC, a.id DESC LIMIT ?)
        SELECT {rows.ARTICLE_COLUMNS}, found.matched FROM found
        JOIN articles a ON a.id = found.id JOIN feeds f ON f.id = a.feed_id
        ORDER BY found.score IS NULL, found.score, found.published DESC, found.id DESC""",
        [*compiler.params, *where_params, limit],
    )
