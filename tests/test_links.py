"""Links kept as numbered references: the pure rules, the feed's files, `newsroom show` and
`articles --json`, and `l` in the TUI opening the link picked (a real command records it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reader.config import load_config
from reader.core import feeds
from reader.core.changes import feed_change
from reader.core.feeds import parse_feed
from reader.core.links import Link, number_links, plain, story_markdown
from reader.core.models import Enclosure, ParsedEntry, ParsedFeed
from reader.core.store import Store
from reader.core.text import html_to_markdown, html_to_text
from reader.ui.app import make_app
from reader.ui.screens.links import LinksScreen
from tests.server import LoopbackServer, Route
from tests.test_cli import newsroom, ok_json
from tests.test_launch import RECORDER, recorded
from tests.tui_data import FROZEN, frozen_clock, settle

STORY = "http://news.example/world/story.html"


def test_links_are_numbered_in_order_and_listed() -> None:
    linked = number_links("See [the report](https://a.example/r) and [the map](/map).", STORY)
    assert linked.markdown == "See the report \\[1\\] and the map \\[2\\]."
    assert plain(linked.markdown) == "See the report [1] and the map [2]."
    assert linked.links == (
        Link(1, "the report", "https://a.example/r"),
        Link(2, "the map", "http://news.example/map"),
    )


def test_the_same_address_keeps_its_number() -> None:
    linked = number_links("[one](https://a.example/) [two](/x) [again](https://a.example/)", None)
    assert plain(linked.markdown) == "one [1] two again [1]"  # no base: /x is no web address
    assert [link.n for link in linked.links] == [1]


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "<javascript:alert(1)>",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "mailto:desk@news.example",
        "ftp://files.example/x",
        "file:///etc/passwd",
    ],
)
def test_only_web_links_get_a_number(target: str) -> None:
    linked = number_links(f"Click [here]({target}) now.", STORY)
    assert linked.links == ()
    assert plain(linked.markdown) == "Click here now."


def test_relative_links_are_resolved_against_the_story() -> None:
    linked = number_links("[a](../sport/) [b](?page=2) [c](//cdn.example/x) [d](#top)", STORY)
    assert [link.url for link in linked.links] == [
        "http://news.example/sport/",
        "http://news.example/world/story.html?page=2",
        "http://cdn.example/x",
        "http://news.example/world/story.html#top",
    ]


def test_images_become_placeholders_with_their_address_listed() -> None:
    markdown = "Before ![A cat \\[asleep\\]](/cat.jpg) after ![](data:image/png;base64,AAAA)."
    linked = number_links(markdown, STORY)
    assert plain(linked.markdown) == "Before [image: A cat [asleep]] [1] after [image]."
    assert linked.links == (Link(1, "image: A cat [asleep]", "http://news.example/cat.jpg"),)


def test_an_image_inside_a_link_gets_both_numbers() -> None:
    linked = number_links("[![Logo](/logo.png)](https://home.example/)", STORY)
    assert plain(linked.markdown) == "[image: Logo] [1] [2]"
    assert [(link.text, link.url) for link in linked.links] == [
        ("image: Logo", "http://news.example/logo.png"),
        ("[image: Logo]", "https://home.example/"),
    ]


def test_targets_with_parentheses_and_titles() -> None:
    linked = number_links('[w](<https://w.example/a_(b)>) [t](https://t.example/ "Title")', None)
    assert [link.url for link in linked.links] == ["https://w.example/a_(b)", "https://t.example/"]


def test_link_text_cannot_inject_markdown_into_the_list() -> None:
    shown = story_markdown("[**bold** \\[x\\]](https://a.example/*y*)", None, ())
    # The list's text and address are escaped: rendering shows them as they are.
    assert "\\[1\\] bold \\[x\\]  https://a.example/\\*y\\*" in shown


def test_files_are_listed_after_the_links() -> None:
    files = (Enclosure("https://cdn.example/ep1.mp3", "audio/mpeg", 48_213_504),)
    shown = story_markdown("Text with [a link](https://a.example/).", None, files)
    assert shown.index("**Links**") < shown.index("**Files**")
    assert "https://cdn.example/ep1.mp3  (audio/mpeg, 48.2 MB)" in plain(shown)
    assert story_markdown("", None, files).startswith("**Files**")


def test_hostile_markdown_stays_linear() -> None:
    """Brackets without an end and links without a target are read in one pass."""
    text = "[" * 20_000 + "](" * 20_000 + "x"
    assert number_links(text, STORY).links == ()


def test_feed_html_keeps_relative_links_and_images_but_not_scripts() -> None:
    html = (
        '<p>Read <a href="/full">the rest</a>, not <a href="javascript:steal()">this</a>. '
        '<img src="/pic.png" alt="Crowd"/> <img src="data:image/gif;base64,R0lG" alt="pixel"></p>'
    )
    linked = number_links(html_to_markdown(html), STORY)
    assert plain(linked.markdown) == "Read the rest [1], not this. [image: Crowd] [2]"
    assert [link.url for link in linked.links] == [
        "http://news.example/full",
        "http://news.example/pic.png",
    ]
    assert html_to_text(html) == "Read the rest, not this."  # what diffs compare is unchanged


PODCAST = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Podcast</title><link>http://p.example/</link>
<description>d</description>
<item><title>Episode 1</title><link>http://p.example/1</link><guid>ep1</guid>
<description>The first one</description>
<enclosure url="/audio/ep1.mp3" length="48213504" type="audio/mpeg"/>
<enclosure url="javascript:alert(1)" length="1" type="audio/mpeg"/></item>
<item><title>Episode 2</title><link>http://p.example/2</link><guid>ep2</guid>
<description>No file</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Papers</title><id>urn:papers</id>
<updated>2026-11-01T00:00:00Z</updated>
<entry><title>Report</title><id>urn:r1</id><updated>2026-11-01T00:00:00Z</updated>
<link href="http://p.example/r1"/>
<link rel="enclosure" type="application/pdf" length="2048" href="http://p.example/r1.pdf"/>
<summary>A report</summary></entry></feed>"""


