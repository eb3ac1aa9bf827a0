"""Builds the confidence calibration from PolNeAR dev: `python -m onrecord.evaluation.calibrate DEV`
(`make calibrate`) writes `onrecord/data/calibration.json` and `docs/reliability.svg`.

A statement is right when its content matches a gold content and its speaker is right (the attribution
recipe of onrecord.evaluation.polnear). Per key (onrecord.extraction.calibration.key) the calibrated
value is the share of right statements, shrunk towards its kind's share by `PRIOR_WEIGHT` statements.
Calibrated and measured on the same split: the expected calibration error (ECE) reported as honest is
the cross-validated one, each fold of articles calibrated on the others.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from onrecord.evaluation import polnear
from onrecord.evaluation.reliability import reliability_svg
from onrecord.extraction import uncalibrated
from onrecord.extraction.calibration import TABLE, key, kind_key

FOLDS = 5
PRIOR_WEIGHT = 4
BINS = 10
THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DATA = Path(__file__).resolve().parents[1] / "data" / TABLE
PLOT = Path(__file__).resolve().parents[3] / "docs" / "reliability.svg"


@dataclass(frozen=True)
class Labelled:
    fold: int
    key: str
    kind_key: str
    right: bool


def labelled(documents: Sequence[polnear.GoldDocument], fast: bool) -> list[Labelled]:
    """Every statement the extractor finds in the articles, with whether it is right."""
    rows: list[Labelled] = []
    for n, document in enumerate(sorted(documents, key=lambda d: d.name)):
        text, gold = document.text, document.relations
        found = uncalibrated(text, fast)
        pairs = polnear.match_contents(
            [polnear.char_set(text, r.content) for r in gold],
            [polnear.char_set(text, s.content) for s in found],
        )
        right = {p for g, p in pairs if polnear.speaker_correct(text, gold[g], found[p].speaker)}
        rows.extend(Labelled(n % FOLDS, key(s), kind_key(s), i in right) for i, s in enumerate(found))
    return rows


def fit(rows: Sequence[Labelled]) -> dict[str, float]:
    """The calibrated value of every key and every kind seen in `rows`."""
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    keys: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for counts in (kinds[row.kind_key], keys[row.key]):
            counts[0] += row.right
            counts[1] += 1
    table = {k: round(right / total, 3) for k, (right, total) in kinds.items()}
    for k, (right, total) in keys.items():
        prior = table[k.split("|")[0] + "|*"]
        table[k] = round((right + PRIOR_WEIGHT * prior) / (total + PRIOR_WEIGHT), 3)
    return table


def cross_validated(rows: Sequence[Labelled]) -> list[tuple[float, bool]]:
    """(confidence, right) for every statement, its fold calibrated on the other folds."""
    pairs: list[tuple[float, bool]] = []
    for fold in range(FOLDS):
        table = fit([r for r in rows if r.fold != fold])
        fallback = sum(r.right for r in rows if r.fold != fold) / max(1, sum(r.fold != fold for r in rows))
        pairs.extend(
            (table.get(r.key, table.get(r.kind_key, fallback)), r.right) for r in rows if r.fold == fold
        )
    return pairs


def ece(pairs: Sequence[tuple[float, bool]]) -> float:
    """Expected calibration error over `BINS` equal-width bins of confidence."""
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for confidence, right in pairs:
        bins[min(BINS - 1, int(confidence * BINS))].append((confidence, right))
    total = len(pairs)
    return sum(
        len(b) / total * abs(sum(r for _, r in b) / len(b) - sum(c for c, _ in b) / len(b))
        for b in bins.values()
    )


def thresholds(pairs: Sequence[tuple[float, bool]], gold: int) -> list[dict[str, float]]:
    """Attribution precision, recall and F1 (percent) of the statements kept at each threshold."""
    table = []
    for threshold in THRESHOLDS:
        kept = [right for confidence, right in pairs if confidence >= threshold]
        scores = polnear.prf(sum(kept), len(kept), gold)
        table.append(
            {
                "min_confidence": threshold,
                "kept": len(kept),
                "precision": round(100 * scores.precision, 1),
                "recall": round(100 * scores.recall, 1),
                "f1": round(100 * scores.f1, 1),
            }
        )
    return table


def build(split_dir: Path) -> dict[str, object]:
    """Both modes' tables and the figures that describe them."""
    documents = polnear.load_split(split_dir)
    gold = sum(len(d.relations) for d in documents)
    result: dict[str, object] = {"built_from": split_dir.name, "folds": FOLDS, "prior_weight": PRIOR_WEIGHT}
    plots = {}
    for mode in ("default", "fast"):
        rows = labelled(documents, fast=mode == "fast")
        table = fit(rows)
        held_out = cross_validated(rows)
        shipped = [(table[r.key], r.right) for r in rows]
        result[mode] = dict(sorted(table.items()))
        result[f"{mode}_figures"] = {
            "statements": len(rows),
            "ece_cross_validated": round(ece(held_out), 4),
            "ece_in_sample": round(ece(shipped), 4),
            "thresholds_cross_validated": thresholds(held_out, gold),
        }
        plots[mode] = held_out
    PLOT.write_text(reliability_svg(plots, BINS), encoding="utf-8")
    return result


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m onrecord.evaluation.calibrate PATH/TO/polnear/dev", file=sys.stderr)
        return 2
    result = build(Path(argv[0]))
    DATA.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for mode in ("default", "fast"):
        print(mode, json.dumps(result[f"{mode}_figures"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
