"""Keeping a story: `S` saves it as Markdown in `[tui] save_dir` (never outside it, never over
another file), `y` copies its address with OSC 52 only when `[tui] clipboard = true`."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from reader.config import ConfigError, load_config
from reader.core.changes import feed_change
from reader.core.models import Article, ParsedEntry, ParsedFeed
from reader.core.saved import save, save_folder, slug
from reader.core.store import Store
from reader.ui.actions.keeping import CLIPBOARD_OFF
from reader.ui.app import make_app
from tests.test_pty import quit_tui, read_for, read_until, tui_in_pty
from tests.tui_data import FROZEN, frozen_clock, settle

URL = "http://127.0.0.1:9/news/harbour-vote"
TITLE = "Harbour vote: the wall [will] be rebuilt"


def _article(article_id: int, title: str) -> Article:
    return Article(article_id, 1, "Desk", "g", URL, title, None, FROZEN, "", None, FROZEN, False,
                   False, None, None, 1)  # fmt: skip


def test_slugs_are_letters_digits_and_hyphens() -> None:
    assert (
        slug("Harbour vote: the wall [will] be rebuilt") == "harbour-vote-the-wall-will-be-rebuilt"
    )
    assert slug("Ça coûte 5 €") == "ca-coute-5"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("日本語") == "story"
    assert len(slug("word " * 100)) <= 60


def test_a_saved_story_never_replaces_a_file_or_leaves_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    first = save(folder, _article(7, "../../outside"), "one")
    second = save(folder, _article(7, "../../outside"), "two")
    assert (first.name, second.name) == ("outside-7.md", "outside-7-2.md")
    assert first.read_text() == "one" and second.read_text() == "two"
    assert {p.parent for p in (first, second)} == {folder}
    target = tmp_path / "target.md"
    target.write_text("mine")
    (folder / "link-8.md").symlink_to(target)  # a name already taken, by a link elsewhere
    third = save(folder, _article(8, "Link"), "three")
    assert third.name == "link-8-2.md" and target.read_text() == "mine"


def test_save_dir_and_clipboard_settings(home: Path, tmp_path: Path) -> None:
    config = load_config(home)
    assert save_folder(config) == home / "saved"
    assert config.tui.clipboard is False
    (home / "config.toml").write_text('[tui]\nsave_dir = "~/keep"\nclipboard = true\n')
    config = load_config(home)
    assert save_folder(config) == Path("~/keep").expanduser()
    assert config.tui.clipboard is True
    (home / "config.toml").write_text('[tui]\nclipboard = "yes"\n')
    with pytest.raises(ConfigError, match=r"tui\.clipboard must be true or false"):
        load_config(home)


def _home(home: Path, settings: str) -> Store:
    (home / "config.toml").write_text(f"[tui]\nrefresh_on_start = false\n{settings}")
    store = Store(load_config(home).db_path)
    feed, _ = store.add_feed("http://127.0.0.1:9/feed")
    entry = ParsedEntry(
        guid="g",
        url=URL,
        title=TITLE,
        author="Ann Reporter",
        published=FROZEN - 60,
        updated=None,
        summary="The council voted.",
        content='<p>The council <a href="/minutes">voted</a> at last.</p>',
    )
    parsed = ParsedFeed(title="Desk", site_url=None, ttl_minutes=None, entries=(entry,))
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 60)
    return store


async def test_S_saves_the_story_as_markdown(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "stories"
    store = _home(home, f'save_dir = "{folder}"\n')
    app = make_app(load_config(home), store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
    saved = sorted(folder.iterdir())
    assert [p.name for p in saved] == [
        "harbour-vote-the-wall-will-be-rebuilt-1-2.md",
        "harbour-vote-the-wall-will-be-rebuilt-1.md",
    ]
    assert f"Saved to {saved[1]}" in messages
    text = saved[1].read_text()
    assert text.startswith(
        "# Harbour vote: the wall \\[will\\] be rebuilt\n\nAnn Reporter · Desk ·"
    )
    assert f"<{URL}>" in text
    assert "The council voted \\[1\\] at last." in text
    assert "\\[1\\] voted  http://127.0.0.1:9/minutes" in text
    assert saved[0].read_text() == text


@pytest.mark.parametrize("on", [True, False])
async def test_y_copies_the_url_only_when_allowed(home: Path, on: bool) -> None:
    store = _home(home, f"clipboard = {'true' if on else 'false'}\n")
    app = make_app(load_config(home), store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert app.clipboard == (URL if on else "")
    assert (f"Copied {URL}" in messages) is on
    assert (CLIPBOARD_OFF in messages) is not on


@pytest.mark.parametrize("on", [True, False])
def test_y_writes_osc_52_to_the_terminal_only_when_allowed(home: Path, on: bool) -> None:
    _home(home, f"clipboard = {'true' if on else 'false'}\n").close()
    osc = b"\x1b]52;c;" + base64.b64encode(URL.encode()) + b"\x07"
    with tui_in_pty(home, 120, 30) as (proc, leader):
        read_until(leader, b"Harbour vote", 20)
        os.write(leader, b"y")
        output = read_until(leader, b"\x1b]52;", 3) if on else read_for(leader, 2)
        output += quit_tui(proc, leader)
    assert (osc in output) is on
    assert b"\x1b]52;" not in output if not on else True
