"""The timeline chart of a person's statements, laid out on the server: numbers in, bar geometry out.

The template draws the geometry as inline SVG (no script, no chart library). Months with no statement
between the first and the last get an empty bar; a timeline longer than `MAX_MONTHS`
is drawn by year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from onrecord.web.lookups import Period

WIDTH = 720
HEIGHT = 180
LEFT = 40
BOTTOM = 28
TOP = 12
MAX_MONTHS = 48
MAX_YEARS = 60
"""Longer spans show only the years with statements."""
MAX_LABELS = 12
MAX_BAR = 48.0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    period: str
    statements: int


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    """Bars and axis labels in a `width` x `height` box; `by` is "month" or "year"."""

    width: int
    height: int
    by: str
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    peak: int
    baseline: float
    left: int


def timeline_chart(periods: Sequence[Period]) -> Chart | None:
    """The chart for statements per month (YYYY-MM periods), or None when nothing is dated."""
    counts = {p.period: p.statements for p in periods if _month(p.period) is not None}
    if not counts:
        return None
    first, last = _month(min(counts)), _month(max(counts))
    assert first is not None and last is not None
    if (last[0] - first[0]) * 12 + last[1] - first[1] < MAX_MONTHS:
        return _layout([(month, counts.get(month, 0)) for month in _months(first, last)], "month")
    years: dict[str, int] = {}
    for month, n in counts.items():
        years[month[:4]] = years.get(month[:4], 0) + n
    if last[0] - first[0] < MAX_YEARS:
        years = {f"{year:04d}": years.get(f"{year:04d}", 0) for year in range(first[0], last[0] + 1)}
    return _layout(sorted(years.items()), "year")


def _layout(series: list[tuple[str, int]], by: str) -> Chart:
    peak = max(n for _, n in series) or 1
    plot_width = WIDTH - LEFT - 8
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / len(series)
    width = min(step - min(4.0, step * 0.2), MAX_BAR)
    baseline = float(HEIGHT - BOTTOM)
    bars = []
    for index, (period, n) in enumerate(series):
        height = plot_height * n / peak
        x = LEFT + index * step + (step - width) / 2
        bars.append(
            Bar(round(x, 1), round(baseline - height, 1), round(width, 1), round(height, 1), period, n)
        )
    every = max(1, -(-len(series) // MAX_LABELS))
    labels = tuple(
        Label(round(LEFT + (i + 0.5) * step, 1), period)
        for i, (period, _) in enumerate(series)
        if i % every == 0
    )
    return Chart(WIDTH, HEIGHT, by, tuple(bars), labels, peak, baseline, LEFT)


def _month(period: str) -> tuple[int, int] | None:
    try:
        year, month = int(period[:4]), int(period[5:7])
    except ValueError:
        return None
    return (year, month) if len(period) == 7 and 1 <= month <= 12 else None


def _months(start: tuple[int, int], end: tuple[int, int]) -> list[str]:
    year, month = start
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
