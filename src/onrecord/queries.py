"""Queries over a store: full-text search, people, one person's record, export. Library first: the CLI
(and later the web layer) only renders what these return, frozen records, never database rows.

`db` is a store path (opened for reading only, migrated first if older, refused if missing or damaged)
or an open connection.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TextIO

from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.output import json_text, printable
from onrecord.store import StoreError
from onrecord.store.lookup import find_speaker, speaker_ids
from onrecord.store.names import name_key, parse_name
from onrecord.store.sqlite import (
    FTS_MATCH,
    FTS_SCORE,
    FTS_SNIPPET,
    FTS_TABLE,
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    match_expression,
    opened,
)

Db = str | os.PathLike[str] | sqlite3.Connection
ExportFormat = Literal["csv", "jsonl", "parquet"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "parquet")
MODES = ("speech", "attitude")
"""A statement's mode: reported speech, or a reported attitude (a belief, wish or stance: `hopes`)."""


class QueryError(StoreError):
    """A query that cannot be answered as asked (a bad date, an unknown person); one sentence."""


@dataclass(frozen=True)
class SearchHit:
    """One statement matching a search, best first; `snippet` is (text, highlighted) fragments."""

    statement_id: int
    text: str
    snippet: tuple[tuple[str, bool], ...]
    score: float
    kind: str
    speaker_id: int | None
    speaker: str | None
    role: str | None
    cue: str | None
    article_id: int
    title: str | None
    url: str | None
    site: str | None
    published: str | None
    appearances: int
    mode: str
    co_speakers: tuple[str, ...]


@dataclass(frozen=True)
class PersonSummary:
    """A speaker with counts: statements credited, appearances of them across articles, main roles."""

    id: int
    name: str
    type: str
    statements: int
    appearances: int
    roles: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    role: str
    first_seen: str
    last_seen: str
    mentions: int


@dataclass(frozen=True)
class Outlet:
    """Where a speaker's statements appeared: site (or domain) and how many appearances."""

    site: str
    appearances: int


@dataclass(frozen=True)
class PersonStatement:
    statement_id: int
    published: str | None
    text: str
    kind: str
    cue: str | None
    role: str | None
    title: str | None
    url: str | None
    site: str | None
    appearances: int
    mode: str


@dataclass(frozen=True)
class PersonHeader:
    """Who a speaker is: names, roles with dates, outlets (the head of a person's record or page)."""

    id: int
    name: str
    type: str
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]
    outlets: tuple[Outlet, ...]


@dataclass(frozen=True)
class PersonRecord(PersonHeader):
    """One speaker's record: names, roles with dates, outlets, statements in date order."""

    statements: tuple[PersonStatement, ...]


@contextmanager
def connect(db: Db, write: bool = False) -> Iterator[sqlite3.Connection]:
    """An open store for `db`: a path is opened for reading only (unless `write`), closed afterwards,
    and any database error while it is used (a damaged store, say) becomes a StoreError of one sentence."""
    if isinstance(db, sqlite3.Connection):
        yield db
        return
    with opened(os.fspath(db), write=write) as conn:
        yield conn


