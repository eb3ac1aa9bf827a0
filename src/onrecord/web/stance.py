"""The stance page `/stance?p=...` and its twin `/api/stance?p=...` (one library call, `onrecord.stance`,
read-only: a saved proposition's cached scores are used, new statements scored in memory), and marking,
`POST /api/stance/marks`, only when the server runs with `--allow-ingest` and the bearer token.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from onrecord.stance.records import Label, StanceError, StanceInputError, StanceReport
from onrecord.stance.report import stance
from onrecord.stance.saved import all_propositions
from onrecord.store import StoreError
from onrecord.web.api import Credentials, _check_token
from onrecord.web.db import Database
from onrecord.web.errors import ERROR_RESPONSES, ErrorBody, WebError
from onrecord.web.params import MAX_QUERY, Since, Speaker, Until
from onrecord.web.stance_chart import stance_chart

api_router = APIRouter(prefix="/api", tags=["stance"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

TWO_WORDS = r"[A-Za-z0-9_][^ ]* +[^ ]*[A-Za-z0-9_]"
"""A proposition has at least two words (the library refuses one word with the same sentence)."""
Proposition = Annotated[
    str,
    Query(
        min_length=3,
        max_length=MAX_QUERY,
        pattern=TWO_WORDS,
        description="The proposition, as a claim of a few words.",
    ),
]
OptionalProposition = Annotated[
    str, Query(max_length=MAX_QUERY, description="The proposition (empty: none).")
]


class SpanBody(BaseModel):
    start: int
    end: int
    text: str


class StatementBody(BaseModel):
    statement_id: int
    url: str | None
    document: str
    published: str | None
    speaker: str | None
    speaker_id: int | None
    content: list[SpanBody]
    stance: str
    confidence: float
    reported: bool
    by: str


class PositionBody(BaseModel):
    speaker: str
    speaker_id: int | None
    period: str
    stance: str
    support: int
    oppose: int
    neutral: int
    reported: bool


class ShiftBody(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    speaker: str
    speaker_id: int | None
    from_: str = Field(alias="from")
    to: str
    before: int
    after: int
    before_date: str
    after_date: str


class StanceBody(BaseModel):
    """Where each speaker stands: the relevant statements, positions per speaker per month, shifts."""

    proposition: str
    statements: list[StatementBody]
    positions: list[PositionBody]
    shifts: list[ShiftBody]


class MarkBody(BaseModel):
    """A person's judgement of one statement for the proposition `p`."""

    statement_id: int = Field(ge=1, le=2**53)
    label: Label


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(database)]


def report(db: Database, p: str, speaker: str | None, since: str | None, until: str | None) -> StanceReport:
    """`onrecord.stance` over the server's read-only connection, remembered until the store changes."""
    key = ("stance", p, speaker, since, until)
    try:
        return db.cached(key, _read_only, p.strip(), speaker or None, since or None, until or None)
    except StanceInputError as error:
        raise WebError(422, "invalid", _sentence(str(error)), field="p") from error
    except StanceError as error:
        raise WebError(503, "unavailable", _sentence(str(error))) from error
    except StoreError as error:
        raise WebError(422, "invalid", _sentence(str(error))) from error


def _read_only(
    conn: sqlite3.Connection, p: str, speaker: str | None, since: str | None, until: str | None
) -> StanceReport:
    return stance(conn, p, speaker=speaker, since=since, until=until, save=False)


@api_router.get("/stance", response_model=StanceBody, responses=ERROR_RESPONSES)
def api_stance(
    db: Db, p: Proposition, speaker: Speaker = None, since: Since = None, until: Until = None
) -> JSONResponse:
    """Where each speaker stands on the proposition `p`: exactly the object `onrecord stance --json`
    prints."""
    return JSONResponse(report(db, p, speaker, since, until).to_json())


_MARK_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not JSON"},
    401: {"model": ErrorBody, "description": "No bearer token, or the wrong one"},
    403: {"model": ErrorBody, "description": "Marking is not enabled on this server (--allow-ingest)"},
    **ERROR_RESPONSES,
}


@api_router.post("/stance/marks", response_model=StanceBody, responses=_MARK_RESPONSES)
async def api_mark(
    request: Request, credentials: Credentials, p: Proposition, mark: MarkBody
) -> JSONResponse:
    """Record a person's judgement of a statement for the proposition `p` (stored; it overrides the
    model, which adapts to it); the report after it. Needs `--allow-ingest` and the bearer token."""
    settings = request.app.state
    _check_token(credentials, settings.token if settings.allow_ingest else None)
    try:
        done = await run_in_threadpool(stance, settings.db.path, p, marks={mark.statement_id: mark.label})
    except StanceInputError as error:
        raise WebError(422, "invalid", _sentence(str(error))) from error
    except (StanceError, StoreError, sqlite3.Error) as error:
        raise WebError(503, "unavailable", _sentence(str(error))) from error
    return JSONResponse(done.to_json())


@page_router.get("/stance")
def stance_page(
    request: Request,
    db: Db,
    p: OptionalProposition = "",
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
) -> HTMLResponse:
    found = report(db, p, speaker, since, until) if p.strip() else None
    said = {s.statement_id: s for s in found.statements} if found else {}
    context = {
        "title": f"Stance: {p.strip()}" if found else "Stance",
        "p": p.strip(),
        "speaker": speaker or "",
        "since": since or "",
        "until": until or "",
        "report": found,
        "said": said,
        "chart": stance_chart(found.positions) if found else None,
        "saved": db.query(_saved_texts),
    }
    response: HTMLResponse = request.app.state.render("stance.html", 200, context)
    return response


def _saved_texts(conn: sqlite3.Connection) -> list[str]:
    return [p.text for p in all_propositions(conn)]


def person_positions(db: Database, speaker_id: int) -> list[tuple[str, StanceReport]]:
    """A person's positions on every saved proposition (from the cached scores only: no model runs)."""
    return db.cached(("person-stance", speaker_id), _person_positions, speaker_id)


def _person_positions(conn: sqlite3.Connection, speaker_id: int) -> list[tuple[str, StanceReport]]:
    found = []
    for proposition in all_propositions(conn):
        try:
            answered = stance(conn, proposition.text, speaker=f"#{speaker_id}", save=False, score_new=False)
        except (StanceError, StoreError):
            continue
        if answered.positions:
            found.append((proposition.text, answered))
    return found


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
