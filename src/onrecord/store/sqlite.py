"""Everything specific to SQLite: opening a file, recognising an onrecord store, pragmas, FTS5 syntax.

A PostgreSQL backend would replace this module (and the FTS parts of the migrations); the rest of the
store speaks plain SQL with `?` parameters.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from onrecord.store.migrations import LATEST, migrate

APPLICATION_ID = 0x6F6E7263
"""`PRAGMA application_id` of an onrecord store: the bytes "onrc"."""

BUSY_TIMEOUT_MS = 10_000
DATABASE_ERRORS = (sqlite3.Error, UnicodeDecodeError)
"""What a damaged store can raise: SQLite's errors, and a UnicodeDecodeError when the message SQLite
writes about a damaged schema holds bytes that are not UTF-8."""


class StoreError(Exception):
    """A store that cannot be used (not an onrecord database, too new, missing); one sentence for humans."""


def open_store(path: str, create: bool = True) -> sqlite3.Connection:
    """A connection for writing to the onrecord store at `path`, created or migrated to the latest schema.

    Refuses, without changing the file, anything that is not an onrecord store, was written by a newer
    onrecord or is damaged (`PRAGMA quick_check`). With `create=False` a missing file is refused instead
    of created.
    """
    conn = _connect(path, create)
    try:
        _check_store(conn, path)
        _check_intact(conn, path)
        _configure(conn)
        _stamp_new_store(conn)
        migrate(conn)
    except DATABASE_ERRORS as error:
        conn.close()
        raise failure(path, error) from error
    except StoreError:
        conn.close()
        raise
    return conn


def open_for_reading(path: str) -> sqlite3.Connection:
    """A connection that only reads an existing store (`PRAGMA query_only`), migrated first if older.

    Not a `mode=ro` URI: such a connection leaves the -wal and -shm files it creates behind, where this
    one removes them on closing when it is the store's last connection.
    """
    conn = _connect(path, create=False)
    try:
        conn.execute("PRAGMA query_only = 1")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if _check_store(conn, path) >= LATEST:
            return conn
    except DATABASE_ERRORS as error:
        conn.close()
        raise failure(path, error) from error
    except StoreError:
        conn.close()
        raise
    conn.close()
    open_store(path, create=False).close()  # an older store is migrated, as by every command
    return open_for_reading(path)


@contextmanager
def opened(path: str, write: bool = False) -> Iterator[sqlite3.Connection]:
    """The store at `path` (it must exist), for reading or writing; any database error raised while it
    is used (a damaged page, a full disk, a lock held too long) becomes a StoreError of one sentence."""
    conn = open_store(path, create=False) if write else open_for_reading(path)
    try:
        yield conn
    except DATABASE_ERRORS as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise failure(path, error) from error
    finally:
        conn.close()


def failure(path: str, error: sqlite3.Error | UnicodeDecodeError, resumable: bool = False) -> StoreError:
    """A StoreError saying in one sentence what went wrong with the store; `resumable`: the error
    stopped an ingest, whose committed work a rerun keeps."""
    name = str(getattr(error, "sqlite_errorname", ""))
    text = "its schema holds bytes that are not text" if isinstance(error, UnicodeDecodeError) else str(error)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not text" in text:
        why = f"is damaged ({text}); restore it from a backup, or recover it with `sqlite3 {path} .recover`"
        return StoreError(f"{path}: {why}.")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        why = "the disk is full (or the database reached its size limit)"
    elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        why = "is locked by another program (an ingest?), try again in a moment"
    elif name.startswith("SQLITE_READONLY") or "readonly" in text:
        why = "cannot be written (a read-only file or folder)"
    else:
        why = f"cannot be used as a database ({text})"
    after = "; everything committed is kept, and a rerun resumes" if resumable else ""
    return StoreError(f"{path}: {why}{after}.")


def optimize(conn: sqlite3.Connection) -> None:
    """Refresh the query planner's statistics (sampled, so it stays quick on large stores)."""
    conn.execute("PRAGMA analysis_limit = 1000")
    conn.execute("ANALYZE")


def open_reader(path: str) -> sqlite3.Connection:
    """A read-only connection to an existing store (worker processes use it to spot duplicates)."""
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _connect(path: str, create: bool) -> sqlite3.Connection:
    if not create and not os.path.exists(path):
        raise StoreError(f"{path}: no such database; `onrecord ingest` creates it.")
    if os.path.isdir(path):
        raise StoreError(f"{path}: is a directory, not a database file.")
    try:
        return sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be opened as a database ({error}).") from error


def _check_store(conn: sqlite3.Connection, path: str) -> int:
    """The schema version of an onrecord store (0 for an empty or new file); StoreError for a file that
    is not one."""
    try:
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    except sqlite3.OperationalError as error:
        raise StoreError(f"{path}: cannot be opened as a database ({error}).") from error
    except UnicodeDecodeError as error:
        raise failure(path, error) from error
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_CORRUPT":
            raise failure(path, error) from error
        raise StoreError(f"{path}: is not an onrecord database (not an SQLite file).") from error
    if application_id == 0 and version == 0 and tables == 0:
        return 0
    if application_id != APPLICATION_ID:
        raise StoreError(f"{path}: is an SQLite database of another program, not an onrecord database.")
    if version > LATEST:
        raise StoreError(
            f"{path}: was written by a newer onrecord (schema version {version}; this one reads up to "
            f"{LATEST}); upgrade onrecord to use it."
        )
    return version


def _check_intact(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a damaged store before anything writes to it (`PRAGMA quick_check`: about 1 GB/s)."""
    conn.text_factory = bytes  # a damaged page can put any bytes into the report
    try:
        report = [row[0].decode("utf-8", "replace") for row in conn.execute("PRAGMA quick_check")]
    finally:
        conn.text_factory = str
    if report != ["ok"]:
        first = " ".join(report[0].replace("*** in database main ***", "").split())[:160]
        raise StoreError(
            f"{path}: is damaged ({first}); nothing was written to it: restore it from a backup, or "
            f"recover it with `sqlite3 {path} .recover`."
        )


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")


def _stamp_new_store(conn: sqlite3.Connection) -> None:
    if int(conn.execute("PRAGMA application_id").fetchone()[0]) == 0:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def match_expression(text: str) -> str:
    """An FTS5 MATCH expression for what a user typed: every word must occur, "quoted words" as a phrase.

    Words are quoted for FTS5, so no input is ever a syntax error; a trailing `*` on a word keeps its
    prefix meaning. Empty when `text` has no word at all.
    """
    terms: list[str] = []
    for phrase in _PHRASE.findall(text):
        words = _WORD.findall(phrase)
        if words:
            terms.append('"' + " ".join(words) + '"')
    rest = _PHRASE.sub(" ", text)
    for match in re.finditer(r"(\w+)(\*?)", rest):
        terms.append(f'"{match.group(1)}"' + ("*" if match.group(2) else ""))
    return " ".join(terms)


HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"
"""Private-use characters that mark matched words in a snippet; never present in stored text."""

FTS_TABLE = "statements_fts"
"""The full-text index over `statements.text`; its rowid is the statement id."""
FTS_MATCH = "statements_fts MATCH ?"
FTS_SCORE = "bm25(statements_fts)"
"""BM25 score: lower is better."""
FTS_SNIPPET = f"snippet(statements_fts, 0, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '…', 24)"
