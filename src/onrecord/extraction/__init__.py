"""Statement extraction: text in, frozen `Statement` records out (spaCy stays inside this package)."""

from __future__ import annotations

import hashlib

from spacy.tokens import Doc

from onrecord.extraction.candidates import Candidate
from onrecord.extraction.direct import direct_candidates, headline_candidates, inside_mask
from onrecord.extraction.indirect import indirect_candidates
from onrecord.extraction.nlp import parse
from onrecord.extraction.quotes import Quote, find_quotes
from onrecord.extraction.speakers import Entities
from onrecord.records import Span, Statement

__all__ = ["extract"]


def extract(text: str, fast: bool = False) -> list[Statement]:
    """Every statement in `text`, in order of appearance. Never raises for any input string.

    `fast` skips the statistical named-entity recogniser (speaker names then come from runs of proper
    nouns): about twice the speed, with the same statements and coarser speaker types.
    """
    if not text.strip():
        return []
    entities = Entities()
    statements: list[Statement] = []
    quotes = find_quotes(text)
    for base, doc in parse(text, fast):
        entities.add_doc(doc, base)
        local = _local_quotes(quotes, base, len(doc.text))
        for candidate in _candidates(doc, local):
            statements.append(_statement(text, candidate, base, entities))
    return sorted(statements, key=lambda s: (s.content[0].start, s.content[0].end))


def _local_quotes(quotes: list[Quote], base: int, length: int) -> list[Quote]:
    return [
        Quote(tuple((s - base, e - base) for s, e in q.segments), q.opening, q.closed)
        for q in quotes
        if q.start >= base and q.end <= base + length
    ]


def _candidates(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    inside = inside_mask(doc, quotes)
    direct = direct_candidates(doc, quotes, inside)
    taken = {c.cue for c in direct if c.cue is not None}
    indirect = [c for c in indirect_candidates(doc, inside) if c.cue not in taken]
    return [c for c in direct if not _within_any(c, indirect)] + indirect + headline_candidates(doc)


def _within_any(candidate: Candidate, others: list[Candidate]) -> bool:
    """A quoted fragment inside reported speech belongs to that mixed statement."""
    start, end = candidate.content[0][0], candidate.content[-1][1]
    return any(o.content[0][0] < start and end <= o.content[-1][1] + 1 for o in others)


def _statement(text: str, candidate: Candidate, base: int, entities: Entities) -> Statement:
    content = tuple(Span(base + s, base + e, text[base + s : base + e]) for s, e in candidate.content)
    cue = None
    if candidate.cue is not None:
        start, end = base + candidate.cue[0], base + candidate.cue[1]
        cue = Span(start, end, text[start:end])
    speaker = entities.resolve(candidate.source, base)
    return Statement(
        id=_stable_id(content),
        kind=candidate.kind,  # type: ignore[arg-type]
        content=content,
        cue=cue,
        speaker=speaker,
        confidence=candidate.confidence,
    )


def _stable_id(content: tuple[Span, ...]) -> str:
    key = "|".join(f"{s.start}:{s.end}:{s.text}" for s in content)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
