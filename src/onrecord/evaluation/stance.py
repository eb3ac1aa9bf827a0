"""Stance evaluation (`onrecord eval stance`): macro-F1 of support / oppose / neutral.

- VAST: the held-out part of ../shared/stance/vast_dev.csv (one topic in five, fixed by a hash of the
  topic; `onrecord.stance.datasets.held_out_topic`), scored with the committed model.
- News zero-shot: the team's news set (offsets into ../shared/polnear), each proposition scored by a head
  trained on everything except that proposition (cross-validated by proposition).
- News after marks: the same heads, given `MARKS` marked statements per proposition (a fixed random
  choice), scored on the rest of that proposition's statements.
'irrelevant' labels count as neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

from onrecord.stance import datasets, train
from onrecord.stance.model import LABELS, Head, check_model, judge, judge_with

MARKS = 10
SEED = 0


class StanceEvalError(Exception):
    """The data the evaluation needs is absent; the message says which."""


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    n: int  # gold examples of the class


@dataclass(frozen=True)
class Scores:
    macro_f1: float
    n: int
    classes: dict[str, ClassScores]


@dataclass(frozen=True)
class StanceScores:
    vast_held_out: Scores
    news_zero_shot: Scores
    news_after_marks: Scores
    news_propositions: int
    marks_per_proposition: int


def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Per-class precision, recall and F1 (0 when undefined) and their macro mean."""
    classes = {}
    for label in LABELS:
        tp = sum(g == label == p for g, p in zip(gold, predicted, strict=True))
        guessed, actual = sum(p == label for p in predicted), sum(g == label for g in gold)
        precision, recall = tp / guessed if guessed else 0.0, tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        classes[label] = ClassScores(round(precision, 4), round(recall, 4), round(f1, 4), actual)
    macro = float(np.mean([c.f1 for c in classes.values()]))
    return Scores(round(macro, 4), len(gold), classes)


def evaluate(shared: Path) -> StanceScores:
    """All three figures; raises StanceEvalError when ../shared's stance or PolNeAR data is absent."""
    vast_path, polnear = shared / "stance" / "vast_dev.csv", shared / "polnear"
    if not vast_path.is_file() or not polnear.is_dir():
        raise StanceEvalError(f"{vast_path} or {polnear} is absent; the stance evaluation needs both.")
    check_model()
    try:
        examples = train.embedded(train.training_examples(shared))
    except FileNotFoundError as error:
        raise StanceEvalError(f"A news-set article is missing: {error.filename}.") from error
    x = train.features(examples)
    zero: tuple[list[str], list[str]] = ([], [])
    marked: tuple[list[str], list[str]] = ([], [])
    propositions = sorted({e.proposition for e in examples if e.source == "news"})
    for proposition in propositions:
        head = train.fit_without(examples, x, proposition)
        rows = [e for e in examples if e.source == "news" and e.proposition == proposition]
        _extend(zero, rows, _stances(head, proposition, rows, []))
        chosen = set(np.random.default_rng(SEED).permutation(len(rows))[:MARKS].tolist())
        marks = [rows[i] for i in sorted(chosen)]
        rest = [e for i, e in enumerate(rows) if i not in chosen]
        _extend(marked, rest, _stances(head, proposition, rest, marks))
    return StanceScores(
        vast_held_out=_vast_scores(vast_path),
        news_zero_shot=score(*zero),
        news_after_marks=score(*marked),
        news_propositions=len(propositions),
        marks_per_proposition=MARKS,
    )


def _stances(
    head: Head, proposition: str, rows: Sequence[datasets.Example], marks: Sequence[datasets.Example]
) -> list[str]:
    lessons = [(e.premise, e.label) for e in marks]
    return [j.stance for j in judge_with(head, proposition, [e.premise for e in rows], lessons)]


def _extend(pair: tuple[list[str], list[str]], rows: Sequence[datasets.Example], stances: list[str]) -> None:
    pair[0].extend(e.label for e in rows)
    pair[1].extend(stances)


def _vast_scores(path: Path) -> Scores:
    by_topic: dict[str, list[datasets.Example]] = {}
    for example in datasets.vast(path, held_out=True):
        by_topic.setdefault(example.proposition, []).append(example)
    gold: list[str] = []
    predicted: list[str] = []
    for topic, rows in by_topic.items():
        gold.extend(e.label for e in rows)
        predicted.extend(j.stance for j in judge(topic, [e.premise for e in rows]))
    return score(gold, predicted)


def scores_to_dict(scores: StanceScores) -> dict[str, Any]:
    return asdict(scores)


def render_table(scores: StanceScores) -> Table:
    table = Table(title="Stance: macro-F1 and per-class precision / recall / F1 (n)")
    table.add_column("set")
    table.add_column("macro-F1", justify="right")
    for label in LABELS:
        table.add_column(label, justify="right")
    sets = (
        ("VAST dev, held-out topics", scores.vast_held_out),
        (f"news, zero-shot ({scores.news_propositions} propositions)", scores.news_zero_shot),
        (f"news, after {scores.marks_per_proposition} marks per proposition", scores.news_after_marks),
    )
    for name, result in sets:
        cells = [f"{c.precision:.2f} / {c.recall:.2f} / {c.f1:.2f} ({c.n})" for c in result.classes.values()]
        table.add_row(name, f"{100 * result.macro_f1:.1f}", *cells)
    return table
