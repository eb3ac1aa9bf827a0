"""Builds real records and stores for the store, identity and query tests (no model, no mocks)."""

from __future__ import annotations

import hashlib
import sqlite3

from onrecord.records import Article, Post, Span, Speaker, SpeakerType, Statement, StatementKind
from onrecord.store.dedup import fingerprint
from onrecord.store.writer import Extracted, Written, store_article


def said(
    text: str,
    quote: str,
    name: str | None,
    kind: SpeakerType = "person",
    role: str | None = None,
    statement_kind: StatementKind = "direct",
) -> Statement:
    """A statement whose content is the first occurrence of `quote` in `text`."""
    start = text.index(quote)
    content = (Span(start, start + len(quote), quote),)
    mention = None
    if name and name in text:
        at = text.index(name)
        mention = Span(at, at + len(name), name)
    return Statement(
        id=hashlib.sha1(f"{start}:{quote}".encode()).hexdigest()[:16],
        kind=statement_kind,
        content=content,
        cue=None,
        speaker=Speaker(name=name, type=kind if name else "unknown", role=role, mention=mention),
        confidence=0.9,
    )


def add_article(
    conn: sqlite3.Connection,
    text: str,
    statements: list[Statement],
    *,
    source: str | None = None,
    url: str | None = None,
    published: str | None = None,
    site: str | None = None,
    posts: tuple[Post, ...] = (),
    extractor: str | None = None,
) -> Written:
    """Store one article with its statements (and a live blog's posts) and commit."""
    name = source or f"mem:{hashlib.sha1(text.encode()).hexdigest()[:12]}"
    article = Article(
        source=name, text=text, url=url, published=published, site=site, posts=posts, extractor=extractor
    )
    item = Extracted(
        key=f"key:{name}:{url}", article=article, fingerprint=fingerprint(text), statements=tuple(statements)
    )
    conn.execute("BEGIN")
    written = store_article(conn, item)
    conn.execute("COMMIT")
    return written
