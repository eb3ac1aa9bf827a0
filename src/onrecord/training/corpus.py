"""PolNeAR relations as spaCy training docs: the tagger's feature copy of each parsed article, with
content, source and cue spans as non-overlapping entities."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as SpacySpan
from spacy.training import Example
from spacy.util import filter_spans, registry

from onrecord.evaluation.polnear import GoldDocument, GoldRelation, load_split
from onrecord.extraction.features import feature_doc
from onrecord.extraction.nlp import pipeline
from onrecord.records import Span

LABELS = ("CONTENT", "SOURCE", "CUE")


def build_docbin(split_dir: Path, output: Path) -> int:
    """Write `split_dir`'s articles, parsed and labelled, to `output`; the number of articles."""
    documents = load_split(split_dir)
    parsed = pipeline().pipe(d.text for d in documents)
    docs = [_labelled(feature_doc(doc), gold) for doc, gold in zip(parsed, documents, strict=True)]
    DocBin(docs=docs, store_user_data=False).to_disk(output)
    return len(docs)


@registry.readers("onrecord.feature_corpus.v1")  # type: ignore[untyped-decorator]
def feature_corpus(path: Path) -> Callable[[Language], Iterable[Example]]:
    """Examples whose predicted side keeps the stored features (spaCy's own reader would re-tokenise)."""

    def read(nlp: Language) -> Iterator[Example]:
        for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
            predicted = doc.copy()
            predicted.set_ents([])
            yield Example(predicted, doc)

    return read


def _labelled(doc: Doc, gold: GoldDocument) -> Doc:
    spans = [s for r in gold.relations for s in _relation_spans(doc, r)]
    doc.set_ents(filter_spans(spans))
    return doc


def _relation_spans(doc: Doc, relation: GoldRelation) -> Iterator[SpacySpan]:
    """One entity per piece; the outermost relation wins where relations nest (filter_spans keeps the
    longest), so a nested relation's source or cue inside another's content is left unlabelled."""
    for label, pieces in zip(LABELS, (relation.content, relation.source, relation.cue), strict=True):
        for piece in pieces:
            span = _token_span(doc, piece, label)
            if span is not None:
                yield span


def _token_span(doc: Doc, piece: Span, label: str) -> SpacySpan | None:
    start, end = piece.start, piece.end
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return doc.char_span(start, end, label=label, alignment_mode="expand")