@pytest.mark.parametrize("document", [PODCAST, ATOM], ids=["rss", "atom"])
def test_both_feed_parsers_read_the_same_files(
    document: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = parse_feed(document, url="http://p.example/feed")
    monkeypatch.setattr(feeds, "quick_parse", lambda data, content_type: None)
    slow = parse_feed(document, url="http://p.example/feed")
    assert fast == slow
    expected = {
        PODCAST: (Enclosure("http://p.example/audio/ep1.mp3", "audio/mpeg", 48213504),),
        ATOM: (Enclosure("http://p.example/r1.pdf", "application/pdf", 2048),),
    }[document]
    assert fast.entries[0].enclosures == expected


def test_json_feed_attachments_are_files() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {
                "id": "1",
                "url": "http://j.example/1",
                "content_text": "x",
                "attachments": [
                    {"url": "/a.m4a", "mime_type": "audio/mp4", "size_in_bytes": 10},
                    {"url": "mailto:x@y", "mime_type": "text/plain"},
                    "nonsense",
                ],
            }
        ],
    }
    parsed = parse_feed(json.dumps(doc).encode(), url="http://j.example/feed.json")
    assert parsed.entries[0].enclosures == (Enclosure("http://j.example/a.m4a", "audio/mp4", 10),)


def test_files_are_stored_when_a_feed_is_applied(home: Path) -> None:
    store = Store(load_config(home).db_path)
    feed, _ = store.add_feed("http://p.example/feed")
    parsed = parse_feed(PODCAST, url="http://p.example/feed")
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 60)
    by_title = {a.title: a for a in store.articles()}
    assert by_title["Episode 1"].enclosures == parsed.entries[0].enclosures
    assert by_title["Episode 2"].enclosures == ()
    # A story stored before its feed listed a file gets it on the next refresh.
    later = PODCAST.replace(
        b"<description>No file</description>",
        b"<description>No file</description><enclosure url='/2.mp3' type='audio/mpeg'/>",
    )
    store.apply_feed(
        feed.id,
        parse_feed(later, url="http://p.example/feed"),
        judge=feed_change,
        now=FROZEN + 60,
        next_check_at=FROZEN + 120,
    )
    episode2 = next(a for a in store.articles() if a.title == "Episode 2")
    assert episode2.enclosures == (Enclosure("http://p.example/2.mp3", "audio/mpeg", None),)


