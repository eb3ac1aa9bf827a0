"""Confidence calibration: the fitting and error measures on made-up rows, the shipped table in use."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

import onrecord
from onrecord.evaluation.calibrate import PRIOR_WEIGHT, Labelled, cross_validated, ece, fit, thresholds
from onrecord.extraction import uncalibrated
from onrecord.extraction.calibration import calibrate, key

TEXT = (
    "Mayor Odile Marsh said the ferry would keep running. “We will not close it,” she said. "
    "The council is said to want a new harbour."
)


def rows(key_: str, right: int, wrong: int, fold: int = 0) -> list[Labelled]:
    kind = key_.split("|")[0] + "|*"
    return [Labelled(fold, key_, kind, True)] * right + [Labelled(fold, key_, kind, False)] * wrong


def test_fit_shrinks_each_key_towards_its_kinds_share() -> None:
    table = fit(rows("direct|0.90|named", 9, 1) + rows("direct|0.50|named", 1, 9))
    assert table["direct|*"] == 0.5
    assert table["direct|0.90|named"] == round((9 + PRIOR_WEIGHT * 0.5) / (10 + PRIOR_WEIGHT), 3)
    assert table["direct|0.50|named"] < 0.5 < table["direct|0.90|named"]


def test_ece_is_zero_when_confidence_matches_and_large_when_not() -> None:
    assert ece([(0.75, True)] * 3 + [(0.75, False)]) == pytest.approx(0.0)
    assert ece([(0.95, False)] * 10) == pytest.approx(0.95)


def test_cross_validation_never_uses_a_folds_own_rows() -> None:
    held_out = cross_validated(
        rows("indirect|0.80|named", 10, 0, fold=0) + rows("indirect|0.80|named", 0, 10, fold=1)
    )
    assert {confidence for confidence, right in held_out if right} == {0.0}  # fold 0 judged by fold 1 alone


def test_thresholds_keep_what_reaches_them() -> None:
    table = thresholds([(0.9, True), (0.9, True), (0.2, False), (0.2, True)], gold=4)
    assert table[0]["kept"] == 4 and table[0]["precision"] == 75.0
    assert [row["kept"] for row in table if row["min_confidence"] == 0.3] == [2]


def test_the_shipped_table_is_what_extract_reports() -> None:
    data = json.loads(files("onrecord.data").joinpath("calibration.json").read_text(encoding="utf-8"))
    assert data["default_figures"]["ece_cross_validated"] <= 0.05
    assert data["fast_figures"]["ece_cross_validated"] <= 0.05
    raw = uncalibrated(TEXT)
    assert raw, "the text has statements"
    for found, before in zip(onrecord.extract(TEXT), raw, strict=True):
        assert found.confidence == data["default"].get(key(before), data["default"][f"{before.kind}|*"])
        assert 0.0 <= found.confidence <= 1.0


def test_a_given_table_wins_and_an_unknown_key_falls_back_to_its_kind() -> None:
    raw = uncalibrated(TEXT)
    assert {
        s.confidence for s in calibrate(raw, fast=False, table={"direct|*": 0.25, "indirect|*": 0.5})
    } <= {
        0.25,
        0.5,
    }
    assert calibrate(raw, fast=False, table={}) == raw
