"""Positions and shifts from statements with a stance (pure functions): mixed months, abstention, reported
statements kept apart, soft shifts needing two statements, undated statements never in shifts."""

from __future__ import annotations

from dataclasses import replace

from onrecord.stance.positions import UNDATED, positions, shifts
from onrecord.stance.records import StanceStatement

BASE = StanceStatement(
    statement_id=0, url=None, document="d", published=None, speaker="Ada Quill", speaker_id=1, content=(),
    stance="support", confidence=0.9, reported=False, by="model", text="t", said_by=None, relevance=0.5,
    period=None, past=False, counted=True,
)  # fmt: skip


def said(number: int, day: str | None, stance: str, **changes: object) -> StanceStatement:
    period = day[:7] if day else None
    return replace(BASE, statement_id=number, published=day, period=period, stance=stance, **changes)  # type: ignore[arg-type]


def test_both_sides_in_a_month_is_mixed_and_uncounted_statements_abstain() -> None:
    found = positions(
        [
            said(1, "2024-01-03", "support"),
            said(2, "2024-01-09", "oppose"),
            said(3, "2024-02-01", "oppose", counted=False),
            said(4, "2024-02-02", "neutral"),
        ]
    )
    assert [(p.period, p.stance, p.support, p.oppose, p.neutral) for p in found] == [
        ("2024-01", "mixed", 1, 1, 0),
        ("2024-02", "neutral", 0, 0, 1),
    ]


def test_reported_positions_are_apart_and_never_make_a_shift() -> None:
    statements = [said(1, "2024-01-03", "support"), said(2, "2024-03-01", "oppose", reported=True)]
    assert {(p.period, p.reported) for p in positions(statements)} == {("2024-01", False), ("2024-03", True)}
    assert shifts(statements) == ()


def test_opposite_positions_shift_with_the_nearest_evidence() -> None:
    found = shifts(
        [
            said(1, "2023-05-01", "support"),
            said(2, "2023-05-20", "support"),
            said(3, "2024-02-11", "oppose"),
            said(4, "2024-02-12", "oppose"),
        ]
    )
    assert [(s.from_stance, s.to_stance, s.before, s.after) for s in found] == [("support", "oppose", 2, 3)]
    assert (found[0].before_date, found[0].after_date) == ("2023-05-20", "2024-02-11")


def test_one_neutral_statement_is_no_shift_but_two_are() -> None:
    firm = said(1, "2023-05-01", "oppose")
    assert shifts([firm, said(2, "2023-09-01", "neutral")]) == ()
    two = shifts([firm, said(2, "2023-09-01", "neutral"), said(3, "2023-09-02", "neutral")])
    assert [(s.from_stance, s.to_stance) for s in two] == [("oppose", "neutral")]


def test_undated_statements_count_in_positions_but_not_in_shifts() -> None:
    statements = [said(1, None, "support"), said(2, "2024-01-01", "oppose")]
    assert {p.period for p in positions(statements)} == {UNDATED, "2024-01"}
    assert shifts(statements) == ()


def test_speakers_are_kept_apart() -> None:
    other = {"speaker": "Bo Lind", "speaker_id": 2}
    assert shifts([said(1, "2023-01-01", "support"), said(2, "2024-01-01", "oppose", **other)]) == ()
