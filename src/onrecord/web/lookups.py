"""Read-only queries the web layer needs beyond `onrecord.queries`: one article with its statements and
their spans, one statement with its context and every outlet that carried it, a page of people, one
person's timeline and newest statements, the store's counts.

Each takes an open connection and returns frozen records. Candidates to move into `queries.py` later:
`article`, `statement`, `list_people` (queries.people with an offset) and `person_view`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onrecord import queries
from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.queries import (
    PERSON_STATEMENTS,
    SAID,
    SITE,
    PersonHeader,
    PersonStatement,
    PersonSummary,
    co_speaker_names,
)
from onrecord.records import Post, Span
from onrecord.stance.context import SENTENCE_END
from onrecord.store.names import name_key


class NotFound(LookupError):
    """No article, statement or person has the id asked for; one sentence."""


@dataclass(frozen=True)
class ArticleStatement:
    """A statement as one article carries it: spans index that article's text."""

    statement_id: int
    speaker_id: int | None
    speaker: str | None
    speaker_type: str
    role: str | None
    kind: str
    content: tuple[Span, ...]
    cue: Span | None
    mention: Span | None
    mode: str
    co_speakers: tuple[str, ...]
    published: str | None = None  # its own time (its live post's); None: the article's date


@dataclass(frozen=True)
class ArticleRecord:
    id: int
    title: str | None
    url: str | None
    site: str | None
    published: str | None
    author: str | None
    language: str
    syndicated_from: int | None
    text: str
    statements: tuple[ArticleStatement, ...]
    extractor: str | None = None  # what gave the text: "trafilatura", "fundus:<publisher>", "liveblog:<how>"
    posts: tuple[Post, ...] = ()  # a live blog's posts (offsets into `text`, each one's time)


@dataclass(frozen=True)
class Appearance:
    """An article that carried a statement (the first one and its syndicated copies)."""

    article_id: int
    title: str | None
    url: str | None
    site: str | None
    published: str | None


@dataclass(frozen=True)
class StatementRecord:
    """One statement: who said it, the sentence around it (`context`: (text, is-statement) fragments of
    the first article that carried it), every article that carried it, and a citation line."""

    id: int
    text: str
    kind: str
    cue: str | None
    confidence: float
    speaker_id: int | None
    speaker: str | None
    speaker_type: str
    speaker_in_article: str | None
    role: str | None
    article_id: int
    context: tuple[tuple[str, bool], ...]
    appearances: tuple[Appearance, ...]
    citation: str
    mode: str
    co_speakers: tuple[str, ...]
    published: str | None = None  # when it was made: its live post's time, else its article's date


@dataclass(frozen=True)
class Period:
    """A bar of a timeline: statements made in `period` (YYYY-MM or YYYY; `queries.SAID`)."""

    period: str
    statements: int


@dataclass(frozen=True)
class PersonView(PersonHeader):
    """A person's page: the record's header (`queries.person`), the timeline, a page of statements."""

    total: int
    undated: int
    timeline: tuple[Period, ...]
    statements: tuple[PersonStatement, ...]


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    title: str | None
    site: str | None
    published: str | None
    statements: int


@dataclass(frozen=True)
class Counts:
    articles: int
    statements: int
    people: int


_MONTH = re.compile(r"\d{4}-\d{2}")
CONTEXT_CHARS = 400
"""At most this many characters of context on either side of a statement."""


def article(
    conn: sqlite3.Connection, article_id: int, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> ArticleRecord:
    """The article with every statement it carries at least `min_confidence` sure, in order of
    appearance; NotFound when unknown."""
    row = conn.execute(
        f"SELECT a.id, a.title, a.url, {SITE}, a.published, a.author, a.language, a.syndicated_from, "
        "a.text, a.extractor FROM articles a WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no article has the id {article_id}.")
    rows = conn.execute(
        "SELECT s.id, s.speaker_id, coalesce(sp.name, s.speaker_name), coalesce(sp.type, s.speaker_type), "
        "s.role, s.kind, p.spans, s.mode, s.co_speakers, s.published FROM appearances p "
        "JOIN statements s ON s.id = p.statement_id LEFT JOIN speakers sp ON sp.id = s.speaker_id "
        "WHERE p.article_id = ? AND s.confidence >= ?",
        (article_id, min_confidence),
    ).fetchall()
    text = row[8]
    statements = sorted((_article_statement(text, r) for r in rows), key=_first_offset)
    return ArticleRecord(
        id=row[0],
        title=row[1],
        url=row[2],
        site=row[3],
        published=row[4],
        author=row[5],
        language=row[6],
        syndicated_from=row[7],
        text=text,
        statements=tuple(statements),
        extractor=row[9],
        posts=_posts(conn, article_id),
    )


def _posts(conn: sqlite3.Connection, article_id: int) -> tuple[Post, ...]:
    rows = conn.execute(
        "SELECT start, end, published FROM article_posts WHERE article_id = ? ORDER BY start", (article_id,)
    ).fetchall()
    return tuple(Post(*row) for row in rows)


def _article_statement(text: str, row: Sequence[Any]) -> ArticleStatement:
    spans = json.loads(row[6])
    return ArticleStatement(
        statement_id=row[0],
        speaker_id=row[1],
        speaker=row[2],
        speaker_type=row[3],
        role=row[4],
        kind=row[5],
        content=tuple(s for s in (_span(text, pair) for pair in spans.get("content") or ()) if s),
        cue=_span(text, spans.get("cue")),
        mention=_span(text, spans.get("mention")),
        mode=row[7],
        co_speakers=co_speaker_names(row[8]),
        published=row[9],
    )


def _span(text: str, pair: Any) -> Span | None:
    """The span for a stored [start, end] pair, or None when absent or outside the text."""
    if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(n, int) for n in pair):
        return None
    start, end = pair
    if not 0 <= start < end <= len(text):
        return None
    return Span(start, end, text[start:end])


