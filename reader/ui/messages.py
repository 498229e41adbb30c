"""Small messages that workers send back to the app: worker threads never touch the app's state
or widgets themselves, the event loop applies what these carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from reader.config import SavedSearch
from reader.core.fulltext import FullText
from reader.core.links import Link
from reader.core.models import Article, Feed, RefreshSummary, Version
from reader.core.watch import WatchSummary


@dataclass
class Reload(Message):
    """Read the feeds and the story list again (the list keeps its place): the stored data
    changed."""

    feeds: bool = True
    articles: bool = True


@dataclass
class SearchSaved(Message):
    """A [[saved]] table was added to config.toml: the settings and the feeds pane gain it."""

    saved: SavedSearch


@dataclass
class SavedCounted(Message):
    saved: list[tuple[str, int]]  # the saved searches and their unread counts


@dataclass
class ChangedSinceRead(Message):
    """The story just opened had changed since the user last read it."""

    article_id: int


@dataclass
class FeedsLoaded(Message):
    feeds: list[Feed]
    saved: list[tuple[str, int]] = field(default_factory=list)  # saved searches, unread counts


@dataclass
class ArticlesLoaded(Message):
    rows: list[Article]
    has_more: bool
    append: bool
    keep: bool = True
    after: int | None = None  # appended: the story the page follows


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
class FeedRemoved(Message):
    feed_id: int


@dataclass
class FeedMarkedRead(Message):
    article_ids: list[int]  # the stories it marked, for undo


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
    versions: list[Version]
    read_version: int | None


@dataclass
class LinksLoaded(Message):
    article: Article
    links: tuple[Link, ...]
