"""The story watcher against a loopback newsroom whose pages change under test control."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.config import load_config
from reader.core.changes import classify
from reader.core.diff import diff_texts
from reader.core.extract import Extraction, Extractor
from reader.core.refresh import refresh_all
from reader.core.store import Store
from reader.core.watch import DAY, Watcher, interval
from tests.server import LoopbackServer, Route, rss

NEWSROOM = str(Path(sys.executable).with_name("newsroom"))
BASE_PARAGRAPHS = [
    "The harbour board met on Tuesday to decide the future of the old lighthouse on the point.",
    "Members heard from engineers who said the tower needs urgent repairs to its foundations.",
    "A decision on funding is expected later this month after a public consultation.",
]


def page(title: str, paragraphs: list[str], stamp: str = "", author: str = "Ada Quill") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><title>{title}</title><meta name="author" content="{author}"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p class='stamp'>{stamp}</p>{body}</article>"
        "<footer>Harbour Times, all rights reserved</footer></body></html>"
    ).encode()


class Newsroom:
    """One story with a feed entry and a page, both editable."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.set_page("Lighthouse future in doubt", BASE_PARAGRAPHS)
        self.set_feed("Lighthouse future in doubt")

    def set_page(
        self,
        title: str,
        paragraphs: list[str],
        stamp: str = "",
        status: int = 200,
        author: str = "Ada Quill",
    ) -> None:
        self.server.routes["/story"] = Route(
            page(title, paragraphs, stamp, author), status=status, content_type="text/html"
        )

    def set_feed(self, title: str, teaser: str = "The board met on Tuesday.") -> None:
        item = {
            "title": title,
            "guid": "s1",
            "link": self.server.url("/story"),
            "description": teaser,
            "pubDate": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 600)),
        }
        self.server.routes["/feed.xml"] = Route(rss("Harbour Times", [item]))


@pytest.fixture
def newsroom(server: LoopbackServer) -> Newsroom:
    return Newsroom(server)


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    ex = Extractor()
    yield ex
    ex.close()


@pytest.fixture
def watch(home: Path, newsroom: Newsroom, extractor: Extractor):
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(newsroom.server.url("/feed.xml"))
    refresh_all(store, config)
    watcher = Watcher(store, config, extractor)
    baseline = watcher.run(everything=True)
    assert (baseline.checked, baseline.changed) == (1, 0)

    def again():
        return watcher.run(everything=True)

    again.store = store  # type: ignore[attr-defined]
    return again


def story(watch) -> object:
    return watch.store.articles()[0]


def test_nothing_changed_costs_a_304(watch, newsroom: Newsroom) -> None:
    summary = watch()
    assert (summary.checked, summary.not_modified, summary.changed) == (1, 1, 0)
    assert newsroom.server.statuses[-1] == ("/story", 304)


def test_a_paragraph_added_is_an_update(watch, newsroom: Newsroom) -> None:
    added = "Update: the board has voted to fund the repairs in full, its chair said."
    newsroom.set_page("Lighthouse future in doubt", [*BASE_PARAGRAPHS, added])
    summary = watch()
    assert summary.changed == 1
    article = story(watch)
    assert article.updated and article.change_kind == "update"
    assert watch.store.articles(updated=True)[0].id == article.id


def test_a_headline_change(watch, newsroom: Newsroom) -> None:
    newsroom.set_page("Lighthouse saved by board vote", BASE_PARAGRAPHS)
    assert watch().changed == 1
    assert story(watch).change_kind == "headline"


def test_a_correction(watch, newsroom: Newsroom) -> None:
    fix = "Correction: An earlier version of this article misstated the day of the meeting."
    newsroom.set_page("Lighthouse future in doubt", [*BASE_PARAGRAPHS, fix])
    assert watch().changed == 1
    assert story(watch).change_kind == "correction"


def test_only_a_relative_timestamp_is_not_news(watch, newsroom: Newsroom) -> None:
    for minutes in (3, 4, 17):
        newsroom.set_page(
            "Lighthouse future in doubt", BASE_PARAGRAPHS, stamp=f"Updated {minutes} minutes ago"
        )
        summary = watch()
        assert summary.changed == 0 and summary.not_modified == 0
    assert not story(watch).updated


def test_flip_flop_alerts_once(watch, newsroom: Newsroom) -> None:
    """The change, then the revert to the first headline; then flip-flops record nothing."""
    changes = []
    for title in (
        "Version B of the headline",
        "Lighthouse future in doubt",
        "Version B of the headline",
        "Lighthouse future in doubt",
    ):
        newsroom.set_page(title, BASE_PARAGRAPHS)
        changes.append(watch().changed)
    assert changes == [1, 1, 0, 0]
    assert story(watch).change_kind == "revert"


