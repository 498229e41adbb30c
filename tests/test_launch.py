"""The user's browser command: shell metacharacters in titles and URLs stay single argv elements
and nothing else ever runs (a real command records the argv it got)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from reader.config import ConfigError, load_config
from reader.core.changes import feed_change
from reader.core.models import ParsedEntry, ParsedFeed
from reader.core.store import Store
from reader.ui.app import make_app
from reader.ui.launch import LaunchError, command_for, launch
from tests.tui_data import FROZEN, frozen_clock, settle

HOSTILE_TITLE = (
    "Cuts; touch PWNED1 && $(touch PWNED2) `touch PWNED3` | tee PWNED4 > x '\"{url}\n-rf"
)
HOSTILE_URL = "http://127.0.0.1:9/story?a=1&b=$(touch%20PWNED5)&c=`x`;d|e"

RECORDER = """\
import json, sys
with open(sys.argv[1], "w") as out:
    json.dump(sys.argv[2:], out)
"""


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[Path, Path]:
    script = tmp_path / "record.py"
    script.write_text(RECORDER)
    return script, tmp_path / "argv.json"


def recorded(path: Path) -> list[str]:
    deadline = time.monotonic() + 10
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, "the command never ran"
        time.sleep(0.05)
    return json.loads(path.read_text())


def test_placeholders_fill_single_elements() -> None:
    argv = command_for(["br", "--title={title}", "{url}"], HOSTILE_URL, HOSTILE_TITLE)
    assert argv == [
        "br",
        "--title=Cuts; touch PWNED1 && $(touch PWNED2) `touch PWNED3` | tee PWNED4 > x"
        " '\"{url} -rf",
        HOSTILE_URL,
    ]
    assert command_for(["br", "--new-tab"], "http://x.example/", "t") == [
        "br",
        "--new-tab",
        "http://x.example/",
    ]


def test_nothing_in_the_arguments_runs(
    recorder: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, out = recorder
    monkeypatch.chdir(tmp_path)
    launch(
        command_for(
            [sys.executable, str(script), str(out), "{title}", "{url}"], HOSTILE_URL, HOSTILE_TITLE
        )
    )
    argv = recorded(out)
    assert argv == [" ".join(HOSTILE_TITLE.split()), HOSTILE_URL]
    assert not list(tmp_path.glob("PWNED*"))


def test_a_missing_command_is_one_line() -> None:
    with pytest.raises(LaunchError, match="cannot run 'no-such-browser-here'"):
        launch(["no-such-browser-here", "http://x.example/"])


def test_browser_must_be_a_list_of_strings(home: Path) -> None:
    (home / "config.toml").write_text('[tui]\nbrowser = "firefox %u"\n')
    with pytest.raises(ConfigError, match=r"tui\.browser must be a list of strings"):
        load_config(home)


async def test_o_runs_the_configured_browser(
    home: Path, recorder: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, out = recorder
    monkeypatch.chdir(tmp_path)
    browser = json.dumps([sys.executable, str(script), str(out), "{url}", "--title", "{title}"])
    (home / "config.toml").write_text(f"[tui]\nrefresh_on_start = false\nbrowser = {browser}\n")
    config = load_config(home)
    store = Store(config.db_path)
    feed, _ = store.add_feed("http://127.0.0.1:9/feed")
    entry = ParsedEntry(
        guid="g",
        url=HOSTILE_URL,
        title=HOSTILE_TITLE,
        author=None,
        published=FROZEN - 60,
        updated=None,
        summary="text",
        content=None,
    )
    parsed = ParsedFeed(title="Feed", site_url=None, ttl_minutes=None, entries=(entry,))
    store.apply_feed(feed.id, parsed, judge=feed_change, now=FROZEN, next_check_at=FROZEN + 1800)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    stored_title = store.articles()[0].title
    assert recorded(out) == [HOSTILE_URL, "--title", " ".join(stored_title.split())]
    assert not list(tmp_path.glob("PWNED*"))