# -- the command line ------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Harbour vote</title></head><body><article>
<h1>Harbour vote</h1>
<p>The council voted on Tuesday to rebuild the harbour wall, after a long debate that ran late
into the evening and drew a crowd of fishermen, shop owners and families from the old town.</p>
<p>The full <a href="/docs/plan.pdf">plan</a> was published by the
<a href="https://council.example/minutes">council secretary</a>, and a
<a href="javascript:alert(1)">form</a> asked for comments until the end of the month.</p>
<p>Work starts in spring and should end before the autumn storms, the harbour master said,
adding that boats will moor at the north quay while the wall is rebuilt stone by stone.</p>
</article></body></html>"""

FEED_HTML = (
    '<p>Photos from the quay: <img src="/img/quay.jpg" alt="The north quay"> and '
    '<a href="data:text/html,hi">a trick</a> and <a href="/gallery">the gallery</a>.</p>'
)


def _desk(server: LoopbackServer) -> None:
    feed = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Desk</title><link>{server.url("/")}</link><description>d</description>
<item><title>Harbour vote</title><link>{server.url("/news/vote.html")}</link><guid>vote</guid>
<description>The council voted.</description>
<enclosure url="/audio/vote.mp3" length="1500000" type="audio/mpeg"/></item>
<item><title>Quay photos</title><link>{server.url("/news/gone.html")}</link><guid>quay</guid>
<description>Photos</description>
<content:encoded><![CDATA[{FEED_HTML}]]></content:encoded></item>
</channel></rss>"""
    server.routes["/feed.xml"] = Route(feed.encode())
    server.routes["/news/vote.html"] = Route(PAGE.encode(), content_type="text/html")
    server.routes["/news/gone.html"] = Route(b"gone", status=404, content_type="text/plain")


def _ids(home: Path) -> dict[str, int]:
    return {a["title"]: a["id"] for a in ok_json(home, "articles")}  # type: ignore[union-attr]


def test_show_numbers_the_links_of_the_page(home: Path, server: LoopbackServer) -> None:
    _desk(server)
    assert newsroom(home, "add", server.url("/feed.xml")).returncode == 0
    vote = _ids(home)["Harbour vote"]
    shown = ok_json(home, "show", str(vote))
    assert isinstance(shown, dict) and shown["source"] == "extracted"
    assert (
        "The full plan [1] was published by the council secretary [2], and a form asked"
        in (shown["text"])
    )
    assert shown["links"] == [
        {"n": 1, "text": "plan", "url": server.url("/docs/plan.pdf")},
        {"n": 2, "text": "council secretary", "url": "https://council.example/minutes"},
    ]
    assert shown["enclosures"] == [
        {"url": server.url("/audio/vote.mp3"), "type": "audio/mpeg", "length": 1500000}
    ]
    text = newsroom(home, "show", str(vote)).stdout.decode()
    assert "The full plan [1] was published" in text
    links = text[text.index("\nLinks\n") :]
    assert f"[1] plan  {server.url('/docs/plan.pdf')}" in links
    assert "[2] council secretary  https://council.example/minutes" in links
    assert f"{server.url('/audio/vote.mp3')}  (audio/mpeg, 1.5 MB)" in text
    assert "javascript" not in text


def test_show_numbers_the_links_and_images_of_the_feed(home: Path, server: LoopbackServer) -> None:
    _desk(server)
    assert newsroom(home, "add", server.url("/feed.xml")).returncode == 0
    shown = ok_json(home, "show", str(_ids(home)["Quay photos"]))
    assert isinstance(shown, dict) and shown["source"] == "feed"
    assert shown["text"] == (
        "Photos from the quay: [image: The north quay] [1] and a trick and the gallery [2]."
    )
    assert [link["url"] for link in shown["links"]] == [
        server.url("/img/quay.jpg"),
        server.url("/gallery"),
    ]
    assert shown["enclosures"] == []


def test_show_markdown_and_articles_json(home: Path, server: LoopbackServer) -> None:
    _desk(server)
    assert newsroom(home, "add", server.url("/feed.xml")).returncode == 0
    articles = ok_json(home, "articles")
    assert isinstance(articles, list)
    files = {a["title"]: a["enclosures"] for a in articles}
    assert files == {
        "Harbour vote": [
            {"url": server.url("/audio/vote.mp3"), "type": "audio/mpeg", "length": 1500000}
        ],
        "Quay photos": [],
    }
    vote = str(_ids(home)["Harbour vote"])
    markdown = newsroom(home, "show", vote, "--markdown").stdout.decode()
    assert markdown.startswith("# Harbour vote\n")
    assert f"<{server.url('/news/vote.html')}>" in markdown
    assert "The full plan \\[1\\] was published" in markdown
    assert "**Links**" in markdown and "**Files**" in markdown
    both = newsroom(home, "show", vote, "--markdown", "--json")
    assert both.returncode == 2 and b"not both" in both.stderr


# -- the TUI ---------------------------------------------------------------------------------

LINKED = " ".join(
    f'<a href="{"javascript:x()" if n == 3 else f"/l/{n}"}">link {n}</a>' for n in range(1, 14)
)