def test_removed_once(watch, newsroom: Newsroom) -> None:
    newsroom.set_page("gone", [], status=404)
    assert watch().changed == 1
    article = story(watch)
    assert article.change_kind == "removed"
    assert watch().checked == 0  # a removed story is no longer watched


def test_a_removed_page_keeps_showing_its_last_text(watch, newsroom: Newsroom) -> None:
    from reader.core.fulltext import cached_text

    newsroom.set_page("gone", [], status=404)
    watch()
    article = story(watch)
    shown = cached_text(watch.store, article)
    assert shown is not None and shown.source == "extracted"
    assert BASE_PARAGRAPHS[0] in shown.text  # the evidence, not an empty page
    assert shown.note is not None and "gone" in shown.note


def test_paywall_or_error_page_is_not_news(watch, newsroom: Newsroom) -> None:
    newsroom.set_page("Subscribe to read", ["Subscribe to keep reading."])
    assert watch().changed == 0
    newsroom.set_page("Lighthouse future in doubt", BASE_PARAGRAPHS, status=500)
    summary = watch()
    assert (summary.changed, summary.failed) == (0, 1)


def test_feed_only_change(home: Path, watch, newsroom: Newsroom) -> None:
    newsroom.set_feed("Lighthouse future in doubt", "The board met on Tuesday and Wednesday.")
    summary = refresh_all(watch.store, load_config(home), force=True)
    assert summary.updated == 1
    assert story(watch).updated


def test_change_after_reading_keeps_the_read_version(watch, newsroom: Newsroom) -> None:
    article = story(watch)
    watch.store.mark(article.id, read=True)
    read_at = watch.store.read_version(article.id)
    newsroom.set_page("Lighthouse future in doubt", [*BASE_PARAGRAPHS, "A new paragraph here."])
    watch()
    assert watch.store.read_version(article.id) == read_at
    assert story(watch).versions == read_at + 1


def test_cli_history_and_diff(home: Path, watch, newsroom: Newsroom) -> None:
    newsroom.set_page("Lighthouse saved", [*BASE_PARAGRAPHS[:2], "The board voted to fund it."])
    watch()
    article = story(watch)

    def cli(*args: str):
        out = subprocess.run([NEWSROOM, "--home", str(home), *args], capture_output=True)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    history = cli("history", str(article.id), "--json")
    assert [h["version"] for h in history] == [1, 2, 3]
    assert set(history[0]) == {
        "version",
        "seen_at",
        "source",
        "title",
        "kind",
        "words_added",
        "words_removed",
    }
    assert history[-1]["kind"] == "headline" and history[-1]["words_added"] > 0
    diff = cli("diff", str(article.id), "--json")
    assert (diff["from"], diff["to"]) == (2, 3)
    assert diff["title_before"] == "Lighthouse future in doubt"
    assert diff["title_after"] == "Lighthouse saved"
    assert any("voted to fund" in run for run in diff["added"])
    assert any("consultation" in run for run in diff["removed"])
    assert cli("articles", "--updated", "--json")[0]["versions"] == 3


def test_schedule() -> None:
    assert interval(60, False) == 15 * 60
    assert interval(5 * 3600, False) == 3600
    assert interval(3 * 86400, False) == 6 * 3600
    assert interval(8 * 86400, False) == 86400  # the long tail: daily
    assert interval(29 * 86400, False) == 86400
    assert interval(30 * 86400, False) is None  # [watch] max_age_days
    assert interval(45 * 86400, False, max_age_days=60) == 86400
    assert interval(8 * 86400, True) == 3 * 3600  # developing stories: longer and more often


def test_diff_and_classify() -> None:
    d = diff_texts("T", "One two three.\n\nFour five.", "T", "One two four.\n\nFour five.")
    assert (d.added, d.removed) == (["four."], ["three."])
    assert classify("T", "a\n\nb", "T", "a\n\nb\n\nc") == "update"
    assert classify("T", "a b", "T", "a c") == "edit"


