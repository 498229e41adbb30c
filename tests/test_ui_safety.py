"""Outside text on its way to the screen: one sink (reader/ui/outside.py), never markup, never a
terminal control. A source check keeps every widget title and toast on that path; a property
test feeds hostile strings to each sink; Pilot tests drive the app over hostile feeds."""

from __future__ import annotations

import ast
import json
import re
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.style import Style
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Input, Label

import reader.ui
from reader.config import load_config, log_path
from reader.core.changes import feed_change
from reader.core.diff import Chunk, Diff
from reader.core.models import ParsedEntry, ParsedFeed
from reader.core.store import Store
from reader.ui.app import NewsroomApp, make_app
from reader.ui.outside import clean, outside
from reader.ui.screens.dialogs import ConfirmDialog
from reader.ui.screens.diff import _diff_text
from reader.ui.widgets.article_list import _fit
from reader.ui.widgets.feed_list import _line
from reader.ui.widgets.lines import draw
from tests.server import LoopbackServer, Route
from tests.tui_data import FROZEN, frozen_clock, settle

UI = Path(reader.ui.__file__).parent
SINK = UI / "outside.py"
WIDE = (160, 48)

OSC52 = "\x1b]52;c;SEFDS0VE\x1b\\"  # "HACKED" to the clipboard
CLEAR = "\x1b[2J"
PIECES = [
    OSC52,
    CLEAR,
    "\x1b]0;PWNED\x07",
    "\x9b31m",
    "\x9d0;title\x9c",
    "\u202e",
    "\u2066",
    "\u200f",
    "[/]",
    "[/b]",
    "[b]",
    "[@click=app.quit]x[/]",
    "\\[",
    "[",
    "]",
    "\r\n",
    "\n",
    "\t",
    "\x00",
    "\x7f",
    "\x0e",
]
hostile = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=1, max_size=10
).map("".join)
# What may never reach a terminal: C0 but tab and newline, DEL, C1, bidi controls.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ONE_LINE_CONTROL = re.compile(CONTROL.pattern[:-1] + r"\t\n]")


# -- the source check -----------------------------------------------------------------------

# Widgets that read a str as markup: outside text reaches them only as the sink's Content.
MARKUP_TAKERS = {"Label", "Static", "Button", "Option"}


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{owner}.{func.attr}" if owner == "Content" else func.attr
    return ""


