"""What the settings build: the fetcher and the extractor.

Every default is in reader.config; the fetch limits derive from the [fetch] section in
reader.core.fetch.limits (``feed_limits``, ``page_limits``), where the fetcher's own defaults
come from too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.config import Config
from reader.core.fetch import USER_AGENT, Fetcher

if TYPE_CHECKING:
    from reader.core.extract import Extractor


def make_fetcher(config: Config) -> Fetcher:
    """A fetcher with the user's caps, proxy, trusted certificates and User-Agent."""
    fetch = config.fetch
    return Fetcher(
        concurrency=fetch.concurrency,
        per_host=fetch.per_host,
        user_agent=fetch.user_agent or USER_AGENT,
        proxy=fetch.proxy or None,
        ca_file=str(Path(fetch.ca_file).expanduser()) if fetch.ca_file else None,
    )


def make_extractor(config: Config) -> Extractor:
    """An extraction worker pool with the user's deadline, memory limit and size."""
    from reader.core.extract import Extractor  # a refresh extracts nothing unless asked to

    extract = config.extract
    return Extractor(
        deadline=extract.timeout, memory_mib=extract.memory_mib, workers=extract.workers
    )
