"""The internal record rules produce before speakers are resolved (chunk-relative, holds spaCy spans)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan


@dataclass
class Candidate:
    kind: str
    content: list[tuple[int, int]]
    cue: tuple[int, int] | None
    source: SpacySpan | None
    confidence: float
    mode: str = "speech"  # "attitude" when the cue reports a belief, wish or stance (`hopes`, `wants to`)
