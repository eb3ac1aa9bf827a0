"""Positions and shifts from statements with a stance: pure functions, no store.

A position is a speaker's stance in one month (or `UNDATED`) from the statements counted there
(confident, not a description of an earlier stance the text gives no date for): support or oppose when
only that side appears, mixed when both do, neutral otherwise. First-hand and reported statements make
separate positions.

A shift compares a speaker's first-hand positions in time order: a firm position (support or oppose)
followed later by the opposite one, or by a neutral or mixed one backed by at least `SOFT_SHIFT_MIN`
statements. Its evidence is the last statement of the earlier side and the first of the later side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from onrecord.stance.records import Position, Shift, SpeakerPosition, StanceStatement

SOFT_SHIFT_MIN = 2
"""Statements a neutral or mixed period needs to count as a shift away from a firm position."""

UNDATED = "undated"
"""The period of statements whose article has no date (counted in positions, never in shifts)."""

_Key = tuple[int | None, str]


def positions(statements: Sequence[StanceStatement]) -> tuple[SpeakerPosition, ...]:
    """Each speaker's position per month (first-hand and reported apart), by speaker then month."""
    groups: dict[tuple[_Key, str, bool], list[StanceStatement]] = defaultdict(list)
    for statement in statements:
        if statement.counted and statement.speaker:
            key = (_speaker(statement), statement.period or UNDATED, statement.reported)
            groups[key].append(statement)
    found = []
    for (speaker, period, reported), group in groups.items():
        counts = {
            stance: sum(s.stance == stance for s in group) for stance in ("support", "oppose", "neutral")
        }
        found.append(
            SpeakerPosition(
                speaker=speaker[1],
                speaker_id=speaker[0],
                period=period,
                stance=_position(counts["support"], counts["oppose"]),
                support=counts["support"],
                oppose=counts["oppose"],
                neutral=counts["neutral"],
                reported=reported,
            )
        )
    return tuple(
        sorted(found, key=lambda p: (p.speaker.casefold(), p.reported, p.period == UNDATED, p.period))
    )


def shifts(statements: Sequence[StanceStatement]) -> tuple[Shift, ...]:
    """The shifts in each speaker's first-hand positions, by speaker then date."""
    by_speaker: dict[_Key, dict[str, list[StanceStatement]]] = defaultdict(lambda: defaultdict(list))
    for statement in statements:
        if statement.counted and statement.speaker and statement.period and not statement.reported:
            by_speaker[_speaker(statement)][statement.period].append(statement)
    found: list[Shift] = []
    for speaker, periods in by_speaker.items():
        found.extend(_speaker_shifts(speaker, periods))
    return tuple(sorted(found, key=lambda s: (s.speaker.casefold(), s.after_date)))


def _speaker_shifts(speaker: _Key, periods: dict[str, list[StanceStatement]]) -> list[Shift]:
    found = []
    firm: tuple[Position, StanceStatement] | None = None
    for period in sorted(periods):
        group = sorted(periods[period], key=_when)
        support = sum(s.stance == "support" for s in group)
        oppose = sum(s.stance == "oppose" for s in group)
        now = _position(support, oppose)
        if (
            firm is not None
            and now != firm[0]
            and (now in ("support", "oppose") or len(group) >= SOFT_SHIFT_MIN)
        ):
            after = next((s for s in group if s.stance == now), group[0])
            found.append(_shift(speaker, firm, now, after))
        if now in ("support", "oppose"):
            firm = (now, [s for s in group if s.stance == now][-1])
        elif firm is not None and len(group) >= SOFT_SHIFT_MIN:
            firm = None
    return found


def _shift(
    speaker: _Key, firm: tuple[Position, StanceStatement], now: Position, after: StanceStatement
) -> Shift:
    before = firm[1]
    return Shift(
        speaker=speaker[1],
        speaker_id=speaker[0],
        from_stance=firm[0],
        to_stance=now,
        before=before.statement_id,
        after=after.statement_id,
        before_date=_date(before),
        after_date=_date(after),
    )


def _position(support: int, oppose: int) -> Position:
    if support and oppose:
        return "mixed"
    if support:
        return "support"
    return "oppose" if oppose else "neutral"


def _speaker(statement: StanceStatement) -> _Key:
    return (statement.speaker_id, statement.speaker or "")


def _when(statement: StanceStatement) -> tuple[str, int]:
    return (_date(statement), statement.statement_id)


def _date(statement: StanceStatement) -> str:
    """The day a statement's stance is dated to: its publication day, or the month the text describes."""
    published = (statement.published or "")[:10]
    if statement.period and not published.startswith(statement.period):
        return f"{statement.period}-01"
    return published
