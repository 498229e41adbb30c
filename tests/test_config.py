"""config.toml: defaults, overrides, and clear one-line errors naming the file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.config import _SECTIONS, BOUNDS, ConfigError, load_config


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
        ('[fetch]\nper_host = "4"\n', "fetch.per_host must be a whole number"),
        ("[fetch]\nper_host = true\n", "fetch.per_host must be a whole number"),
        ("[fetch]\nfeed_timeout = -1\n", "fetch.feed_timeout must be between 1 and 3600"),
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch]\nfeed_max_mib = inf\n", "fetch.feed_max_mib must be between 0.1 and 1024"),
        ("[extract]\ntimeout = inf\n", "extract.timeout must be between 1 and 3600"),
        ("[watch]\nschedule_scale = nan\n", "watch.schedule_scale must be between 0.01 and 100"),
        ("[extract]\nmemory_mib = 1\n", "extract.memory_mib must be between 64 and 65536"),
        ("[fetch]\nconcurrency = 99999999999999999999\n", "fetch.concurrency must be between"),
        ("[fetch]\nfeed_timeout = 1e400\n", "fetch.feed_timeout must be between 1 and 3600"),
        ("[watch]\nevery_minutes = -inf\n", "watch.every_minutes must be between 0.1 and 1440"),
        ("[refresh]\ninterval_minutes = 0\n", "refresh.interval_minutes must be between 1"),
        ("[fetch]\nper_host = " + "9" * 5000 + "\n", "invalid TOML (a number too long to read)"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_numbers_must_be_finite_and_within_bounds(home: Path, text: str, message: str) -> None:
    (home / "config.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config()
    assert str(info.value).startswith(f"{home / 'config.toml'}: {message}")
    assert "\n" not in str(info.value)


def test_the_bounds_are_inclusive(home: Path) -> None:
    (home / "config.toml").write_text(
        "[fetch]\nmax_redirects = 0\nfeed_max_mib = 0.1\n[watch]\nschedule_scale = 100\n"
    )
    config = load_config()
    assert (config.fetch.max_redirects, config.fetch.feed_max_mib) == (0, 0.1)
    assert config.watch.schedule_scale == 100.0


def test_every_numeric_setting_has_bounds() -> None:
    for name, section in _SECTIONS.items():
        for key, default in section._field_defaults.items():
            if isinstance(default, int | float) and not isinstance(default, bool):
                low, high = BOUNDS[f"{name}.{key}"]
                assert low <= default <= high, key


@pytest.mark.parametrize(
    "text", ["[fetch]\nfeed_max_mib = inf\n", "[extract]\nmemory_mib = 1\n"], ids=["inf", "low"]
)
def test_the_command_line_exits_2_with_one_line(home: Path, text: str) -> None:
    (home / "config.toml").write_text(text)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("newsroom")), "feeds"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"newsroom: error: {home / 'config.toml'}: ") and "between" in line


@pytest.mark.parametrize("proxy", ["not a url", "ftp://proxy:21", "http://", "proxy:3128"])
def test_a_proxy_that_is_not_a_proxy_url_is_refused(home: Path, proxy: str) -> None:
    (home / "config.toml").write_text(f'[fetch]\nproxy = "{proxy}"\n')
    with pytest.raises(ConfigError, match=r"fetch\.proxy must be a URL"):
        load_config()


@pytest.mark.parametrize("proxy", ["", "http://proxy:3128", "socks5h://user:pw@10.0.0.1:1080"])
def test_proxy_urls_are_accepted(home: Path, proxy: str) -> None:
    (home / "config.toml").write_text(f'[fetch]\nproxy = "{proxy}"\n')
    assert load_config().fetch.proxy == proxy
