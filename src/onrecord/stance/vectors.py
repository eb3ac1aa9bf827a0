"""Statement embeddings in the store: computed at ingest (or later, for stores made before), read back in
chunks for the cosine similarity to a proposition.

A vector is `DIM` float32 values, L2-normalised, of the statement in its context
(`context.statement_context`), kept with the id of the encoder that made it; a vector of another encoder
counts as missing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from onrecord.records import Span, Statement
from onrecord.stance.context import statement_context

DIM = 384
CHUNK = 8_192
"""Vectors read (and compared) at a time: bounds memory to a few MB whatever the store's size."""
BUILD_BATCH = 128
"""Statements encoded per batch (and committed per batch) when building missing embeddings."""

BuildProgress = Callable[[int, int], None]
"""Called with (done, total) while missing embeddings are built."""


def encode(texts: Sequence[str]) -> np.ndarray:
    """The encoder's vectors for `texts` (imported on first use: it loads a model)."""
    from onrecord.stance.encoder import encode as run

    return run(list(texts))


def encoder_id() -> str:
    from onrecord.stance.encoder import ENCODER_ID

    return ENCODER_ID


def pack(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def embed_statements(text: str, statements: Sequence[Statement]) -> tuple[bytes, ...]:
    """One packed vector per statement of an article (its content in context), in order."""
    if not statements:
        return ()
    contexts = [statement_context(text, s.content) or " ".join(p.text for p in s.content) for s in statements]
    return tuple(pack(row) for row in encode(contexts))


def embeddings_if_possible(text: str, statements: Sequence[Statement]) -> tuple[tuple[bytes, ...], str]:
    """The statements' vectors and the encoder's id, or nothing when the encoder cannot load (the first
    `onrecord stance` builds them then)."""
    try:
        return embed_statements(text, statements), encoder_id()
    except Exception:  # a missing or corrupt encoder: the statements are stored without vectors
        return (), ""


def store_vector(conn: sqlite3.Connection, statement_id: int, vector: bytes) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO statement_embeddings (statement_id, encoder, vector) VALUES (?, ?, ?)",
        (statement_id, encoder_id(), vector),
    )


_MISSING = (
    "FROM statements s LEFT JOIN statement_embeddings e ON e.statement_id = s.id "
    "WHERE (e.statement_id IS NULL OR e.encoder != ?)"
)
_MISSING_WITH_TEXT = (
    "SELECT s.id, s.text, a.text, (SELECT p.spans FROM appearances p WHERE p.statement_id = s.id "
    "AND p.article_id = s.article_id LIMIT 1) FROM statements s JOIN articles a ON a.id = s.article_id "
    "LEFT JOIN statement_embeddings e ON e.statement_id = s.id "
    "WHERE (e.statement_id IS NULL OR e.encoder != ?) AND s.id > ? ORDER BY s.id LIMIT ?"
)


def missing(conn: sqlite3.Connection) -> int:
    """How many statements have no embedding by the current encoder."""
    return int(conn.execute(f"SELECT count(*) {_MISSING}", (encoder_id(),)).fetchone()[0])


def build_missing(conn: sqlite3.Connection, progress: BuildProgress | None = None) -> int:
    """Embed every statement that lacks a vector, committing each batch (an interrupted build keeps what
    it did); the number built. `conn` must be writable and outside a transaction."""
    total = missing(conn)
    done = 0
    last = 0
    while True:
        rows = conn.execute(_MISSING_WITH_TEXT, (encoder_id(), last, BUILD_BATCH)).fetchall()
        if not rows:
            return done
        contexts = [statement_context(row[2], spans_of(row[2], row[3])) or row[1] for row in rows]
        vectors = encode(contexts)
        conn.execute("BEGIN IMMEDIATE")
        for row, vector in zip(rows, vectors, strict=True):
            store_vector(conn, int(row[0]), pack(vector))
        conn.execute("COMMIT")
        done += len(rows)
        last = int(rows[-1][0])
        if progress is not None:
            progress(done, total)


def spans_of(text: str, spans_json: str | None) -> tuple[Span, ...]:
    """The content spans of a stored appearance (`appearances.spans`), those that fit the text."""
    try:
        pairs = json.loads(spans_json or "{}").get("content") or ()
    except (ValueError, AttributeError):
        return ()
    spans = []
    for pair in pairs:
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, int) for n in pair):
            start, end = pair
            if 0 <= start < end <= len(text):
                spans.append(Span(start, end, text[start:end]))
    return tuple(spans)


def nearest(conn: sqlite3.Connection, query: np.ndarray, k: int, after: int = 0) -> list[tuple[int, float]]:
    """The `k` statements (with id > `after`) whose vectors are most similar to `query`, most similar
    first, as (statement id, cosine)."""
    best_ids = np.zeros(0, dtype=np.int64)
    best_scores = np.zeros(0, dtype=np.float32)
    query = np.asarray(query, dtype=np.float32)
    for ids, matrix in _chunks(conn, after):
        scores = matrix @ query
        best_ids = np.concatenate([best_ids, ids])
        best_scores = np.concatenate([best_scores, scores])
        if len(best_ids) > k:
            keep = np.argpartition(-best_scores, k)[:k]
            best_ids, best_scores = best_ids[keep], best_scores[keep]
    order = np.argsort(-best_scores, kind="stable")
    return [(int(best_ids[i]), float(best_scores[i])) for i in order]


def vectors_for(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, np.ndarray]:
    """The vectors of these statements (those that have one by the current encoder)."""
    found: dict[int, np.ndarray] = {}
    for start in range(0, len(ids), 500):
        part = list(ids[start : start + 500])
        rows = conn.execute(
            "SELECT statement_id, vector FROM statement_embeddings WHERE encoder = ? AND statement_id IN "
            f"({', '.join('?' for _ in part)})",
            [encoder_id(), *part],
        )
        for statement_id, blob in rows:
            if len(blob) == DIM * 4:
                found[int(statement_id)] = np.frombuffer(blob, dtype="<f4")
    return found


def _chunks(conn: sqlite3.Connection, after: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    last = after
    while True:
        rows = conn.execute(
            "SELECT statement_id, vector FROM statement_embeddings WHERE encoder = ? AND statement_id > ? "
            "AND length(vector) = ? ORDER BY statement_id LIMIT ?",
            (encoder_id(), last, DIM * 4, CHUNK),
        ).fetchall()
        if not rows:
            return
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype="<f4").reshape(len(rows), DIM)
        yield ids, matrix
        last = int(ids[-1])