SITE = "coalesce(a.site, a.domain)"
"""SQL: an article's site, or its domain when the site is unknown (articles as `a`)."""
SAID = "coalesce(s.published, a.published)"
"""SQL: when a statement was made: its own time (its live post's), else its article's date (statements as
`s`, their articles as `a`)."""
_APPEARANCES = "(SELECT count(*) FROM appearances p WHERE p.statement_id = s.id)"
"""SQL: how many articles carried a statement (statements as `s`)."""
PERSON_STATEMENTS = (
    f"SELECT s.id, {SAID}, s.text, s.kind, s.cue, s.role, a.title, a.url, {SITE}, {_APPEARANCES}, "
    "s.mode "
    "FROM statements s JOIN articles a ON a.id = s.article_id "
)
"""SQL: the columns of `PersonStatement`, to be followed by a WHERE clause."""
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def search(
    db: Db,
    text: str,
    speaker: str | None = None,
    since: str | None = None,
    until: str | None = None,
    site: str | None = None,
    limit: int = 20,
    offset: int = 0,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    mode: str | None = None,
) -> list[SearchHit]:
    """Statements matching `text` (every word; "quoted words" as a phrase), ranked by BM25; when `text`
    names a speaker (`Kirby`) and no `speaker` is given, that speaker's statements come first, newest first.

    `speaker`: a name, alias or #id (all speakers it may mean); `since`/`until`: ISO dates (YYYY,
    YYYY-MM or YYYY-MM-DD, inclusive) on when the statement was made (`SAID`: its live post's time, else
    the publication date of the article that first carried it; undated statements are left out when
    either is given); `site`: site name or domain;
    `min_confidence`: statements less sure than this are left out (onrecord.confidence); `mode`:
    only reported speech or only reported attitudes (`MODES`).
    """
    expression = match_expression(text)
    if not expression:
        raise QueryError(f"the search {text!r} has no word to look for.")
    with connect(db) as conn:
        filters = _filters(conn, speaker, since, until, site, min_confidence, mode)
        named = _named(conn, text, filters, limit + offset) if speaker is None else []
        ranked = _ranked(conn, expression, filters, limit + offset, 0)
        page = [*named, *(i for i in ranked if i not in set(named))][offset : offset + limit]
        named_hits = _named_hits(conn, [i for i in page if i in set(named)])
        ranked = {i: ranked[i] for i in page if i in ranked}
        if not ranked:
            return [named_hits[i] for i in page if i in named_hits]
        marks = ", ".join("?" for _ in ranked)
        rows = conn.execute(
            f"SELECT s.id, s.text, {FTS_SNIPPET}, s.kind, s.speaker_id, coalesce(sp.name, s.speaker_name), "
            f"s.role, s.cue, a.id, a.title, a.url, {SITE}, {SAID}, {_APPEARANCES}, s.mode, "
            f"s.co_speakers FROM {FTS_TABLE} "
            f"JOIN statements s ON s.id = {FTS_TABLE}.rowid JOIN articles a ON a.id = s.article_id "
            "LEFT JOIN speakers sp ON sp.id = s.speaker_id "
            f"WHERE {FTS_MATCH} AND {FTS_TABLE}.rowid IN ({marks})",
            [expression, *ranked],
        ).fetchall()
    found = {row[0]: _hit(row, ranked[row[0]]) for row in rows} | named_hits
    return [found[i] for i in page if i in found]


def _named(conn: sqlite3.Connection, text: str, filters: tuple[str, str, list[Any]], limit: int) -> list[int]:
    """Ids of the statements of the speakers `text` names, newest first: a name or alias written in full,
    or a person's surname (`Kirby` names John Kirby)."""
    key = name_key(text).replace("%", "").replace("_", "")
    if '"' in text or not key:
        return []
    parsed = parse_name(text, person=False)
    full = parsed.key if parsed is not None else key
    rows = conn.execute(
        "SELECT id FROM speakers WHERE key IN (?, ?) OR (type = 'person' AND key LIKE ?) UNION "
        "SELECT a.speaker_id FROM aliases a JOIN speakers sp ON sp.id = a.speaker_id "
        "WHERE a.key IN (?, ?) OR (sp.type = 'person' AND a.key LIKE ?)",
        [key, full, "% " + key, key, full, "% " + key],
    ).fetchall()
    ids = [int(row[0]) for row in rows]
    if not ids:
        return []
    _, where, params = filters
    rows = conn.execute(
        "SELECT s.id FROM statements s JOIN articles a ON a.id = s.article_id "
        f"WHERE s.speaker_id IN ({', '.join('?' for _ in ids)}){where} "
        f"ORDER BY {SAID} IS NULL, {SAID} DESC, s.id LIMIT ?",
        [*ids, *params, limit],
    ).fetchall()
    return [int(row[0]) for row in rows]


def _named_hits(conn: sqlite3.Connection, ids: list[int]) -> dict[int, SearchHit]:
    """Search hits for statements found by their speaker's name: the whole text, nothing highlighted."""
    if not ids:
        return {}
    rows = conn.execute(
        "SELECT s.id, s.text, s.text, s.kind, s.speaker_id, coalesce(sp.name, s.speaker_name), s.role, "
        f"s.cue, a.id, a.title, a.url, {SITE}, {SAID}, {_APPEARANCES}, s.mode, s.co_speakers "
        "FROM statements s "
        "JOIN articles a ON a.id = s.article_id LEFT JOIN speakers sp ON sp.id = s.speaker_id "
        f"WHERE s.id IN ({', '.join('?' for _ in ids)})",
        ids,
    ).fetchall()
    return {int(row[0]): _hit(row, 0.0) for row in rows}


