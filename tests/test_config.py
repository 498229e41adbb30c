"""config.toml: defaults, overrides, and clear one-line errors naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import ConfigError, load_config


def test_defaults_without_a_file(home: Path) -> None:
    config = load_config()
    assert config.db_path == home / "newsroom.db"
    assert config.fetch.feed_timeout == 30 and config.fetch.max_redirects == 5


def test_explicit_home_wins_over_environment(home: Path, tmp_path: Path) -> None:
    assert load_config(tmp_path / "other").db_path == tmp_path / "other" / "newsroom.db"


def test_values_are_read(home: Path) -> None:
    (home / "config.toml").write_text("[fetch]\nfeed_timeout = 5\nper_host = 2\n")
    config = load_config()
    assert config.fetch.feed_timeout == 5.0 and config.fetch.per_host == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch]\nfeed_timout = 5\n", "unknown key fetch.feed_timout"),
        ("[fetc]\n", "unknown section [fetc]"),
        ('[fetch]\nper_host = "4"\n', "fetch.per_host must be int"),
        ("[fetch]\nper_host = true\n", "fetch.per_host must be int"),
        ("[fetch]\nfeed_timeout = -1\n", "must be positive"),
        ("[fetch\n", "invalid TOML"),
        ("fetch = 3\n", "[fetch] must be a table"),
    ],
)
def test_bad_config_is_one_clear_line(home: Path, text: str, message: str) -> None:
    (home / "config.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config()
    assert message in str(info.value) and str(home / "config.toml") in str(info.value)
    assert "\n" not in str(info.value)
