"""Where newsroom keeps its files, and the typed settings read from config.toml.

The home is `--home`, else $NEWSROOM_HOME, else the platform's usual places (platformdirs). Unknown
keys and wrong types are reported with the file and the key, so a typo never goes unnoticed.
Settings are named tuples (cheap to define at start-up) and are never changed in place, which is
what makes their shared empty defaults safe.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

APP = "newsroom"


class ConfigError(ValueError):
    """A config file that cannot be used; str() is one line naming the file and key."""


class FetchConfig(NamedTuple):
    feed_timeout: float = 30.0
    page_timeout: float = 45.0
    feed_max_mib: float = 15.0
    page_max_mib: float = 5.0
    max_redirects: int = 5
    concurrency: int = 32
    per_host: int = 4
    # "http://proxy:3128" (also socks5://...); empty: the http_proxy/https_proxy/no_proxy
    # environment, as curl reads it.
    proxy: str = ""
    ca_file: str = ""  # extra PEM certificates to trust (an intranet's private CA)
    user_agent: str = ""  # empty: newsroom/VERSION


class RefreshConfig(NamedTuple):
    interval_minutes: int = 30
    # A whole refresh pass ends after this long (slow hosts must not hold up the rest, nor the
    # daemon's story checks); the feeds not reached are skipped until the next pass.
    pass_timeout_minutes: float = 10.0


class StoreConfig(NamedTuple):
    # Retention: stories older than this many days go (0: keep them all) ...
    keep_days: int = 0
    # ... and so do those beyond the newest this many of each feed (0: no cap). Starred
    # stories and stories with recorded changes are always kept.
    keep_per_feed: int = 0


class ExtractConfig(NamedTuple):
    # Off by default: extracting every new story costs a page fetch and ~0.15 s of CPU each,
    # while opening a story extracts just that one (and caches it).
    on_refresh: bool = False
    feeds: tuple[str, ...] = ()  # feed URLs extracted on refresh anyway
    timeout: float = 10.0
    memory_mib: int = 768
    # Extraction processes working at once (a watch pass extracts many pages): one per core.
    workers: int = min(2, os.cpu_count() or 1)


class WatchConfig(NamedTuple):
    in_tui: bool = True  # run the story watcher in the background of the TUI
    every_minutes: float = 5.0  # how often the TUI looks for stories due a check
    # Stretches the schedule (15 min to 3 h, hourly to a day, 6-hourly to a week): 2 = half
    # as often and twice as long.
    schedule_scale: float = 1.0
    # Text matching these regular expressions never counts as a change ("Share this story").
    ignore: tuple[str, ...] = ()
    # The same, for one feed: {"https://example.org/feed.xml" = ["Most read: .*"]}.
    ignore_by_feed: dict[str, tuple[str, ...]] = {}
    # After its first week a story is checked daily, until it has been quiet this many days.
    max_age_days: int = 30
    # Keep the raw response (status, headers, body) of every page version, for `newsroom archive`.
    keep_raw: bool = True


class NotifyConfig(NamedTuple):
    # argv run once per recorded change, the change as JSON on stdin; no shell.
    command: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()  # Apprise URLs (mailto://, ntfy://, json://, ...)
    terminal: bool = False  # the TUI raises a terminal notification (OSC 9 / OSC 777)


class TuiConfig(NamedTuple):
    refresh_on_start: bool = True
    theme: str = "textual-dark"
    browser: tuple[str, ...] = ()  # argv with {url} and {title}; empty: the system's
    save_dir: str = ""  # where `S` saves stories; empty: the `saved` folder beside config.toml
    clipboard: bool = False  # `y` copies a story's URL with OSC 52 (the terminal may log it)


class FiltersConfig(NamedTuple):
    # Queries in the search language: a story matching any of them is hidden from every list
    # and unread count (`is:hidden` finds it). Checked at load: a bad one is a config error.
    hide: tuple[str, ...] = ()


class SavedSearch(NamedTuple):
    """A `[[saved]]` table: a named query shown as a view; ``notify``: new stories matching it
    go to the [notify] command and URLs."""

    name: str
    query: str
    notify: bool = False


class Config(NamedTuple):
    config_path: Path
    db_path: Path
    fetch: FetchConfig = FetchConfig()
    refresh: RefreshConfig = RefreshConfig()
    tui: TuiConfig = TuiConfig()
    extract: ExtractConfig = ExtractConfig()
    watch: WatchConfig = WatchConfig()
    notify: NotifyConfig = NotifyConfig()
    store: StoreConfig = StoreConfig()
    filters: FiltersConfig = FiltersConfig()
    saved: tuple[SavedSearch, ...] = ()
    # Key remapping for the TUI: binding id -> keys ("ctrl+r" or "r,f5"); ids checked by the UI.
    keys: dict[str, str] = {}


# The inclusive range of every number in config.toml (the README lists them); every numeric
# setting needs one. A value outside it would only fail later, in a fetch or the scheduler.
BOUNDS: dict[str, tuple[float, float]] = {
    "fetch.feed_timeout": (1, 3600),  # seconds
    "fetch.page_timeout": (1, 3600),
    "fetch.feed_max_mib": (0.1, 1024),
    "fetch.page_max_mib": (0.1, 1024),
    "fetch.max_redirects": (0, 20),
    "fetch.concurrency": (1, 256),
    "fetch.per_host": (1, 64),
    "refresh.interval_minutes": (1, 10080),  # up to a week
    "refresh.pass_timeout_minutes": (0.01, 1440),
    "extract.timeout": (1, 3600),
    "extract.memory_mib": (64, 65536),
    "extract.workers": (1, 16),
    "watch.every_minutes": (0.1, 1440),
    "watch.schedule_scale": (0.01, 100),
    "watch.max_age_days": (1, 3650),
    "store.keep_days": (0, 36500),  # 0: keep everything
    "store.keep_per_feed": (0, 1_000_000),  # 0: no cap
}


def _locations(home: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    home = home or os.environ.get("NEWSROOM_HOME")
    if home:
        base = Path(home).expanduser()
        return base / "config.toml", base / "newsroom.db"
    import platformdirs  # only when no home is given: its import costs a few milliseconds

    config_dir = Path(platformdirs.user_config_dir(APP, appauthor=False))
    data_dir = Path(platformdirs.user_data_dir(APP, appauthor=False))
    return config_dir / "config.toml", data_dir / "newsroom.db"


def _patterns(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [p for patterns in value.values() for p in patterns]
    return list(value)


def _section(cls: Any, values: Any, name: str, path: Path) -> Any:
    """Build one settings record from a TOML table, checking keys and types."""
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in cls._field_defaults:
            raise ConfigError(f"{path}: unknown key {name}.{key}")
        kwargs[key] = _setting(cls._field_defaults[key], value, f"{name}.{key}", path)
    return cls(**kwargs)


# A setting's type as its error names it, in TOML's words rather than Python's.
_KINDS = {
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    str: "a string in quotes",
    list: "a list of strings",
    dict: "a table of lists of strings",
}


def _setting(default: Any, value: Any, name: str, path: Path) -> Any:
    """One TOML value checked against the type of its default; lists become tuples."""
    expected: type = float if isinstance(default, float) else type(default)
    if isinstance(default, tuple):
        expected = list
    elif isinstance(default, dict):
        expected = dict
    ok = isinstance(value, expected) or (expected is float and isinstance(value, int))
    if not ok or isinstance(value, bool) != isinstance(default, bool):
        raise ConfigError(f"{path}: {name} must be {_KINDS[expected]}")
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {name} must be a list of strings")
    if isinstance(value, dict) and not all(
        isinstance(v, list) and all(isinstance(i, str) for i in v) for v in value.values()
    ):
        raise ConfigError(f"{path}: {name} must map names to lists of strings")
    for pattern in _patterns(value) if "ignore" in name else ():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{path}: {name}: bad regular expression ({exc})") from None
    if name == "fetch.proxy" and value and not _proxy_url(value):
        raise ConfigError(
            f'{path}: fetch.proxy must be a URL such as "http://proxy:3128" or'
            ' "socks5://proxy:1080"'
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = BOUNDS[name]
        if not low <= value <= high:  # NaN fails every comparison, inf is above every bound
            raise ConfigError(f"{path}: {name} must be between {low:g} and {high:g}")
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return {k: tuple(v) for k, v in value.items()}
    return expected(value)


PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")


def _proxy_url(value: str) -> bool:
    """A proxy libcurl can use: a scheme it knows and a host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        return parts.scheme in PROXY_SCHEMES and bool(parts.hostname) and parts.port != 0
    except ValueError:
        return False