def _built_from_data(node: ast.expr) -> bool:
    """An f-string, a concatenation, str()/format()/join(): a str made of something else."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(node, ast.Call) and _callee(node) in ("str", "repr", "format", "join")


def _is_text_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    shown = path.relative_to(UI.parent.parent) if path.is_relative_to(UI) else path.name
    problems = []
    for node in ast.walk(tree):
        where = f"{shown}:{getattr(node, 'lineno', 0)}"
        # App.notify (self.notify, app.notify, self.app.notify), not the [notify] settings.
        owner = node.value if isinstance(node, ast.Attribute) else None
        app_like = isinstance(owner, ast.Name) or (
            isinstance(owner, ast.Attribute) and owner.attr == "app"
        )
        if isinstance(node, ast.Attribute) and node.attr == "notify" and app_like:
            call = parents.get(node)
            ok = isinstance(call, ast.Call) and call.func is node
            ok = ok and any(
                k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in call.keywords  # type: ignore[union-attr]
            )
            if not ok:
                problems.append(f"{where}: notify() without markup=False (use app.toast())")
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in (
                    "border_title",
                    "border_subtitle",
                ):
                    value = node.value
                    sunk = isinstance(value, ast.Call) and _callee(value) == "outside"
                    if value is None or not (sunk or _is_text_constant(value)):
                        problems.append(f"{where}: {target.attr} not given outside(...)")
        elif isinstance(node, ast.Call) and node.args:
            name, first = _callee(node), node.args[0]
            if name in ("Content", "Content.styled") and path != SINK:
                if not _is_text_constant(first):
                    problems.append(f"{where}: {name}() of outside text (use outside())")
            elif name in MARKUP_TAKERS and not _is_text_constant(first):
                if _built_from_data(first) or isinstance(first, ast.Name | ast.Attribute):
                    problems.append(f"{where}: {name}() given a str (use outside())")
            elif name == "update" and _built_from_data(first):
                problems.append(f"{where}: update() given a str built from data")
    return problems


def test_outside_text_reaches_widgets_only_through_the_sink() -> None:
    problems = [p for path in sorted(UI.rglob("*.py")) for p in _problems(path)]
    assert problems == []


def test_the_source_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(self, feed):\n"
        "    self.notify(feed.title)\n"
        "    self.call_from_thread(self.notify, 'x', markup=False)\n"
        "    self.panel.border_title = feed.title\n"
        "    self.panel.border_subtitle = f'{feed.title}'\n"
        "    yield Label(f'Feed {feed.title}')\n"
        "    yield Option(feed.title)\n"
        "    yield Content(feed.title)\n"
        "    yield Content.styled(feed.title, 'bold')\n"
        "    self.status.update('! ' + feed.error)\n"
        "    self.notify(outside(feed.title), markup=False)\n"
        "    self.panel.border_title = outside(feed.title)\n"
        "    yield Label(outside(feed.title))\n"
    )
    found = _problems(bad)
    assert sorted(int(p.split(":")[1]) for p in found) == list(range(2, 11)), found


# -- every sink, fed hostile strings ----------------------------------------------------------


def _strips_text(strips: list) -> str:
    return "\n".join(strip.text for strip in strips)


@settings(max_examples=150, deadline=None)
@given(hostile, hostile)
def test_no_sink_passes_a_control_or_reads_markup(text: str, other: str) -> None:
    one_line = clean(text)
    assert not ONE_LINE_CONTROL.search(one_line)
    assert not CONTROL.search(clean(text, line=False))
    for content in (outside(text), outside(text, "bold $text-error"), _line(text, 7, True)):
        rendered = "".join(segment.text for segment in content.render_segments())
        assert not ONE_LINE_CONTROL.search(rendered)
        assert one_line in rendered  # shown as it is: markup and brackets stay text
    # A border title keeps the text literally (a str there would be read as markup).
    panel = Widget()
    panel.border_title = outside(text)
    panel.border_subtitle = outside(other)
    assert panel._border_title is not None and panel._border_title.plain == one_line
    assert not ONE_LINE_CONTROL.search(_fit(one_line, 12))
    # Lines drawn for the reading pane header and the diff view.
    header = _strips_text(list(draw(Text(one_line), 30, Style())))
    assert not ONE_LINE_CONTROL.search(header.replace("\n", ""))
    diff = Diff(text, other, (Chunk("-", text), Chunk("\n\n", "\n\n"), Chunk("+", other)))
    style = Style(bold=True)
    drawn = _strips_text(list(draw(_diff_text(diff, 1, 2, style, style, style), 40, Style())))
    assert not CONTROL.search(drawn)


def test_the_sink_masks_passwords_in_urls() -> None:
    shown = clean("HTTP 401 for http://alice:s3cret@host/feed, see [x](https://tok@h.org/a@b)")
    assert shown == "HTTP 401 for http://alice:***@host/feed, see [x](https://***@h.org/a@b)"
    assert clean("write to desk@example.org") == "write to desk@example.org"


def test_masking_is_linear_on_a_long_run_of_letters() -> None:
    """Without the lookbehind, every letter of the run started a URL attempt: 40,000 took 2 s."""
    start = time.perf_counter()
    assert clean("a@" + "a" * 2_000_000 + "://x", line=False).startswith("a@aaa")
    assert time.perf_counter() - start < 2


# -- the app over hostile feeds -----------------------------------------------------------------


def _hostile_feed(store: Store, title: str, error: str) -> int:
    feed, _ = store.add_feed("http://127.0.0.1:9/feed", title=title)
    entries = tuple(
        ParsedEntry(
            guid=f"s{n}",
            url=f"http://127.0.0.1:9/{n}",
            title=f"Story {n} {OSC52} [/]",
            author=None,
            published=FROZEN - 60 * n,
            updated=None,
            summary="Text [/] and [@click=app.quit]x[/].",
            content=None,
        )
        for n in range(2)
    )
    store.apply_feed(
        feed.id,
        ParsedFeed(title="ignored", site_url=None, ttl_minutes=None, entries=entries),
        judge=feed_change,
        now=FROZEN,
        next_check_at=FROZEN + 1800,
    )
    store.record_failure(feed.id, error, now=FROZEN, next_check_at=FROZEN + 1800)
    store.sync_search_index()
    return feed.id


async def test_hostile_titles_errors_and_searches_show_literally(
    home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    title = f"[@click=app.screenshot('owned.svg','{target}')]Daily News[/] {OSC52}{CLEAR} [b]"
    error = f"HTTP 503 Service {OSC52}{CLEAR} [/]"
    config = load_config(home)
    store = Store(config.db_path)
    feed_id = _hostile_feed(store, title, error)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        app.feeds.focus()
        app.feeds.select_id(f"feed:{feed_id}")  # highlighted: its error on the status line
        await pilot.pause()
        status = app.query_one("#status").render()
        assert str(status) == clean(f"! {title}: {error}")
        await pilot.press("enter")  # opened: its title on the story list
        await settle(pilot)
        assert app.articles._border_title is not None
        assert app.articles._border_title.plain == clean(title)
        assert "Daily News[/]" in app.articles._border_title.plain
        for x in (2, 5, 9, 14, 20):  # along the title: a click runs no action
            await pilot.click("#articles", offset=(x, 0))
        await settle(pilot)
        assert list(target.iterdir()) == []
        app.feeds.focus()
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen.query_one(".dialog-title", Label).render()
        assert str(question) == clean(f"Mark every story of {title} read?")
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("slash", *"C++ [/b]", "enter")
        await settle(pilot)
        assert app.is_running
        assert app.articles._border_title.plain == "Search: C++ [/b]"
        messages = [str(n.message) for n in app._notifications]
        assert "Marked 2 stories read (ctrl+z undoes)" in messages
        assert all(not n.markup for n in app._notifications)
    assert list(target.iterdir()) == []


async def test_an_untitled_feed_is_named_without_its_password(home: Path) -> None:
    config = load_config(home)
    store = Store(config.db_path)
    feed, _ = store.add_feed("http://alice:s3cret@127.0.0.1:9/feed")
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.feeds.focus()
        app.feeds.select_id(f"feed:{feed.id}")
        await pilot.press("enter")
        await settle(pilot)
        prompt = str(app.feeds.get_option(f"feed:{feed.id}").prompt)
        assert prompt.strip() == "http://alice:***@127.0.0.1:9/feed"
        assert app.articles._border_title.plain == "http://alice:***@127.0.0.1:9/feed"


async def test_adding_a_feed_titled_with_markup_does_not_crash(
    home: Path, server: LoopbackServer
) -> None:
    title = "[/] Broken [b]feed"
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": [{"id": "1", "title": "[/b] story", "content_text": "Text."}],
    }
    server.routes["/feed.json"] = Route(
        json.dumps(document).encode(), content_type="application/feed+json"
    )
    config = load_config(home)
    app = make_app(config, Store(config.db_path), refresh_on_start=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a")
        app.screen.query_one(Input).value = server.url("/feed.json")  # quicker than typing
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert f"Subscribed to {title} (1 story)" in messages
        feed = next(f for f in app.store.feeds() if f.title == title)
        app.feeds.focus()
        app.feeds.select_id(f"feed:{feed.id}")
        await pilot.press("enter")
        await settle(pilot)
        assert app.articles._border_title.plain == title
        assert [a.title for a in app.articles.rows] == ["[/b] story"]


# -- internal errors (the exit itself: tests/test_pty.py) -------------------------------------


def test_the_crash_log_goes_to_the_home_else_the_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSROOM_HOME", str(tmp_path / "env"))
    assert log_path() == tmp_path / "env" / "newsroom.log"
    assert log_path(tmp_path / "given") == tmp_path / "given" / "newsroom.log"
    monkeypatch.delenv("NEWSROOM_HOME")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    if sys.platform.startswith("linux"):
        assert log_path() == tmp_path / "state" / "newsroom" / "newsroom.log"


async def test_an_uncaught_error_is_kept_for_the_log_not_printed(home: Path) -> None:
    class Broken(NewsroomApp):
        def action_help(self) -> None:
            raise RuntimeError("help broke [/]")

    config = load_config(home)
    app = Broken(config, Store(config.db_path), refresh_on_start=False)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("question_mark")
    assert app.return_code == 1
    assert app.crash is not None and "RuntimeError: help broke [/]" in app.crash
    assert app._exit_renderables == []  # nothing left for Textual to print on the terminal
