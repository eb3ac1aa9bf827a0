"""`stance(db, proposition)`: the relevant statements with a stance each, positions and shifts.

Stages: check the models; record the marks given; build missing embeddings; score the statements not yet
scored for this proposition (retrieval, then the model, adapting to the marks) and cache the scores;
read every cached score back with the statements' speakers, dates and spans; credit second-hand reports
to the person they are about; date statements that describe an earlier stance by the time described
(or leave them out of positions); positions and shifts from what is counted.

The encoder and the classifier are imported when first needed, so `import onrecord` stays light.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from onrecord.queries import Db, _checked_date, connect
from onrecord.records import Span
from onrecord.stance import saved, vectors
from onrecord.stance.context import REPORT_WINDOW, described_time, report_subject, statement_context
from onrecord.stance.positions import positions, shifts
from onrecord.stance.records import Label, StanceError, StanceInputError, StanceReport, StanceStatement
from onrecord.stance.retrieval import query_terms, relevant
from onrecord.stance.saved import Score
from onrecord.store import StoreError
from onrecord.store.lookup import people_named, speaker_ids

if TYPE_CHECKING:
    from onrecord.stance.model import Premise

ABSTAIN = 0.4
"""Below this confidence a statement is listed with its stance but not counted in positions or shifts
(the classifier's probabilities are tempered, temperature 2: 0.4 is above the 1/3 of a guess)."""
MIN_WORDS = 2
MAX_CHARS = 500
"""The longest proposition (the web form's limit too)."""
REPORTED_FROM = ("media", "organization", "unknown")
"""Speakers whose statements about a named person are second-hand reports of that person's stance."""
PERSON_REPORT_WINDOW = 40
"""A person speaking of another reports that person's stance when the other is named this early."""


def stance(
    db_path: Db,
    proposition: str,
    *,
    speaker: str | None = None,
    since: str | None = None,
    until: str | None = None,
    terms: str | None = None,
    marks: Mapping[int, str] | None = None,
    progress: vectors.BuildProgress | None = None,
    save: bool = True,
    score_new: bool = True,
) -> StanceReport:
    """Where each speaker in the store at `db_path` stands on `proposition`, and who shifted.

    `speaker`: only statements credited to this person (name, alias or #id); `since`/`until`: ISO dates
    on the publication date; `terms`: extra comma-separated words or phrases to look for; `marks`:
    statement id → support/oppose/neutral/irrelevant, a person's judgement, stored and obeyed;
    `progress(done, total)` is called while missing embeddings are built. With `save` (the default) the
    proposition, the marks and the scores are kept in the store; without it nothing is written (the
    store must then have its embeddings); without `score_new` as well, only a saved proposition's
    cached scores are read (no model runs). Raises StanceError (bad proposition, mark or model) or
    StoreError.
    """
    text = " ".join(proposition.split())
    if sum(bool(re.search(r"\w", word)) for word in text.split()) < MIN_WORDS:
        raise StanceInputError(
            f"the proposition {text!r} is too short: write it as a claim, e.g. "
            '"Ukraine should be allowed to strike Russian territory".'
        )
    if len(text) > MAX_CHARS:
        raise StanceInputError(
            f"the proposition is {len(text):,} characters long; keep it under {MAX_CHARS}."
        )
    dates = (
        _checked_date(since, "since") if since else None,
        _checked_date(until, "until") if until else None,
    )
    if save or score_new:
        _check_models()
    with connect(db_path, write=save) as conn:
        if save:
            scores, marked = _update(conn, text, terms, marks or {}, progress)
        else:
            scores, marked = _compute(conn, text, terms, score_new)
        listed = _listed(conn, scores, marked)
        wanted = set(speaker_ids(conn, speaker)) if speaker is not None else None
    kept = tuple(s for s in listed if _wanted(s, wanted, *dates))
    return StanceReport(text, kept, positions(kept), shifts(kept))


def _check_models() -> None:
    """The start-up check: the encoder and the classifier load (one sentence when they do not)."""
    try:
        from onrecord.stance import encoder, model

        encoder.check_encoder()
        model.check_model()
    except StanceError:
        raise
    except Exception as error:  # the model modules say what is missing or corrupt
        raise StanceError(str(error).rstrip(".") + ".") from error


def _update(
    conn: sqlite3.Connection,
    text: str,
    terms: str | None,
    marks: Mapping[int, str],
    progress: vectors.BuildProgress | None,
) -> tuple[dict[int, Score], dict[int, Label]]:
    """Save the proposition and marks, score what is new, cache it; every cached score and mark."""
    from onrecord.stance.model import MODEL_ID

    checked = saved.check_marks(conn, marks)
    if vectors.missing(conn):
        vectors.build_missing(conn, progress)
    with _transaction(conn):
        found = saved.save(conn, text, terms, MODEL_ID)
        saved.store_marks(conn, found.id, checked)
    if checked:
        found = replace(found, scored_through=0)
    marked = saved.marks_of(conn, found.id)
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM statements").fetchone()[0])
    if top > found.scored_through:
        new = _score(conn, text, found.terms, found.scored_through, marked)
        with _transaction(conn):
            saved.store_scores(conn, found.id, MODEL_ID, new.items(), top)
    return saved.scores_of(conn, found.id, MODEL_ID), marked


def _compute(
    conn: sqlite3.Connection, text: str, terms: str | None, score_new: bool
) -> tuple[dict[int, Score], dict[int, Label]]:
    """Without writing: the cached scores of a saved proposition and (with `score_new`) the scores of
    what is new."""
    from onrecord.stance.model import MODEL_ID

    lacking = vectors.missing(conn) if score_new else 0
    if lacking:
        raise StanceError(
            f"{lacking} statement(s) have no embeddings yet; run `onrecord stance` on this store once "
            "(it builds them)."
        )
    found = saved.find(conn, text)
    cached: dict[int, Score] = {}
    marked: dict[int, Label] = {}
    after = 0
    if found is not None and found.model == MODEL_ID and (terms is None or terms == found.terms):
        cached, marked, after = (
            saved.scores_of(conn, found.id, MODEL_ID),
            saved.marks_of(conn, found.id),
            found.scored_through,
        )
    if not score_new:
        return cached, marked
    use_terms = terms if terms is not None else (found.terms if found else None)
    return cached | _score(conn, text, use_terms, after, marked), marked


def _score(
    conn: sqlite3.Connection, text: str, terms: str | None, after: int, marks: Mapping[int, Label]
) -> dict[int, Score]:
    """Retrieval over the statements with id > `after`, then the model's judgement of each relevant one."""
    from onrecord.stance import model

    query = vectors.encode([text])[0]
    found = relevant(conn, query, query_terms(text, terms), after)
    taught = {sid: label for sid, label in marks.items() if label != "irrelevant"}
    premises = _premises(conn, [*found, *taught])
    judged = [sid for sid in found if sid in premises]
    lessons = [(premises[sid], label) for sid, label in taught.items() if sid in premises]
    judgements = model.judge(text, [premises[sid] for sid in judged], lessons) if judged else []
    return {
        sid: Score(found[sid], judgement.stance, float(judgement.confidence))  # type: ignore[arg-type]
        for sid, judgement in zip(judged, judgements, strict=True)
    }


def _premises(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, Premise]:
    """What the classifier reads of each statement: its text, context, speaker, cue and embedding."""
    from onrecord.stance.model import Premise

    embedded = vectors.vectors_for(conn, ids)
    premises = {}
    for row in _rows(conn, ids):
        sid = int(row["id"])
        if sid in embedded:
            content = vectors.spans_of(row["article_text"], row["spans"])
            context = statement_context(row["article_text"], content) or row["text"]
            premises[sid] = Premise(row["text"], context, row["speaker"], row["cue"], embedded[sid])
    return premises


_ROWS = (
    "SELECT s.id, s.text, s.cue, s.speaker_id, coalesce(sp.name, s.speaker_name) AS speaker, "
    "coalesce(sp.type, s.speaker_type) AS speaker_type, s.article_id, a.url, a.source, "
    "coalesce(s.published, a.published) AS published, "
    "a.text AS article_text, (SELECT p.spans FROM appearances p WHERE p.statement_id = s.id "
    "AND p.article_id = s.article_id LIMIT 1) AS spans FROM statements s "
    "JOIN articles a ON a.id = s.article_id LEFT JOIN speakers sp ON sp.id = s.speaker_id WHERE s.id IN "
)


def _rows(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    unique = list(dict.fromkeys(ids))
    found: list[dict[str, Any]] = []
    for start in range(0, len(unique), 500):
        part = unique[start : start + 500]
        cursor = conn.execute(_ROWS + f"({', '.join('?' for _ in part)})", part)
        names = [column[0] for column in cursor.description]
        found.extend(dict(zip(names, row, strict=True)) for row in cursor)
    return found


def _listed(
    conn: sqlite3.Connection, scores: Mapping[int, Score], marks: Mapping[int, Label]
) -> list[StanceStatement]:
    """The relevant statements (scored, or marked by a person) as records, in date order."""
    ids = [sid for sid in scores if marks.get(sid) != "irrelevant"]
    ids += [sid for sid, label in marks.items() if label != "irrelevant" and sid not in scores]
    people: dict[int, list[tuple[int, str, str]]] = {}
    listed = []
    for row in _rows(conn, ids):
        sid = int(row["id"])
        if row["article_id"] not in people:
            people[row["article_id"]] = _people_in(conn, row["article_id"])
        here = people[row["article_id"]]
        named = [p for p in people_named(conn, row["text"][:REPORT_WINDOW]) if p not in here]
        listed.append(_statement(row, scores.get(sid), marks.get(sid), here + named))
    return sorted(listed, key=lambda s: ((s.published or "9999")[:10], s.statement_id))


def _statement(
    row: dict[str, Any], score: Score | None, mark: Label | None, people: list[tuple[int, str, str]]
) -> StanceStatement:
    content = vectors.spans_of(row["article_text"], row["spans"])
    published = _day(row["published"])
    described = described_time(row["article_text"], content, published)
    if mark is not None and mark != "irrelevant":
        stance, confidence, by = mark, 1.0, "person"
    else:
        assert score is not None
        stance, confidence, by = score.stance, score.confidence, "model"
    subject = _reported(row, content, people)
    period = described.period or (published[:7] if published else None)
    return StanceStatement(
        statement_id=int(row["id"]),
        url=row["url"],
        document=row["source"],
        published=published,
        speaker=subject[1] if subject else row["speaker"],
        speaker_id=subject[0] if subject else row["speaker_id"],
        content=content,
        stance=stance,
        confidence=confidence,
        reported=subject is not None,
        by=by,  # type: ignore[arg-type]
        text=row["text"],
        said_by=row["speaker"] if subject else None,
        relevance=score.relevance if score else 1.0,
        period=period,
        past=described.past,
        counted=confidence >= ABSTAIN and (described.period is not None or not described.past),
    )


def _reported(
    row: dict[str, Any], content: Sequence[Span], people: list[tuple[int, str, str]]
) -> tuple[int, str] | None:
    """The person a second-hand report is about, when the statement is one."""
    said = " ".join(span.text for span in content) or row["text"]
    others = [p for p in people if p[0] != row["speaker_id"]]
    if row["speaker_type"] in REPORTED_FROM or row["speaker_id"] is None:
        return report_subject(said, others)
    if row["speaker_type"] == "person":
        return report_subject(said[:PERSON_REPORT_WINDOW], others)
    return None


def _people_in(conn: sqlite3.Connection, article_id: int) -> list[tuple[int, str, str]]:
    """The people who speak in an article: (id, name, surname)."""
    rows = conn.execute(
        "SELECT DISTINCT sp.id, sp.name, coalesce(sp.surname, sp.name) FROM statements s "
        "JOIN speakers sp ON sp.id = s.speaker_id WHERE s.article_id = ? AND sp.type = 'person'",
        (article_id,),
    )
    return [(int(r[0]), r[1], r[2]) for r in rows]


def _wanted(
    statement: StanceStatement, speakers: set[int] | None, since: str | None, until: str | None
) -> bool:
    if speakers is not None and statement.speaker_id not in speakers:
        return False
    day = statement.published or ""
    if since and (not day or day < since):
        return False
    return not (until and (not day or day[: len(until)] > until))


def _day(published: str | None) -> str | None:
    return published[:10] if published and re.match(r"\d{4}-\d{2}-\d{2}", published) else None


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error) on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


__all__ = ["StanceError", "StoreError", "stance"]
