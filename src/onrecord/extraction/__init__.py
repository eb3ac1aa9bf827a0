"""Statement extraction: text in, frozen `Statement` records out (spaCy stays inside this package)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc

from onrecord.extraction.calibration import calibrate
from onrecord.extraction.candidates import Candidate, stable_id
from onrecord.extraction.direct import direct_candidates, headline_candidates, inside_mask
from onrecord.extraction.doccache import text_of
from onrecord.extraction.french import extract_french
from onrecord.extraction.indirect import indirect_candidates
from onrecord.extraction.nlp import attribution_tagger, parse
from onrecord.extraction.quotes import Quote, find_quotes
from onrecord.extraction.speakers import Entities
from onrecord.extraction.tagger import combine, tag
from onrecord.extraction.unify import co_speakers, one_name_per_entity
from onrecord.models import ModelError, mode
from onrecord.records import Span, Statement, without_surrogates

__all__ = ["ModelError", "extract", "mode", "uncalibrated"]


def extract(text: str, fast: bool = False, language: str = "en") -> list[Statement]:
    """Every statement in `text`, in order of appearance. Never raises for any input string.

    The default mode runs the rules and the learned attribution tagger (which finds the statements the
    rules miss). `fast` runs the rules alone, without the statistical named-entity recogniser either
    (speaker names then come from runs of proper nouns). Check the models first with `mode()`.
    Confidences are calibrated on PolNeAR dev (onrecord.extraction.calibration).
    `language` "fr" reads French by rules alone (onrecord.extraction.french; uncalibrated confidences).
    """
    if language == "fr":
        return extract_french(text)
    return calibrate(uncalibrated(text, fast), fast)


def uncalibrated(text: str, fast: bool = False) -> list[Statement]:
    """`extract` with the rules' own confidences (what the calibration is built from)."""
    if not text.strip():
        return []
    entities = Entities()
    statements: list[Statement] = []
    parsed = without_surrogates(text)  # spaCy hashes each word as UTF-8: U+FFFD for a lone surrogate
    quotes = find_quotes(parsed)
    starts = [quote.start for quote in quotes]
    tagger = None if fast else attribution_tagger()
    for base, doc in parse(parsed, fast, [(quote.start, quote.end) for quote in quotes]):
        entities.add_doc(doc, base)
        local = _local_quotes(quotes, starts, base, len(text_of(doc)))
        for candidate in _candidates(doc, local, tagger):
            statements.append(_statement(text, candidate, base, entities))
    return sorted(one_name_per_entity(statements), key=lambda s: (s.content[0].start, s.content[0].end))


def _local_quotes(quotes: list[Quote], starts: list[int], base: int, length: int) -> list[Quote]:
    """The quotes lying wholly within the chunk at `base`, with chunk offsets; `starts` are the quotes'
    starts (they are in text order), so each chunk looks only at its own."""
    local = []
    index = bisect_left(starts, base)
    while index < len(quotes) and quotes[index].start < base + length:
        quote = quotes[index]
        if quote.end <= base + length:
            local.append(
                Quote(tuple((s - base, e - base) for s, e in quote.segments), quote.opening, quote.closed)
            )
        index += 1
    return local


def _candidates(doc: Doc, quotes: list[Quote], tagger: TrainablePipe | None) -> list[Candidate]:
    inside = inside_mask(doc, quotes)
    direct = direct_candidates(doc, quotes, inside)
    taken = {c.cue for c in direct if c.cue is not None}
    indirect = [c for c in indirect_candidates(doc, inside) if c.cue not in taken]
    rules = [c for c in direct if not _within_any(c, indirect)] + indirect + headline_candidates(doc)
    if tagger is None:
        return rules
    return combine(doc, tag(tagger, doc), rules, inside)


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
    if speaker.mention is not None:  # a slice of `text` itself, as the other spans are
        start, end = speaker.mention.start, speaker.mention.end
        speaker = replace(speaker, mention=Span(start, end, text[start:end]))
    others = co_speakers(entities, candidate.source, base)
    if others:
        speaker = replace(speaker, co_speakers=others)
    return Statement(
        id=stable_id(content),
        kind=candidate.kind,  # type: ignore[arg-type]
        content=content,
        cue=cue,
        speaker=speaker,
        confidence=candidate.confidence,
        mode="attitude" if candidate.mode == "attitude" else "speech",
    )
