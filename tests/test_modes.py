"""`fast` mode (rules only, simpler NER and POS): the default mode keeps its statements; names resolved."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import onrecord

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "samples").glob("*.txt"))


def _contents(statements: list[onrecord.Statement]) -> list[tuple[tuple[int, int], ...]]:
    return [tuple((s.start, s.end) for s in statement.content) for statement in statements]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_the_default_mode_keeps_what_the_fast_mode_finds(path: Path) -> None:
    """The tagger adds statements and may redraw reported speech's boundaries, but drops none."""
    text = path.read_text(encoding="utf-8")
    default, fast = _contents(onrecord.extract(text)), _contents(onrecord.extract(text, fast=True))
    assert fast, "the sample should hold statements"
    kept = [f for f in fast if any(_overlap(f, d) for d in default)]
    assert len(kept) >= 0.9 * len(fast)
    assert len(default) >= len(fast)


def _overlap(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    return a[0][0] < b[-1][1] and b[0][0] < a[-1][1]


def test_fast_mode_resolves_names_without_ner() -> None:
    text = (
        "Foreign Minister Ingrid Solberg-Haake said on Tuesday that the pledge stood. "
        "Solberg-Haake added that the batteries would arrive in June."
    )
    names = {s.speaker.name for s in onrecord.extract(text, fast=True)}
    assert names == {"Ingrid Solberg-Haake"}


def test_fast_mode_types_outlets_and_organisations() -> None:
    text = "The Harbour Times reported that the ferry would stop. Nordhavn Shipping said it would appeal."
    types = {s.speaker.name: s.speaker.type for s in onrecord.extract(text, fast=True)}
    assert types.get("The Harbour Times") == "media"
    assert types.get("Nordhavn Shipping") == "organization"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("“”‘’«»„\"'\n:—"), max_size=300))
def test_fast_mode_never_raises(text: str) -> None:
    for statement in onrecord.extract(text, fast=True):
        for span in statement.content:
            assert text[span.start : span.end] == span.text
