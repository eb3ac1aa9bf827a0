"""Speaker identity across articles: a name as one article gives it in, one speaker id in the store out.

Rules, in order (persons):
1. A user's correction (`overrides`, from `people merge` / `people split`) for the name's key wins.
2. A full name ("Antony Blinken") is the person already known by that exact name (an alias), else a person
   with the same surname whose first given name matches: equal, an initial of it ("A. Blinken"), or a
   one-letter misspelling of it (see `_same_given`: "Anthony" ~ "Antony", never "Joe" ~ "Jill"); else a
   speaker so far known only by that surname takes the full name, provided no other full name shares the
   surname; else a new person.
3. A bare surname ("Blinken") is the person of that surname named in full in the same article, if exactly
   one is; else the only person known with that surname; else, among several ("Joe", "Hunter" and "Jill
   Biden"), the best-known one only when it has at least `DOMINANCE` times the statements of the next
   (counts plus one); else it stays a speaker of its own, known by the surname alone.
Organisations and media match by exact key ("The New York Times" = "New York Times") and never a person.
A speaker of unknown type is taken up by the first typed mention with the same key.
Titles before a name ("US Secretary of State") and the extractor's role become the speaker's roles, with
the dates they were first and last seen.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from onrecord.records import SpeakerType
from onrecord.store.names import ParsedName, parse_name
from onrecord.store.roles import record_role

DOMINANCE = 10
"""A bare surname goes to the best-known namesake only with this many times the runner-up's statements."""

ORGANISATION_TYPES = ("organization", "media")


@dataclass(frozen=True)
class Mention:
    """A speaker as one article names it; `context` holds the other person names in the same article."""

    name: str
    type: SpeakerType
    role: str | None
    seen: str
    context: tuple[str, ...] = ()


def resolve_speaker(conn: sqlite3.Connection, mention: Mention) -> int | None:
    """The id of the speaker `mention` names (created when new), or None when it names no one."""
    person = mention.type in ("person", "unknown")
    parsed = parse_name(mention.name, person=person)
    if parsed is None and mention.type == "unknown":
        parsed = parse_name(mention.name, person=False)
    if parsed is None:
        return None
    speaker = _override(conn, parsed.key)
    if speaker is None:
        speaker = _resolve(conn, parsed, mention)
    _remember(conn, speaker, parsed, mention)
    return speaker


def _resolve(conn: sqlite3.Connection, parsed: ParsedName, mention: Mention) -> int:
    if mention.type == "person":
        found = _find_person(conn, parsed, mention.context)
        return found if found is not None else _create_person(conn, parsed)
    if mention.type == "unknown":
        found = _find_person(conn, parsed, mention.context, create=False) if parsed.surname else None
        if found is None:
            found = _by_alias(conn, parsed.key, None)
        return found if found is not None else _create(conn, parsed, "unknown")
    found = _by_alias(conn, parsed.key, ORGANISATION_TYPES)
    if found is None:
        found = _adopt_unknown(conn, parsed, mention.type)
    return found if found is not None else _create(conn, parsed, mention.type)


def _find_person(
    conn: sqlite3.Connection, parsed: ParsedName, context: tuple[str, ...], create: bool = True
) -> int | None:
    if parsed.given:
        return _find_full_name(conn, parsed)
    return _find_surname(conn, parsed, context, create)


def _find_full_name(conn: sqlite3.Connection, parsed: ParsedName) -> int | None:
    found = _by_alias(conn, parsed.key, ("person",))
    if found is not None:
        return found
    rows = conn.execute(
        "SELECT id, given FROM speakers WHERE type = 'person' AND surname = ? AND given IS NOT NULL",
        (parsed.surname,),
    ).fetchall()
    first = parsed.given[0]
    matches = [row[0] for row in rows if _same_given(first, row[1])]
    if len(matches) > 1 and len(first) == 1:
        matches = []  # an initial shared by several namesakes says nothing
    if matches:
        return _best_known(conn, matches)[0]
    if not rows:
        surname_only = _surname_only(conn, parsed.surname)
        if surname_only is not None:
            _take_full_name(conn, surname_only, parsed)
            return surname_only
    return _adopt_unknown(conn, parsed, "person")


def _find_surname(
    conn: sqlite3.Connection, parsed: ParsedName, context: tuple[str, ...], create: bool
) -> int | None:
    in_article = _named_in_full(context).get(parsed.surname or "", {})
    if len(in_article) == 1:
        named = next(iter(in_article.values()))
        found = _find_full_name(conn, named)
        return found if found is not None or not create else _create_person(conn, named)
    rows = conn.execute(
        "SELECT id FROM speakers WHERE type = 'person' AND surname = ? AND given IS NOT NULL",
        (parsed.surname,),
    ).fetchall()
    if len(rows) == 1:
        return int(rows[0][0])
    if len(rows) > 1:
        ranked = _best_known(conn, [row[0] for row in rows])
        counts = [_statement_count(conn, speaker) for speaker in ranked[:2]]
        if counts[0] + 1 >= DOMINANCE * (counts[1] + 1):
            return ranked[0]
    found = _surname_only(conn, parsed.surname)
    return found if found is not None else _adopt_unknown(conn, parsed, "person")


