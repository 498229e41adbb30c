"""Helpers for the worker processes newsroom starts (page extraction, background refreshes)."""

from __future__ import annotations

import os
import threading
import time


def follow_parent(parent: int) -> None:
    """End this process once ``parent`` is gone. A killed parent (SIGKILL, a crash) closes no
    pipe that a pool worker would notice, so without this its workers would live on."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()
