"""The classifier's features: how a premise's embedding relates to the proposition's, and its stance words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from onrecord.stance.encoder import encode

WORD = re.compile(r"[a-z0-9]+(?=n't)|n't|[a-z0-9]+")
CLASSES = ("negation", "oppose", "support", "modal", "hedge")
MAX_WORDS = 400  # words of a premise read for stance words (bounded work whatever the input)
# The proposition as someone who holds it and someone who rejects it would put it: the difference of the two
# embeddings is a direction along which supporting premises tend to lie.
FOR_TEMPLATE = "I support this: {}"
AGAINST_TEMPLATE = "I oppose this, it is wrong: {}"


@dataclass(frozen=True)
class PropositionVectors:
    text: str
    vector: np.ndarray  # (384,)
    direction: np.ndarray  # (384,) support template minus oppose template
    words: frozenset[str]
    counts: np.ndarray  # stance-word counts of the proposition itself


def _rows(name: str) -> list[list[str]]:
    text = files("onrecord.stance.data").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def stance_words() -> dict[str, str]:
    return {phrase.strip(): cls.strip() for phrase, cls in _rows("stance_words.tsv")}


@cache
def stop_words() -> frozenset[str]:
    return frozenset(row[0].strip() for row in _rows("stop_words.txt"))


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())[:MAX_WORDS]


def word_counts(text: str) -> np.ndarray:
    """How many phrases of each class (CLASSES order) the text holds."""
    joined = f" {' '.join(words(text))} "
    counts = np.zeros(len(CLASSES), dtype=np.float32)
    for phrase, cls in stance_words().items():
        hits = joined.count(f" {phrase} ")
        if hits:
            counts[CLASSES.index(cls)] += hits
    return counts


def proposition_vectors(proposition: str) -> PropositionVectors:
    vectors = encode([proposition, FOR_TEMPLATE.format(proposition), AGAINST_TEMPLATE.format(proposition)])
    return PropositionVectors(
        text=proposition,
        vector=vectors[0],
        direction=vectors[1] - vectors[2],
        words=frozenset(w for w in words(proposition) if w not in stop_words()),
        counts=word_counts(proposition),
    )


def lexical(prop: PropositionVectors, text: str, cue: str | None) -> np.ndarray:
    """Stance-word features of one premise: its counts (log-scaled), the cue's, the proposition's, overlap."""
    counts = np.log1p(word_counts(text))
    cue_counts = np.log1p(word_counts(cue or ""))
    own = [w for w in words(text) if w not in stop_words()]
    overlap = len(prop.words.intersection(own)) / max(len(prop.words), 1)
    negated = min(counts[0], 1.0)
    extra = [
        overlap,
        float("?" in text),
        negated * min(counts[2], 1.0),  # "not support", "not allow"
        negated * (1.0 - min(counts[1], 1.0)),  # negation without an oppose word
        float(prop.counts[0] > 0) * negated,  # a negated proposition meets a negated premise
    ]
    return np.concatenate([counts, cue_counts, np.log1p(prop.counts), np.array(extra, dtype=np.float32)])


def feature_matrix(
    prop: PropositionVectors, embeddings: np.ndarray, texts: Sequence[str], cues: Sequence[str | None]
) -> np.ndarray:
    """One row per premise: [p*e, |p-e|, cos, direction, lexical, lexical*cos]."""
    cos = embeddings @ prop.vector
    along = embeddings @ prop.direction
    lex = np.stack([lexical(prop, t, c) for t, c in zip(texts, cues, strict=True)]) if len(texts) else None
    lex = lex if lex is not None else np.zeros((0, LEXICAL), dtype=np.float32)
    return np.hstack(
        [
            embeddings * prop.vector,
            np.abs(embeddings - prop.vector),
            cos[:, None],
            along[:, None],
            (cos * along)[:, None],
            lex,
            lex * cos[:, None],
        ]
    ).astype(np.float32)


LEXICAL = 3 * len(CLASSES) + 5
FEATURES = 2 * 384 + 3 + 2 * LEXICAL
