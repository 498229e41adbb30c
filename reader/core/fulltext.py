"""A story's full text: the cached extraction, else fetch the page and extract it.

Never less than the feed gave: when the page cannot be fetched or extracted, or yields less text
than the feed's own content, the feed's text is used and the reason is given in ``note``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from reader.config import Config
from reader.core.extract import ExtractionError, Extractor
from reader.core.factories import make_extractor as make_extractor  # where the UI finds it
from reader.core.fetch import Fetcher, FetchError, page_limits
from reader.core.models import Article
from reader.core.safety import is_safe_url, with_credentials_of, without_credentials
from reader.core.store import Store
from reader.core.text import html_to_markdown, html_to_text
from reader.core.watch import keep_page_version


@dataclass(frozen=True, slots=True)
class FullText:
    article_id: int
    source: str  # "extracted" or "feed"
    markdown: str
    text: str
    note: str | None = None


def feed_text(article: Article, note: str | None = None) -> FullText:
    """What the feed itself carries: its full content when longer than the summary."""
    body = article.content or ""
    if len(html_to_text(body)) < len(article.summary):
        body = "<p>" + article.summary.replace("\n\n", "</p><p>") + "</p>"
    markdown = html_to_markdown(body) if body else ""
    return FullText(article.id, "feed", markdown, html_to_text(body), note)


def _words(text: str) -> int:
    return len(text.split())


def cached_text(store: Store, article: Article) -> FullText | None:
    """The text extracted from the story's page before, if any. A page its site has removed
    is not fetched again: its last text is shown, else the feed's, with a note saying so."""
    cached = store.page_version(article.id)
    gone = article.change_kind == "removed"
    if cached is None:
        return feed_text(article, "the page is gone (removed by its site)") if gone else None
    note = "the page is gone (removed by its site): this is the last text it had" if gone else None
    return FullText(article.id, "extracted", cached.markdown, cached.text, note)


async def fetch_text(
    store: Store, config: Config, article: Article, fetcher: Fetcher, extractor: Extractor
) -> FullText:
    """Fetch and extract ``article``'s page and keep the result as its first page version;
    the feed's text, with the reason, when the page gives less."""
    fallback = feed_text(article)
    if not article.url or not is_safe_url(article.url):
        return feed_text(article, "full text unavailable: the story has no web address")
    feed = await asyncio.to_thread(store.feed, article.feed_id)
    # The address policy: a story may live on a private host only if its feed does too.
    url = with_credentials_of(feed.url, article.url) if feed else article.url
    try:
        response = await fetcher.get(
            url,
            limits=page_limits(config.fetch),
            trusted=feed.url if feed else None,
            user_agent=feed.user_agent if feed else None,
        )
        extraction = await asyncio.to_thread(
            extractor.extract, response.content, without_credentials(response.url)
        )
    except (FetchError, ExtractionError) as exc:
        return feed_text(article, f"full text unavailable: {exc}")
    if _words(extraction.text) < _words(fallback.text):
        return feed_text(article, "full text unavailable: the page has less text than the feed")
    await asyncio.to_thread(
        keep_page_version,
        store,
        config,
        article.id,
        extraction.title or article.title,
        extraction,
        response,
        int(time.time()),
    )
    return FullText(article.id, "extracted", extraction.markdown, extraction.text)


def full_text(store: Store, config: Config, article: Article, extractor: Extractor) -> FullText:
    """The best text for ``article`` from synchronous code, on a newsroom of its own; see
    Newsroom.full_text."""
    from reader.core.newsroom import Newsroom  # the newsroom runs this module's fetches

    with Newsroom(store, config, extractor=extractor) as newsroom:
        return newsroom.full_text(article)


def stories_to_extract(store: Store, config: Config, *, seen_since: int) -> list[Article]:
    """The stories a refresh brought that should be extracted at once: a feed's own choice
    (`newsroom edit --extract`), else config.toml's (``[extract] on_refresh``, or the feeds
    listed in ``[extract] feeds``)."""
    settings = config.extract
    return store.stories_without_page(
        seen_since=seen_since, everywhere=settings.on_refresh, feed_urls=list(settings.feeds)
    )
