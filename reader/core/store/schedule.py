"""Which subscriptions a refresh fetches: those due, or all of them, never removed ones.

A feed is due once its next check (stored with every result, see reader.core.ingest) has come;
a feed never checked is due at once. A forced refresh fetches every feed except those whose
server answered 429 or 503 with a Retry-After that has not passed (feeds.retry_until): it
asked to be left alone until then, and asking again sooner only earns another refusal.
"""

from __future__ import annotations

from collections.abc import Collection

from reader.core.models import Feed
from reader.core.store import rows
from reader.core.store.base import StoreBase


class ScheduleMixin(StoreBase):
    def feeds_to_refresh(
        self, now: int, *, force: bool = False, ids: Collection[int] | None = None
    ) -> tuple[list[Feed], int]:
        """The subscriptions (of ``ids``, default all) a refresh at ``now`` fetches, and how
        many of them it leaves for later: not due yet, or, when ``force``d, asked to wait."""
        held = "COALESCE(f.retry_until > :now, 0)"
        waits = held if force else f"COALESCE(f.next_check_at > :now, 0) OR {held}"
        found = self._read(
            f"""SELECT {rows.FEED_COLUMNS}, 0, {waits} FROM feeds f WHERE f.removed_at IS NULL
            ORDER BY f.folder IS NOT NULL, lower(f.folder),
                     lower(COALESCE(f.user_title, NULLIF(f.title, ''), f.url))""",
            {"now": now},
        )
        if ids is not None:
            wanted = set(ids)
            found = [row for row in found if row[0] in wanted]
        due = [rows.feed(row[:-1]) for row in found if not row[-1]]
        return due, len(found) - len(due)

    def feed_ttls(self) -> dict[int, int]:
        """The interval each feed asks for itself (its <ttl> or sy:updatePeriod), in seconds:
        an unchanged feed, whose body is not parsed again, is scheduled by the stored one."""
        return dict(
            self._read(
                "SELECT id, ttl_seconds FROM feeds WHERE ttl_seconds IS NOT NULL"
                " AND removed_at IS NULL"
            )
        )
