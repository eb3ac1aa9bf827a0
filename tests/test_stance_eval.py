"""`onrecord eval stance`: the gate (floors in tests/floors.json) and its one sentence without ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord.cli import main
from onrecord.evaluation import stance
from onrecord.stance.datasets import held_out_topic

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FLOORS = json.loads((Path(__file__).parent / "floors.json").read_text(encoding="utf-8"))["stance"]
PRESENT = (SHARED / "stance" / "vast_dev.csv").is_file() and (SHARED / "polnear").is_dir()


def test_eval_stance_without_shared_data_is_one_sentence(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "stance", "--shared", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "the stance evaluation needs both" in result.output
    assert "Traceback" not in result.output


def test_the_vast_split_is_fixed_by_topic() -> None:
    assert held_out_topic("gun control") == held_out_topic("  Gun Control ")
    shares = [held_out_topic(f"topic {i}") for i in range(1000)]
    assert 150 < sum(shares) < 250  # one in five


def test_scores_count_each_class() -> None:
    gold = ["support", "oppose", "neutral", "support"]
    scores = stance.score(gold, ["support", "neutral", "neutral", "oppose"])
    assert scores.n == 4
    assert scores.classes["support"].n == 2 and scores.classes["support"].recall == 0.5
    assert scores.classes["neutral"].precision == 0.5 and scores.classes["oppose"].f1 == 0.0
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0 + 2 / 3) / 3, abs=1e-4)


@pytest.fixture(scope="module")
def scores() -> stance.StanceScores:
    return stance.evaluate(SHARED)


@pytest.mark.polnear
@pytest.mark.slow
@pytest.mark.skipif(not PRESENT, reason="../shared/stance or ../shared/polnear is not present")
@pytest.mark.parametrize("measure", ["vast_held_out", "news_zero_shot", "news_after_marks"])
def test_stance_score_stays_above_its_floor(scores: stance.StanceScores, measure: str) -> None:
    value = 100 * getattr(scores, measure).macro_f1
    assert value >= FLOORS[measure], f"stance {measure} fell to {value:.1f} (floor {FLOORS[measure]})"
