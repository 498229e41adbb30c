"""Telling people about recorded changes outside the TUI: a command, Apprise URLs, a terminal.

A notification never stops a pass: whatever goes wrong (a missing program, a non-zero exit, a
hook that hangs, a service that refuses) becomes a one-line warning and the next one is tried.
The command gets the change as JSON on stdin (never a shell, never the text on its command
line), has a deadline, and is always reaped.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from reader.config import Config
from reader.core.models import Article
from reader.core.safety import display_url, sanitize_for_terminal
from reader.core.store import Store

if TYPE_CHECKING:
    from reader.core.models import Change

HOOK_TIMEOUT = 10.0  # seconds a command may take before it is killed
TERMINAL_LIMIT = 200  # characters of a terminal notification: enough for a headline
MISSING_APPRISE = "[notify] urls need Apprise: pip install 'newsroom[notify]'"

Warn = Callable[[str], None]


class Alert(NamedTuple):
    """One recorded change as the command reads it (JSON on stdin) and services show it."""

    id: int
    feed: str  # the feed's title
    title: str
    url: str | None  # without a password
    kind: str
    version: int
    words_added: int
    words_removed: int
    seen_at: str  # ISO 8601, UTC

    def as_json(self) -> bytes:
        return json.dumps(self._asdict()).encode() + b"\n"


class MatchAlert(NamedTuple):
    """A new story a saved search with notify = true matches: an Alert's fields (kind "match",
    version the story's, no words counted, seen_at when it was first seen) and ``saved``, the
    saved search's name."""

    id: int
    feed: str
    title: str
    url: str | None
    kind: str
    version: int
    words_added: int
    words_removed: int
    seen_at: str
    saved: str

    def as_json(self) -> bytes:
        return json.dumps(self._asdict()).encode() + b"\n"


def _iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def one_line(text: str) -> str:
    """Untrusted text fit for one line of a terminal or a notification."""
    return " ".join(sanitize_for_terminal(text).split())


def warn_on_stderr(message: str) -> None:
    print(f"newsroom: warning: {one_line(message)}", file=sys.stderr, flush=True)


def missing_apprise(config: Config) -> str | None:
    """The error to give when [notify] urls are set but Apprise is not installed."""
    if not config.notify.urls:
        return None
    from importlib.util import find_spec

    return MISSING_APPRISE if find_spec("apprise") is None else None


def alerts(store: Store, changes: Sequence[Change]) -> list[Alert]:
    """The alerts for ``changes``, their word counts from the diff a reader would see first
    (the version against the previous one of the same source)."""
    from reader.core.changes import default_pair
    from reader.core.diff import diff_texts

    found = []
    for change in changes:
        article = store.article(change.id)
        versions = {v.seq: v for v in store.versions(change.id)}
        if article is None or change.version not in versions:
            continue
        before, after = default_pair(list(versions.values()), to=change.version)
        old, new = versions[before], versions[after]
        diff = diff_texts(old.title, old.text, new.title, new.text) if before != after else None
        found.append(
            Alert(
                id=article.id,
                feed=article.feed_title,
                title=new.title or article.title,
                url=display_url(article.url) if article.url else None,
                kind=change.kind,
                version=change.version,
                words_added=diff.words_added if diff else 0,
                words_removed=diff.words_removed if diff else 0,
                seen_at=_iso(new.seen_at),
            )
        )
    return found


def run_command(
    argv: Sequence[str], alert: Alert | MatchAlert, *, timeout: float = HOOK_TIMEOUT
) -> str | None:
    """Run the [notify] command with ``alert`` on stdin; None, or why it failed.

    Its output goes nowhere (it must not mix with ours, nor draw over the TUI). It runs in a
    session of its own, so a timeout kills whatever it started too.
    """
    name = one_line(argv[0])
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return f"notify command {name} could not start: {exc.strerror or exc}"
    try:
        proc.communicate(alert.as_json(), timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return f"notify command {name} took over {timeout:g} s and was stopped"
    except BaseException:  # interrupted (Ctrl-C, the daemon's SIGTERM): leave nothing behind
        _stop(proc)
        raise
    if proc.returncode != 0:
        return f"notify command {name} failed with exit code {proc.returncode}"
    return None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command and all it started, and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def send_apprise(urls: Sequence[str], found: Sequence[Alert | MatchAlert], warn: Warn) -> None:
    """One message per alert to every Apprise URL. URLs carry tokens and passwords: a warning
    names a URL only by its scheme."""
    try:
        import apprise
    except ImportError:
        warn(MISSING_APPRISE)
        return
    import logging

    # Apprise logs its own failures; ours is the one warning line below.
    logging.getLogger("apprise").addHandler(logging.NullHandler())
    services = apprise.Apprise()
    for url in urls:
        if not services.add(url):
            warn(f"notify: Apprise cannot use the {url.partition(':')[0]}: URL")
    if not len(services):
        return
    for alert in found:
        if isinstance(alert, MatchAlert):
            kind, words = f"match ({alert.saved})", ""
        else:
            kind, words = alert.kind, f"\n+{alert.words_added} -{alert.words_removed} words"
        body = f"{alert.feed}\n{alert.url or ''}{words}"
        if not services.notify(title=one_line(f"{kind}: {alert.title}"), body=body):
            warn(f"notify: Apprise could not deliver the alert for story {alert.id}")


def notify_changes(
    store: Store, config: Config, changes: Sequence[Change], warn: Warn = warn_on_stderr
) -> None:
    """Tell the [notify] command and URLs about ``changes``."""
    settings = config.notify
    if not changes or not (settings.command or settings.urls):
        return
    found = alerts(store, changes)
    if settings.command:
        for alert in found:
            problem = run_command(settings.command, alert)
            if problem:
                warn(problem)
    if settings.urls:
        send_apprise(settings.urls, found, warn)


def notify_matches(
    config: Config, saved: str, stories: Sequence[Article], warn: Warn = warn_on_stderr
) -> None:
    """Tell the [notify] command and URLs that ``stories`` are new and match the saved search
    ``saved``: one MatchAlert each."""
    settings = config.notify
    if not stories or not (settings.command or settings.urls):
        return
    found = [
        MatchAlert(
            id=story.id,
            feed=story.feed_title,
            title=story.title,
            url=display_url(story.url) if story.url else None,
            kind="match",
            version=story.versions,
            words_added=0,
            words_removed=0,
            seen_at=_iso(story.first_seen),
            saved=saved,
        )
        for story in stories
    ]
    for alert in found if settings.command else ():
        problem = run_command(settings.command, alert)
        if problem:
            warn(problem)
    if settings.urls:
        send_apprise(settings.urls, found, warn)


def terminal_protocol(environ: Mapping[str, str] = os.environ) -> int:
    """777 for the terminals that read OSC 777 notifications (VTE, rxvt, foot), else 9 (iTerm2,
    WezTerm, Windows Terminal, ConEmu, Ghostty, kitty)."""
    term = environ.get("TERM", "")
    return 777 if environ.get("VTE_VERSION") or term.startswith(("rxvt", "foot")) else 9


def terminal_alert(kind: str, title: str, *, osc: int = 9) -> str:
    """The escape sequence of a desktop notification for a change (OSC 9, or OSC 777 with a
    title field). Nothing from the feed can end it early or start another sequence: controls
    (ESC, BEL, C1) are dropped and the headline only ever fills the last field."""
    text = one_line(f"{kind}: {title}")[:TERMINAL_LIMIT]
    if osc == 777:
        return f"\x1b]777;notify;newsroom;{text}\a"
    return f"\x1b]9;newsroom: {text}\a"
