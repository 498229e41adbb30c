"""What every part of the store shares: connections, transactions, errors and migration.

Discipline: WAL set once at creation, foreign keys and a busy timeout on every connection, every
write in a `BEGIN IMMEDIATE` transaction (so two processes queue instead of failing mid-way).

A database this process cannot write (a read-only file, folder or mount) is opened read-only, so
the commands that only read still work; a write then fails with one line.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from reader.core.store.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 15_000

Row = tuple[Any, ...]
Params = Sequence[object] | Mapping[str, object]
Record = TypeVar("Record")


class StoreError(Exception):
    """The database cannot be used; str() is one line for people."""


def _describe(exc: sqlite3.Error, path: Path) -> str:
    message = str(exc)
    if "not a database" in message or "malformed" in message:
        return f"{path} is damaged or not a newsroom database ({message})"
    if "disk is full" in message:
        return f"cannot write {path}: the disk is full (what was stored before is kept)"
    if "readonly" in message or "unable to open" in message:
        if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
            return f"cannot write {path}: {path.parent} is read-only"
        return f"cannot write {path} ({message})"
    return f"database error in {path}: {message}"


def _read_only(path: Path) -> bool:
    """Can this process not write the database? os.access answers for root too on a read-only
    mount. In WAL mode writing needs the -wal and -shm files beside it: without a writable
    folder they must already be there, and writable."""
    if not path.exists():
        return False  # it is created on open, or the error says why it cannot be
    if not os.access(path, os.W_OK):
        return True
    if os.access(path.parent, os.W_OK):
        return False
    return not all(os.access(f"{path}{suffix}", os.W_OK) for suffix in ("-wal", "-shm"))


def _read_only_uri(path: Path) -> str:
    """The database opened read-only. Immutable when no -wal file holds anything: then all of it
    is in the file, and SQLite needs no -shm file (which it could not create here)."""
    wal = Path(f"{path}-wal")
    immutable = not wal.exists() or wal.stat().st_size == 0
    return path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


class StoreBase:
    """The newsroom database file. Safe to share between threads: each thread gets its own
    connection, and SQLite's locking (WAL + busy timeout) serialises writers."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.read_only = _read_only(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.path.parent} ({exc.strerror})") from None
        with self._errors():
            self._migrate(self._conn())

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                _read_only_uri(self.path) if self.read_only else self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=15,
                uri=self.read_only,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
            with self._lock:
                # Worker threads come and go: close the connections of threads that ended.
                for thread, old in list(self._connections.items()):
                    if not thread.is_alive():
                        old.close()
                        del self._connections[thread]
                self._connections[threading.current_thread()] = conn
        return conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(_describe(exc, self.path)) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so concurrent writers wait instead of failing."""
        self.check_writable()
        conn = self._conn()
        # Threads of this process queue here; other processes queue on SQLite's lock.
        with self._write_lock, self._errors():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def check_writable(self) -> None:
        """Raise StoreError now, before any work, when this process cannot write the database."""
        if self.read_only:
            raise StoreError(self._cannot_write())

    def _cannot_write(self) -> str:
        folder = self.path.parent
        if os.access(self.path, os.W_OK) and not os.access(folder, os.W_OK):
            return f"cannot write {self.path}: {folder} is read-only"
        return f"cannot write {self.path}: it is read-only"

    def _read(self, sql: str, params: Params = ()) -> list[Row]:
        with self._errors():
            return self._conn().execute(sql, params).fetchall()

    def _records(
        self, make: Callable[[Row], Record], sql: str, params: Params = ()
    ) -> list[Record]:
        """The rows of a query, each turned into a record by ``make`` (see rows.py)."""
        return [make(row) for row in self._read(sql, params)]

    def close(self) -> None:
        with self._lock:
            for conn in self._connections.values():
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == len(MIGRATIONS):
            return
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer newsroom (schema {version})")
        if self.read_only:
            raise StoreError(f"{self._cannot_write()}, and it needs an upgrade to open")
        if version == 0:
            # Space freed by pruning is handed back a little at a time (see the prune step).
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step, statements in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
