"""Rebuild the stance head (`make train-stance`): deterministic on CPU, from the repo and ../shared.

python -m onrecord.stance.train [SHARED]   (SHARED defaults to ../shared)

Trains a multinomial logistic regression on VAST dev's training part, the team's written statements and
the team's news set, and writes `head/head.npz` with `head/record.json` (sha256s, data, scores).
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from onrecord.stance import datasets
from onrecord.stance.adapt import softmax
from onrecord.stance.encoder import ENCODER_ID, encode
from onrecord.stance.features import FEATURES, feature_matrix, proposition_vectors
from onrecord.stance.model import ARTEFACT, LABELS, RECORD, WEIGHTS, Head, premise_embeddings, premise_text

L2 = 30.0  # penalty on the weights of the standardised features (chosen by news cross-validation)
SOURCE_WEIGHT = {"vast": 1.0, "written": 1.0, "news": 1.0}


def embedded(examples: Sequence[datasets.Example]) -> list[datasets.Example]:
    """The examples with their premises' embeddings computed (each distinct context once)."""
    contexts = sorted({e.premise.context or e.premise.text for e in examples if e.premise.embedding is None})
    vectors = dict(zip(contexts, encode(contexts), strict=True))
    return [
        e
        if e.premise.embedding is not None
        else replace(e, premise=replace(e.premise, embedding=vectors[e.premise.context or e.premise.text]))
        for e in examples
    ]


def features(examples: Sequence[datasets.Example]) -> np.ndarray:
    """The feature rows of the examples, in order (embeddings computed where missing)."""
    embeddings = premise_embeddings([e.premise for e in examples])
    rows = np.zeros((len(examples), FEATURES), dtype=np.float32)
    by_proposition: dict[str, list[int]] = {}
    for i, example in enumerate(examples):
        by_proposition.setdefault(example.proposition, []).append(i)
    blocks: dict[int, np.ndarray] = {}
    for proposition, indices in by_proposition.items():
        prop = proposition_vectors(proposition)
        texts = [premise_text(examples[i].premise) for i in indices]
        cues = [examples[i].premise.cue for i in indices]
        block = feature_matrix(prop, embeddings[indices], texts, cues)
        for row, i in enumerate(indices):
            blocks[i] = block[row]
    rows = np.stack([blocks[i] for i in range(len(examples))]) if examples else rows
    return rows


def fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray, l2: float = L2) -> Head:
    """Standardise the features and fit the weighted, L2-penalised multinomial logistic regression."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    classes = len(LABELS)
    target = np.eye(classes)[y]
    share = weights / weights.sum()
    # balance the classes: each class carries the same total weight
    for c in range(classes):
        if (y == c).any():
            share[y == c] *= 1.0 / (classes * share[y == c].sum())
    share = share / share.sum()

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = flat[:-classes].reshape(-1, classes), flat[-classes:]
        probs = softmax(z @ w + b)
        value = -float(np.sum(share[:, None] * target * np.log(probs + 1e-12))) + l2 * float(
            np.sum(w**2)
        ) / len(y)
        residual = share[:, None] * (probs - target)
        grad_w = z.T @ residual + 2 * l2 * w / len(y)
        return value, np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

    start = np.zeros(z.shape[1] * classes + classes)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    flat = np.asarray(result.x)
    weights_, bias = flat[:-classes].reshape(-1, classes), flat[-classes:]
    return Head(
        weights_.astype(np.float32),
        bias.astype(np.float32),
        mean.astype(np.float32),
        scale.astype(np.float32),
        1.0,
    )


def predict(head: Head, x: np.ndarray) -> np.ndarray:
    """Probabilities (n, 3) from feature rows."""
    return softmax(((x - head.mean) / head.scale @ head.weights + head.bias) / head.temperature)


def head_arrays(head: Head) -> dict[str, np.ndarray]:
    return {
        "weights": head.weights,
        "bias": head.bias,
        "mean": head.mean,
        "scale": head.scale,
        "temperature": np.array(head.temperature, dtype=np.float32),
    }


def fit_without(
    examples: Sequence[datasets.Example], x: np.ndarray, proposition: str, l2: float = L2
) -> Head:
    """A head trained on every example except those about `proposition` (for a zero-shot figure)."""
    keep = np.array([same_proposition(e.proposition, proposition) is False for e in examples])
    y = np.array([LABELS.index(e.label) for e in examples])
    weights = np.array([SOURCE_WEIGHT[e.source] for e in examples], dtype=np.float64)
    return fit(x[keep], y[keep], weights[keep], l2)


def same_proposition(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def calibrate(head: Head, examples: Sequence[datasets.Example], x: np.ndarray) -> Head:
    """The head with the temperature that best fits (log-likelihood) its predictions for propositions it
    was not trained on: each news proposition scored by a head trained without it."""
    news = sorted({e.proposition for e in examples if e.source == "news"})
    raw: list[np.ndarray] = []
    gold: list[int] = []
    for proposition in news:
        rows = [i for i, e in enumerate(examples) if e.source == "news" and e.proposition == proposition]
        fold = fit_without(examples, x, proposition)
        raw.append(((x[rows] - fold.mean) / fold.scale) @ fold.weights + fold.bias)
        gold.extend(LABELS.index(examples[i].label) for i in rows)
    if not raw:
        return head
    logits, target = np.vstack(raw), np.array(gold)
    grid = [0.5 + 0.25 * k for k in range(19)]
    losses = [-np.log(softmax(logits / t)[np.arange(len(target)), target] + 1e-12).mean() for t in grid]
    return replace(head, temperature=grid[int(np.argmin(losses))])


def macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    scores = []
    for c in range(len(LABELS)):
        tp = float(np.sum((gold == c) & (predicted == c)))
        fp = float(np.sum((gold != c) & (predicted == c)))
        fn = float(np.sum((gold == c) & (predicted != c)))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz with fixed timestamps, so the same arrays give the same bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            archive.writestr(
                zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue()
            )


def training_examples(shared: Path) -> list[datasets.Example]:
    """VAST dev's training part, the team's written statements and its news set (needs ../shared)."""
    vast = datasets.vast(shared / "stance" / "vast_dev.csv", held_out=False)
    return vast + datasets.written() + datasets.news(shared / "polnear")


def _resource_sha256(package: str, name: str) -> str | None:
    resource = files(package).joinpath(name)
    return hashlib.sha256(resource.read_bytes()).hexdigest() if resource.is_file() else None


def main(argv: Sequence[str] = ()) -> int:
    shared = Path(argv[0]) if argv else Path("../shared")
    vast_path = shared / "stance" / "vast_dev.csv"
    if not vast_path.is_file() or not (shared / "polnear").is_dir():
        print(
            f"train-stance: {shared}/stance or {shared}/polnear is absent; training needs both.",
            file=sys.stderr,
        )
        return 1
    started = time.monotonic()
    examples = embedded(training_examples(shared))
    x = features(examples)
    y = np.array([LABELS.index(e.label) for e in examples])
    weights = np.array([SOURCE_WEIGHT[e.source] for e in examples], dtype=np.float64)
    head = calibrate(fit(x, y, weights), examples, x)
    ARTEFACT.mkdir(exist_ok=True)
    write_npz(ARTEFACT / WEIGHTS, head_arrays(head))
    held_out = datasets.vast(vast_path, held_out=True)
    held_f1 = macro_f1(
        np.array([LABELS.index(e.label) for e in held_out]), predict(head, features(held_out)).argmax(1)
    )
    record = {
        "encoder": ENCODER_ID,
        "data": {
            "vast_dev": {"sha256": hashlib.sha256(vast_path.read_bytes()).hexdigest()},
            "written": {"sha256": _resource_sha256("onrecord.stance.data", datasets.WRITTEN)},
            "news": {"sha256": _resource_sha256(datasets.NEWS, "labels.tsv")},
            "examples": {s: sum(e.source == s for e in examples) for s in SOURCE_WEIGHT},
        },
        "l2": L2,
        "temperature": head.temperature,
        "vast_held_out_macro_f1": round(held_f1, 4),
        "training_minutes": round((time.monotonic() - started) / 60, 1),
        "sha256": {WEIGHTS: hashlib.sha256((ARTEFACT / WEIGHTS).read_bytes()).hexdigest()},
    }
    (ARTEFACT / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
