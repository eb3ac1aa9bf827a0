"""The stance classifier: support / oppose / neutral toward a proposition, for many premises at once.

A multinomial logistic head (trained by `python -m onrecord.stance.train`, artefact in `head/`) reads how
each premise's embedding relates to the proposition's and the premise's stance words (`features`). A
person's marks for the proposition adapt it for that call (`adapt`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from onrecord.models import ModelError
from onrecord.stance.adapt import softmax, speaker_offsets
from onrecord.stance.encoder import DIMENSIONS, ENCODER_ID, encode
from onrecord.stance.features import FEATURES, feature_matrix, proposition_vectors

LABELS = ("support", "oppose", "neutral")
ARTEFACT = Path(__file__).with_name("head")
WEIGHTS = "head.npz"
RECORD = "record.json"
REBUILD = "rebuild it with `make train-stance` (needs ../shared/stance)"


def _artefact_digest() -> str:
    path = ARTEFACT / WEIGHTS
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


MODEL_ID = f"stance-head-{_artefact_digest()[:12]}+{ENCODER_ID}"


@dataclass(frozen=True, eq=False)
class Premise:
    """One statement, as the classifier sees it."""

    text: str  # the statement content
    context: str  # its sentence(s) and the one before
    speaker: str | None  # resolved name
    cue: str | None
    embedding: np.ndarray | None  # encode([context]) stored at ingest; None -> computed here


@dataclass(frozen=True)
class Judgement:
    stance: str  # "support" | "oppose" | "neutral"
    confidence: float  # probability of that stance
    scores: tuple[float, float, float]  # support, oppose, neutral


@dataclass(frozen=True)
class Head:
    weights: np.ndarray  # (FEATURES, 3)
    bias: np.ndarray  # (3,)
    mean: np.ndarray  # (FEATURES,) feature standardisation
    scale: np.ndarray
    temperature: float


def check_model() -> None:
    """Raise ModelError (one sentence saying how to fix it) unless the head's artefact is intact."""
    _head()


@cache
def _head() -> Head:
    return load_head(ARTEFACT)


def load_head(folder: Path) -> Head:
    """The head in `folder`, after checking it against its record; ModelError says how to rebuild."""
    record_path = folder / RECORD
    if not record_path.is_file():
        raise ModelError(f"The stance model is missing from {folder}; {REBUILD}.")
    try:
        record: dict[str, Any] = json.loads(record_path.read_text(encoding="utf-8"))
        expected = str(record["sha256"][WEIGHTS])
    except (ValueError, KeyError, TypeError) as error:
        raise ModelError(f"The stance model's record {record_path} is unreadable; {REBUILD}.") from error
    path = folder / WEIGHTS
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != expected:
        raise ModelError(f"The stance model file {path} is missing or corrupt; {REBUILD}.")
    try:
        with np.load(path, allow_pickle=False) as data:
            temperature = float(data["temperature"].ravel()[0])
            head = Head(data["weights"], data["bias"], data["mean"], data["scale"], temperature)
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"The stance model file {path} cannot be read; {REBUILD}.") from error
    if head.weights.shape != (FEATURES, len(LABELS)):
        raise ModelError(f"The stance model in {folder} was built for other features; {REBUILD}.")
    return head


def premise_embeddings(premises: Sequence[Premise]) -> np.ndarray:
    """The stored embeddings, computing (from the context, else the text) those that are missing."""
    missing = [i for i, p in enumerate(premises) if p.embedding is None]
    computed = encode([premises[i].context or premises[i].text for i in missing])
    rows = np.zeros((len(premises), DIMENSIONS), dtype=np.float32)
    for row, i in enumerate(missing):
        rows[i] = computed[row]
    for i, premise in enumerate(premises):
        if premise.embedding is not None:
            if premise.embedding.shape != (DIMENSIONS,):
                raise ValueError(
                    f"A premise embedding has shape {premise.embedding.shape}, not ({DIMENSIONS},)."
                )
            rows[i] = premise.embedding
    return rows


def premise_text(premise: Premise) -> str:
    """What the stance words are read from: 'SPEAKER CUE: TEXT'."""
    lead = " ".join(part for part in (premise.speaker, premise.cue) if part)
    return f"{lead}: {premise.text}" if lead else premise.text


def logits(head: Head, proposition: str, premises: Sequence[Premise], embeddings: np.ndarray) -> np.ndarray:
    """The head's scores (n, 3) for each premise toward the proposition, before the marks."""
    prop = proposition_vectors(proposition)
    texts = [premise_text(p) for p in premises]
    features = feature_matrix(prop, embeddings, texts, [p.cue for p in premises])
    standard = (features - head.mean) / head.scale
    return np.asarray((standard @ head.weights + head.bias) / head.temperature)


def judge(
    proposition: str, premises: Sequence[Premise], marks: Sequence[tuple[Premise, str]] = ()
) -> list[Judgement]:
    """Each premise's stance toward the proposition, in order; the marked premises keep their marks.

    Marks (premise, "support" | "oppose" | "neutral"; other labels are ignored) adapt the model to this
    proposition for this call (`adapt`). Raises ValueError for an empty proposition."""
    return judge_with(_head(), proposition, premises, marks)


def judge_with(
    head: Head, proposition: str, premises: Sequence[Premise], marks: Sequence[tuple[Premise, str]] = ()
) -> list[Judgement]:
    """`judge` with a given head (the evaluation's, trained without the proposition)."""
    if not proposition.strip():
        raise ValueError("The proposition is empty.")
    if not premises:
        return []
    raw = logits(head, proposition, premises, premise_embeddings(premises))
    usable = [(p, label) for p, label in marks if label in LABELS]
    if usable:
        lessons = [(p.speaker, LABELS.index(label)) for p, label in usable]
        raw = raw + speaker_offsets([p.speaker for p in premises], lessons)
    probs = softmax(raw)
    marked = {id(p): label for p, label in usable}
    return [_judgement(row, marked.get(id(p))) for row, p in zip(probs, premises, strict=True)]


def _judgement(probs: np.ndarray, mark: str | None) -> Judgement:
    scores = (float(probs[0]), float(probs[1]), float(probs[2]))
    if mark is not None:
        return Judgement(mark, 1.0, tuple(float(label == mark) for label in LABELS))  # type: ignore[arg-type]
    best = int(np.argmax(probs))
    return Judgement(LABELS[best], scores[best], scores)