_SECTIONS: dict[str, type] = {
    "fetch": FetchConfig,
    "refresh": RefreshConfig,
    "tui": TuiConfig,
    "extract": ExtractConfig,
    "watch": WatchConfig,
    "notify": NotifyConfig,
    "store": StoreConfig,
    "filters": FiltersConfig,
}


def _keys(values: Any, path: Path) -> dict[str, str]:
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: [keys] must be a table")
    for name, keys in values.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f'{path}: keys.{name} must be a key name such as "ctrl+r"')
    return dict(values)


def load_config(home: str | os.PathLike[str] | None = None) -> Config:
    """Read config.toml if present; a missing file means defaults."""
    config_path, db_path = _locations(home)
    config = Config(config_path=config_path, db_path=db_path)
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError:
        return config
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read ({exc.strerror})") from None
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config_path}: invalid TOML ({exc})") from None
    except ValueError:  # int() refuses a number of over 4,300 digits
        raise ConfigError(f"{config_path}: invalid TOML (a number too long to read)") from None
    sections: dict[str, Any] = {}
    for name, values in data.items():
        if name == "keys":
            sections["keys"] = _keys(values, config_path)
            continue
        if name == "saved":
            sections["saved"] = _saved(values, config_path)
            continue
        if name not in _SECTIONS:
            raise ConfigError(f"{config_path}: unknown section [{name}]")
        sections[name] = _section(_SECTIONS[name], values, name, config_path)
    for i, text in enumerate(sections["filters"].hide if "filters" in sections else ()):
        problem = query_problem(text, hide=True)
        if problem:
            raise ConfigError(f"{config_path}: filters.hide[{i + 1}] {_quoted(text)}: {problem}")
    return config._replace(**sections)


