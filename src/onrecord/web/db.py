"""The server's read-only access to the store: one connection per worker thread, reopened when the file
is replaced, checked to be an onrecord store; a store that is missing, locked or unusable becomes a
`StoreUnavailable` (one sentence), and the server keeps answering.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from onrecord.store import StoreError, open_store
from onrecord.store.migrations import LATEST
from onrecord.store.sqlite import APPLICATION_ID

BUSY_TIMEOUT_MS = 2_000
"""How long a page waits for a writer's lock before answering that the store is busy."""


CACHE_ENTRIES = 64
"""Results each worker thread keeps (people's pages, the front page) until the store changes."""
MMAP_BYTES = 1 << 30
"""Pages read through a memory map (address space, not memory): row lookups cost a third less."""


P = ParamSpec("P")
T = TypeVar("T")


class StoreUnavailable(Exception):
    """The store cannot be read now: missing, locked by another process, or not an onrecord store."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def _decode(data: bytes) -> str:
    """Text columns decoded leniently: bytes that are not UTF-8 show as U+FFFD, never an exception."""
    return data.decode("utf-8", "replace")


@dataclass
class _Open:
    """A thread's connection, the file it belongs to, and the results cached for its data version."""

    identity: tuple[int, int]
    conn: sqlite3.Connection
    version: int = -1
    cache: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)


class Database:
    """Read-only connections to the store at `path`, one per thread, each with a small cache of results
    that `PRAGMA data_version` invalidates whenever anything else commits to the store."""

    def __init__(self, path: str | os.PathLike[str], busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = os.fspath(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.cache_entries = CACHE_ENTRIES
        self._local = threading.local()
        self._migrate_lock = threading.Lock()

    def query(
        self, function: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`function(conn, ...)` inside one read transaction, so it sees one consistent state of the
        store. Text that is not valid UTF-8 (a damaged store) is read again leniently, as U+FFFD."""
        with self._reading() as opened:
            try:
                return function(opened.conn, *args, **kwargs)
            except sqlite3.OperationalError as error:
                if "decode" not in str(error):
                    raise
            opened.conn.execute("ROLLBACK")
            opened.conn.execute("BEGIN")
            opened.conn.text_factory = _decode
            try:
                return function(opened.conn, *args, **kwargs)
            finally:
                opened.conn.text_factory = str

    def cached(
        self,
        key: Hashable,
        function: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`query(function, ...)`, remembered under `key` until the store changes."""
        opened = self._open_here()
        version = self.query(_data_version)
        if version != opened.version:
            opened.cache.clear()
            opened.version = version
        if key in opened.cache:
            opened.cache.move_to_end(key)
            return cast(T, opened.cache[key])
        value = self.query(function, *args, **kwargs)
        if opened.version == version and self.cache_entries > 0:
            opened.cache[key] = value
            while len(opened.cache) > self.cache_entries:
                opened.cache.popitem(last=False)
        return value

    @contextmanager
    def _reading(self) -> Iterator[_Open]:
        opened = self._open_here()
        try:
            opened.conn.execute("BEGIN")
            try:
                yield opened
            finally:
                if opened.conn.in_transaction:
                    opened.conn.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            self._forget()
            raise _unavailable(self.path, error) from error
        except sqlite3.DatabaseError as error:
            self._forget()
            raise StoreUnavailable(f"The database {self.path} cannot be read ({error}).") from error

    def _open_here(self) -> _Open:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            self._forget()
            hint = f"`onrecord ingest FILES --db {self.path}` creates it"
            raise StoreUnavailable(f"There is no database at {self.path}; {hint}.") from None
        except OSError as error:
            raise StoreUnavailable(f"The database {self.path} cannot be read ({error.strerror}).") from error
        identity = (info.st_dev, info.st_ino)
        opened: _Open | None = getattr(self._local, "opened", None)
        if opened is not None and opened.identity == identity:
            return opened
        self._forget()
        opened = _Open(identity, self._open())
        self._local.opened = opened
        return opened

    def _open(self) -> sqlite3.Connection:
        if os.path.isdir(self.path):
            raise StoreUnavailable(f"{self.path} is a directory, not a database file.")
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
            raise _unavailable(self.path, error) from error
        except sqlite3.DatabaseError as error:
            raise StoreUnavailable(
                f"{self.path} is not an onrecord database (not an SQLite file)."
            ) from error
        return conn

    def _connect(self) -> sqlite3.Connection:
        uri = Path(self.path).absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=self.busy_timeout_ms / 1000)
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
                raise StoreUnavailable(f"{self.path} is empty: no onrecord database yet.")
            raise StoreUnavailable(f"{self.path} is a database of another program, not onrecord's.")
        if version > LATEST:
            raise StoreUnavailable(
                f"{self.path} was written by a newer onrecord; upgrade onrecord to read it."
            )
        return version

    def _upgrade(self) -> None:
        """Migrate a store written by an older onrecord, as every onrecord command does on opening it."""
        with self._migrate_lock:
            try:
                open_store(self.path, create=False).close()
            except StoreError as error:
                raise StoreUnavailable(str(error)) from error

    def _forget(self) -> None:
        opened: _Open | None = getattr(self._local, "opened", None)
        self._local.opened = None
        if opened is not None:
            opened.conn.close()


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _unavailable(path: str, error: sqlite3.OperationalError) -> StoreUnavailable:
    message = str(error)
    if "locked" in message or "busy" in message:
        return StoreUnavailable(
            f"The database {path} is locked by another program (an ingest?); try again in a moment.",
            locked=True,
        )
    return StoreUnavailable(f"The database {path} cannot be read ({message}).")
