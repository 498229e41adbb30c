"""Retention: how long stories are kept ([store] keep_days, keep_per_feed), and pruning.

`newsroom prune` prunes when asked; a refresh prunes by itself once a day when either limit
is set. Starred stories and stories with recorded changes are always kept (see
Store.prune); pruned ones do not come back while their feed still lists them.
"""

from __future__ import annotations

from reader.config import Config
from reader.core.models import PruneSummary
from reader.core.store import Store

DAY = 86400
LAST_PRUNED = "pruned_at"  # in store_facts: when the store was last pruned


def keeps_everything(config: Config) -> bool:
    """Whether [store] sets no limit, so that there is never anything to prune."""
    return not (config.store.keep_days or config.store.keep_per_feed)


def prune(store: Store, config: Config, now: int) -> PruneSummary:
    """Delete the stories past [store]'s limits (nothing when it sets none)."""
    if keeps_everything(config):
        return PruneSummary()
    store.prepare_pruning()
    keep_days = config.store.keep_days
    summary = store.prune(
        older_than=now - keep_days * DAY if keep_days else None,
        keep_per_feed=config.store.keep_per_feed,
        now=now,
    )
    store.set_fact(LAST_PRUNED, str(now))
    return summary


def prune_if_due(store: Store, config: Config, now: int) -> PruneSummary | None:
    """Prune when [store] sets a limit and the last prune was a day ago or more (the refresh's
    own pruning); None when it was not due."""
    if keeps_everything(config):
        return None
    last = store.fact(LAST_PRUNED)
    if last is not None and last.isdigit() and now - int(last) < DAY:
        return None
    return prune(store, config, now)
