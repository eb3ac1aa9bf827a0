"""The single writer: one processed input in, its rows in the store (or a duplicate noted) out.

The caller owns transactions (the ingest commits in batches); each write here runs inside a savepoint,
so a failure leaves no half-written article behind.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from onrecord.records import Article, Skip, Span, Statement
from onrecord.store.dedup import Fingerprint, band_keys, find_original
from onrecord.store.identity import Mention, resolve_speaker

Outcome = Literal["stored", "near-duplicate", "duplicate"]

_WORD = re.compile(r"\w+")
CONTENT_JOINER = " … "
"""Between the parts of a discontinuous statement in its stored text."""


@dataclass(frozen=True)
class Extracted:
    """An input that became an article: its source key, the article, its fingerprint and statements;
    `embeddings`, when computed, one float32 vector per statement (in order) by the encoder `encoder`."""

    key: str
    article: Article
    fingerprint: Fingerprint
    statements: tuple[Statement, ...]
    embeddings: tuple[bytes, ...] = ()
    encoder: str = ""


@dataclass(frozen=True)
class Written:
    """What storing one article did: its outcome, the article id, the statements added or matched, and
    how many of those added are less sure than the `unsure_below` asked."""

    outcome: Outcome
    article_id: int
    statements: int = 0
    appearances: int = 0
    unsure: int = 0


def store_article(conn: sqlite3.Connection, item: Extracted, unsure_below: float = 0.0) -> Written:
    """Store `item` unless it is a duplicate; a syndicated copy shares the statements it repeats. Every
    statement is stored; `unsure_below` only sets which of them `Written.unsure` counts."""
    with _savepoint(conn):
        existing = find_duplicate(conn, item.article.url, item.fingerprint.text_hash)
        if existing is not None:
            _record_input(conn, item.key, item.article.source, "duplicate", existing)
            return Written("duplicate", existing)
        original = find_original(conn, item.fingerprint.signature)
        article_id = _insert_article(conn, item, original)
        group = original[0] if original is not None else None
        added, matched = _insert_statements(conn, item, article_id, group)
        outcome: Outcome = "stored" if original is None else "near-duplicate"
        _record_input(conn, item.key, item.article.source, outcome, article_id)
        unsure = sum(item.statements[index].confidence < unsure_below for index in added)
        return Written(outcome, article_id, len(added), matched, unsure)


def store_skip(conn: sqlite3.Connection, skip: Skip, key: str | None = None) -> None:
    """Record a skipped input with its reason; with a source key, a rerun will not process it again."""
    with _savepoint(conn):
        conn.execute(
            "INSERT INTO skips (source, reason, message, skipped_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source, reason) DO UPDATE SET message = excluded.message, "
            "skipped_at = excluded.skipped_at",
            (skip.source, skip.reason, skip.message, _now()),
        )
        if key is not None:
            _record_input(conn, key, skip.source, "skipped", None)


def known_input(conn: sqlite3.Connection, key: str) -> str | None:
    """The source of the input with this key that was stored, found a duplicate or skipped; else None."""
    row = conn.execute("SELECT source FROM inputs WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row is not None else None


def find_duplicate(conn: sqlite3.Connection, url: str | None, text_hash: str | None) -> int | None:
    """The id of a stored article with the same URL or the same text, if any."""
    if url:
        row = conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
        if row is not None:
            return int(row[0])
    if text_hash:
        row = conn.execute("SELECT id FROM articles WHERE text_hash = ?", (text_hash,)).fetchone()
        if row is not None:
            return int(row[0])
    return None


def record_duplicate(conn: sqlite3.Connection, key: str, source: str, article_id: int) -> None:
    """Note an input found to repeat a stored article before it was even processed (same URL)."""
    with _savepoint(conn):
        _record_input(conn, key, source, "duplicate", article_id)


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT onrecord_write")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back the whole transaction (a full disk)
            conn.execute("ROLLBACK TO onrecord_write")
            conn.execute("RELEASE onrecord_write")
        raise
    conn.execute("RELEASE onrecord_write")


def _insert_article(conn: sqlite3.Connection, item: Extracted, original: tuple[int, float] | None) -> int:
    article = item.article
    cursor = conn.execute(
        "INSERT INTO articles (source, url, domain, title, published, site, author, language, text, "
        "text_hash, minhash, syndicated_from, similarity, ingested_at, extractor) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article.source,
            article.url,
            _domain(article.url),
            article.title,
            article.published,
            article.site,
            article.author,
            article.language,
            article.text,
            item.fingerprint.text_hash,
            item.fingerprint.signature,
            original[0] if original else None,
            original[1] if original else None,
            _now(),
            article.extractor,
        ),
    )
    article_id = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT OR IGNORE INTO article_posts (article_id, start, end, published) VALUES (?, ?, ?, ?)",
        [(article_id, post.start, post.end, post.published) for post in article.posts],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
        [(key, article_id) for key in band_keys(item.fingerprint.signature)],
    )
    return article_id


def _insert_statements(
    conn: sqlite3.Connection, item: Extracted, article_id: int, group: int | None
) -> tuple[list[int], int]:
    """Add the article's statements (or appearances of statements its syndication group already holds):
    the indexes of those added, and how many were matched."""
    seen = _seen_date(item.article)
    names = [s.speaker.name for s in item.statements if s.speaker.name and s.speaker.type == "person"]
    context = tuple(reversed(dict.fromkeys(reversed(names))))  # each name once, where it last appears
    added: list[int] = []
    matched = 0
    for index, statement in enumerate(item.statements):
        text = CONTENT_JOINER.join(span.text for span in statement.content)
        key = " ".join(_WORD.findall(text.casefold()))
        existing = _group_statement(conn, group, key) if group is not None else None
        if existing is None:
            published = item.article.time_at(statement.content[0].start) if statement.content else None
            dated = Dated(text, key, published[:10] if published else seen, published)
            existing = _insert_statement(conn, statement, article_id, dated, context)
            if index < len(item.embeddings):
                conn.execute(
                    "INSERT INTO statement_embeddings (statement_id, encoder, vector) VALUES (?, ?, ?)",
                    (existing, item.encoder, item.embeddings[index]),
                )
            added.append(index)
        else:
            matched += 1
        conn.execute(
            "INSERT OR IGNORE INTO appearances (article_id, extract_id, statement_id, spans) "
            "VALUES (?, ?, ?, ?)",
            (article_id, statement.id, existing, _spans_json(statement)),
        )
    return added, matched


@dataclass(frozen=True)
class Dated:
    """A statement's stored text and content key, the day it was made (for role dates), and its own time
    (its live post's; None: the article's date is the statement's)."""

    text: str
    key: str
    seen: str
    published: str | None


def _insert_statement(
    conn: sqlite3.Connection,
    statement: Statement,
    article_id: int,
    dated: Dated,
    context: tuple[str, ...],
) -> int:
    speaker = statement.speaker
    speaker_id = None
    if speaker.name:
        mention = Mention(speaker.name, speaker.type, speaker.role, dated.seen, context)
        speaker_id = resolve_speaker(conn, mention)
    cursor = conn.execute(
        "INSERT INTO statements (article_id, speaker_id, speaker_name, speaker_type, role, kind, text, "
        "content_key, cue, confidence, mode, co_speakers, published) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            speaker_id,
            speaker.name,
            speaker.type,
            speaker.role,
            statement.kind,
            dated.text,
            dated.key,
            statement.cue.text if statement.cue else None,
            statement.confidence,
            statement.mode,
            json.dumps(list(speaker.co_speakers), ensure_ascii=False) if speaker.co_speakers else None,
            dated.published,
        ),
    )
    return int(cursor.lastrowid or 0)


