"""The spaCy pipeline: loaded once per process, fed text in chunks so that no input exhausts memory."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, cast

import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.pipeline import AttributeRuler, TrainablePipe
from spacy.tokens import Doc, Span, Token
from thinc.types import Ints2d

from onrecord.extraction.lexicon import lexicon
from onrecord.extraction.tagger import load_tagger
from onrecord.models import MODEL, MODEL_MISSING, ModelError

CHUNK_CHARS = 100_000


@Language.component("onrecord_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break always ends a sentence: headlines and paragraphs never run together.

    The starts are written in one array: setting `token.is_sent_start` checks the whole Doc for a parse
    each time, which made a chunk's line breaks quadratic in its length."""
    text = doc.text
    starts = []
    at = text.find("\n")
    while at >= 0:
        span = doc.char_span(at, at + 1, alignment_mode="expand")
        following = span.end if span is not None else len(doc)
        if following < len(doc) and not doc[following].is_space:
            starts.append(following)
        at = text.find("\n", at + 1)
    if starts:
        column = doc.to_array([SENT_START]).reshape(-1, 1)
        column[starts, 0] = 1
        doc.from_array([SENT_START], cast(Ints2d, column))
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


@Language.component("onrecord_proper_names")
def proper_names(doc: Doc) -> Doc:
    """Fast mode's stand-in for NER: runs of proper nouns become PERSON, or ORG when a word says so."""
    lex = lexicon()
    organisation_words = lex.org_words | {w.lower() for w in lex.media_words if " " not in w}
    entities, start = [], None
    for token in [*doc, None]:
        if token is not None and (_is_name_word(token) or (start is not None and _joins_name(token))):
            start = token.i if start is None else start
            continue
        if start is not None:
            words = doc[start : token.i if token is not None else len(doc)]
            while len(words) > 1 and words[0].lower_.rstrip(".") in lex.honorifics:
                words = words[1:]  # `Foreign Minister Ingrid Solberg`: the title is not the name
            named_org = any(w.lower_ in organisation_words or (w.is_upper and len(w) > 1) for w in words)
            entities.append(Span(doc, words.start, words.end, label="ORG" if named_org else "PERSON"))
            start = None
    doc.set_ents(entities)
    return doc


def _is_name_word(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.text[:1].isupper()


def _joins_name(token: Token) -> bool:
    """The hyphen of `Solberg-Haake`, written without spaces between two name words."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    tight = not token.whitespace_ and not token.doc[token.i - 1].whitespace_
    return token.text == "-" and tight and following is not None and _is_name_word(following)


class TagToPos:
    """Fast mode's stand-in for the attribute ruler: coarse POS from the fine tag (and the word, where the
    ruler has a word-specific rule). The ruler's Matcher is a fifth of the pipeline's time; morphology and
    rules that also test the dependency label are left out."""

    def __init__(self) -> None:
        self.by_tag: dict[str, str] = {}
        self.by_word: dict[tuple[str, str], str] = {}

    def load(self, patterns: list[dict[str, Any]]) -> None:
        for pattern in patterns:
            pos = pattern["attrs"].get("POS")
            for tokens in pattern["patterns"]:
                if pos and len(tokens) == 1 and set(tokens[0]) <= {"TAG", "LOWER"} and "TAG" in tokens[0]:
                    self._add(_values(tokens[0]["TAG"]), _values(tokens[0].get("LOWER")), pos)

    def _add(self, tags: list[str], words: list[str], pos: str) -> None:
        for tag in tags:
            if not words:
                self.by_tag[tag] = pos
            for word in words:
                self.by_word[(tag, word)] = pos

    def __call__(self, doc: Doc) -> Doc:
        by_tag, by_word = self.by_tag, self.by_word
        for token in doc:
            tag = token.tag_
            pos = by_word.get((tag, token.lower_)) or by_tag.get(tag)
            if pos:
                token.pos_ = pos
        return doc


def _values(value: Any) -> list[str]:
    """A Matcher token value as a list: "NN" -> ["NN"], {"IN": ["NN", "NNS"]} -> both, None -> []."""
    if isinstance(value, str):
        return [value]
    return list(value.get("IN", [])) if isinstance(value, dict) else []


@Language.factory("onrecord_tag_to_pos")
def tag_to_pos(nlp: Language, name: str) -> TagToPos:
    """Empty until `pipeline()` loads the attribute ruler's patterns into it."""
    return TagToPos()


