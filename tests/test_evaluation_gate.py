"""The evaluation gate: PolNeAR dev scores of both modes stay above the floors in tests/floors.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onrecord.evaluation import polnear
from onrecord.extraction import extract

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "polnear" / "dev"
FLOORS = json.loads((Path(__file__).parent / "floors.json").read_text(encoding="utf-8"))
MODES = {"polnear_dev": False, "polnear_dev_fast": True}  # floors key -> extract's `fast`

pytestmark = [
    pytest.mark.polnear,
    pytest.mark.skipif(not DEV.is_dir(), reason="../shared/polnear/dev is not present"),
]


@pytest.fixture(scope="module", params=sorted(MODES))
def dev_scores(request: pytest.FixtureRequest) -> tuple[str, polnear.Scores]:
    fast = MODES[request.param]
    return request.param, polnear.evaluate(DEV, lambda text: extract(text, fast=fast))


def _percent(value: float | None) -> float:
    return 100 * (value or 0.0)


@pytest.mark.parametrize(
    ("measure", "read"),
    [
        ("extraction_f1", lambda s: s.extraction.f1),
        ("attribution_f1", lambda s: s.attribution.f1),
        ("attribution_precision", lambda s: s.attribution.precision),
        ("direct_recall", lambda s: s.recall_by_type()["direct"]),
        ("indirect_recall", lambda s: s.recall_by_type()["indirect"]),
        ("name_accuracy", lambda s: s.name_accuracy),
    ],
)
def test_dev_score_stays_above_its_floor(
    dev_scores: tuple[str, polnear.Scores], measure: str, read: object
) -> None:
    mode, scores = dev_scores
    value, floor = _percent(read(scores)), FLOORS[mode][measure]  # type: ignore[operator]
    assert value >= floor, f"{mode} {measure} fell to {value:.1f} (floor {floor})"