def _quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def query_problem(text: str, *, hide: bool = False) -> str | None:
    """Why ``text`` cannot be a saved search (``hide``: a hide filter), or None. A hide filter
    is applied to each story as it arrives, so it may not depend on what changes afterwards:
    a story's state (is:) or the time (age:, whose tree differs from one moment to the next)."""
    from reader.core.query import QueryError, State, parse

    try:
        query = parse(text, now=0)
    except QueryError as exc:
        return str(exc)
    if query.in_view:
        return f"in:view has no meaning in a {'filter' if hide else 'saved search'}"
    if not hide:
        return None
    if any(isinstance(node, State) for node in _nodes(query.root)):
        return "is: cannot be used in a filter (a story's state changes after it arrives)"
    if parse(text, now=86400) != query:
        return "age: cannot be used in a filter (use after: or before:)"
    return None


def _nodes(node: Any) -> list[Any]:
    """Every node of a query tree (And and Or have parts, Not has a part)."""
    if node is None:
        return []
    children = getattr(node, "parts", None) or ([node.part] if hasattr(node, "part") else [])
    return [node, *(n for child in children for n in _nodes(child))]


def _saved(values: Any, path: Path) -> tuple[SavedSearch, ...]:
    """The [[saved]] tables: each a name (unique, not empty), a query and an optional notify."""
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise ConfigError(f"{path}: saved must be [[saved]] tables")
    found: list[SavedSearch] = []
    for i, table in enumerate(values, start=1):
        where = f"saved[{i}]"
        for key in table:
            if key not in SavedSearch._fields:
                raise ConfigError(f"{path}: {where}: unknown key {key}")
        for key in ("name", "query"):
            value = table.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{path}: {where}: {key} must be a string that is not empty")
        name = table["name"].strip()
        where = f"saved {_quoted(name)}"
        if not isinstance(table.get("notify", False), bool):
            raise ConfigError(f"{path}: {where}: notify must be true or false")
        if any(s.name == name for s in found):
            raise ConfigError(f"{path}: {where}: the name is used twice")
        problem = query_problem(table["query"])
        if problem:
            raise ConfigError(f"{path}: {where}: bad query: {problem}")
        found.append(SavedSearch(name, table["query"], table.get("notify", False)))
    return tuple(found)


