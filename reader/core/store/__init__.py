"""SQLite storage: one file shared by the TUI and the `watch` daemon.

One class, `Store`, put together from a part per table group over a shared base:

- base.py: connections, transactions, errors, migration (WAL, foreign keys, BEGIN IMMEDIATE)
- schema.py: the schema as numbered steps in `PRAGMA user_version`
- rows.py: the columns each query selects and the records built from them
- feeds.py: subscriptions, and storing a fetched feed in one transaction
- articles.py: story lists (keyset pagination), reading state, the watcher's schedule
- versions.py: the versions of each story, from its feed and its page
- search.py: the full-text index, brought up to date in batches after writes
- filters.py: the hidden flag set by hide filters, saved searches' counts and announcements
- schedule.py: which feeds a refresh fetches (due, forced, held back by a server)
- retention.py: pruning old stories, their tombstones, and reusing the space freed

The store keeps what it is told: whether a story changed is decided by reader.core.changes.
"""

from __future__ import annotations

from reader.core.store.articles import ArticlesMixin, page_key
from reader.core.store.base import StoreError
from reader.core.store.feeds import FeedJudge, FeedsMixin
from reader.core.store.filters import FiltersMixin
from reader.core.store.retention import RetentionMixin
from reader.core.store.schedule import ScheduleMixin
from reader.core.store.search import SearchMixin
from reader.core.store.versions import ArchivedVersion, RawPage, VersionsMixin

__all__ = ["ArchivedVersion", "FeedJudge", "RawPage", "Store", "StoreError", "page_key"]


class Store(
    FeedsMixin,
    ArticlesMixin,
    VersionsMixin,
    SearchMixin,
    ScheduleMixin,
    RetentionMixin,
    FiltersMixin,
):
    """The newsroom database. Safe to share between threads: each thread gets its own
    connection, and SQLite's locking (WAL + busy timeout) serialises writers."""
