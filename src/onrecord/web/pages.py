"""The HTML pages: each renders what the same `data` function gives its JSON twin under /api/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.web import data
from onrecord.web.chart import timeline_chart
from onrecord.web.db import Database
from onrecord.web.highlight import legend, marked_text
from onrecord.web.params import (
    ArticleId,
    Limit,
    MinConfidence,
    Mode,
    NameFilter,
    Offset,
    OptionalWords,
    PersonId,
    Since,
    Site,
    Speaker,
    StatementId,
    Until,
    filters,
)
from onrecord.web.stance import person_positions

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
MAX_CACHED_PAGE = 200_000
"""Pages up to this many bytes are kept rendered until the store changes (a long article is not)."""


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(database)]


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    response: HTMLResponse = request.app.state.render(template, 200, context)
    return response


def cached_page(request: Request, db: Database, build: Callable[[], HTMLResponse]) -> HTMLResponse:
    """The page `build` renders, kept (if small) for this address until the store changes: a page asked
    for again costs no query and no rendering."""
    built: list[HTMLResponse] = []

    def rendered() -> bytes | None:
        built.append(build())
        return bytes(built[0].body) if len(built[0].body) <= MAX_CACHED_PAGE else None

    body = db.remember(("page", request.url.path, request.url.query), rendered)
    if built:
        return built[0]
    return build() if body is None else HTMLResponse(body)


@router.get("/")
def home_page(request: Request, db: Db) -> HTMLResponse:
    return cached_page(request, db, lambda: render(request, "home.html", home=data.home(db), title=None))


@router.get("/search")
def search_page(
    request: Request,
    db: Db,
    q: OptionalWords = "",
    speaker: Speaker = None,
    site: Site = None,
    since: Since = None,
    until: Until = None,
    mode: Mode = None,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
    limit: Limit = 20,
    offset: Offset = 0,
) -> HTMLResponse:
    wanted = filters(q, speaker, site, since, until, mode, min_confidence)

    def build() -> HTMLResponse:
        results = data.search(db, wanted, limit, offset) if wanted.q else None
        given = {k: v for k, v in vars(wanted).items() if v and k != "min_confidence"}
        query = given | _shown(limit, wanted.min_confidence)
        return render(
            request,
            "search.html",
            title=f"“{wanted.q}”" if wanted.q else "Search",
            filters=wanted,
            results=results,
            pages=_pages("/search", query, results.offset if results else 0, results, limit),
        )

    return cached_page(request, db, build)


@router.get("/people")
def people_page(
    request: Request, db: Db, q: NameFilter = None, limit: Limit = 50, offset: Offset = 0
) -> HTMLResponse:
    def build() -> HTMLResponse:
        found = data.people(db, q, limit, offset)
        query: dict[str, Any] = {"q": q, "limit": limit} if q else {"limit": limit}
        return render(
            request,
            "people.html",
            title="People",
            q=q or "",
            page=found,
            pages=_pages("/people", query, offset, found, limit),
        )

    return cached_page(request, db, build)


@router.get("/people/{person_id}")
def person_page(
    request: Request,
    db: Db,
    person_id: PersonId,
    limit: Limit = 50,
    offset: Offset = 0,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
) -> HTMLResponse:
    def build() -> HTMLResponse:
        page = data.person(db, person_id, limit, offset, min_confidence)
        view = page.person
        peak = max((outlet.appearances for outlet in view.outlets), default=0)
        return render(
            request,
            "person.html",
            title=view.name,
            page=page,
            person=view,
            chart=timeline_chart(view.timeline),
            stances=person_positions(db, person_id),
            outlet_peak=peak,
            min_confidence=min_confidence,
            pages=_pages(f"/people/{person_id}", _shown(limit, min_confidence), offset, page, limit),
        )

    return cached_page(request, db, build)


@router.get("/articles/{article_id}")
def article_page(
    request: Request,
    db: Db,
    article_id: ArticleId,
    min_confidence: MinConfidence = DEFAULT_MIN_CONFIDENCE,
) -> HTMLResponse:
    def build() -> HTMLResponse:
        record = data.article(db, article_id, min_confidence)
        return render(
            request,
            "article.html",
            min_confidence=min_confidence,
            title=record.title or f"Article {record.id}",
            article=record,
            body=marked_text(record.text, record.statements),
            legend=legend(record.statements),
        )

    return cached_page(request, db, build)


@router.get("/statements/{statement_id}")
def statement_page(request: Request, db: Db, statement_id: StatementId) -> HTMLResponse:
    def build() -> HTMLResponse:
        record = data.statement(db, statement_id)
        return render(request, "statement.html", title=f"Statement {record.id}", statement=record)

    return cached_page(request, db, build)


def _shown(limit: int, min_confidence: float) -> dict[str, Any]:
    """The page size and the confidence (unless the default) for links to other pages."""
    if min_confidence == DEFAULT_MIN_CONFIDENCE:
        return {"limit": limit}
    return {"limit": limit, "min_confidence": min_confidence}


def _pages(path: str, query: dict[str, Any], offset: int, page: Any, limit: int) -> dict[str, str | None]:
    """Links to the previous and next page (None where there is none)."""
    following = getattr(page, "next_offset", None) if page is not None else None
    previous = None
    if offset > 0:
        previous = f"{path}?{urlencode(query | {'offset': max(0, offset - limit)})}"
    after = f"{path}?{urlencode(query | {'offset': following})}" if following is not None else None
    return {"previous": previous, "next": after}
