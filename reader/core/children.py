"""Helpers for the worker processes newsroom starts (page extraction, background refreshes)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def alive(pid: int) -> bool:
    """Is process ``pid`` running (not gone, not a zombie waiting to be reaped)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: signal 0 is the best answer there is
    return state != "Z"


def follow_parent(parent: int) -> None:
    """End this process once ``parent`` (the newsroom that started it, directly or through a
    fork server) is gone. A killed parent (SIGKILL, a crash) closes no pipe that a pool worker
    would notice, so without this its workers would live on."""

    def watch() -> None:
        while alive(parent):
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()