def _group_statement(conn: sqlite3.Connection, group: int, key: str) -> int | None:
    row = conn.execute(
        "SELECT s.id FROM statements s JOIN articles a ON a.id = s.article_id "
        "WHERE s.content_key = ? AND (a.id = ? OR a.syndicated_from = ?) ORDER BY s.id LIMIT 1",
        (key, group, group),
    ).fetchone()
    return int(row[0]) if row else None


def _spans_json(statement: Statement) -> str:
    def pair(span: Span | None) -> list[int] | None:
        return [span.start, span.end] if span is not None else None

    return json.dumps(
        {
            "content": [pair(span) for span in statement.content],
            "cue": pair(statement.cue),
            "mention": pair(statement.speaker.mention),
        },
        separators=(",", ":"),
    )


def _record_input(
    conn: sqlite3.Connection, key: str, source: str, outcome: str, article_id: int | None
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO inputs (key, source, outcome, article_id, seen_at) VALUES (?, ?, ?, ?, ?)",
        (key, source, outcome, article_id, _now()),
    )


def _seen_date(article: Article) -> str:
    """The day a statement was made, for role dates: the publication date, else today."""
    published = article.published or ""
    if re.match(r"\d{4}-\d{2}-\d{2}", published):
        return published[:10]
    return datetime.now(UTC).date().isoformat()


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
