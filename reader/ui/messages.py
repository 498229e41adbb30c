"""Small messages that workers send back to the app; the event loop only renders them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from reader.core.fulltext import FullText
from reader.core.models import Article, Feed, RefreshSummary
from reader.core.watch import WatchSummary


@dataclass
class FeedsLoaded(Message):
    feeds: list[Feed]


@dataclass
class ArticlesLoaded(Message):
    rows: list[Article]
    has_more: bool
    append: bool
    keep: bool = True


@dataclass
class RefreshProgress(Message):
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshProgress)


@dataclass
class RefreshFinished(Message):
    summary: RefreshSummary
    failures: list[str]


@dataclass
class ArticleChanged(Message):
    article: Article
    before: Article  # as it was when marked: tells whether its feed's unread count moved


@dataclass
class FullTextLoaded(Message):
    full: FullText


@dataclass
class WatchFinished(Message):
    summary: WatchSummary
    read_and_changed: list[Article]


@dataclass
class VersionsLoaded(Message):
    article: Article
    versions: list[tuple]
    read_version: int | None
