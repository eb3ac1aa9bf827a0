"""User corrections of speaker identity, kept as overrides that every later ingest applies first.

`merge_people(conn, keep, other)`: `other` becomes `keep`; every full name `other` was known by is pinned
to `keep`. `split_person(conn, person, name)`: the statements credited to `person` under `name` become a
person of their own, and `name` is pinned to that person.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from onrecord.store.lookup import find_speaker
from onrecord.store.names import name_key, parse_name
from onrecord.store.roles import record_role
from onrecord.store.sqlite import StoreError

_SEEN_DAY = (
    "CASE WHEN a.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' "
    "THEN substr(a.published, 1, 10) ELSE substr(a.ingested_at, 1, 10) END"
)


@dataclass(frozen=True)
class Correction:
    """The outcome of a merge or split: the speakers involved and the statements moved."""

    action: str
    speaker_id: int
    speaker: str
    other_id: int
    other: str
    statements: int


def merge_people(conn: sqlite3.Connection, keep: str, other: str) -> Correction:
    """Make the speaker `other` names the same as the one `keep` names, now and in later ingests."""
    keep_id, other_id = find_speaker(conn, keep), find_speaker(conn, other)
    if keep_id == other_id:
        raise StoreError(f"{keep!r} and {other!r} are already one speaker (#{keep_id}).")
    keep_name, other_name = _name(conn, keep_id), _name(conn, other_id)
    conn.execute("BEGIN IMMEDIATE")
    try:
        moved = conn.execute(
            "UPDATE statements SET speaker_id = ? WHERE speaker_id = ?", (keep_id, other_id)
        ).rowcount
        pinned = [
            row[0]
            for row in conn.execute("SELECT key FROM aliases WHERE speaker_id = ?", (other_id,))
            if " " in row[0]
        ]
        conn.execute(
            "INSERT OR IGNORE INTO aliases (speaker_id, key, name) "
            "SELECT ?, key, name FROM aliases WHERE speaker_id = ?",
            (keep_id, other_id),
        )
        conn.execute("UPDATE overrides SET speaker_id = ? WHERE speaker_id = ?", (keep_id, other_id))
        for key in {*pinned, _key(conn, other_id)}:
            _pin(conn, key, "merge", keep_id)
        conn.execute("DELETE FROM speakers WHERE id = ?", (other_id,))
        _rebuild_roles(conn, keep_id)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
            conn.execute("ROLLBACK")
        raise
    return Correction("merge", keep_id, keep_name, other_id, other_name, moved)


def split_person(conn: sqlite3.Connection, person: str, name: str) -> Correction:
    """Credit the statements `person` made under `name` to a new person `name`, now and later."""
    speaker = find_speaker(conn, person)
    kind = str(conn.execute("SELECT type FROM speakers WHERE id = ?", (speaker,)).fetchone()[0])
    parsed = parse_name(name, person=kind == "person")
    key = parsed.key if parsed is not None else name_key(name)
    rows = conn.execute("SELECT id, speaker_name FROM statements WHERE speaker_id = ?", (speaker,)).fetchall()
    moving = [row[0] for row in rows if _statement_key(row[1], kind) == key]
    if not moving:
        raise StoreError(f"no statement of {_name(conn, speaker)} is credited to the name {name!r}.")
    if len(moving) == len(rows):
        who = _name(conn, speaker)
        raise StoreError(f"every statement of {who} is credited to {name!r}; nothing to split.")
    conn.execute("BEGIN IMMEDIATE")
    try:
        new_id = _new_speaker(conn, name, key, kind)
        conn.executemany(
            "UPDATE statements SET speaker_id = ? WHERE id = ?", [(new_id, statement) for statement in moving]
        )
        conn.execute("DELETE FROM aliases WHERE speaker_id = ? AND key = ?", (speaker, key))
        conn.execute(
            "INSERT OR IGNORE INTO aliases (speaker_id, key, name) VALUES (?, ?, ?)",
            (new_id, key, parsed.display if parsed else name),
        )
        _pin(conn, key, "split", new_id)
        _rebuild_roles(conn, speaker)
        _rebuild_roles(conn, new_id)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
            conn.execute("ROLLBACK")
        raise
    return Correction("split", speaker, _name(conn, speaker), new_id, _name(conn, new_id), len(moving))


def _new_speaker(conn: sqlite3.Connection, name: str, key: str, kind: str) -> int:
    parsed = parse_name(name, person=kind == "person")
    person = kind == "person" and parsed is not None
    cursor = conn.execute(
        "INSERT INTO speakers (name, key, type, surname, given, created_at) "
        "VALUES (?, ?, ?, ?, ?, datetime('now'))",
        (
            parsed.display if parsed else name.strip(),
            key,
            kind,
            parsed.surname if person and parsed else None,
            parsed.given[0] if person and parsed and parsed.given else None,
        ),
    )
    return int(cursor.lastrowid or 0)


def _statement_key(speaker_name: str | None, kind: str) -> str | None:
    if not speaker_name:
        return None
    parsed = parse_name(speaker_name, person=kind in ("person", "unknown"))
    return parsed.key if parsed is not None else name_key(speaker_name)


def _rebuild_roles(conn: sqlite3.Connection, speaker: int) -> None:
    """Recompute a speaker's roles and their dates from the statements now credited to them."""
    rows = conn.execute(
        f"SELECT s.speaker_name, s.speaker_type, s.role, {_SEEN_DAY} FROM statements s "
        "JOIN articles a ON a.id = s.article_id WHERE s.speaker_id = ?",
        (speaker,),
    ).fetchall()
    if not rows:
        return  # a speaker whose statements are all elsewhere keeps the roles it had
    conn.execute("DELETE FROM roles WHERE speaker_id = ?", (speaker,))
    for speaker_name, kind, role, seen in rows:
        parsed = parse_name(speaker_name or "", person=kind in ("person", "unknown"))
        title = parsed.title if parsed is not None else None
        for text in dict.fromkeys(r for r in (title, role) if r):
            record_role(conn, speaker, text, seen)


def _pin(conn: sqlite3.Connection, key: str, action: str, speaker: int) -> None:
    conn.execute(
        "INSERT INTO overrides (alias, action, speaker_id, created_at) VALUES (?, ?, ?, datetime('now')) "
        "ON CONFLICT (alias) DO UPDATE SET action = excluded.action, speaker_id = excluded.speaker_id, "
        "created_at = excluded.created_at",
        (key, action, speaker),
    )


def _name(conn: sqlite3.Connection, speaker: int) -> str:
    return str(conn.execute("SELECT name FROM speakers WHERE id = ?", (speaker,)).fetchone()[0])


def _key(conn: sqlite3.Connection, speaker: int) -> str:
    return str(conn.execute("SELECT key FROM speakers WHERE id = ?", (speaker,)).fetchone()[0])