@lru_cache(maxsize=4)
def _named_in_full(context: tuple[str, ...]) -> dict[str, dict[str, ParsedName]]:
    """The people an article names with a given name, by surname and then key (the last spelling of each
    key wins), parsed once per article rather than once per statement naming a bare surname."""
    found: dict[str, dict[str, ParsedName]] = {}
    for name in context:
        other = parse_name(name, person=True)
        if other is not None and other.given:
            found.setdefault(other.surname or "", {})[other.key] = other
    return found


def _same_given(given: str, known: str) -> bool:
    """Whether two first names are the same for one surname: equal, an initial, or a misspelling.

    A misspelling is one edit (insertion, deletion, transposition; a substitution only in names of five
    letters or more) that keeps the first and the last letter, in names of four letters or more: "Antony"
    ~ "Anthony", "Mohammad" ~ "Mohammed", "Jeffrey" ~ "Jeffery"; never "John" ~ "Joan" or "Paul" ~ "Paula".
    """
    if given == known:
        return True
    if len(given) == 1 or len(known) == 1:
        return given[0] == known[0]
    if min(len(given), len(known)) < 4 or given[0] != known[0] or given[-1] != known[-1]:
        return False
    if OSA.distance(given, known) != 1:
        return False
    substitution = len(given) == len(known) and sorted(given) != sorted(known)
    return not substitution or len(given) >= 5


def _by_alias(conn: sqlite3.Connection, key: str, types: tuple[str, ...] | None) -> int | None:
    sql = "SELECT a.speaker_id FROM aliases a JOIN speakers s ON s.id = a.speaker_id WHERE a.key = ?"
    params: list[object] = [key]
    if types is not None:
        sql += f" AND s.type IN ({', '.join('?' for _ in types)})"
        params.extend(types)
    found = [int(row[0]) for row in conn.execute(sql, params)]
    return _best_known(conn, found)[0] if found else None


def _override(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT speaker_id FROM overrides WHERE alias = ?", (key,)).fetchone()
    return int(row[0]) if row else None


def _surname_only(conn: sqlite3.Connection, surname: str | None) -> int | None:
    row = conn.execute(
        "SELECT id FROM speakers WHERE type = 'person' AND surname = ? AND given IS NULL ORDER BY id LIMIT 1",
        (surname,),
    ).fetchone()
    return int(row[0]) if row else None


def _adopt_unknown(conn: sqlite3.Connection, parsed: ParsedName, kind: str) -> int | None:
    """An unknown-type speaker with this key becomes `kind` (the first typed mention settles it)."""
    row = conn.execute(
        "SELECT id FROM speakers WHERE type = 'unknown' AND key = ? ORDER BY id LIMIT 1", (parsed.key,)
    ).fetchone()
    if row is None:
        return None
    given = parsed.given[0] if parsed.given else None
    conn.execute(
        "UPDATE speakers SET type = ?, surname = ?, given = ? WHERE id = ?",
        (kind, parsed.surname if kind == "person" else None, given if kind == "person" else None, row[0]),
    )
    return int(row[0])


def _take_full_name(conn: sqlite3.Connection, speaker: int, parsed: ParsedName) -> None:
    conn.execute(
        "UPDATE speakers SET name = ?, key = ?, given = ? WHERE id = ?",
        (parsed.display, parsed.key, parsed.given[0], speaker),
    )


def _best_known(conn: sqlite3.Connection, speakers: list[int]) -> list[int]:
    """The speakers, most statements first (the oldest first on a tie)."""
    return sorted(set(speakers), key=lambda speaker: (-_statement_count(conn, speaker), speaker))


def _statement_count(conn: sqlite3.Connection, speaker: int) -> int:
    row = conn.execute("SELECT count(*) FROM statements WHERE speaker_id = ?", (speaker,)).fetchone()
    return int(row[0])


def _create_person(conn: sqlite3.Connection, parsed: ParsedName) -> int:
    return _create(conn, parsed, "person")


def _create(conn: sqlite3.Connection, parsed: ParsedName, kind: str) -> int:
    person = kind == "person"
    cursor = conn.execute(
        "INSERT INTO speakers (name, key, type, surname, given, created_at) "
        "VALUES (?, ?, ?, ?, ?, datetime('now'))",
        (
            parsed.display,
            parsed.key,
            kind,
            parsed.surname if person else None,
            parsed.given[0] if person and parsed.given else None,
        ),
    )
    return int(cursor.lastrowid or 0)


def _remember(conn: sqlite3.Connection, speaker: int, parsed: ParsedName, mention: Mention) -> None:
    """Record the name as an alias of the speaker, and its roles with the date seen."""
    conn.execute(
        "INSERT OR IGNORE INTO aliases (speaker_id, key, name) VALUES (?, ?, ?)",
        (speaker, parsed.key, parsed.display),
    )
    for role in dict.fromkeys(role for role in (parsed.title, mention.role) if role):
        record_role(conn, speaker, role, mention.seen)
