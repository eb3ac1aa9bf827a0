"""Calibrated confidence: the chance that a statement is right (content found, speaker right) on PolNeAR
dev, looked up by what the rules know about it (`key`, else `kind_key`). The table is data
(`data/calibration.json`), rebuilt by `make calibrate` (onrecord.evaluation.calibrate); without a table
the rules' own values stay.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from importlib.resources import files

from onrecord.records import Statement

TABLE = "calibration.json"


def key(statement: Statement) -> str:
    """What a statement's confidence is calibrated on: its kind, the rules' confidence (which says which
    rule found it and whether the tagger agreed) and whether the text names who said it."""
    named = "named" if statement.speaker.mention is not None else "unnamed"
    return f"{statement.kind}|{statement.confidence:.2f}|{named}"


def kind_key(statement: Statement) -> str:
    """The fallback for a key the table lacks: every statement of that kind."""
    return f"{statement.kind}|*"


def calibrate(
    statements: list[Statement], fast: bool, table: dict[str, float] | None = None
) -> list[Statement]:
    """The statements with calibrated confidences (the shipped table for the mode, unless one is given)."""
    found = table if table is not None else _table("fast" if fast else "default")
    return [_calibrated(s, found) for s in statements]


def _calibrated(statement: Statement, table: dict[str, float]) -> Statement:
    value = table.get(key(statement), table.get(kind_key(statement)))
    return statement if value is None else replace(statement, confidence=value)


@cache
def _table(mode: str) -> dict[str, float]:
    path = files("onrecord.data").joinpath(TABLE)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): float(v) for k, v in data.get(mode, {}).items()}
