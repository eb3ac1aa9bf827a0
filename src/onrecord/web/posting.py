"""Ingest of one posted article: the library's stages (article, extraction, fingerprint, writer) run on
bytes received over HTTP. A rejected post (binary, empty, undecodable, not English, no article) stores
nothing and says why; the reason codes are the library's.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from typing import Literal

from onrecord.articles import to_article
from onrecord.extraction import extract
from onrecord.ingest import source_key
from onrecord.records import Document, Skip
from onrecord.sources.files import looks_binary
from onrecord.stance.vectors import embeddings_if_possible
from onrecord.store import StoreError, open_store
from onrecord.store.dedup import fingerprint
from onrecord.store.writer import Extracted, find_duplicate, store_article

_WRITE_LOCK = threading.Lock()
"""One writer: posts are extracted and stored one at a time (the spaCy pipeline is shared too)."""


class Rejected(Exception):
    """A post that was not stored: a reason code (the library's skip reasons) and one sentence."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Posted:
    """What storing a post did: `stored`, `near-duplicate` (a syndicated copy) or `duplicate`."""

    outcome: str
    article_id: int
    statements: int
    appearances: int


@dataclass(frozen=True)
class Metadata:
    url: str | None = None
    title: str | None = None
    published: str | None = None
    site: str | None = None


def post_article(
    db_path: str, data: bytes, media_type: Literal["text", "html"], metadata: Metadata
) -> Posted:
    """Clean, extract and store one posted article; Rejected when it cannot be, StoreError when the
    store cannot be written."""
    if not data.strip():
        raise Rejected("empty", "The posted article is empty.")
    if looks_binary(data):
        raise Rejected("binary", "The posted content looks like a binary file, not text or HTML.")
    digest = hashlib.sha256(data).hexdigest()[:16]
    document = Document(
        source=metadata.url or f"api:{digest}",
        data=data,
        media_type=media_type,
        url=metadata.url,
        published=metadata.published,
        title=metadata.title,
        site=metadata.site,
    )
    article = to_article(document)
    if isinstance(article, Skip):
        raise Rejected(article.reason, article.message.replace(f"{document.source}: ", "", 1))
    print_ = fingerprint(article.text)
    with _WRITE_LOCK:
        conn = open_store(db_path)
        try:
            existing = find_duplicate(conn, article.url, print_.text_hash)
            if existing is not None:
                return Posted("duplicate", existing, 0, 0)
            statements = tuple(extract(article.text, language=article.language))
            vectors, encoder = embeddings_if_possible(article.text, statements)
            item = Extracted(source_key(document), article, print_, statements, vectors, encoder)
            return _store(conn, item)
        finally:
            conn.close()


def _store(conn: sqlite3.Connection, item: Extracted) -> Posted:
    conn.execute("BEGIN IMMEDIATE")
    try:
        written = store_article(conn, item)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return Posted(written.outcome, written.article_id, written.statements, written.appearances)


__all__ = ["Metadata", "Posted", "Rejected", "StoreError", "post_article"]
