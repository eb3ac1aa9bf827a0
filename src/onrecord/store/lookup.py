"""Finding a speaker from what a user typed: "#12", "12", a canonical name or any alias ("Blinken")."""

from __future__ import annotations

import re
import sqlite3

from onrecord.store.names import name_key, parse_name
from onrecord.store.sqlite import StoreError

LARGEST_ID = 2**63 - 1
"""The largest integer SQLite stores: no id is larger, and no limit or offset needs to be."""
_ID = re.compile(r"#?\s*([0-9]+)")
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w'’.-]*\s+){1,5}[A-Z][\w'’-]*")
"""Two to six capitalised words in a row: where a full name may be ("Secretary Antony Blinken")."""


def parse_id(text: str) -> int | None:
    """The id `text` gives ("#12", "12"), 0 for one too large to exist, None when `text` is no id."""
    found = _ID.fullmatch(text.strip())
    if found is None:
        return None
    digits = found.group(1).lstrip("0") or "0"
    if len(digits) > len(str(LARGEST_ID)):  # before int(): a thousand digits would be slow or refused
        return 0
    number = int(digits)
    return number if number <= LARGEST_ID else 0


def speaker_ids(conn: sqlite3.Connection, text: str) -> list[int]:
    """Every speaker `text` may mean: an id, else the speakers with that exact name or alias (ignoring
    case, accents and titles), else those whose name contains it. Most statements first."""
    number = parse_id(text)
    if number is not None:
        row = conn.execute("SELECT id FROM speakers WHERE id = ?", (number,)).fetchone()
        return [int(row[0])] if row else []
    keys = {name_key(text)}
    parsed = parse_name(text, person=True)
    if parsed is not None:
        keys.add(parsed.key)
    marks = ", ".join("?" for _ in keys)
    rows = conn.execute(
        f"SELECT id FROM speakers WHERE key IN ({marks}) UNION "
        f"SELECT speaker_id FROM aliases WHERE key IN ({marks})",
        [*keys, *keys],
    ).fetchall()
    if not rows and name_key(text):
        pattern = "%" + name_key(text).replace("%", "").replace("_", "") + "%"
        rows = conn.execute("SELECT id FROM speakers WHERE key LIKE ?", (pattern,)).fetchall()
    return _by_statements(conn, [int(row[0]) for row in rows])


def find_speaker(conn: sqlite3.Connection, text: str) -> int:
    """The one speaker `text` means; StoreError (one sentence) when it means none or several."""
    found = speaker_ids(conn, text)
    if not found:
        raise StoreError(f"no speaker is known as {text!r}.")
    if len(found) > 1:
        names = ", ".join(_label(conn, speaker) for speaker in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise StoreError(f"{text!r} may mean {names}{more}; give the full name or the #id.")
    return found[0]


def _label(conn: sqlite3.Connection, speaker: int) -> str:
    row = conn.execute("SELECT name FROM speakers WHERE id = ?", (speaker,)).fetchone()
    return f"{row[0]} (#{speaker})"


def _by_statements(conn: sqlite3.Connection, speakers: list[int]) -> list[int]:
    counts = {
        speaker: int(
            conn.execute("SELECT count(*) FROM statements WHERE speaker_id = ?", (speaker,)).fetchone()[0]
        )
        for speaker in set(speakers)
    }
    return sorted(counts, key=lambda speaker: (-counts[speaker], speaker))


def people_named(conn: sqlite3.Connection, text: str) -> list[tuple[int, str, str]]:
    """The known people whose full name (or a full-name alias) `text` spells out, each as (id, name,
    surname): "Secretary Antony Blinken said" finds Antony Blinken, a bare "Blinken" finds no one."""
    keys: set[str] = set()
    for run in _CAPITALISED_RUN.finditer(text):
        words = run.group().split()
        keys.update(
            name_key(" ".join(words[i:j])) for i in range(len(words)) for j in range(i + 2, len(words) + 1)
        )
    keys.discard("")
    if not keys:
        return []
    marks = ", ".join("?" for _ in keys)
    rows = conn.execute(
        "SELECT id, name, coalesce(surname, name) FROM speakers WHERE type = 'person' AND id IN "
        f"(SELECT id FROM speakers WHERE key IN ({marks}) "
        f"UNION SELECT speaker_id FROM aliases WHERE key IN ({marks}))",
        [*keys, *keys],
    )
    return [(int(row[0]), row[1], row[2]) for row in rows]
