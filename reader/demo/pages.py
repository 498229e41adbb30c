"""The demo newsroom as documents: RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds, story pages wrapped
in the usual boilerplate (cookie banner, navigation, newsletter box), a front page that announces
the feeds, and an OPML file of them."""

from __future__ import annotations

import json
import time
from email.utils import formatdate
from html import escape

from reader.demo.stories import DESKS, SITE, STORIES, Desk
from reader.demo.timeline import DemoNewsroom, StoryState


def http_date(ts: float) -> str:
    return formatdate(ts, usegmt=True)


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def render_rss(newsroom: DemoNewsroom, desk: Desk, base: str) -> str:
    items = []
    for s in newsroom.stories(desk.key):
        link = f"{base}/stories/{s.story.slug}.html"
        items.append(
            f"<item><title>{escape(s.title)}</title><link>{link}</link>"
            f'<guid isPermaLink="false">courier-{s.story.slug}</guid>'
            f"<author>newsroom@courier.invalid ({escape(s.story.author)})</author>"
            f"<pubDate>{http_date(newsroom.published(s.story))}</pubDate>"
            f"<description>{escape(s.paragraphs[0])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{desk.name} · {SITE}</title><link>{base}/</link>"
        f"<description>{desk.name} news from {SITE}</description><ttl>5</ttl>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def render_atom(newsroom: DemoNewsroom, desk: Desk, base: str) -> str:
    states = newsroom.stories(desk.key)
    updated = max((newsroom.start + s.changed_at for s in states), default=newsroom.start)
    entries = []
    for s in states:
        link = f"{base}/stories/{s.story.slug}.html"
        published = newsroom.published(s.story)
        entries.append(
            f'<entry><title>{escape(s.title)}</title><link href="{link}"/>'
            f"<id>tag:courier.invalid,2026:{s.story.slug}</id>"
            f"<author><name>{escape(s.story.author)}</name></author>"
            f"<published>{_iso(published)}</published>"
            f"<updated>{_iso(newsroom.start + s.changed_at if s.changed_at else published)}"
            "</updated>"
            f"<summary>{escape(s.paragraphs[0])}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{desk.name} · {SITE}</title><link href="{base}/"/>'
        f"<id>tag:courier.invalid,2026:{desk.key}</id><updated>{_iso(updated)}</updated>"
        + "".join(entries)
        + "</feed>\n"
    )


def render_json_feed(newsroom: DemoNewsroom, desk: Desk, base: str) -> str:
    items = [
        {
            "id": f"courier-{s.story.slug}",
            "url": f"{base}/stories/{s.story.slug}.html",
            "title": s.title,
            "summary": s.paragraphs[0],
            "content_text": s.paragraphs[0],
            "date_published": _iso(newsroom.published(s.story)),
            "authors": [{"name": s.story.author}],
        }
        for s in newsroom.stories(desk.key)
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{desk.name} · {SITE}",
        "home_page_url": f"{base}/",
        "feed_url": f"{base}{desk.path}",
        "items": items,
    }
    return json.dumps(feed, indent=2) + "\n"


def _page(title: str, base: str, main: str, head: str = "") -> str:
    nav = "".join(f'<li><a href="{base}/#{d.key}">{d.name}</a></li>' for d in DESKS)
    trending = "".join(
        f'<li><a href="{base}/stories/{s.slug}.html">{escape(s.title)}</a></li>'
        for s in STORIES[:: len(STORIES) // 4][:4]
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | {SITE}</title>{head}</head>
<body>
<div class="cookie-banner">We use cookies to remember your preferences.
<button>Accept all</button> <button>Settings</button></div>
<header class="masthead"><a href="{base}/" class="logo">{SITE}</a>
<nav><ul>{nav}<li><a href="{base}/subscribe">Subscribe</a></li></ul></nav></header>
<aside class="trending"><h2>Trending</h2><ol>{trending}</ol></aside>
{main}
<aside class="newsletter"><h2>The morning briefing</h2>
<p>Get the day's top stories in your inbox every morning.</p>
<form><input type="email" placeholder="Your email"><button>Sign up</button></form></aside>
<footer><p>&copy; 2026 {SITE}. All rights reserved.</p>
<ul><li><a href="{base}/about">About us</a></li><li><a href="{base}/privacy">Privacy</a></li>
<li><a href="{base}/contact">Contact</a></li></ul></footer>
</body></html>
"""


def render_story(newsroom: DemoNewsroom, state: StoryState, base: str) -> str:
    story = state.story
    published = newsroom.published(story)
    stamp = ""
    if story.relative_stamp:
        minutes = int(newsroom.elapsed() // 60) + 7
        stamp = f'<p class="updated">Updated {minutes} minutes ago</p>'
    body = "\n".join(f"<p>{escape(p)}</p>" for p in state.paragraphs)
    related = "".join(
        f'<li><a href="{base}/stories/{s.slug}.html">{escape(s.title)}</a></li>'
        for s in STORIES
        if s.desk == story.desk and s.slug != story.slug
    )
    main = f"""<main>
<article>
<h1>{escape(state.title)}</h1>
<p class="byline">By {escape(story.author)}</p>
<time datetime="{_iso(published)}">{time.strftime("%d %B %Y, %H:%M", time.gmtime(published))}</time>
{stamp}
{body}
</article>
<div class="share">Share this story: <a href="#">Post</a> <a href="#">Email</a>
<a href="#">Copy link</a></div>
<section class="related"><h2>More from this desk</h2><ul>{related}</ul></section>
<section class="comments"><h2>Comments</h2><p>Comments are closed for this story.</p></section>
</main>"""
    return _page(state.title, base, main)


def render_home(newsroom: DemoNewsroom, base: str) -> str:
    kinds = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
    head = "".join(
        f'<link rel="alternate" type="{kinds.get(d.kind, "application/feed+json")}"'
        f' title="{d.name} · {SITE}" href="{base}{d.path}">'
        for d in DESKS
    )
    sections = []
    for desk in DESKS:
        links = "".join(
            f'<li><a href="{base}/stories/{s.story.slug}.html">{escape(s.title)}</a></li>'
            for s in newsroom.stories(desk.key)
        )
        sections.append(f'<section id="{desk.key}"><h2>{desk.name}</h2><ul>{links}</ul></section>')
    return _page("Front page", base, "<main>" + "".join(sections) + "</main>", head)


def render_opml(base: str) -> str:
    folders = []
    for folder in dict.fromkeys(d.folder for d in DESKS):
        outlines = "".join(
            f'\n      <outline type="rss" text="{d.name} · {SITE}" title="{d.name} · {SITE}"'
            f' xmlUrl="{base}{d.path}" htmlUrl="{base}/"/>'
            for d in DESKS
            if d.folder == folder
        )
        folders.append(f'\n    <outline text="{folder}">{outlines}\n    </outline>')
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">\n  <head>'
        f"<title>{SITE} demo subscriptions</title></head>\n  <body>"
        + "".join(folders)
        + "\n  </body>\n</opml>\n"
    )
