"""Statement extraction: text in, frozen `Statement` records out (spaCy stays inside this package)."""

from __future__ import annotations

from onrecord.records import Statement


def extract(text: str) -> list[Statement]:
    """Every statement in `text`, in order of appearance. Never raises for any input string."""
    return []  # placeholder until the rule engine lands
