"""Retrieval: the statements relevant to a proposition, by meaning and by words.

Two pools of candidates: the `POOL` statements whose embeddings (of the statement in its context) are most
similar to the proposition's, and the `POOL` best BM25 matches (FTS5) of its content words and the extra
terms. Each candidate's relevance is a calibrated mix, `COSINE_WEIGHT * cosine + LEXICAL_WEIGHT *
lexical`, where lexical = x / (x + `LEXICAL_HALF`) squashes BM25's x = -bm25 into [0, 1) without
reference to the other hits (so scores computed on different days compare); those at or above
`THRESHOLD` are relevant.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

import numpy as np

from onrecord.stance import vectors
from onrecord.store.sqlite import FTS_MATCH, FTS_SCORE, FTS_TABLE

POOL = 300
"""Candidates from each side (cosine, BM25); bounds the model's work for a new proposition."""
COSINE_WEIGHT = 0.8
LEXICAL_WEIGHT = 0.25
LEXICAL_HALF = 8.0
THRESHOLD = 0.36
"""Relevance at or above which a statement is relevant (chosen on the seed article and the team's
stance store; see tests/test_stance.py)."""
MAX_TERMS = 40
"""At most this many words and terms are looked for (bounds the FTS5 query whatever `--terms` holds)."""
PREFIX_FROM = 6
"""Words this long or longer match by their first `PREFIX_FROM - 1` letters (weapons → weapon*)."""

_STOP = frozenset(
    """a about above after again against all also an and any are as at be been being but by can could did
    do does for from had has have he her his how i if in into is it its itself may me might more most must
    my no nor not of on once only or other our out over own same she should so some such than that the
    their them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your""".split()  # noqa: SIM905
)


def query_terms(proposition: str, terms: str | None) -> list[str]:
    """The words to look for: the proposition's content words and each of the comma-separated `terms`
    (a term of several words is a phrase)."""
    words = [w for w in re.findall(r"\w+", proposition.casefold()) if w not in _STOP and len(w) > 2]
    extra = [" ".join(re.findall(r"\w+", t.casefold())) for t in (terms or "").split(",")]
    return list(dict.fromkeys([*words, *(t for t in extra if t)]))[:MAX_TERMS]


def match_any(terms: Sequence[str]) -> str:
    """An FTS5 expression matching any of `terms` (quoted, so no input is a syntax error)."""
    parts = []
    for term in terms:
        if " " in term:
            parts.append(f'"{term}"')
        elif len(term) >= PREFIX_FROM:
            parts.append(f'"{term[: PREFIX_FROM - 1]}"*')
        else:
            parts.append(f'"{term}"')
    return " OR ".join(parts)


def relevant(
    conn: sqlite3.Connection, query: np.ndarray, terms: Sequence[str], after: int = 0
) -> dict[int, float]:
    """The statements with id > `after` relevant to the proposition (embedded as `query`), with their
    relevance, most relevant first."""
    cosine = dict(vectors.nearest(conn, query, POOL, after))
    lexical = _lexical(conn, terms, after)
    missing = [sid for sid in lexical if sid not in cosine]
    for sid, vector in vectors.vectors_for(conn, missing).items():
        cosine[sid] = float(vector @ query)
    scored = {
        sid: COSINE_WEIGHT * cosine.get(sid, 0.0) + LEXICAL_WEIGHT * lexical.get(sid, 0.0)
        for sid in cosine.keys() | lexical.keys()
    }
    kept = {sid: score for sid, score in scored.items() if score >= THRESHOLD}
    return dict(sorted(kept.items(), key=lambda item: (-item[1], item[0])))


def _lexical(conn: sqlite3.Connection, terms: Sequence[str], after: int) -> dict[int, float]:
    if not terms:
        return {}
    rows = conn.execute(
        f"SELECT rowid, {FTS_SCORE} AS score FROM {FTS_TABLE} WHERE {FTS_MATCH} AND rowid > ? "
        "ORDER BY score LIMIT ?",
        (match_any(terms), after, POOL),
    ).fetchall()
    return {int(row[0]): _squash(-float(row[1])) for row in rows}


def _squash(x: float) -> float:
    return max(0.0, x) / (max(0.0, x) + LEXICAL_HALF)
