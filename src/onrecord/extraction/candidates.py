"""The internal record rules produce before speakers are resolved (chunk-relative, holds spaCy spans)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan

from onrecord.records import Span


@dataclass
class Candidate:
    kind: str
    content: list[tuple[int, int]]
    cue: tuple[int, int] | None
    source: SpacySpan | None
    confidence: float
    mode: str = "speech"  # "attitude" when the cue reports a belief, wish or stance (`hopes`, `wants to`)


def stable_id(content: tuple[Span, ...]) -> str:
    """A statement's id: the same content spans give the same id in every run."""
    key = "|".join(f"{s.start}:{s.end}:{s.text}" for s in content)
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
