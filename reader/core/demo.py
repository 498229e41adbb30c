"""The embedded demo newsroom: a local HTTP server with fictional stories that change over time.

Four desks publish in four feed formats (RSS 2.0, Atom 1.0, JSON Feed 1.1, RSS 2.0). Each story has
a news page wrapped in the usual boilerplate. Within the first five minutes after start, scripted
revisions land: paragraphs added, a headline rewritten, a correction, a word-level edit, a story
withdrawn; one page carries a relative "Updated N minutes ago" line that changes every minute
without being news. Everything is served with ETags and Last-Modified, and answers 304s.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

# -- the stories ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    """A change that becomes visible ``at`` seconds after the newsroom opens."""

    at: float
    note: str
    title: str | None = None
    add: tuple[str, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Story:
    slug: str
    desk: str
    title: str
    author: str
    hours_ago: float
    paragraphs: tuple[str, ...]
    revisions: tuple[Revision, ...] = ()
    removed_at: float | None = None
    relative_stamp: bool = False


@dataclass(frozen=True)
class Desk:
    key: str
    name: str
    folder: str
    path: str
    kind: str  # "rss", "atom" or "json"


DESKS = (
    Desk("world", "World", "News", "/world/rss.xml", "rss"),
    Desk("city", "City", "News", "/city/atom.xml", "atom"),
    Desk("science", "Science", "Features", "/science/feed.json", "json"),
    Desk("business", "Business", "Features", "/business/rss.xml", "rss"),
)

STORIES = (
    Story(
        "dam-talks",
        "world",
        "Neighbours reopen talks over the Velm river dam",
        "Ines Harrow",
        2.5,
        (
            "Negotiators from Carvel and the Ostmark Republic sat down again on Tuesday to discuss"
            " how much water the new Velm river dam may hold back during the dry months.",
            "The talks, hosted in the lakeside town of Brenne, had stalled in spring after"
            " farmers downstream reported the lowest summer flow in forty years.",
            "Carvel's delegation says the reservoir is needed to keep the lights on in the"
            " capital. Ostmark's negotiators want a guaranteed minimum flow written into any"
            " agreement.",
            "Both sides described the first session as constructive but declined to give details.",
        ),
        (
            Revision(
                90,
                "headline rewritten",
                title="Carvel and Ostmark agree to share Velm river water in the dry months",
            ),
            Revision(
                90,
                "paragraph added",
                add=(
                    "Late on Tuesday the two delegations announced a provisional deal: the dam"
                    " will release at least 60 cubic metres a second from June to September.",
                ),
            ),
        ),
    ),
    Story(
        "summit-coast",
        "world",
        "Coastal states open a summit on shipping lanes",
        "Tomas Reyl",
        5,
        (
            "Ministers from eleven coastal states gathered in Saint Auben on Monday for a three-day"
            " summit on how to share increasingly crowded shipping lanes.",
            "Port operators have warned for years that the northern strait is close to its"
            " safe capacity during the autumn storm season.",
            "A draft communique seen by reporters proposes a joint traffic service and shared"
            " pilot boats for the narrowest stretch.",
            "The summit closes on Wednesday with a vote on the communique.",
        ),
        relative_stamp=True,
    ),
    Story(
        "island-election",
        "world",
        "Islanders of Meriva vote in a close-run election",
        "Ines Harrow",
        9,
        (
            "Voters on the island republic of Meriva went to the polls on Sunday in an election"
            " that polls suggest is too close to call.",
            "The governing Harbour Party has campaigned on its record of new ferry links."
            " The opposition promises cheaper housing for young families.",
            "Turnout by midday was 41 per cent, the electoral commission said, higher than at"
            " the last vote.",
            "Results are expected overnight.",
        ),
    ),
    Story(
        "rail-link",
        "world",
        "Cross-border rail link opens after twelve years of work",
        "Tomas Reyl",
        20,
        (
            "The first passenger train crossed the new Lindqvist viaduct on Saturday, opening a"
            " direct rail link between Carvel and the southern provinces.",
            "The journey between the two capitals now takes three hours instead of seven.",
            "Engineers said the viaduct, at 2.4 kilometres, is the longest in the region.",
            "Tickets for the first month sold out within a day.",
        ),
    ),
    Story(
        "ferry-strike",
        "city",
        "Port Aldren ferry crews walk out over rosters",
        "Maud Okafor",
        1.5,
        (
            "Ferry crews in Port Aldren stopped work at dawn on Thursday in a dispute over new"
            " rosters, leaving thousands of commuters to find another way across the harbour.",
            "The crews' union says the new rosters would add two night shifts a month without"
            " extra pay. The harbour authority says the changes are needed to run a later"
            " service on weekends.",
            "Queues for the bridge buses stretched along the quay by eight o'clock.",
            "No talks have been scheduled.",
        ),
        (
            Revision(
                40,
                "paragraph added",
                add=(
                    "Update, 09:40: The harbour authority and the union have agreed to meet at"
                    " noon. One ferry will run every hour until then, the authority said.",
                ),
            ),
        ),
    ),
    Story(
        "warehouse-fire",
        "city",
        "Fire breaks out at a warehouse on Kessel Quay",
        "Jon Varga",
        0.5,
        (
            "A large fire broke out at a warehouse on Kessel Quay early on Thursday. At least"
            " three fire crews are at the scene.",
            "Residents of nearby streets have been asked to keep their windows closed because of"
            " the smoke.",
            "This is a developing story and will be updated.",
        ),
        (
            Revision(
                60,
                "paragraph added",
                add=("The fire service said the warehouse held paper and furniture.",),
            ),
            Revision(
                180,
                "more crews; words changed",
                replace=(("At least three fire crews", "At least five fire crews"),),
                add=("Kessel Quay is closed to traffic between the bridge and the fish market.",),
            ),
            Revision(
                270,
                "fire under control",
                add=(
                    "Shortly before ten o'clock the fire service said the fire was under"
                    " control. No one was hurt.",
                ),
            ),
        ),
    ),
    Story(
        "library-hours",
        "city",
        "City libraries to open on Sunday afternoons",
        "Maud Okafor",
        7,
        (
            "All nine public libraries in Port Aldren will open on Sunday afternoons from next"
            " month, the city council decided on Wednesday.",
            "The change follows a petition signed by more than six thousand residents.",
            "The council will hire twelve extra staff to cover the new hours.",
            "Opening hours on other days stay the same.",
        ),
    ),
    Story(
        "tram-fares",
        "city",
        "Tram fares to rise by ten cents in the new year",
        "Jon Varga",
        26,
        (
            "A single tram ticket in Port Aldren will cost ten cents more from January, the"
            " transport board announced.",
            "Monthly passes stay at their current price, and children under twelve keep"
            " travelling free.",
            "The board said the rise would pay for new tram stops along the eastern shore.",
            "Passenger groups called the rise modest but asked for more frequent night trams.",
        ),
    ),
    Story(
        "comet-return",
        "science",
        "Astronomers spot the return of comet Halvard-Niemi",
        "Priya Castell",
        3,
        (
            "Astronomers at the Kestrel Hill observatory have spotted comet Halvard-Niemi on"
            " its first return in four decades, four weeks earlier than expected.",
            "The comet should be visible with binoculars from mid-December, low in the"
            " south-west after dusk.",
            "Its tail is made of dust and ice released as the comet is warmed by the sun.",
            "The observatory will hold public viewing nights if the skies stay clear.",
        ),
        (
            Revision(
                210,
                "figure corrected",
                replace=(("four weeks earlier", "six weeks earlier"),),
            ),
        ),
    ),
    Story(
        "seagrass",
        "science",
        "Seagrass meadows return to the Aldren estuary",
        "Lena Moss",
        11,
        (
            "Seagrass is growing again in the Aldren estuary for the first time in thirty years,"
            " marine biologists at the city university report.",
            "Divers mapped almost four hectares of new meadow this summer.",
            "The recovery follows a decade of work to cut the run-off of fertiliser upstream.",
            "Seagrass shelters young fish and stores carbon in the seabed.",
        ),
    ),
    Story(
        "bee-study",
        "science",
        "Urban rooftops help wild bees, study finds",
        "Priya Castell",
        16,
        (
            "Green roofs in Port Aldren are home to twenty-three species of wild bee, according"
            " to a three-year study published on Friday.",
            "The researchers counted bees on forty roofs planted with native wildflowers.",
            "Roofs with the widest mix of plants drew the most species.",
            "The authors recommend planting for flowers that bloom in late summer.",
        ),
    ),
    Story(
        "deep-sea-vent",
        "science",
        "Research ship maps a new deep-sea vent field",
        "Lena Moss",
        29,
        (
            "The research ship Aurelie has mapped a field of hydrothermal vents 2,900 metres"
            " below the surface of the Western Basin.",
            "The vents release water at more than 300 degrees Celsius.",
            "Scientists on board collected samples of microbes living around the vents.",
            "The ship returns to Port Aldren next week.",
        ),
    ),
    Story(
        "bakery-chain",
        "business",
        "Bakery chain Crumb & Co plans twenty new shops",
        "Otto Brandt",
        4,
        (
            "Crumb & Co, the bakery chain founded in Port Aldren, plans to open twenty new shops"
            " across the region next year, its chief executive said on Tuesday.",
            "The company reported sales of 48 million crowns last year, up a fifth.",
            "Most of the new shops will be at railway stations.",
            "The chain employs 640 people.",
        ),
        (
            Revision(
                150,
                "correction appended",
                replace=(("48 million crowns", "84 million crowns"),),
                add=(
                    "Correction: An earlier version of this article misstated the company's"
                    " sales last year. They were 84 million crowns, not 48 million.",
                ),
            ),
        ),
    ),
    Story(
        "merger-rumour",
        "business",
        "Shipping firms Halden and Marrow said to be in merger talks",
        "Sara Lind",
        6,
        (
            "Two of the region's largest shipping companies, Halden Lines and Marrow Freight,"
            " are in early merger talks, according to people familiar with the matter.",
            "Neither company would comment.",
            "A merger would create the largest container operator in the Western Basin.",
        ),
        removed_at=240,
    ),
    Story(
        "harbour-jobs",
        "business",
        "Harbour expansion to create 1,200 jobs",
        "Otto Brandt",
        13,
        (
            "The expansion of Port Aldren's container harbour will create about 1,200 jobs over"
            " five years, the harbour authority estimates.",
            "Construction of the new quay begins in March.",
            "Local colleges will offer training courses for crane operators.",
            "The project is funded by the harbour authority and a regional development bank.",
        ),
    ),
    Story(
        "coffee-prices",
        "business",
        "Cafe owners feel the squeeze of coffee prices",
        "Sara Lind",
        22,
        (
            "Cafe owners in Port Aldren say the rising price of coffee beans is squeezing their"
            " margins.",
            "Wholesale prices have risen by a third since the spring.",
            "Several cafes have raised the price of a cup by twenty cents.",
            "Roasters expect prices to ease next year.",
        ),
    ),
)

# -- the newsroom's state over time ---------------------------------------------------------


@dataclass(frozen=True)
class StoryState:
    """What a story looks like at one moment."""

    story: Story
    title: str
    paragraphs: tuple[str, ...]
    changed_at: float  # seconds after the newsroom opened; 0 for the original


class DemoNewsroom:
    """The stories and the newsroom's clock (which tests may move forward with advance())."""

    def __init__(self, start: float | None = None, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.start = clock() if start is None else start
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._clock() + self._offset

    def elapsed(self) -> float:
        return self.now() - self.start

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    @staticmethod
    def timeline() -> list[tuple[float, str, str]]:
        """Every scripted change: (seconds after start, story slug, what happens)."""
        events = [(r.at, s.slug, r.note) for s in STORIES for r in s.revisions]
        events += [(s.removed_at, s.slug, "withdrawn") for s in STORIES if s.removed_at]
        return sorted(events)

    def state(self, story: Story, elapsed: float) -> StoryState | None:
        """The story as published at ``elapsed``; None once it has been withdrawn."""
        if story.removed_at is not None and elapsed >= story.removed_at:
            return None
        title, paragraphs, changed = story.title, list(story.paragraphs), 0.0
        for revision in story.revisions:
            if revision.at > elapsed:
                break
            title = revision.title or title
            for old, new in revision.replace:
                paragraphs = [p.replace(old, new) for p in paragraphs]
            paragraphs.extend(revision.add)
            changed = revision.at
        return StoryState(story, title, tuple(paragraphs), changed)

    def stories(self, desk: str | None = None) -> list[StoryState]:
        elapsed = self.elapsed()
        states = (self.state(s, elapsed) for s in STORIES if desk in (None, s.desk))
        return sorted((s for s in states if s), key=lambda s: s.story.hours_ago)

    def published(self, story: Story) -> float:
        return self.start - story.hours_ago * 3600


# -- rendering ------------------------------------------------------------------------------

SITE = "The Aldren Courier"


def _http_date(ts: float) -> str:
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
            f"<pubDate>{_http_date(newsroom.published(s.story))}</pubDate>"
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


# -- serving --------------------------------------------------------------------------------


@dataclass
class Resource:
    body: bytes
    content_type: str
    last_modified: float


@dataclass
class _Counters:
    requests: int = 0
    not_modified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def resolve(newsroom: DemoNewsroom, path: str, base: str) -> Resource | None:
    """The resource at ``path`` right now, or None for a 404."""
    renderers = {"rss": render_rss, "atom": render_atom, "json": render_json_feed}
    types = {
        "rss": "application/rss+xml; charset=utf-8",
        "atom": "application/atom+xml; charset=utf-8",
        "json": "application/feed+json; charset=utf-8",
    }
    html = "text/html; charset=utf-8"
    for desk in DESKS:
        if path == desk.path:
            states = newsroom.stories(desk.key)
            withdrawn = [
                s.removed_at
                for s in STORIES
                if s.desk == desk.key and s.removed_at and s.removed_at <= newsroom.elapsed()
            ]
            changed = max([s.changed_at for s in states] + withdrawn, default=0)
            body = renderers[desk.kind](newsroom, desk, base)
            return Resource(body.encode(), types[desk.kind], newsroom.start + changed)
    if path in ("/", "/index.html"):
        return Resource(render_home(newsroom, base).encode(), html, newsroom.start)
    if path == "/demo.opml":
        return Resource(render_opml(base).encode(), "text/x-opml; charset=utf-8", newsroom.start)
    if path.startswith("/stories/") and path.endswith(".html"):
        slug = path.removeprefix("/stories/").removesuffix(".html")
        for story in STORIES:
            if story.slug == slug:
                state = newsroom.state(story, newsroom.elapsed())
                if state is None:
                    return None
                changed = newsroom.start + state.changed_at
                if story.relative_stamp:
                    changed = newsroom.start + newsroom.elapsed() // 60 * 60
                return Resource(render_story(newsroom, state, base).encode(), html, changed)
    return None


class DemoServer:
    """Serves a DemoNewsroom on 127.0.0.1 in a background thread."""

    def __init__(
        self, newsroom: DemoNewsroom | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.newsroom = newsroom or DemoNewsroom()
        self._counters = _Counters()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        self._thread: threading.Thread | None = None

    @property
    def requests(self) -> int:
        return self._counters.requests

    @property
    def not_modified(self) -> int:
        return self._counters.not_modified

    def url(self, path: str) -> str:
        return self.base_url + path

    def feeds(self) -> list[tuple[str, str, str]]:
        """(url, title, folder) of every desk's feed."""
        return [(self.url(d.path), f"{d.name} · {SITE}", d.folder) for d in DESKS]

    def start(self) -> str:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._answer(self)

            def do_HEAD(self) -> None:
                server._answer(self, head=True)

        return Handler

    def _answer(self, request: BaseHTTPRequestHandler, head: bool = False) -> None:
        with self._counters.lock:
            self._counters.requests += 1
        found = resolve(self.newsroom, request.path.split("?", 1)[0], self.base_url)
        if found is None:
            self._send(request, 404, b"not found\n", {"Content-Type": "text/plain"}, head)
            return
        etag = '"' + hashlib.sha256(found.body).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": found.content_type,
            "ETag": etag,
            "Last-Modified": _http_date(found.last_modified),
            "Cache-Control": "max-age=30",
        }
        if _fresh(request, etag, found.last_modified):
            with self._counters.lock:
                self._counters.not_modified += 1
            self._send(request, 304, b"", headers, head=True)
            return
        self._send(request, 200, found.body, headers, head)

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: dict[str, str],
        head: bool,
    ) -> None:
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)) if status != 304 else "0")
        request.end_headers()
        if not head:
            request.wfile.write(body)


def _fresh(request: BaseHTTPRequestHandler, etag: str, last_modified: float) -> bool:
    """Whether the client's validators still match (If-None-Match wins over If-Modified-Since)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*"
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def serve(port: int = 8765, host: str = "127.0.0.1") -> None:
    """Serve the demo newsroom in the foreground until interrupted."""
    server = DemoServer(host=host, port=port)
    print(f"Demo newsroom at {server.base_url}/", flush=True)
    print(f"Subscriptions: {server.url('/demo.opml')}", flush=True)
    print("Stories change during the first five minutes. Press Ctrl-C to stop.", flush=True)
    server.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
