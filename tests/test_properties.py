"""Invariants of `onrecord.extract` for any input string: it never raises, and every span slices its text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import onrecord
from onrecord.records import Span, Statement

QUOTE_MARKS = list("“”«»„‚‘’‹›\"'「」")
PUNCTUATION = list(" \n\r\t\u00a0.,:;!?—–-()")
WORDS = ["said", "says", "told", "according to", "he", "she", "they", "John Kirby", "Blinken", "the", "NATO"]

# Arbitrary text biased towards quote marks and line breaks...
characters = st.text(
    alphabet=st.one_of(st.sampled_from(QUOTE_MARKS + PUNCTUATION), st.characters(codec="utf-8")),
    max_size=400,
)
# ...and a soup of the words and marks the rules react to, so that statements are actually found.
token_soup = st.lists(st.sampled_from(QUOTE_MARKS + PUNCTUATION + WORDS), max_size=80).map(" ".join)
any_text = st.one_of(characters, token_soup)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spans_of(statement: Statement) -> list[Span]:
    spans = list(statement.content)
    spans += [span for span in (statement.cue, statement.speaker.mention) if span is not None]
    return spans


@SETTINGS
@given(any_text)
def test_extract_never_raises_and_returns_statements(text: str) -> None:
    statements = onrecord.extract(text)
    assert isinstance(statements, list)
    assert all(isinstance(statement, Statement) for statement in statements)


@SETTINGS
@given(any_text)
def test_every_span_slices_exactly_its_text(text: str) -> None:
    for statement in onrecord.extract(text):
        for span in spans_of(statement):
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.text