def _ranked(
    conn: sqlite3.Connection,
    expression: str,
    filters: tuple[str, str, list[Any]],
    limit: int,
    offset: int,
) -> dict[int, float]:
    """Ids and scores of one page of matches, best first: the index alone ranks, the rest is fetched
    for that page only (ranking reads no more than it must, which keeps common words fast)."""
    joins, where, params = filters
    rows = conn.execute(
        f"SELECT {FTS_TABLE}.rowid, {FTS_SCORE} AS score FROM {FTS_TABLE}{joins} WHERE {FTS_MATCH}{where} "
        f"ORDER BY score, {FTS_TABLE}.rowid LIMIT ? OFFSET ?",
        [expression, *params, limit, offset],
    ).fetchall()
    return {int(row[0]): float(row[1]) for row in rows}


def _filters(
    conn: sqlite3.Connection,
    speaker: str | None,
    since: str | None,
    until: str | None,
    site: str | None,
    min_confidence: float = 0.0,
    mode: str | None = None,
) -> tuple[str, str, list[Any]]:
    """SQL joins, conditions and parameters for the filters given (none: the index alone)."""
    clauses: list[str] = []
    params: list[Any] = []
    if min_confidence > 0:
        clauses.append("s.confidence >= ?")
        params.append(_checked_confidence(min_confidence))
    if mode is not None:
        if mode not in MODES:
            raise QueryError(f"the mode {mode!r} is not speech or attitude.")
        clauses.append("s.mode = ?")
        params.append(mode)
    if speaker is not None:
        ids = speaker_ids(conn, speaker)
        clauses.append(f"s.speaker_id IN ({', '.join('?' for _ in ids)})" if ids else "0")
        params.extend(ids)
    if since is not None:
        clauses.append(f"{SAID} >= ?")
        params.append(_checked_date(since, "since"))
    if until is not None:
        clauses.append(f"substr({SAID}, 1, ?) <= ?")
        day = _checked_date(until, "until")
        params.extend([len(day), day])
    if site is not None:
        domain = site.strip().casefold().removeprefix("www.")
        clauses.append("(lower(a.site) = ? OR a.domain = ? OR a.domain LIKE ?)")
        params.extend([site.strip().casefold(), domain, "%." + domain])
    joins = ""
    if clauses:
        joins = f" JOIN statements s ON s.id = {FTS_TABLE}.rowid"
        if since is not None or until is not None or site is not None:
            joins += " JOIN articles a ON a.id = s.article_id"
    return joins, "".join(f" AND {clause}" for clause in clauses), params


