"""Saved propositions, people's marks and the model's cached scores, in the store (migration 3).

A proposition's scores cover the statements up to `scored_through` (the highest statement id seen when
they were computed) by one model; a new model, new terms or a new mark drops them, and the next question
scores again. Callers own transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from onrecord.stance.records import LABELS, Label, Stance, StanceInputError


@dataclass(frozen=True)
class Proposition:
    id: int
    text: str
    terms: str
    model: str | None
    scored_through: int


@dataclass(frozen=True)
class Score:
    """The model's judgement of one relevant statement (cached)."""

    relevance: float
    stance: Stance
    confidence: float


def proposition_key(text: str) -> str:
    """What identifies a proposition: its words, case and spacing aside."""
    return " ".join(text.casefold().split())


def find(conn: sqlite3.Connection, text: str) -> Proposition | None:
    row = conn.execute(
        "SELECT id, text, terms, model, scored_through FROM propositions WHERE key = ?",
        (proposition_key(text),),
    ).fetchone()
    return Proposition(*row) if row else None


def save(conn: sqlite3.Connection, text: str, terms: str | None, model: str) -> Proposition:
    """The saved proposition `text`, created if new; its cached scores dropped when `terms` (if given)
    or the model differ from those they were computed with."""
    found = find(conn, text)
    if found is None:
        cursor = conn.execute(
            "INSERT INTO propositions (text, key, terms, model, scored_through, created_at) "
            "VALUES (?, ?, ?, ?, 0, ?)",
            (" ".join(text.split()), proposition_key(text), terms or "", model, _now()),
        )
        return Proposition(int(cursor.lastrowid or 0), text, terms or "", model, 0)
    new_terms = found.terms if terms is None else terms
    if new_terms != found.terms or found.model != model:
        conn.execute(
            "UPDATE propositions SET terms = ?, model = ? WHERE id = ?", (new_terms, model, found.id)
        )
        forget_scores(conn, found.id)
        return Proposition(found.id, found.text, new_terms, model, 0)
    return found


def forget_scores(conn: sqlite3.Connection, proposition_id: int) -> None:
    conn.execute("DELETE FROM stance_scores WHERE proposition_id = ?", (proposition_id,))
    conn.execute("UPDATE propositions SET scored_through = 0 WHERE id = ?", (proposition_id,))


def check_marks(conn: sqlite3.Connection, marks: Mapping[int, str]) -> dict[int, Label]:
    """The marks, checked: every label one of `LABELS`, every statement in the store."""
    checked: dict[int, Label] = {}
    for statement_id, label in marks.items():
        if label not in LABELS:
            raise StanceInputError(
                f"--mark {statement_id}={label}: the label must be one of {', '.join(LABELS)}."
            )
        if conn.execute("SELECT 1 FROM statements WHERE id = ?", (statement_id,)).fetchone() is None:
            raise StanceInputError(f"--mark {statement_id}={label}: no statement has the id {statement_id}.")
        checked[statement_id] = label
    return checked


def store_marks(conn: sqlite3.Connection, proposition_id: int, marks: Mapping[int, Label]) -> None:
    """Record people's marks (replacing earlier ones for the same statements); scores are recomputed."""
    if not marks:
        return
    conn.executemany(
        "INSERT OR REPLACE INTO stance_marks (proposition_id, statement_id, label, marked_at) "
        "VALUES (?, ?, ?, ?)",
        [(proposition_id, statement, label, _now()) for statement, label in marks.items()],
    )
    forget_scores(conn, proposition_id)


def marks_of(conn: sqlite3.Connection, proposition_id: int) -> dict[int, Label]:
    rows = conn.execute(
        "SELECT statement_id, label FROM stance_marks WHERE proposition_id = ? ORDER BY statement_id",
        (proposition_id,),
    )
    return {int(row[0]): row[1] for row in rows}


def scores_of(conn: sqlite3.Connection, proposition_id: int, model: str) -> dict[int, Score]:
    rows = conn.execute(
        "SELECT statement_id, relevance, stance, confidence FROM stance_scores "
        "WHERE proposition_id = ? AND model = ?",
        (proposition_id, model),
    )
    return {int(row[0]): Score(row[1], row[2], row[3]) for row in rows}


def store_scores(
    conn: sqlite3.Connection,
    proposition_id: int,
    model: str,
    scores: Iterable[tuple[int, Score]],
    scored_through: int,
) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO stance_scores (proposition_id, statement_id, model, relevance, stance, "
        "confidence) VALUES (?, ?, ?, ?, ?, ?)",
        [(proposition_id, sid, model, s.relevance, s.stance, s.confidence) for sid, s in scores],
    )
    conn.execute("UPDATE propositions SET scored_through = ? WHERE id = ?", (scored_through, proposition_id))


def all_propositions(conn: sqlite3.Connection) -> list[Proposition]:
    """Every saved proposition, oldest first."""
    rows = conn.execute("SELECT id, text, terms, model, scored_through FROM propositions ORDER BY id")
    return [Proposition(*row) for row in rows]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
