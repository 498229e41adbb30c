"""The fetcher: libcurl (via pycurl) with the limits a feed reader needs against hostile servers.

- client.py: the Fetcher (one multi handle on the asyncio loop, caps, redirects one hop at a time)
- transfer.py: the callbacks of one request (size cap on decoded bytes, head parsing, keep-alive)
- network.py: URLs for libcurl, the address policy's judgement, proxies, the trust store
- limits.py: deadlines and size caps from the settings, and the waits a server asks for
- errors.py: FetchError, and libcurl's failures as one line for people
"""

from reader.core.fetch.client import USER_AGENT, Fetcher, Response
from reader.core.fetch.errors import FetchError
from reader.core.fetch.limits import (
    FEED_LIMITS,
    MAX_WAIT,
    PAGE_LIMITS,
    FetchLimits,
    _max_age,
    _retry_after,
    feed_limits,
    page_limits,
)

__all__ = [
    "FEED_LIMITS",
    "MAX_WAIT",
    "PAGE_LIMITS",
    "USER_AGENT",
    "FetchError",
    "FetchLimits",
    "Fetcher",
    "Response",
    "_max_age",
    "_retry_after",
    "feed_limits",
    "page_limits",
]
