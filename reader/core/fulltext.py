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
from reader.core.fetch import FetchError, FetchLimits
from reader.core.models import Article
from reader.core.refresh import make_fetcher
from reader.core.safety import is_safe_url, with_credentials_of, without_credentials
from reader.core.store import Store
from reader.core.text import html_to_markdown, html_to_text


@dataclass(frozen=True, slots=True)
class FullText:
    article_id: int
    source: str  # "extracted" or "feed"
    markdown: str
    text: str
    note: str | None = None


def page_limits(config: Config) -> FetchLimits:
    return FetchLimits(
        timeout=config.fetch.page_timeout,
        max_bytes=int(config.fetch.page_max_mib * 1024 * 1024),
        max_redirects=config.fetch.max_redirects,
    )


def feed_text(article: Article, note: str | None = None) -> FullText:
    """What the feed itself carries: its full content when longer than the summary."""
    body = article.content or ""
    if len(html_to_text(body)) < len(article.summary):
        body = "<p>" + article.summary.replace("\n\n", "</p><p>") + "</p>"
    markdown = html_to_markdown(body) if body else ""
    return FullText(article.id, "feed", markdown, html_to_text(body), note)


def _words(text: str) -> int:
    return len(text.split())


def full_text(store: Store, config: Config, article: Article, extractor: Extractor) -> FullText:
    """The best text for ``article``; fetches and extracts its page once, then uses the cache."""
    cached = store.page_version(article.id)
    if cached is not None:
        text, markdown, _ = cached
        return FullText(article.id, "extracted", markdown, text)
    fallback = feed_text(article)
    if not article.url or not is_safe_url(article.url):
        return feed_text(article, "full text unavailable: the story has no web address")
    feed = store.feed(article.feed_id)
    # The address policy: a story may live on a private host only if its feed does too.
    url = with_credentials_of(feed.url, article.url) if feed else article.url

    async def fetch():
        async with make_fetcher(config) as fetcher:
            return await fetcher.get(
                url,
                limits=page_limits(config),
                trusted=feed.url if feed else None,
                user_agent=feed.user_agent if feed else None,
            )

    try:
        response = asyncio.run(fetch())
        extraction = extractor.extract(response.content, without_credentials(response.url))
    except (FetchError, ExtractionError) as exc:
        return feed_text(article, f"full text unavailable: {exc}")
    if _words(extraction.text) < _words(fallback.text):
        return feed_text(article, "full text unavailable: the page has less text than the feed")
    store.add_page_version(
        article.id,
        title=extraction.title or article.title,
        byline=extraction.author,
        text=extraction.text,
        markdown=extraction.markdown,
        extractor=extraction.extractor,
        etag=response.etag,
        last_modified=response.last_modified,
        now=int(time.time()),
    )
    return FullText(article.id, "extracted", extraction.markdown, extraction.text)


def make_extractor(config: Config) -> Extractor:
    return Extractor(deadline=config.extract.timeout, memory_mib=config.extract.memory_mib)


def extract_new_stories(store: Store, config: Config, seen_since: int) -> int:
    """Extract the stories a refresh brought, where config.toml asks for it; returns how many
    got their full text."""
    settings = config.extract
    if not settings.on_refresh and not settings.feeds:
        return 0
    feed_urls = None if settings.on_refresh else list(settings.feeds)
    stories = store.stories_without_page(seen_since=seen_since, feed_urls=feed_urls)
    if not stories:
        return 0
    extractor = make_extractor(config)
    try:
        results = [full_text(store, config, story, extractor) for story in stories]
    finally:
        extractor.close()
    store.sync_search_index()
    return sum(1 for result in results if result.source == "extracted")
