"""Per-Doc caches: spaCy rebuilds `doc.text`, walks the whole Doc for `token.sent` and builds every entity
for `span.ents` on each access.

The caches hold strings and integers only, never spaCy objects: a Span kept in `doc.user_data` would tie
the Doc into a reference cycle, and a parsed chunk would then outlive its use until the garbage collector
ran (each one tens of megabytes on a long text).
"""

from __future__ import annotations

from bisect import bisect_left

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
    """`list(doc.sents)`, from bounds computed once per Doc."""
    bounds = doc.user_data.get("onrecord.sentlist")
    if bounds is None:
        bounds = doc.user_data["onrecord.sentlist"] = [(s.start, s.end) for s in doc.sents]
    return [doc[start:end] for start, end in bounds]


def entities_in(doc: Doc, start: int, end: int) -> list[Span]:
    """The entities lying wholly within tokens `start`..`end` (`doc[start:end].ents`), found by bisection
    in a list built once per Doc instead of rebuilding every entity of the Doc on each call."""
    cached = doc.user_data.get("onrecord.ents")
    if cached is None:
        cached = doc.user_data["onrecord.ents"] = [(e.start, e.end, e.label) for e in doc.ents]
    found = []
    index = bisect_left(cached, (start,))
    while index < len(cached) and cached[index][1] <= end:
        ent_start, ent_end, label = cached[index]
        found.append(Span(doc, ent_start, ent_end, label=label))
        index += 1
    return found
