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
AUXILIARIES = ("should", "must", "will", "would", "can", "could", "was", "is", "are", "were", "has", "have")


@dataclass(frozen=True)
class PropositionVectors:
    text: str
    vector: np.ndarray  # (384,)
    direction: np.ndarray  # (384,) support template minus oppose template
    negated: np.ndarray  # (384,) the proposition negated ("... should not be ...")
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


def negate(proposition: str) -> str:
    """The proposition with its first auxiliary negated (or its negation dropped): a rough opposite."""
    padded = f" {proposition.strip()} "
    for negation in (" not ", " never "):
        if negation in padded:
            return padded.replace(negation, " ", 1).strip()
    for auxiliary in AUXILIARIES:
        if f" {auxiliary} " in padded:
            return padded.replace(f" {auxiliary} ", f" {auxiliary} not ", 1).strip()
    return f"It is not true that {proposition.strip()}"


def proposition_vectors(proposition: str) -> PropositionVectors:
    texts = [proposition, FOR_TEMPLATE.format(proposition), AGAINST_TEMPLATE.format(proposition)]
    vectors = encode([*texts, negate(proposition)])
    return PropositionVectors(
        text=proposition,
        vector=vectors[0],
        direction=vectors[1] - vectors[2],
        negated=vectors[3],
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
        *np.log1p(_near_proposition_words(prop, words(text))),
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
    """One row per premise: similarities to the proposition (and its opposite), stance words, their product.

    Only relations between premise and proposition go in, never the embedding itself: a head trained on
    some propositions must carry over to unseen ones."""
    cos = embeddings @ prop.vector
    along = embeddings @ prop.direction
    towards = cos - embeddings @ prop.negated  # nearer the proposition than its opposite
    similarity = np.stack([cos, along, towards, cos * along, cos * towards], axis=1)
    lex = np.zeros((len(texts), LEXICAL), dtype=np.float32)
    for row, (text, cue) in enumerate(zip(texts, cues, strict=True)):
        lex[row] = lexical(prop, text, cue)
    return np.hstack([similarity, lex, lex * cos[:, None]]).astype(np.float32)


def _near_proposition_words(prop: PropositionVectors, tokens: list[str]) -> np.ndarray:
    """Negation, oppose and support words within `SCOPE` words before one of the proposition's own words
    ("not repeal", "defend the law against repeal", "called for the repeal")."""
    counts = np.zeros(3, dtype=np.float32)
    single = stance_words()
    for i, token in enumerate(tokens):
        if token not in prop.words:
            continue
        for before in tokens[max(0, i - SCOPE) : i]:
            cls = single.get(before)
            if cls in SCOPED:
                counts[SCOPED.index(cls)] += 1
    return counts


SCOPE = 4
SCOPED = ("negation", "oppose", "support")
LEXICAL = 3 * len(CLASSES) + 5 + len(SCOPED)
FEATURES = 5 + 2 * LEXICAL
