"""Per-Doc caches: spaCy rebuilds `doc.text` and walks the whole Doc for `token.sent` on every access."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token


def text_of(doc: Doc) -> str:
    """`doc.text`, built once per Doc."""
    cached = doc.user_data.get("onrecord.text")
    if cached is None:
        cached = doc.user_data["onrecord.text"] = doc.text
    return str(cached)


def sentence_of(token: Token) -> Span:
    """`token.sent`, from sentence bounds computed once per Doc."""
    doc = token.doc
    bounds = doc.user_data.get("onrecord.sents")
    if bounds is None:
        bounds = doc.user_data["onrecord.sents"] = [
            (s.start, s.end) for s in doc.sents for _ in range(len(s))
        ]
    start, end = bounds[token.i]
    return doc[start:end]


def sentences(doc: Doc) -> list[Span]:
    """`list(doc.sents)`, once per Doc."""
    cached = doc.user_data.get("onrecord.sentlist")
    if cached is None:
        cached = doc.user_data["onrecord.sentlist"] = list(doc.sents)
    return list(cached)
