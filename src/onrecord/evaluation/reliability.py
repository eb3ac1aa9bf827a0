"""A reliability diagram as a small SVG written by hand (no plotting library): per bin of confidence, the
share of statements that were right, against the diagonal a perfectly calibrated extractor would follow."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

SIZE = 360
MARGIN = 50
COLOURS = {"default": "#1f5fa8", "fast": "#c2571a"}


def reliability_svg(modes: Mapping[str, Sequence[tuple[float, bool]]], bins: int) -> str:
    """One line per mode through (mean confidence, share right) of each non-empty bin."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE + 2 * MARGIN}" height="{SIZE + 2 * MARGIN}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{SIZE}" height="{SIZE}" fill="none" stroke="#888"/>',
        f'<line x1="{_x(0)}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(1)}" stroke="#aaa" stroke-dasharray="4 4"/>',
    ]
    for tick in range(0, 11, 2):
        value = tick / 10
        parts.append(f'<text x="{_x(value)}" y="{_y(0) + 16}" text-anchor="middle">{value:.1f}</text>')
        parts.append(f'<text x="{_x(0) - 8}" y="{_y(value) + 4}" text-anchor="end">{value:.1f}</text>')
    parts.append(f'<text x="{_x(0.5)}" y="{_y(0) + 36}" text-anchor="middle">calibrated confidence</text>')
    parts.append(
        f'<text x="14" y="{_y(0.5)}" text-anchor="middle" transform="rotate(-90 14 {_y(0.5)})">'
        "share right (PolNeAR dev, cross-validated)</text>"
    )
    for n, (mode, pairs) in enumerate(modes.items()):
        colour = COLOURS.get(mode, "black")
        points = _points(pairs, bins)
        path = " ".join(f"{_x(c):.1f},{_y(a):.1f}" for c, a, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for confidence, accuracy, count in points:
            radius = 2 + min(8.0, count**0.5 / 3)
            parts.append(
                f'<circle cx="{_x(confidence):.1f}" cy="{_y(accuracy):.1f}" r="{radius:.1f}" '
                f'fill="{colour}"/>'
            )
        parts.append(f'<text x="{_x(0.05)}" y="{_y(0.95) + 16 * n}" fill="{colour}">{mode} mode</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _points(pairs: Sequence[tuple[float, bool]], bins: int) -> list[tuple[float, float, int]]:
    grouped: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for confidence, right in pairs:
        grouped[min(bins - 1, int(confidence * bins))].append((confidence, right))
    return [
        (sum(c for c, _ in b) / len(b), sum(r for _, r in b) / len(b), len(b))
        for _, b in sorted(grouped.items())
    ]


def _x(value: float) -> float:
    return MARGIN + value * SIZE


def _y(value: float) -> float:
    return MARGIN + (1 - value) * SIZE
