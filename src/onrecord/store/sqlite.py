"""Everything specific to SQLite: opening a file, recognising an onrecord store, pragmas, FTS5 syntax.

A PostgreSQL backend would replace this module (and the FTS parts of the migrations); the rest of the
store speaks plain SQL with `?` parameters.
"""

from __future__ import annotations

import os
import re
import sqlite3

from onrecord.store.migrations import LATEST, migrate

APPLICATION_ID = 0x6F6E7263
"""`PRAGMA application_id` of an onrecord store: the bytes "onrc"."""

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """A store that cannot be used (not an onrecord database, too new, missing); one sentence for humans."""


def open_store(path: str, create: bool = True) -> sqlite3.Connection:
    """A connection to the onrecord store at `path`, created or migrated to the latest schema.

    Refuses, without changing the file, anything that is not an onrecord store or was written by a newer
    onrecord. With `create=False` a missing file is refused instead of created.
    """
    if not create and not os.path.exists(path):
        raise StoreError(f"{path}: no such database; `onrecord ingest` creates it.")
    if os.path.isdir(path):
        raise StoreError(f"{path}: is a directory, not a database file.")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be opened as a database ({error}).") from error
    try:
        _check_store(conn, path)
        _configure(conn)
        _stamp_new_store(conn)
        migrate(conn)
    except sqlite3.Error as error:
        conn.close()
        raise StoreError(f"{path}: cannot be used as a database ({error}).") from error
    except StoreError:
        conn.close()
        raise
    return conn


def optimize(conn: sqlite3.Connection) -> None:
    """Refresh the query planner's statistics (sampled, so it stays quick on large stores)."""
    conn.execute("PRAGMA analysis_limit = 1000")
    conn.execute("ANALYZE")


def open_reader(path: str) -> sqlite3.Connection:
    """A read-only connection to an existing store (worker processes use it to spot duplicates)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _check_store(conn: sqlite3.Connection, path: str) -> None:
    """Raise StoreError when the file is not an onrecord store (an empty or new file is fine)."""
    try:
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    except sqlite3.OperationalError as error:
        raise StoreError(f"{path}: cannot be opened as a database ({error}).") from error
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: is not an onrecord database (not an SQLite file).") from error
    if application_id == 0 and version == 0 and tables == 0:
        return
    if application_id != APPLICATION_ID:
        raise StoreError(f"{path}: is an SQLite database of another program, not an onrecord database.")
    if version > LATEST:
        raise StoreError(
            f"{path}: was written by a newer onrecord (schema version {version}; this one reads up to "
            f"{LATEST}); upgrade onrecord to use it."
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