class VerbLemmatizer:
    """spaCy's rule lemmatizer, run only on verbs: the cues are the only lemmas onrecord reads."""

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if token.pos_ in ("VERB", "AUX"):
                token.lemma_ = self.lemmatizer.rule_lemmatize(token)[0]
        return doc


@Language.factory("onrecord_verb_lemmatizer")
def verb_lemmatizer(nlp: Language, name: str) -> VerbLemmatizer:
    """Placeholder until `pipeline()` hands it the model's lemmatizer."""
    return VerbLemmatizer(None)


def pipeline(fast: bool = False) -> Language:
    """The English pipeline with onrecord's components; `fast` swaps NER for a proper-noun rule."""
    return _pipeline(fast)


@cache
def _pipeline(fast: bool) -> Language:
    try:
        nlp = spacy.load(MODEL, exclude=["senter"])
    except OSError as error:
        raise ModelError(MODEL_MISSING) from error
    nlp.add_pipe("onrecord_paragraph_breaks", before="parser")
    _, lemmatizer = nlp.remove_pipe("lemmatizer")
    verbs = cast(VerbLemmatizer, nlp.add_pipe("onrecord_verb_lemmatizer", after="attribute_ruler"))
    verbs.lemmatizer = lemmatizer
    _, ner = nlp.remove_pipe("ner")
    if fast:
        ruler = cast(AttributeRuler, nlp.remove_pipe("attribute_ruler")[1])
        mapper = cast(TagToPos, nlp.add_pipe("onrecord_tag_to_pos", before="onrecord_verb_lemmatizer"))
        mapper.load(ruler.patterns)
        nlp.add_pipe("onrecord_proper_names", last=True)
        return nlp
    windowed = cast(WindowedNer, nlp.add_pipe("onrecord_windowed_ner", last=True))
    windowed.ner = ner
    return nlp


@cache
def attribution_tagger() -> TrainablePipe:
    """The learned tagger, loaded once per process onto the default pipeline's vocabulary."""
    return load_tagger(pipeline())


def parse(text: str, fast: bool = False, quotes: Sequence[tuple[int, int]] = ()) -> Iterator[tuple[int, Doc]]:
    """Parsed chunks of `text` with the offset of each chunk; chunks end at line breaks where possible,
    and not inside one of `quotes` ((start, end) in text order, not overlapping) where a line break
    before it allows.

    One chunk is parsed at a time, when the previous one has been handed on, so that a long text holds one
    parsed chunk in memory (`nlp.pipe` would parse a batch of up to 256 chunks, a whole 20 MB text, at once).
    """
    nlp = pipeline(fast)
    for start, end in chunks(text, quotes):
        yield start, nlp(text[start:end])


def chunks(text: str, quotes: Sequence[tuple[int, int]] = ()) -> Iterator[tuple[int, int]]:
    """(start, end) of chunks of at most `CHUNK_CHARS`, each but the last ending after a line break
    when there is one in its second half; a cut that would split a quote moves to the line break before
    the quote when that is still in the second half (a longer quote is split, as before)."""
    starts = [quote_start for quote_start, _ in quotes]
    start = 0
    while len(text) - start > CHUNK_CHARS:
        least = start + CHUNK_CHARS // 2
        cut = text.rfind("\n", least, start + CHUNK_CHARS)
        end = cut + 1 if cut > 0 else start + CHUNK_CHARS
        index = bisect_right(starts, end - 1) - 1
        if index >= 0 and quotes[index][0] < end < quotes[index][1]:
            before = text.rfind("\n", least, quotes[index][0])
            end = before + 1 if before > 0 else end
        yield start, end
        start = end
    if start < len(text):
        yield start, len(text)