def _tui_home(home: Path, tmp_path: Path) -> tuple[Store, Path]:
    script = tmp_path / "record.py"
    script.write_text(RECORDER)
    out = tmp_path / "argv.json"
    browser = json.dumps([sys.executable, str(script), str(out), "{url}"])
    (home / "config.toml").write_text(f"[tui]\nrefresh_on_start = false\nbrowser = {browser}\n")
    store = Store(load_config(home).db_path)
    feed, _ = store.add_feed("http://127.0.0.1:9/feed")
    entry = ParsedEntry(
        guid="g",
        url="http://127.0.0.1:9/story",
        title="Linked story",
        author=None,
        published=FROZEN - 60,
        updated=None,
        summary="Links",
        content=f"<p>{LINKED}</p>",
    )
    parsed = ParsedFeed(title="Feed", site_url=None, ttl_minutes=None, entries=(entry,))
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 60)
    return store, out


@pytest.mark.parametrize(
    ("keys", "path"),
    [
        (["1", "2"], "/l/13"),  # the 12th numbered link: "link 3" has none, "link 13" is n=12
        (["5"], "/l/6"),
        (["1", "enter"], "/l/1"),
        (["down", "down", "enter"], "/l/4"),
    ],
)
async def test_l_and_a_number_open_that_link(
    home: Path, tmp_path: Path, keys: list[str], path: str
) -> None:
    store, out = _tui_home(home, tmp_path)
    app = make_app(load_config(home), store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        await pilot.press(*keys)
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)
    assert recorded(out) == [f"http://127.0.0.1:9{path}"]


def test_plain_text_has_a_paragraph_a_line() -> None:
    markdown = "# Head\nA paragraph\nwrapped **twice**\nhere.\n\n- one\n- two\n\n| a |\n| b |"
    assert (
        plain(markdown) == "Head\nA paragraph wrapped twice here.\n\n- one\n- two\n\n| a |\n| b |"
    )


async def test_the_reading_pane_shows_references_and_the_list(home: Path, tmp_path: Path) -> None:
    store, _ = _tui_home(home, tmp_path)
    app = make_app(load_config(home), store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = "\n".join(line.text.rstrip() for line in app.reader.lines)
    assert "link 1 [1] link 2 [2] link 3 link 4 [3]" in shown
    assert "\nLinks\n" in shown
    assert "[12] link 13  http://127.0.0.1:9/l/13" in shown
    assert "javascript" not in shown


def test_the_link_list_masks_passwords_and_drops_controls(
    home: Path, server: LoopbackServer
) -> None:
    html = (
        '<p>Members <a href="http://ann:s3cret@members.example/x">sign in &#27;[31mhere</a>'
        ' or read <a href="https://news.example/&#27;]52;c;SEFDS0VE&#7;">the archive</a>.</p>'
    )
    feed = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Desk</title><link>{server.url("/")}</link><description>d</description>
<item><title>Members</title><link>{server.url("/gone")}</link><guid>m</guid>
<description>Members</description><content:encoded><![CDATA[{html}]]></content:encoded>
<enclosure url="http://ann:s3cret@members.example/a.mp3" type="audio/mpeg"/></item>
</channel></rss>"""
    server.routes["/feed.xml"] = Route(feed.encode())
    server.routes["/gone"] = Route(b"gone", status=404, content_type="text/plain")
    assert newsroom(home, "add", server.url("/feed.xml")).returncode == 0
    story = str(_ids(home)["Members"])
    outputs = [newsroom(home, "show", story, *flags).stdout for flags in ((), ("--json",))]
    outputs.append(newsroom(home, "show", story, "--markdown").stdout)
    outputs.append(newsroom(home, "articles", "--json").stdout)
    for output in outputs:
        assert b"s3cret" not in output and b"\x1b" not in output and b"\x07" not in output
    shown = json.loads(outputs[1])
    assert shown["links"][0]["url"] == "http://ann:***@members.example/x"
    assert shown["enclosures"][0]["url"] == "http://members.example/a.mp3"  # never stored
    assert b"[1] sign in [31mhere  http://ann:***@members.example/x" in outputs[0]


async def test_l_on_a_story_without_links_says_so(home: Path) -> None:
    (home / "config.toml").write_text("[tui]\nrefresh_on_start = false\n")
    store = Store(load_config(home).db_path)
    feed, _ = store.add_feed("http://127.0.0.1:9/feed")
    entry = ParsedEntry("g", None, "Plain", None, FROZEN - 60, None, "No links here.", None)
    parsed = ParsedFeed(title="Feed", site_url=None, ttl_minutes=None, entries=(entry,))
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 60)
    app = make_app(load_config(home), store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)
        assert any("has no links" in str(n.message) for n in app._notifications)
