"""The stance chart, laid out on the server: speakers down, months across, each cell coloured by the
speaker's position that month (first-hand and reported rows apart). The template draws it as inline SVG
with CSS classes (no script, no inline style)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from onrecord.stance.positions import UNDATED
from onrecord.stance.records import SpeakerPosition

WIDTH = 720
LABEL_WIDTH = 200
ROW = 22
TOP = 26
MAX_CELL = 48.0
MAX_PERIODS = 36
"""The chart shows the latest this many months (the JSON twin has them all)."""


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    width: float
    height: float
    stance: str
    title: str


@dataclass(frozen=True)
class Row:
    y: float
    label: str
    speaker_id: int | None
    reported: bool


@dataclass(frozen=True)
class Column:
    x: float
    label: str


@dataclass(frozen=True)
class StanceChart:
    width: int
    height: int
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    cells: tuple[Cell, ...]
    label_width: int


def stance_chart(positions: Sequence[SpeakerPosition]) -> StanceChart | None:
    """The chart of these positions, or None when there is none."""
    if not positions:
        return None
    periods = sorted({p.period for p in positions}, key=lambda p: (p == UNDATED, p))[-MAX_PERIODS:]
    keys = list(dict.fromkeys((p.speaker, p.speaker_id, p.reported) for p in positions))
    step = (WIDTH - LABEL_WIDTH - 8) / len(periods)
    width = min(step - 2, MAX_CELL)
    rows = tuple(
        Row(TOP + i * ROW + ROW / 2 + 4, name + (" (reported)" if reported else ""), sid, reported)
        for i, (name, sid, reported) in enumerate(keys)
    )
    every = max(1, -(-len(periods) // 12))
    columns = tuple(
        Column(round(LABEL_WIDTH + (i + 0.5) * step, 1), period)
        for i, period in enumerate(periods)
        if i % every == 0
    )
    cells = []
    for p in positions:
        if p.period not in periods:
            continue
        x = LABEL_WIDTH + periods.index(p.period) * step + (step - width) / 2
        y = TOP + keys.index((p.speaker, p.speaker_id, p.reported)) * ROW + 2
        counts = f"{p.support} support, {p.oppose} oppose, {p.neutral} neutral"
        title = f"{p.speaker} {p.period}: {p.stance} ({counts})"
        cells.append(Cell(round(x, 1), y, round(width, 1), ROW - 4, p.stance, title))
    return StanceChart(WIDTH, TOP + len(keys) * ROW + 8, rows, columns, tuple(cells), LABEL_WIDTH)