def _first_offset(statement: ArticleStatement) -> tuple[int, int]:
    starts = [span.start for span in statement.content] or [len(statement.content)]
    return (min(starts), statement.statement_id)


def statement(conn: sqlite3.Connection, statement_id: int) -> StatementRecord:
    """The statement with its context sentence, speaker and every article that carried it."""
    row = conn.execute(
        "SELECT s.id, s.text, s.kind, s.cue, s.confidence, s.speaker_id, sp.name, "
        "coalesce(sp.type, s.speaker_type), s.speaker_name, s.role, s.article_id, a.text, "
        "(SELECT p.spans FROM appearances p WHERE p.statement_id = s.id AND p.article_id = s.article_id "
        f"LIMIT 1), s.mode, s.co_speakers, {SAID} FROM statements s JOIN articles a ON a.id = s.article_id "
        "LEFT JOIN speakers sp ON sp.id = s.speaker_id WHERE s.id = ?",
        (statement_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no statement has the id {statement_id}.")
    appearances = _appearances(conn, statement_id)
    spans = json.loads(row[12]) if row[12] else {}
    content = [s for s in (_span(row[11], pair) for pair in spans.get("content") or ()) if s]
    speaker = row[6] or row[8]
    return StatementRecord(
        id=row[0],
        text=row[1],
        kind=row[2],
        cue=row[3],
        confidence=row[4],
        speaker_id=row[5],
        speaker=speaker,
        speaker_type=row[7],
        speaker_in_article=row[8],
        role=row[9],
        article_id=row[10],
        context=context(row[11], content) if content else ((row[1], True),),
        appearances=appearances,
        citation=citation(row[1], speaker, row[9], appearances[0] if appearances else None, row[0]),
        mode=row[13],
        co_speakers=co_speaker_names(row[14]),
        published=row[15],
    )


def _appearances(conn: sqlite3.Connection, statement_id: int) -> tuple[Appearance, ...]:
    rows = conn.execute(
        f"SELECT a.id, a.title, a.url, {SITE}, a.published FROM appearances p "
        "JOIN articles a ON a.id = p.article_id WHERE p.statement_id = ? "
        "GROUP BY a.id ORDER BY a.published IS NULL, a.published, a.id",
        (statement_id,),
    ).fetchall()
    return tuple(Appearance(*r) for r in rows)


def context(text: str, content: Sequence[Span]) -> tuple[tuple[str, bool], ...]:
    """The sentence(s) holding `content`, as (text, is-statement) fragments, at most `CONTEXT_CHARS`
    either side of the statement."""
    first, last = min(s.start for s in content), max(s.end for s in content)
    window_start = max(0, first - CONTEXT_CHARS)
    ends = [m.end() for m in SENTENCE_END.finditer(text, window_start, first)]
    start = ends[-1] if ends else window_start
    following = SENTENCE_END.search(text, max(first, last - 1), min(len(text), last + CONTEXT_CHARS))
    end = following.start() + len(following.group().rstrip()) if following else len(text)
    end = min(end, last + CONTEXT_CHARS)
    fragments: list[tuple[str, bool]] = []
    at = start
    for span in sorted(content, key=lambda s: s.start):
        if span.start > at:
            fragments.append((text[at : span.start], False))
        fragments.append((text[max(at, span.start) : span.end], True))
        at = max(at, span.end)
    if end > at:
        fragments.append((text[at:end].rstrip(), False))
    return tuple((piece, marked) for piece, marked in fragments if piece)


def citation(text: str, speaker: str | None, role: str | None, first: Appearance | None, sid: int) -> str:
    """A line a journalist can paste: who, what, where and when it was first carried, and its id."""
    who = ", ".join(p for p in (speaker or "Unattributed", role) if p)
    line = f"{who}: “{text}”"
    if first is not None:
        title = f"“{first.title}”" if first.title else None
        where = ", ".join(p for p in (first.site, title, first.published, first.url) if p)
        line += f" — {where}" if where else ""
    return f"{line} (onrecord statement #{sid})"


def list_people(
    conn: sqlite3.Connection, text: str | None = None, limit: int = 50, offset: int = 0
) -> list[PersonSummary]:
    """A page of speakers (whose name or alias contains `text`), most statements first."""
    where, params = queries.name_filter(text) if text and name_key(text) else ("", [])
    rows = conn.execute(
        "SELECT sp.id, sp.name, sp.type, n FROM speakers sp JOIN (SELECT speaker_id, count(*) AS n "
        "FROM statements WHERE speaker_id IS NOT NULL GROUP BY speaker_id) c ON c.speaker_id = sp.id "
        f"{where} ORDER BY n DESC, sp.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_summary(conn, row) for row in rows]


def _summary(conn: sqlite3.Connection, row: Sequence[Any]) -> PersonSummary:
    appearances = conn.execute(
        "SELECT count(*) FROM statements s JOIN appearances p ON p.statement_id = s.id "
        "WHERE s.speaker_id = ?",
        (row[0],),
    ).fetchone()[0]
    roles = conn.execute(
        "SELECT role FROM roles WHERE speaker_id = ? ORDER BY mentions DESC, first_seen LIMIT 3", (row[0],)
    ).fetchall()
    return PersonSummary(
        id=row[0],
        name=row[1],
        type=row[2],
        statements=row[3],
        appearances=appearances,
        roles=tuple(r[0] for r in roles),
        aliases=queries.aliases(conn, row[0], row[1]),
    )


def person_view(
    conn: sqlite3.Connection,
    speaker_id: int,
    limit: int = 50,
    offset: int = 0,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> PersonView:
    """A person's header from `queries.person`, their statements at least `min_confidence` sure per
    month and a page of them, newest first; NotFound when no speaker has the id."""
    if conn.execute("SELECT 1 FROM speakers WHERE id = ?", (speaker_id,)).fetchone() is None:
        raise NotFound(f"no person has the id {speaker_id}.")
    record = queries.person(conn, f"#{speaker_id}", limit=0)
    newest = conn.execute(  # one pass over the person's statements gives the order and the timeline
        f"SELECT s.id, {SAID} FROM statements s JOIN articles a ON a.id = s.article_id "
        "WHERE s.speaker_id = ? AND s.confidence >= ? "
        f"ORDER BY {SAID} IS NULL, {SAID} DESC, s.id DESC",
        (speaker_id, min_confidence),
    ).fetchall()
    counted = Counter(published[:7] for _, published in newest if published)
    months = {month: n for month, n in counted.items() if _MONTH.fullmatch(month)}
    return PersonView(
        id=record.id,
        name=record.name,
        type=record.type,
        aliases=record.aliases,
        roles=record.roles,
        outlets=record.outlets,
        total=len(newest),
        undated=len(newest) - sum(months.values()),
        timeline=tuple(Period(month, n) for month, n in sorted(months.items())),
        statements=_person_statements(conn, [row[0] for row in newest[offset : offset + limit]]),
    )


def _person_statements(conn: sqlite3.Connection, ids: list[int]) -> tuple[PersonStatement, ...]:
    """The statements with these ids, in this order."""
    if not ids:
        return ()
    rows = conn.execute(
        PERSON_STATEMENTS + f"WHERE s.id IN ({', '.join('?' * len(ids))})",
        ids,
    ).fetchall()
    by_id = {row[0]: PersonStatement(*row) for row in rows}
    return tuple(by_id[statement] for statement in ids if statement in by_id)


def recent_articles(conn: sqlite3.Connection, limit: int = 10) -> list[ArticleSummary]:
    """The newest articles (by publication date, then by when they were stored; undated ones last)."""
    columns = (
        f"a.id, a.title, {SITE}, a.published, (SELECT count(*) FROM appearances p WHERE p.article_id = a.id)"
    )
    rows = conn.execute(
        f"SELECT {columns} FROM articles a WHERE a.published IS NOT NULL "
        "ORDER BY a.published DESC, a.id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    if len(rows) < limit:
        rows += conn.execute(
            f"SELECT {columns} FROM articles a WHERE a.published IS NULL ORDER BY a.id DESC LIMIT ?",
            (limit - len(rows),),
        ).fetchall()
    return [ArticleSummary(*row) for row in rows]


def counts(conn: sqlite3.Connection) -> Counts:
    """How many articles, statements and speakers the store holds."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM statements), "
        "(SELECT count(*) FROM speakers)"
    ).fetchone()
    return Counts(*row)
