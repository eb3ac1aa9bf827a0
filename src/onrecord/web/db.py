"""The server's read-only access to the store: one connection per worker thread, reopened when the file
is replaced, checked to be an onrecord store; a store that is missing, locked or unusable becomes a
`StoreUnavailable` (one sentence that does not name the file), and the server keeps answering.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from onrecord.store import StoreError, open_store
from onrecord.store.migrations import LATEST
from onrecord.store.sqlite import APPLICATION_ID

BUSY_TIMEOUT_MS = 2_000
"""How long a page waits for a writer's lock before answering that the store is busy."""


CACHE_BYTES = 32_000_000
"""Rendered pages and query results each server process keeps until the store changes, least recently
used first out: pages count their size, a query's result `RESULT_BYTES`."""
RESULT_BYTES = 20_000
"""About what a page of results (20 to 50 hits or statements) takes in memory."""
WAIT_SECONDS = 30.0
"""How long a thread waits for another computing the same result before looking again."""
MMAP_BYTES = 1 << 30
"""Pages read through a memory map (address space, not memory): row lookups cost a third less."""


P = ParamSpec("P")
T = TypeVar("T")


class StoreUnavailable(Exception):
    """The store cannot be read now: missing, locked by another process, or not an onrecord store. The
    message never names the file (it is shown to whoever asks)."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def _decode(data: bytes) -> str:
    """Text columns decoded leniently: bytes that are not UTF-8 show as U+FFFD, never an exception."""
    return data.decode("utf-8", "replace")


@dataclass
class _Open:
    """A connection, the file it belongs to, and which connection of this server it is."""

    identity: tuple[int, int]
    conn: sqlite3.Connection
    serial: int


class Database:
    """Read-only connections to the store at `path`, one per thread, and one cache of results shared by
    the threads, emptied whenever anything commits to the store (`PRAGMA data_version` on one watching
    connection) or the file is replaced."""

    def __init__(self, path: str | os.PathLike[str], busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = os.fspath(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.cache_bytes = CACHE_BYTES
        self._local = threading.local()
        self._migrate_lock = threading.Lock()
        self._serial = itertools.count(1)
        self._watch: _Open | None = None
        self._watch_lock = threading.Lock()
        self._cache: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._cached_bytes = 0
        self._computing: dict[Hashable, threading.Event] = {}
        self._cache_state: tuple[int, int] | None = None
        self._cache_lock = threading.Lock()

    def query(
        self, function: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`function(conn, ...)` inside one read transaction, so it sees one consistent state of the
        store. Text that is not valid UTF-8 (a damaged store) is read again leniently, as U+FFFD."""
        with self._reading() as conn:
            try:
                return function(conn, *args, **kwargs)
            except sqlite3.OperationalError as error:
                if "decode" not in str(error):
                    raise
            conn.execute("ROLLBACK")
            conn.execute("BEGIN")
            conn.text_factory = _decode
            try:
                return function(conn, *args, **kwargs)
            finally:
                conn.text_factory = str

    def cached(
        self,
        key: Hashable,
        function: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`query(function, ...)`, remembered under `key` until the store changes."""
        return self.remember(key, lambda: self.query(function, *args, **kwargs))

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` (which reads this store), remembered under `key` until the store changes; threads
        asking for a key being computed wait for it (after a commit empties the cache, a much-asked
        page is computed once, not once per client). A value read after a commit the check missed is
        kept under the older state, which the next check empties."""
        state = self._state()
        while True:
            with self._cache_lock:
                if state != self._cache_state:
                    self._cache.clear()
                    self._cached_bytes = 0
                    self._cache_state = state
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return cast(T, self._cache[key][0])
                computing = self._computing.get(key)
                if computing is None:
                    self._computing[key] = threading.Event()
                    break
            computing.wait(WAIT_SECONDS)  # then look again: computed, or computing failed
        try:
            value = compute()
            self._keep(key, value, state)
        finally:
            with self._cache_lock:
                self._computing.pop(key).set()
        return value

    def _keep(self, key: Hashable, value: Any, state: tuple[int, int]) -> None:
        size = len(value) if isinstance(value, bytes) else RESULT_BYTES
        with self._cache_lock:
            if self._cache_state == state and key not in self._cache and size <= self.cache_bytes:
                self._cache[key] = (value, size)
                self._cached_bytes += size
                while self._cached_bytes > self.cache_bytes:
                    self._cached_bytes -= self._cache.popitem(last=False)[1][1]

    def _state(self) -> tuple[int, int]:
        """Which connection watches the store and its data version: any commit or replacement changes it."""
        with self._watch_lock:
            self._watch = self._reuse(self._watch)
            try:
                return (self._watch.serial, _data_version(self._watch.conn))
            except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
                self._watch.conn.close()
                self._watch = None
                raise _unavailable(error) from error

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        opened = self._reuse(getattr(self._local, "opened", None))
        self._local.opened = opened
        try:
            opened.conn.execute("BEGIN")
            try:
                yield opened.conn
            finally:
                if opened.conn.in_transaction:
                    opened.conn.execute("ROLLBACK")
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            self._local.opened = None
            opened.conn.close()
            raise _unavailable(error) from error

    def _reuse(self, opened: _Open | None) -> _Open:
        """`opened` if it is still a connection to the file at the path, else a new one (closing it)."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            hint = "`onrecord ingest FILES --db` with the same file creates it"
            raise StoreUnavailable(f"There is no database yet; {hint}.") from None
        except OSError as error:
            raise StoreUnavailable(f"The database cannot be read ({error.strerror}).") from error
        identity = (info.st_dev, info.st_ino)
        if opened is not None and opened.identity == identity:
            return opened
        if opened is not None:
            opened.conn.close()
        return _Open(identity, self._open(), next(self._serial))

    def _open(self) -> sqlite3.Connection:
        if os.path.isdir(self.path):
            raise StoreUnavailable("The database path is a directory, not a database file.")
        try:
            conn = self._connect()
            try:
                version = self._check(conn)
            except BaseException:
                conn.close()
                raise
            if version < LATEST:
                conn.close()
                self._upgrade()
                conn = self._connect()
        except sqlite3.OperationalError as error:
            raise _unavailable(error) from error
        except UnicodeDecodeError as error:
            raise _unavailable(error) from error
        except sqlite3.DatabaseError as error:
            raise StoreUnavailable(
                "The database is not an onrecord database (not an SQLite file)."
            ) from error
        return conn

    def _connect(self) -> sqlite3.Connection:
        uri = Path(self.path).absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(
            uri,
            uri=True,
            isolation_level=None,
            timeout=self.busy_timeout_ms / 1000,
            check_same_thread=False,  # the watching connection is shared (under a lock)
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        conn.execute("PRAGMA query_only = 1")
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        return conn

    def _check(self, conn: sqlite3.Connection) -> int:
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if application_id != APPLICATION_ID:
            tables = int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
            if application_id == 0 and version == 0 and tables == 0:
                raise StoreUnavailable("The database file is empty: no onrecord database yet.")
            raise StoreUnavailable("The database belongs to another program; it is not onrecord's.")
        if version > LATEST:
            raise StoreUnavailable(
                "The database was written by a newer onrecord; upgrade onrecord to read it."
            )
        return version

    def _upgrade(self) -> None:
        """Migrate a store written by an older onrecord, as every onrecord command does on opening it."""
        with self._migrate_lock:
            try:
                open_store(self.path, create=False).close()
            except StoreError as error:
                raise StoreUnavailable(without_path(str(error), self.path)) from error


def without_path(message: str, path: str) -> str:
    """A store's message with the file's name taken out (answers must not tell where the server's files
    are): "/srv/x.db: is a directory …" becomes "The database is a directory …"."""
    for named in (os.path.abspath(path), path):
        if message.startswith(f"{named}: "):
            message = "The database " + message.removeprefix(f"{named}: ")
    return message.replace(os.path.abspath(path), "the database")


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _unavailable(error: sqlite3.DatabaseError | UnicodeDecodeError) -> StoreUnavailable:
    message = str(error)
    if "locked" in message or "busy" in message:
        return StoreUnavailable(
            "The database is locked by another program (an ingest?); try again in a moment.", locked=True
        )
    if isinstance(error, UnicodeDecodeError):
        message = "it is damaged"
    return StoreUnavailable(f"The database cannot be read ({message}).")