def test_daemon_stops_cleanly_beside_writers(home: Path, newsroom: Newsroom) -> None:
    subprocess.run(
        [NEWSROOM, "--home", str(home), "add", newsroom.server.url("/feed.xml")],
        check=True,
        capture_output=True,
    )
    daemon = subprocess.Popen(
        [NEWSROOM, "--home", str(home), "watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        for n in range(6):  # a TUI-like writer at the same time
            for args in (("refresh", "--json"), ("mark", "1", "--read" if n % 2 else "--unread")):
                done = subprocess.run([NEWSROOM, "--home", str(home), *args], capture_output=True)
                assert done.returncode == 0, done.stderr
        time.sleep(1)
        daemon.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, err = daemon.communicate(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert daemon.returncode == 0, err
    assert b"Traceback" not in err


def test_user_ignore_rules(home: Path, newsroom: Newsroom, extractor: Extractor) -> None:
    feed_url = newsroom.server.url("/feed.xml")
    (home / "config.toml").write_text(
        '[watch]\nignore = ["Reading time: \\\\d+ min"]\n'
        f'ignore_by_feed = {{ "{feed_url}" = ["Visitors today: \\\\d+"] }}\n'
    )
    config = load_config(home)
    store = Store(config.db_path)
    store.add_feed(feed_url)
    refresh_all(store, config)
    watcher = Watcher(store, config, extractor)
    paragraphs = lambda n: [*BASE_PARAGRAPHS, f"Reading time: {n} min. Visitors today: {n * 7}"]  # noqa: E731
    newsroom.set_page("Lighthouse future in doubt", paragraphs(3))
    watcher.run(everything=True)
    newsroom.set_page("Lighthouse future in doubt", paragraphs(4))
    assert watcher.run(everything=True).changed == 0
    newsroom.set_page("Lighthouse future in doubt", [*paragraphs(4), "A real new paragraph."])
    assert watcher.run(everything=True).changed == 1


def test_bad_ignore_rule_is_a_config_error(home: Path) -> None:
    from reader.config import ConfigError

    (home / "config.toml").write_text('[watch]\nignore = ["(unclosed"]\n')
    with pytest.raises(ConfigError, match=r"watch\.ignore: bad regular expression"):
        load_config(home)


def test_schedule_scale() -> None:
    assert interval(60, False, scale=2) == 30 * 60
    assert interval(10 * 86400, False, scale=2) == 12 * 3600
    assert interval(15 * 86400, False, scale=2) == 2 * 86400
    assert interval(31 * 86400, False, scale=2) is None


def test_a_new_byline_is_a_change(watch, newsroom: Newsroom) -> None:
    newsroom.set_page("Lighthouse future in doubt", BASE_PARAGRAPHS, author="Ben Ortiz")
    assert watch().changed == 1
    assert story(watch).change_kind == "edit"


def test_a_huge_retry_after_on_a_story_page(home: Path, newsroom: Newsroom) -> None:
    """A 20-digit Retry-After once overflowed SQLite's INTEGER when the next check was stored:
    every pass failed. It now waits a day at most, and pass after pass completes."""
    command = [NEWSROOM, "--home", str(home)]
    subprocess.run(
        [*command, "add", newsroom.server.url("/feed.xml")], check=True, capture_output=True
    )
    newsroom.server.routes["/story"] = Route(
        b"", status=503, headers={"Retry-After": "9" * 20}, content_type="text/plain"
    )
    for _ in range(2):
        result = subprocess.run(
            [*command, "watch", "--once", "--all", "--json"], capture_output=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["failed"] == 1
    store = Store(load_config(home).db_path)
    try:
        [due] = store._read("SELECT watch_next_at FROM articles")[0]  # scheduling is internal
    finally:
        store.close()
    assert time.time() < due <= time.time() + 86400


def test_a_slow_refresh_does_not_hold_up_the_daemons_story_checks(
    home: Path, newsroom: Newsroom
) -> None:
    """The daemon refreshes the feeds that are due, then checks stories: a feed host that never
    answers in time now costs at most the pass deadline before the story checks run."""
    (home / "config.toml").write_text("[refresh]\npass_timeout_minutes = 0.03\n")  # 1.8 s
    server = newsroom.server
    server.routes["/slow.xml"] = Route(rss("Slow", []), delay=60)
    command = [NEWSROOM, "--home", str(home)]
    subprocess.run([*command, "add", server.url("/feed.xml")], check=True, capture_output=True)
    subprocess.run(
        [*command, "import", "-"], input=server.url("/slow.xml").encode(), capture_output=True
    )
    daemon = subprocess.Popen([*command, "watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        started = time.monotonic()
        while not server.hits["/story"] and time.monotonic() - started < 15:
            time.sleep(0.1)
        assert server.hits["/slow.xml"] == 1
        assert server.hits["/story"] == 1, "the story check waited for the slow feed"
        assert time.monotonic() - started < 15
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=10)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert daemon.returncode == 0, err
    store = Store(load_config(home).db_path)
    try:
        assert store.feed_by_url(server.url("/slow.xml")).error.startswith("skipped:")
    finally:
        store.close()


def cli(home: Path, *args: str) -> object:
    """Run a newsroom command in this process; its JSON output."""
    import contextlib
    import io

    from reader.cli import run

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), *args]) == 0
    return json.loads(out.getvalue())


def gmt(seconds_ago: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - seconds_ago))


def test_new_stories_get_their_baseline_without_all(home: Path, newsroom: Newsroom) -> None:
    """Every story without a page version is due at once, newest first, even one three weeks
    old (checks used to stop after a week, and so did baselines)."""
    server = newsroom.server
    server.routes["/old"] = Route(page("Old pier", BASE_PARAGRAPHS), content_type="text/html")
    items = [
        {"title": "Old pier", "guid": "old", "link": server.url("/old"), "pubDate": gmt(21 * DAY)},
        {"title": "Lighthouse", "guid": "s1", "link": server.url("/story"), "pubDate": gmt(60)},
    ]
    server.routes["/feed.xml"] = Route(rss("Harbour Times", items))
    subprocess.run(
        [NEWSROOM, "--home", str(home), "add", server.url("/feed.xml")],
        check=True,
        capture_output=True,
    )
    store = Store(load_config(home).db_path)
    try:
        now = int(time.time())
        due = store.watch_due(now=now, since=now - 30 * DAY, everything=False)
        assert [a.title for a in due] == ["Lighthouse", "Old pier"]
    finally:
        store.close()
    first = cli(home, "watch", "--once", "--json")
    assert (first["checked"], first["changed"], first["failed"]) == (2, 0, 0)
    for article in due:
        assert len(cli(home, "history", str(article.id), "--json")) == 2  # feed, then page
    assert cli(home, "watch", "--once", "--json")["checked"] == 0  # not due again yet


@pytest.fixture
def subscribed(home: Path, newsroom: Newsroom) -> int:
    """The story subscribed to through the CLI, with its baseline taken; its id."""
    subprocess.run(
        [NEWSROOM, "--home", str(home), "add", newsroom.server.url("/feed.xml")],
        check=True,
        capture_output=True,
    )
    assert cli(home, "watch", "--once", "--json")["checked"] == 1
    [article] = cli(home, "articles", "--json")
    return article["id"]


def test_a_revert_is_recorded_once_then_flip_flops_are_not(
    home: Path, newsroom: Newsroom, subscribed: int
) -> None:
    changed = []
    for title in ("Lighthouse saved", "Lighthouse future in doubt") * 2:
        newsroom.set_page(title, BASE_PARAGRAPHS)
        changed.append(cli(home, "watch", "--once", "--all", "--json")["changed"])
    assert changed == [1, 1, 0, 0]
    kinds = [v["kind"] for v in cli(home, "history", str(subscribed), "--json")]
    assert kinds == [None, None, "headline", "revert"]


def test_a_cut_is_recorded_as_a_cut(home: Path, newsroom: Newsroom, subscribed: int) -> None:
    newsroom.set_page("Lighthouse future in doubt", BASE_PARAGRAPHS[:1])  # a third of the words
    assert cli(home, "watch", "--once", "--all", "--json")["changed"] == 1
    assert cli(home, "history", str(subscribed), "--json")[-1]["kind"] == "cut"


def test_a_paywall_page_is_not_a_version(home: Path, newsroom: Newsroom, subscribed: int) -> None:
    wall = [BASE_PARAGRAPHS[0], "Subscribe to continue reading. Already a subscriber? Sign in."]
    newsroom.set_page("Lighthouse future in doubt", wall)
    summary = cli(home, "watch", "--once", "--all", "--json")
    assert (summary["changed"], summary["unchanged"]) == (0, 1)
    assert len(cli(home, "history", str(subscribed), "--json")) == 2


def test_an_unchanged_story_has_an_empty_diff(
    home: Path, newsroom: Newsroom, subscribed: int
) -> None:
    diff = cli(home, "diff", str(subscribed), "--json")
    assert (diff["added"], diff["removed"]) == ([], [])


class CountingExtractor(Extractor):
    """The real extractor, counting the pages it is given."""

    calls = 0

    def extract(self, html: bytes, url: str) -> Extraction:
        self.calls += 1
        return super().extract(html, url)


def test_the_same_bytes_are_not_extracted_again(home: Path, newsroom: Newsroom) -> None:
    """A server without validators sends the whole page every time: the same bytes as the last
    version need no extraction; other bytes do."""
    config = load_config(home)
    store = Store(config.db_path)
    extractor = CountingExtractor()
    try:
        store.add_feed(newsroom.server.url("/feed.xml"))
        refresh_all(store, config)
        body = page("Lighthouse future in doubt", BASE_PARAGRAPHS)
        newsroom.server.routes["/story"] = Route(body, content_type="text/html", validators=False)
        watcher = Watcher(store, config, extractor)
        assert watcher.run(everything=True).checked == 1
        assert (watcher.run(everything=True).unchanged, extractor.calls) == (1, 1)
        newsroom.set_page("Lighthouse future in doubt", BASE_PARAGRAPHS, stamp="Updated 2 min ago")
        assert (watcher.run(everything=True).changed, extractor.calls) == (0, 2)
    finally:
        extractor.close()
        store.close()
