"""Hermetic fixtures: a temporary NEWSROOM_HOME and a loopback HTTP server per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.config import Config, load_config
from reader.core.store import Store
from tests.server import LoopbackServer

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh NEWSROOM_HOME, so no test ever sees the user's config or database."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("NEWSROOM_HOME", str(path))
    return path


@pytest.fixture
def config(home: Path) -> Config:
    """The settings of the test's home (config.toml written before this is read)."""
    return load_config(home)


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    """The test home's database, a real SQLite file."""
    s = Store(config.db_path)
    yield s
    s.close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    return CORPUS
