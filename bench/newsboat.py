"""Run newsboat side by side with newsroom, so benchmarks can compare the two.

All of newsboat's state (urls, config, cache.db, its lock file, history) lives in one work
directory: HOME and XDG_* point there, so nothing touches the real ~/.newsboat.
bench/compare.py runs it against newsroom.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import termios
import time
from dataclasses import dataclass
from pathlib import Path

# Everything that could make newsboat do extra work or wait for someone is switched off:
# no auto-reload (it would also reload on startup), no notifications, no exit prompt, no
# history files, one try per feed. Failed downloads only go to the error log, never to the
# exit status, so reload() checks that log.
CONFIG = """\
reload-threads {threads}
auto-reload no
refresh-on-startup no
notify-always no
notify-beep no
notify-screen no
notify-xterm no
confirm-exit no
history-limit 0
download-retries 1
download-timeout 30
show-read-feeds yes
error-log "{error_log}"
"""

COLUMNS, LINES = 120, 40

# The feed list is drawn when the title bar ("newsboat 2.21.0 - Your feeds (…)") and a feed
# row ("   1 N     (10/10) Bench feed 0") have been written; both come in the first paint.
_TITLE = re.compile(rb"Your feeds")
_ROW = re.compile(rb"\(\d+/\d+\)")


@dataclass
class Run:
    """One newsboat run: wall time and peak resident memory of the newsboat process."""

    seconds: float
    peak_mib: float


def available() -> bool:
    """True if newsboat is on PATH, so benchmarks can skip the comparison without it."""
    return shutil.which("newsboat") is not None


def _env(workdir: Path) -> dict[str, str]:
    """The caller's environment, rooted in workdir so ~/.newsboat is never read or written.

    Proxy variables are dropped: libcurl honours http_proxy, even for loopback URLs.
    LINES/COLUMNS are pinned because ncurses prefers them over the terminal's own size.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy") and not key.startswith("XDG_")
    }
    env.update(
        HOME=str(workdir),
        XDG_CONFIG_HOME=str(workdir / ".config"),
        XDG_DATA_HOME=str(workdir / ".local" / "share"),
        XDG_CACHE_HOME=str(workdir / ".cache"),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
    )
    return env


def _command(*extra: str) -> list[str]:
    # The lock file is cache.db.lock, next to the cache, so it stays in workdir too.
    return ["newsboat", "-u", "urls", "-c", "cache.db", "-C", "config", *extra]


def reload(urls: list[str], workdir: Path, threads: int = 16) -> Run:
    """Fetch every feed once with `newsboat -x reload`, the way a cron job would.

    The first call on a fresh workdir is a cold reload. Newsboat 2.21 only sends
    If-None-Match / If-Modified-Since from the third call on: on a feed's first fetch it
    saves ETag and Last-Modified before the feed's row exists, so they are lost (newsboat
    issue #2734). The second call is therefore another full download; warm means the third.
    """
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    error_log = workdir / "error.log"
    error_log.unlink(missing_ok=True)
    (workdir / "urls").write_text("".join(f"{url}\n" for url in urls))
    (workdir / "config").write_text(CONFIG.format(threads=threads, error_log=error_log))
    output = workdir / "reload.out"
    with output.open("wb") as out:
        started = time.perf_counter()
        # -x reload needs no terminal: stdin can be /dev/null.
        proc = subprocess.Popen(
            _command("-x", "reload"),
            cwd=workdir,
            env=_env(workdir),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        # wait4, not proc.wait(): it also returns the child's rusage (ru_maxrss is KiB).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        # With -x newsboat is quiet: if another newsboat holds cache.db.lock, it just exits 1.
        message = output.read_text().strip() or "no output (is cache.db.lock held?)"
        raise RuntimeError(f"newsboat -x reload in {workdir} exited {proc.returncode}: {message}")
    if error_log.exists() and (errors := error_log.read_text().strip()):
        raise RuntimeError(f"newsboat could not fetch every feed:\n{errors}")
    return Run(seconds=seconds, peak_mib=usage.ru_maxrss / 1024)


def startup_to_feed_list(workdir: Path, timeout: float = 60, screen: Path | None = None) -> Run:
    """Start interactive newsboat in a pseudo-terminal and time it until the feed list shows.

    Uses the urls, config and cache that reload() left in workdir; the config turns off
    auto-reload, so newsboat only reads its cache. peak_mib is its resident memory (VmRSS) at
    the moment the list is drawn. Newsboat is then quit with "q", or killed.
    What newsboat wrote to the terminal is saved to `screen` if given, for checking.
    """
    workdir = workdir.resolve()
    if not (workdir / "cache.db").exists():
        raise RuntimeError(f"no newsboat cache in {workdir}; call reload() first")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    output = bytearray()
    try:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                _command(),
                cwd=workdir,
                env=_env(workdir),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
            )
        finally:
            os.close(slave)  # only newsboat keeps it open, so reads see EIO when it exits
        deadline = started + timeout
        while not (_TITLE.search(output) and _ROW.search(output)):
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or proc.poll() is not None:
                proc.kill()
                proc.wait()
                raise RuntimeError(f"newsboat never showed its feed list:\n{_text(bytes(output))}")
            if select.select([master], [], [], remaining)[0]:
                output += _read(master)
        seconds = time.perf_counter() - started
        peak_mib = resident_mib(proc.pid)
        _quit(proc, master)
    finally:
        os.close(master)
    if screen is not None:
        screen.write_bytes(bytes(output))
    return Run(seconds=seconds, peak_mib=peak_mib)


def resident_mib(pid: int) -> float:
    """Resident memory (VmRSS) of a running process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _read(master: int) -> bytes:
    try:
        return os.read(master, 65536)
    except OSError:  # EIO once the child has closed its side of the terminal
        return b""


def _quit(proc: subprocess.Popen[bytes], master: int, grace: float = 5) -> None:
    """Press q and wait a few seconds for newsboat to save its cache; kill it otherwise."""
    os.write(master, b"q")
    deadline = time.monotonic() + grace
    # Keep draining the terminal so newsboat never blocks writing to it.
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([master], [], [], 0.05)[0] and not _read(master):
            break  # terminal closed: newsboat is exiting
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _text(output: bytes) -> str:
    """The end of what newsboat wrote, without escape sequences, for error messages."""
    plain = re.sub(rb"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][0-9A-Za-z]|.)", b" ", output)
    return plain.decode(errors="replace")[-2000:]
