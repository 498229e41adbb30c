"""The user's own command for a story (`[tui] browser`), run without a shell.

Titles and URLs come from feeds, so they may hold `;`, `$(...)`, quotes or newlines. They are put
into the configured argv one element at a time and never pass through a shell, so nothing in them
can start a second command.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Sequence

from reader.core.safety import sanitize_for_terminal

_PLACEHOLDER = re.compile(r"\{(url|title)\}")


class LaunchError(Exception):
    """The command could not be started; str() is one line for people."""


def command_for(template: Sequence[str], url: str, title: str) -> list[str]:
    """``template`` with {url} and {title} filled in (the URL is appended when no element asks
    for it). One pass, so a title holding "{url}" stays text."""
    values = {"url": url, "title": " ".join(sanitize_for_terminal(title).split())}
    argv = [_PLACEHOLDER.sub(lambda match: values[match[1]], part) for part in template]
    if not any("{url}" in part for part in template):
        argv.append(url)
    return argv


def launch(argv: Sequence[str]) -> None:
    """Start ``argv`` detached from the terminal; a thread reaps it so it leaves no zombie."""
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise LaunchError(f"cannot run {argv[0]!r} ({exc.strerror})") from None
    threading.Thread(target=process.wait, name="reap", daemon=True).start()
