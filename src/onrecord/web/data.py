"""What each page and its JSON twin show, loaded by one function per page from the library queries.

The HTML route and the `/api/` route of a page call the same function here, so they cannot disagree.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from onrecord import queries
from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.queries import PersonSummary, QueryError, SearchHit
from onrecord.store.sqlite import match_expression
from onrecord.web import lookups
from onrecord.web.db import Database
from onrecord.web.errors import WebError
from onrecord.web.lookups import ArticleRecord, ArticleSummary, Counts, PersonView, StatementRecord

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of results; `next_offset` is the offset of the next page, null on the last one."""

    items: list[T]
    limit: int
    offset: int
    next_offset: int | None


class PersonPage(BaseModel):
    """A person's record with one page of their statements, newest first."""

    person: PersonView
    limit: int
    offset: int
    next_offset: int | None


class Home(BaseModel):
    counts: Counts
    people: list[PersonSummary]
    articles: list[ArticleSummary]


@dataclass(frozen=True)
class Filters:
    """A search: the words, and optional speaker, site, date range (ISO dates, inclusive), mode (speech
    or attitude) and the confidence below which statements are hidden."""

    q: str
    speaker: str | None = None
    site: str | None = None
    since: str | None = None
    until: str | None = None
    mode: str | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE


def search(db: Database, filters: Filters, limit: int, offset: int) -> Page[SearchHit]:
    """Statements matching the search, best first (`queries.search`); none for a search without a
    single word (only punctuation, say)."""
    if not match_expression(filters.q):
        return Page[SearchHit](items=[], limit=limit, offset=offset, next_offset=None)
    try:
        hits = db.cached(
            ("search", filters, limit, offset),
            queries.search,
            filters.q,
            filters.speaker,
            filters.since,
            filters.until,
            filters.site,
            limit + 1,
            offset,
            filters.min_confidence,
            filters.mode,
        )
    except QueryError as error:
        raise WebError(422, "invalid", _sentence(str(error)), field="q") from error
    following = offset + limit if len(hits) > limit else None
    return Page[SearchHit](items=hits[:limit], limit=limit, offset=offset, next_offset=following)


def people(db: Database, text: str | None, limit: int, offset: int) -> Page[PersonSummary]:
    """Speakers, most statements first (whose name or an alias contains `text`, if given)."""
    found = db.cached(("people", text, limit, offset), lookups.list_people, text, limit + 1, offset)
    following = offset + limit if len(found) > limit else None
    return Page[PersonSummary](items=found[:limit], limit=limit, offset=offset, next_offset=following)


def person(
    db: Database, speaker_id: int, limit: int, offset: int, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> PersonPage:
    """One person's record and a page of their statements at least `min_confidence` sure, newest first."""
    key = ("person", speaker_id, limit, offset, min_confidence)
    view = db.cached(key, lookups.person_view, speaker_id, limit, offset, min_confidence)
    following = offset + limit if offset + limit < view.total else None
    return PersonPage(person=view, limit=limit, offset=offset, next_offset=following)


def article(db: Database, article_id: int, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> ArticleRecord:
    """One article and its statements at least `min_confidence` sure."""
    return db.query(lookups.article, article_id, min_confidence)


def statement(db: Database, statement_id: int) -> StatementRecord:
    return db.query(lookups.statement, statement_id)


def home(db: Database, people_shown: int = 10, articles_shown: int = 10) -> Home:
    """The front page: what the record holds, its most quoted people, its newest articles."""
    return db.cached(("home", people_shown, articles_shown), _home, people_shown, articles_shown)


def _home(conn: sqlite3.Connection, people_shown: int, articles_shown: int) -> Home:
    return Home(
        counts=lookups.counts(conn),
        people=lookups.list_people(conn, None, people_shown),
        articles=lookups.recent_articles(conn, articles_shown),
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
