"""Snapshot tests of each screen at 80x24 and 160x48, on the frozen demo newsroom."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.ui.app import make_app
from tests.test_tui import utc  # noqa: F401 - times are shown in UTC in snapshots
from tests.tui_data import demo_store, frozen_clock, hostile_store, settle

SIZES = [(80, 24), (160, 48)]


def steps(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


SCREENS: dict[str, Iterable[str]] = {
    "main": (),
    "reading": ("j", "enter"),
    "help": ("question_mark",),
    "add_feed": ("a",),
    "search": ("slash", *"harbour", "enter"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, home: Path, screen: str, size: tuple[int, int]) -> None:
    config, store = demo_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    assert snap_compare(app, terminal_size=size, run_before=steps(*SCREENS[screen]))


def test_updated_stories(snap_compare, home: Path) -> None:
    demo_store(home)
    config, store = demo_store(home, elapsed=300)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    assert snap_compare(app, terminal_size=(160, 48), run_before=steps("u", "enter"))


def test_hostile_text(snap_compare, home: Path) -> None:
    config, store = hostile_store(home)
    app = make_app(config, store, clock=frozen_clock, refresh_on_start=False)
    assert snap_compare(app, terminal_size=(160, 48), run_before=steps("enter"))
