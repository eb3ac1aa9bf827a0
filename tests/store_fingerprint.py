"""A fingerprint of every table of a store, to compare two stores (batch + merge against ingest).

Every table and virtual table is read sorted by all its columns (ids included), all but wall-clock
times (named `*_at`); FTS5's shadow tables are left out (their segments depend on when commits fell),
the full-text table itself is read instead. Written once here; the Ray tests reuse it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

_FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")


def table_fingerprints(db: Path) -> dict[str, tuple[int, str]]:
    """(rows, sha256 of the rows) per table of the store at `db`."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = {name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")}
        found: dict[str, tuple[int, str]] = {}
        for name, _ in rows:
            shadow = any(name == f"{table}{suffix}" for table in virtual for suffix in _FTS_SHADOWS)
            if name.startswith("sqlite_") or shadow:
                continue
            found[name] = _fingerprint(conn, name)
        return found
    finally:
        conn.close()


def _fingerprint(conn: sqlite3.Connection, table: str) -> tuple[int, str]:
    columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")') if not row[1].endswith("_at")]
    listed = ", ".join(f'"{column}"' for column in columns)
    digest = hashlib.sha256()
    count = 0
    order = ", ".join(str(number) for number in range(1, len(columns) + 1))
    for row in conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY {order}'):
        digest.update(repr(row).encode("utf-8"))
        count += 1
    return count, digest.hexdigest()
