"""The commands on stories: articles, search, show, history, diff, mark."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reader.cli.errors import UsageError
from reader.cli.output import (
    Style,
    article_json,
    clean,
    enclosures_json,
    iso,
    print_articles,
    print_json,
    shown_url,
    when,
)
from reader.config import Config
from reader.core.models import Article, Version
from reader.core.safety import display_url, sanitize_for_terminal
from reader.core.store import Store


def cmd_articles(args: argparse.Namespace, config: Config, store: Store) -> int:
    if args.feed is not None and store.feed(args.feed) is None:
        raise UsageError(f"no feed with id {args.feed}")
    query = None
    if args.saved is not None:
        from reader.core.filters import UnknownSavedError, saved_query, saved_search

        try:
            query = saved_query(saved_search(config, args.saved))
        except UnknownSavedError as exc:
            raise UsageError(str(exc)) from None
    articles = store.articles(
        feed_id=args.feed,
        unread=args.unread,
        starred=args.starred,
        updated=args.updated,
        limit=args.limit,
        query=query,
    )
    if args.json:
        print_json([article_json(a) for a in articles])
    else:
        print_articles(articles)
    return 0


def cmd_search(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.query import QueryError

    try:
        hits = store.search_hits(args.query, limit=args.limit)
    except QueryError as exc:
        raise UsageError(f"bad query: {exc}") from None
    if args.json:
        found = []
        for hit in hits:
            story = article_json(hit.article)
            if hit.matched_version is not None:
                story["matched_version"] = hit.matched_version
            found.append(story)
        print_json(found)
    else:
        print_articles([hit.article for hit in hits])
    return 0


def article_or_fail(store: Store, article_id: int) -> Article:
    article = store.article(article_id)
    if article is None:
        raise UsageError(f"no article with id {article_id}")
    return article


def cmd_show(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.links import file_lines, link_lines, number_links, plain
    from reader.core.newsroom import Newsroom

    if args.json and args.markdown:
        raise UsageError("show takes --json or --markdown, not both")
    a = article_or_fail(store, args.id)
    with Newsroom(store, config) as newsroom:
        story = newsroom.full_text(a)
    if args.markdown:
        from reader.core.saved import document

        sys.stdout.write(document(a, story))
        return 0
    linked = number_links(story.markdown, a.url)
    text = plain(linked.markdown)
    if args.json:
        print_json(
            {
                "id": a.id,
                "title": a.title,
                "url": display_url(a.url) if a.url else None,
                "author": a.author,
                "published": iso(a.published),
                "text": text,
                "source": story.source,
                "links": [
                    {"n": link.n, "text": link.text, "url": display_url(link.url)}
                    for link in linked.links
                ],
                "enclosures": enclosures_json(a.enclosures),
            }
        )
        return 0
    style = Style(sys.stdout)
    print(style(clean(a.title) or "(untitled)", "1"))
    meta = [shown_url(a.feed_title), clean(a.author), when(a.published)]
    print(style(" · ".join(m for m in meta if m), "2"))
    if a.url:
        print(style(shown_url(a.url), "2"))
    if story.note:
        print(style(clean(story.note), "33"))
    print()
    print(sanitize_for_terminal(text))
    for heading, lines in (
        ("Links", link_lines(linked.links)),
        ("Files", file_lines(a.enclosures)),
    ):
        if lines:
            print()
            print(style(heading, "1"))
            for line in lines:
                print(clean(line))
    return 0


def _versions(store: Store, article: Article) -> list[Version]:
    """Every version, oldest first; a story that never changed has its first one only."""
    return store.versions(article.id) or [
        Version(1, article.first_seen, "feed", None, article.title, article.summary)
    ]


def _version_rows(versions: list[Version]) -> list[dict[str, Any]]:
    """Every stored version, oldest first, with its change against the previous one."""
    from reader.core.diff import diff_texts

    rows = []
    previous: dict[str, Version] = {}
    for version in versions:
        before = previous.get(version.source)
        diff = (
            diff_texts(before.title, before.text, version.title, version.text) if before else None
        )
        rows.append(
            {
                "version": version.seq,
                "seen_at": iso(version.seen_at),
                "title": version.title,
                "kind": version.kind,
                "source": version.source,
                "words_added": diff.words_added if diff else 0,
                "words_removed": diff.words_removed if diff else 0,
            }
        )
        previous[version.source] = version
    return rows


def cmd_history(args: argparse.Namespace, config: Config, store: Store) -> int:
    versions = _versions(store, article_or_fail(store, args.id))
    rows = _version_rows(versions)
    if args.json:
        print_json(rows)
        return 0
    for version, row in zip(versions, rows, strict=True):
        kind = row["kind"] or ("first seen" if row["version"] == 1 else "baseline")
        print(
            f"v{row['version']:<3} {when(version.seen_at)}  {row['source']:<4}  {kind:<10}"
            f" +{row['words_added']} -{row['words_removed']}  {clean(row['title'])}"
        )
    return 0


def cmd_diff(args: argparse.Namespace, config: Config, store: Store) -> int:
    from reader.core.changes import default_pair
    from reader.core.diff import diff_texts

    article = article_or_fail(store, args.id)
    versions = _versions(store, article)
    by_seq = {v.seq: v for v in versions}
    for seq in (args.from_, args.to):
        if seq is not None and seq not in by_seq:
            raise UsageError(f"article {args.id} has no version {seq} (1 to {max(by_seq)})")
    start, to = default_pair(versions, to=args.to)
    start = args.from_ or start
    old, new = by_seq[start], by_seq[to]
    diff = diff_texts(old.title, old.text, new.title, new.text)
    if args.json:
        print_json(
            {
                "from": start,
                "to": to,
                "title_before": diff.title_before,
                "title_after": diff.title_after,
                "added": diff.added,
                "removed": diff.removed,
            }
        )
        return 0
    style = Style(sys.stdout)
    if start == to:
        print(f"{clean(new.title)}: no change recorded")
        return 0
    if diff.title_before != diff.title_after:
        print(style("- " + clean(diff.title_before), "31;9"))
        print(style("+ " + clean(diff.title_after), "32;1"))
    else:
        print(style(clean(diff.title_after), "1"))
    print(style(f"version {start} -> {to}", "2"))
    print()
    out = []
    for chunk in diff.chunks:
        text = sanitize_for_terminal(chunk.text)
        if chunk.op == "+":
            out.append(style(text, "32;1") if style.on else "{+" + text + "+}")
        elif chunk.op == "-":
            out.append(style(text, "31;9") if style.on else "[-" + text + "-]")
        else:
            out.append(text)
    print(" ".join(out).replace(" \n\n ", "\n\n"))
    return 0


def cmd_mark(args: argparse.Namespace, config: Config, store: Store) -> int:
    read = True if args.read else False if args.unread else None
    starred = True if args.star else False if args.unstar else None
    if read is None and starred is None:
        read = True
    if not store.mark(args.id, read=read, starred=starred):
        raise UsageError(f"no article with id {args.id}")
    return 0
