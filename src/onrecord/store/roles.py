"""A speaker's roles ("US Secretary of State") with the days they were first and last seen."""

from __future__ import annotations

import sqlite3

from onrecord.store.names import name_key

HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "madam", "dame", "lord", "lady"})
"""Title words that are not roles: "Mr. Blinken" gives him no role."""


def record_role(conn: sqlite3.Connection, speaker: int, role: str, seen: str) -> None:
    """Note that `speaker` held `role` on the day `seen` (ISO date); honorifics alone are no role."""
    words = name_key(role).split()
    if not words or all(word in HONORIFICS for word in words):
        return
    conn.execute(
        "INSERT INTO roles (speaker_id, key, role, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (speaker_id, key) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), "
        "last_seen = max(last_seen, excluded.last_seen), mentions = mentions + 1",
        (speaker, " ".join(words), role.strip(" ,"), seen, seen),
    )