def _checked_confidence(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise QueryError(f"the minimum confidence {value!r} is not between 0 and 1.")
    return value


def _checked_date(value: str, name: str) -> str:
    if not _DATE.match(value.strip()):
        raise QueryError(f"--{name} {value!r} is not a date like 2024-05-31, 2024-05 or 2024.")
    return value.strip()


def _hit(row: Sequence[Any], score: float) -> SearchHit:
    return SearchHit(
        statement_id=row[0],
        text=row[1],
        snippet=_fragments(row[2]),
        score=score,
        kind=row[3],
        speaker_id=row[4],
        speaker=row[5],
        role=row[6],
        cue=row[7],
        article_id=row[8],
        title=row[9],
        url=row[10],
        site=row[11],
        published=row[12],
        appearances=row[13],
        mode=row[14],
        co_speakers=co_speaker_names(row[15]),
    )


def co_speaker_names(stored: str | None) -> tuple[str, ...]:
    """The co-speakers stored with a statement (a JSON list of names); none when absent or unreadable."""
    try:
        names = json.loads(stored) if stored else []
    except ValueError:
        return ()
    return tuple(name for name in names if isinstance(name, str)) if isinstance(names, list) else ()


def _fragments(snippet: str) -> tuple[tuple[str, bool], ...]:
    """Split FTS5's marked snippet into (text, highlighted) fragments."""
    fragments: list[tuple[str, bool]] = []
    for part in re.split(f"({HIGHLIGHT_START}[^{HIGHLIGHT_END}]*{HIGHLIGHT_END})", snippet):
        if part.startswith(HIGHLIGHT_START):
            fragments.append((part[1:-1], True))
        elif part:
            fragments.append((part, False))
    return tuple(fragments)


def people(db: Db, text: str | None = None, limit: int = 100) -> list[PersonSummary]:
    """Speakers (whose name or an alias contains `text`, if given), most statements first."""
    with connect(db) as conn:
        where, params = name_filter(text) if text else ("", [])
        rows = conn.execute(
            "SELECT sp.id, sp.name, sp.type, coalesce(c.n, 0) AS n, coalesce(c.m, 0) FROM speakers sp "
            "LEFT JOIN (SELECT s.speaker_id, count(DISTINCT s.id) AS n, count(*) AS m FROM statements s "
            "JOIN appearances p ON p.statement_id = s.id GROUP BY s.speaker_id) c ON c.speaker_id = sp.id "
            f"{where} ORDER BY n DESC, sp.id LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [
            PersonSummary(
                id=row[0],
                name=row[1],
                type=row[2],
                statements=row[3],
                appearances=row[4],
                roles=tuple(role.role for role in _roles(conn, row[0])[:3]),
                aliases=aliases(conn, row[0], row[1]),
            )
            for row in rows
        ]


def name_filter(text: str) -> tuple[str, list[str]]:
    """The WHERE clause (speakers as `sp`) and parameters for speakers whose name or an alias contains
    `text`."""
    pattern = "%" + name_key(text).replace("%", "").replace("_", "") + "%"
    where = "WHERE sp.key LIKE ? OR sp.id IN (SELECT speaker_id FROM aliases WHERE key LIKE ?)"
    return where, [pattern, pattern]


def person(db: Db, name_or_id: str, limit: int | None = None) -> PersonRecord:
    """One speaker's record; QueryError when `name_or_id` names no one or several people."""
    with connect(db) as conn:
        try:
            speaker = find_speaker(conn, name_or_id)
        except StoreError as error:
            raise QueryError(str(error)) from error
        name, kind = conn.execute("SELECT name, type FROM speakers WHERE id = ?", (speaker,)).fetchone()
        return PersonRecord(
            id=speaker,
            name=name,
            type=kind,
            aliases=aliases(conn, speaker, name),
            roles=tuple(_roles(conn, speaker)),
            outlets=_outlets(conn, speaker),
            statements=_person_statements(conn, speaker, limit),
        )


def _roles(conn: sqlite3.Connection, speaker: int) -> list[Role]:
    rows = conn.execute(
        "SELECT role, first_seen, last_seen, mentions FROM roles WHERE speaker_id = ? "
        "ORDER BY mentions DESC, first_seen",
        (speaker,),
    ).fetchall()
    return [Role(*row) for row in rows]


def aliases(conn: sqlite3.Connection, speaker: int, name: str) -> tuple[str, ...]:
    """The speaker's other names, in order, without `name`."""
    rows = conn.execute("SELECT name FROM aliases WHERE speaker_id = ? ORDER BY name", (speaker,))
    return tuple(dict.fromkeys(row[0] for row in rows if row[0] != name))


def _outlets(conn: sqlite3.Connection, speaker: int) -> tuple[Outlet, ...]:
    rows = conn.execute(
        f"SELECT coalesce({SITE}, 'unknown') AS outlet, count(*) AS n FROM statements s "
        "JOIN appearances p ON p.statement_id = s.id JOIN articles a ON a.id = p.article_id "
        "WHERE s.speaker_id = ? GROUP BY outlet ORDER BY n DESC, outlet",
        (speaker,),
    ).fetchall()
    return tuple(Outlet(*row) for row in rows)


def _person_statements(
    conn: sqlite3.Connection, speaker: int, limit: int | None
) -> tuple[PersonStatement, ...]:
    rows = conn.execute(
        PERSON_STATEMENTS + f"WHERE s.speaker_id = ? ORDER BY {SAID} IS NULL, {SAID}, s.id LIMIT ?",
        (speaker, -1 if limit is None else limit),
    ).fetchall()
    return tuple(PersonStatement(*row) for row in rows)


EXPORT_COLUMNS = (
    "statement_id",
    "text",
    "kind",
    "cue",
    "confidence",
    "speaker_id",
    "speaker",
    "speaker_type",
    "speaker_in_article",
    "role",
    "article_id",
    "url",
    "title",
    "site",
    "published",
    "author",
    "language",
    "appearances",
    "spans",
    "mode",
    "co_speakers",
    "extractor",
    "said_at",
)
_EXPORT_SQL = (
    "SELECT s.id, s.text, s.kind, s.cue, s.confidence, s.speaker_id, sp.name, "
    "coalesce(sp.type, s.speaker_type), s.speaker_name, s.role, a.id, a.url, a.title, "
    f"{SITE}, a.published, a.author, a.language, {_APPEARANCES}, "
    "(SELECT p.spans FROM appearances p WHERE p.statement_id = s.id AND p.article_id = s.article_id "
    f"LIMIT 1), s.mode, coalesce(s.co_speakers, '[]'), a.extractor, {SAID} FROM statements s "
    "JOIN articles a ON a.id = s.article_id "
    "LEFT JOIN speakers sp ON sp.id = s.speaker_id WHERE s.confidence >= ? ORDER BY s.id"
)
PARQUET_BATCH = 10_000


def export(
    db: Db, format: ExportFormat, out: str = "-", min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> int:
    """Write every statement at least `min_confidence` sure with its speaker and article metadata to
    `out` ("-": standard output, not for Parquet); the number of statements written. Columns:
    `EXPORT_COLUMNS`; `spans` is the JSON of the offsets into the first article that carried it, `mode`
    speech or attitude, `co_speakers` the JSON list of others named with the speaker, `extractor` what gave
    the article its text (empty: unknown), `said_at` when the statement was made (`SAID`)."""
    _checked_confidence(min_confidence)
    if format not in EXPORT_FORMATS:
        raise QueryError(f"unknown export format {format!r}; use csv, jsonl or parquet.")
    if format == "parquet" and out == "-":
        raise QueryError("Parquet is binary: give a file with --out.")
    with connect(db) as conn:
        rows = conn.execute(_EXPORT_SQL, (min_confidence,))
        if format == "parquet":
            return _write_parquet(rows, out)
        with _text_output(out) as stream:
            return _write_csv(rows, stream) if format == "csv" else _write_jsonl(rows, stream)


@contextmanager
def _text_output(out: str) -> Iterator[TextIO]:
    if out == "-":
        yield sys.stdout
        return
    try:
        stream = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise QueryError(f"{out}: cannot be written ({error.strerror or error}).") from error
    with stream:
        yield stream


def _write_csv(rows: Iterator[Sequence[Any]], stream: TextIO) -> int:
    """CSV as stored, except on a terminal, where every cell is shown `printable` (the terminal would act
    on escape sequences in article text; a file or a pipe gets the exact text)."""
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    shown = stream.isatty()
    count = 0
    for row in rows:
        writer.writerow([printable(cell) if shown and isinstance(cell, str) else cell for cell in row])
        count += 1
    return count


def _write_jsonl(rows: Iterator[Sequence[Any]], stream: TextIO) -> int:
    count = 0
    for row in rows:
        record = dict(zip(EXPORT_COLUMNS, row, strict=True))
        record["spans"] = json.loads(record["spans"]) if record["spans"] else None
        record["co_speakers"] = list(co_speaker_names(record["co_speakers"]))
        stream.write(json_text(record) + "\n")  # C1 and bidi controls escaped: safe on a terminal, lossless
        count += 1
    return count


def _write_parquet(rows: Iterator[Sequence[Any]], out: str) -> int:
    import pyarrow as pa  # imported here: heavy, and only Parquet needs it
    import pyarrow.parquet as pq

    schema = pa.schema(
        [(name, pa.int64()) if name in _INTEGER_COLUMNS else (name, pa.string()) for name in EXPORT_COLUMNS]
    ).set(EXPORT_COLUMNS.index("confidence"), pa.field("confidence", pa.float64()))
    count = 0
    try:
        writer = pq.ParquetWriter(out, schema)
    except OSError as error:
        raise QueryError(f"{out}: cannot be written ({error}).") from error
    with writer:
        while batch := [tuple(row) for row in _take(rows, PARQUET_BATCH)]:
            columns = list(zip(*batch, strict=True))
            writer.write_table(pa.Table.from_arrays([list(c) for c in columns], schema=schema))
            count += len(batch)
    return count


_INTEGER_COLUMNS = frozenset({"statement_id", "speaker_id", "article_id", "appearances"})


def _take(rows: Iterator[Sequence[Any]], size: int) -> Iterator[Sequence[Any]]:
    for _ in range(size):
        row = next(rows, None)
        if row is None:
            return
        yield row