_HEADER = re.compile(r"^\s*\[")


def _config_text(path: Path) -> str:
    """config.toml as it is now, to be changed by a line or two ("" when there is none)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None


def save_setting(path: Path, section: str, key: str, value: str) -> None:
    """Set one string setting in config.toml, every other line (comments included) left as it
    is: the key's value is replaced in place, else the key is added under its section's header,
    else the section at the end. A file this cannot change safely (a dotted or inline table)
    raises ConfigError and is left alone."""
    import json
    import tomllib

    text = _config_text(path)
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    lines = text.splitlines(keepends=True)
    header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]\s*(#.*)?$")
    setting = re.compile(
        rf"""^(\s*{re.escape(key)}\s*=\s*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*')(.*)$""", re.DOTALL
    )
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        gap = "" if not text else "\n" if text.endswith("\n") else "\n\n"
        lines.append(f"{gap}[{section}]\n{key} = {quoted}\n")
    else:
        end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
        found = next((i for i in range(start + 1, end) if setting.match(lines[i])), None)
        if found is None:
            lines.insert(start + 1, f"{key} = {quoted}\n")
        else:
            match = setting.match(lines[found])
            assert match is not None
            lines[found] = match[1] + quoted + match[3]
    updated = "".join(lines)
    try:
        table = tomllib.loads(updated).get(section, {})
    except tomllib.TOMLDecodeError:
        table = {}
    if not isinstance(table, dict) or table.get(key) != value:
        raise ConfigError(f"{path}: cannot set {section}.{key} here; set it by hand")
    _write_config(path, updated)


def append_saved(path: Path, saved: SavedSearch) -> None:
    """Add a [[saved]] table at the end of config.toml, every line before it left as it is. A
    file where that would not read back as this saved search last (``saved`` set some other
    way) raises ConfigError and is left alone."""
    import json
    import tomllib

    text = _config_text(path)
    gap = "" if not text else "\n" if text.endswith("\n") else "\n\n"
    table = f"[[saved]]\nname = {json.dumps(saved.name, ensure_ascii=False)}\n"
    table += f"query = {json.dumps(saved.query, ensure_ascii=False)}\n"
    if saved.notify:
        table += "notify = true\n"
    updated = text + gap + table
    try:
        found = tomllib.loads(updated).get("saved")
    except tomllib.TOMLDecodeError:
        found = None
    last = found[-1] if isinstance(found, list) and found else None
    if last != {k: v for k, v in saved._asdict().items() if k != "notify" or v}:
        raise ConfigError(f"{path}: cannot add a [[saved]] table here; add it by hand")
    _write_config(path, updated)


def _write_config(path: Path, text: str) -> None:
    """Replace config.toml with ``text`` at once (a new file renamed over it), its mode kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    try:
        temporary.write_text(text, encoding="utf-8")
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write ({exc.strerror})") from None


def log_path(home: str | os.PathLike[str] | None = None) -> Path:
    """Where the TUI writes the traceback of an internal error: the home when one is given
    (`--home` or $NEWSROOM_HOME), else the platform's state folder."""
    home = home or os.environ.get("NEWSROOM_HOME")
    if home:
        return Path(home).expanduser() / "newsroom.log"
    import platformdirs

    return Path(platformdirs.user_state_dir(APP, appauthor=False)) / "newsroom.log"
