"""The invented vocabulary the synthetic benchmark stores are written in (bench_search, bench_web)."""

from __future__ import annotations

import random

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "sta",
    "vo",
    "dun",
    "bel",
    "tra",
    "qui",
    "zor",
    "ham",
    "pel",
    "ost",
    "wyn",
]


def words(count: int, pick: random.Random) -> list[str]:
    """`count` distinct invented words of 2 to 4 syllables, sorted."""
    made: set[str] = set()
    while len(made) < count:
        made.add("".join(pick.choice(SYLLABLES) for _ in range(pick.randint(2, 4))))
    return sorted(made)
