"""The JSON API under /api/: each endpoint the twin of a page, built by the same `data` function, plus
the ingest endpoint (POST /api/articles), enabled only with `--allow-ingest` and a bearer token.
"""

from __future__ import annotations

import hmac
import re
import sqlite3
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.queries import PersonSummary, SearchHit
from onrecord.store import StoreError
from onrecord.web import data
from onrecord.web.data import Page, PersonPage
from onrecord.web.db import Database, without_path
from onrecord.web.errors import ERROR_RESPONSES, ErrorBody, WebError
from onrecord.web.lookups import ArticleRecord, StatementRecord
from onrecord.web.params import (
    MAX_NAME,
    ArticleId,
    Limit,
    MinConfidence,
    Mode,
    NameFilter,
    Offset,
    PersonId,
    Since,
    Site,
    Speaker,
    StatementId,
    Until,
    Words,
    filters,
)
from onrecord.web.posting import Metadata, Rejected, post_article

router = APIRouter(prefix="/api", tags=["record"])
bearer = HTTPBearer(auto_error=False, description="The token given to `onrecord serve --token`.")


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(database)]


@router.get("/search", response_model=Page[SearchHit], responses=ERROR_RESPONSES)
def api_search(
    db: Db,
    q: Words,
    speaker: Speaker = None,
    site: Site = None,
    since: Since = None,
    until: Until = None,
    mode: Mode = None,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Page[SearchHit]:
    """Full-text search over what was said, best match first, with highlighted snippets
    (`snippet`: [text, highlighted] fragments)."""
    wanted = filters(q, speaker, site, since, until, mode, min_confidence)
    return data.search(db, wanted, limit, offset)


@router.get("/people", response_model=Page[PersonSummary], responses=ERROR_RESPONSES)
def api_people(db: Db, q: NameFilter = None, limit: Limit = 50, offset: Offset = 0) -> Page[PersonSummary]:
    """Speakers, most statements first."""
    return data.people(db, q, limit, offset)


@router.get("/people/{person_id}", response_model=PersonPage, responses=ERROR_RESPONSES)
def api_person(
    db: Db,
    person_id: PersonId,
    limit: Limit = 50,
    offset: Offset = 0,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
) -> PersonPage:
    """One person: names, roles with dates, outlets, statements per month, statements newest first
    (those at least `min_confidence` sure)."""
    return data.person(db, person_id, limit, offset, min_confidence)


@router.get("/articles/{article_id}", response_model=ArticleRecord, responses=ERROR_RESPONSES)
def api_article(
    db: Db, article_id: ArticleId, min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE
) -> ArticleRecord:
    """One article: its clean text and every statement in it at least `min_confidence` sure, with
    offsets into the text."""
    return data.article(db, article_id, min_confidence)


@router.get("/statements/{statement_id}", response_model=StatementRecord, responses=ERROR_RESPONSES)
def api_statement(db: Db, statement_id: StatementId) -> StatementRecord:
    """One statement: speaker and role, the sentence in context, every article that carried it, and a
    citation line."""
    return data.statement(db, statement_id)


class Ingested(BaseModel):
    """The outcome of a post: `stored`, `near-duplicate` (stored as a syndicated copy) or `duplicate`
    (already in the record: nothing stored)."""

    outcome: str
    article_id: int
    statements: int
    appearances: int
    article: str


_MEDIA_TYPES: dict[str, Literal["text", "html"]] = {
    "text/plain": "text",
    "text/html": "html",
    "application/xhtml+xml": "html",
}
_INGEST_BODY = {
    "required": True,
    "content": {
        media: {"schema": {"type": "string"}}
        for media in ("text/plain", "text/html", "application/xhtml+xml")
    },
}
_INGEST_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No bearer token, or the wrong one"},
    403: {"model": ErrorBody, "description": "Ingest is not enabled on this server"},
    413: {"model": ErrorBody, "description": "The body is over the size limit (code `too-large`)"},
    415: {"model": ErrorBody, "description": "Binary content, or a content type other than text or HTML"},
    422: {"model": ErrorBody, "description": "Not an article: empty, undecodable, not English, no text"},
    503: {"model": ErrorBody, "description": "The database cannot be written"},
}
Url = Annotated[
    str | None,
    Query(
        max_length=2000,
        pattern=r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$",
        description="The article's URL (no spaces or control characters).",
    ),
]
Title = Annotated[str | None, Query(max_length=MAX_NAME * 2, description="The article's title.")]
Published = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Publication date.")]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@router.post(
    "/articles",
    status_code=201,
    response_model=Ingested,
    responses={200: {"model": Ingested, "description": "Already in the record"}, **_INGEST_RESPONSES},
    openapi_extra={"requestBody": _INGEST_BODY},
)
async def api_ingest(
    request: Request,
    credentials: Credentials,
    url: Url = None,
    title: Title = None,
    published: Published = None,
    site: Site = None,
) -> JSONResponse:
    """Ingest one article (its HTML or plain text as the body): cleaned, extracted and stored. Enabled
    only when the server runs with `--allow-ingest`; needs `Authorization: Bearer TOKEN`."""
    settings = request.app.state
    _check_token(credentials, settings.token if settings.allow_ingest else None)
    media_type = _media_type(request.headers.get("content-type", ""))
    body = await _read_body(request, settings.max_upload)
    _check_date(published, "published")
    metadata = Metadata(url=url, title=title, published=published, site=site)
    try:
        posted = await run_in_threadpool(post_article, settings.db.path, body, media_type, metadata)
    except Rejected as rejected:
        status = 415 if rejected.reason == "binary" else 422
        raise WebError(status, rejected.reason, rejected.message, field="body") from rejected
    except (StoreError, sqlite3.Error) as error:
        reason = without_path(str(error), settings.db.path)
        raise WebError(503, "database_unavailable", f"The article could not be stored ({reason}).") from error
    result = Ingested(**posted.__dict__, article=f"/api/articles/{posted.article_id}")
    return JSONResponse(result.model_dump(), status_code=200 if posted.outcome == "duplicate" else 201)


def _check_date(value: str | None, field: str) -> None:
    """422 for a date of the right shape that is not in the calendar (2024-02-30)."""
    if value is None:
        return
    try:
        date.fromisoformat(value)
    except ValueError:
        message = f"{field}: {value} is not a date in the calendar (YYYY-MM-DD)."
        raise WebError(422, "invalid", message, field=field) from None


def _check_token(credentials: HTTPAuthorizationCredentials | None, token: str | None) -> None:
    """401 without a bearer token; 403 when ingest is off (`token` None); 401 for a wrong token."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise WebError(
            401, "unauthorized", "Send the token as `Authorization: Bearer TOKEN`.", headers=challenge
        )
    if token is None:
        raise WebError(403, "ingest_disabled", "Ingest is not enabled on this server (--allow-ingest).")
    if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise WebError(
            401, "unauthorized", "The token is not the one this server was given.", headers=challenge
        )


def _media_type(content_type: str) -> Literal["text", "html"]:
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in _MEDIA_TYPES:
        shown = re.sub(r"[^\w/+.-]", "", media)[:80] or "none"
        raise WebError(
            415,
            "unsupported_media_type",
            f"Post the article as text/plain or text/html, not {shown}.",
            field="content-type",
        )
    return _MEDIA_TYPES[media]


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused from its declared length alone or once more than `limit` bytes arrived."""
    declared = request.headers.get("content-length", "")
    too_large = WebError(413, "too-large", f"The body is over the {limit:,}-byte limit.", field="body")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
