"""French statements: rules over spaCy's fr_core_news_sm (direct « » and “ ” quotes, dialogue dashes,
`a déclaré que`, `selon`), with speakers resolved within the article (names, roles, il/elle).

Rules only: the attribution tagger is trained on English PolNeAR and there is none for French, so the
confidences are the rules' own (not calibrated). The small French parser is unreliable around quote marks,
so the rules read word sequences in each sentence (a cue verb next to a quote, `que` after a cue, the
words after `selon`) and use the parse only for a cue's subject.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from onrecord.extraction.candidates import stable_id
from onrecord.extraction.nlp import chunks
from onrecord.language import MODELS
from onrecord.models import ModelError
from onrecord.records import (
    Span,
    Speaker,
    SpeakerType,
    Statement,
    StatementKind,
    StatementMode,
    without_surrogates,
)

MODEL = MODELS["fr"]
MODEL_MISSING = f"The spaCy model {MODEL} is not installed; run `make install` to install it."
PRONOUNS = {"il": "il", "elle": "elle", "ils": "il", "elles": "elle"}
TIMES = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier", "soir", "matin"}
LOOK_BACK = 200  # people named before a mention that it may refer back to
WINDOW = 12  # tokens after a closing quote mark (or before an opening one) where its cue may be
DIALOGUE = re.compile(r"^[ \t]*[—–][ \t\u00a0]*(?=\S)", re.MULTILINE)
QUOTE = re.compile(r"«([^«»]{1,5000})»|[“\"]([^“”\"\n]{1,2000})[”\"]")
CONFIDENCE = {"direct": 0.8, "indirect": 0.6, "selon": 0.6, "dialogue": 0.5}


@dataclass(frozen=True)
class _Found:
    """A statement before its speaker is resolved: content offsets, the cue, and the speaker's words."""

    kind: StatementKind
    content: tuple[tuple[int, int], ...]
    cue: Token | None
    source: SpacySpan | None
    confidence: float


@cache
def pipeline() -> Language:
    try:
        nlp = spacy.load(MODEL)
    except OSError as error:
        raise ModelError(MODEL_MISSING) from error
    nlp.add_pipe("onrecord_paragraph_breaks", before="parser")
    return nlp


@cache
def _cues() -> dict[str, str]:
    text = files("onrecord.data").joinpath("cues_fr.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {row[0]: row[1] for row in rows}


@cache
def _given_names() -> dict[str, str]:
    text = files("onrecord.data").joinpath("given_names_fr.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {row[0]: row[1] for row in rows}


def extract_french(text: str) -> list[Statement]:
    """Every statement in the French `text`, in order of appearance. Never raises for any input string."""
    if not text.strip():
        return []
    people = _People()
    statements: list[Statement] = []
    for base, doc in _parse(without_surrogates(text)):  # spaCy hashes words as UTF-8
        people.add(doc, base)
        for found in _statements_in(doc, text, base):
            statements.append(_statement(text, found, base, people))
            people.spoke(statements[-1], base + (found.content[0][0]))
    return sorted(statements, key=lambda s: (s.content[0].start, s.content[0].end))


def _parse(text: str) -> Iterator[tuple[int, Doc]]:
    nlp = pipeline()
    for start, end in chunks(text):
        yield start, nlp(text[start:end])


def _statements_in(doc: Doc, text: str, base: int) -> list[_Found]:
    chunk = doc.text
    quotes = [(q, CONFIDENCE["direct"]) for q in _quotes(chunk)]
    quotes += [(segments, CONFIDENCE["dialogue"]) for segments in _dialogue_lines(chunk)]
    found = [f for segments, sure in quotes if (f := _direct(doc, segments, sure)) is not None]
    covered = [(f.content[0][0], f.content[-1][1]) for f in found]
    for sentence in doc.sents:
        for item in (_indirect(sentence), _selon(sentence)):
            if item is not None and not _inside(item.content[0], covered):
                found.append(item)
    return sorted(found, key=lambda f: f.content[0])


def _inside(span: tuple[int, int], covered: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end + 1 for start, end in covered)


def _quotes(text: str) -> list[tuple[tuple[int, int], ...]]:
    """« … » (spaces inside, as French sets them), “ … ” and "…" pairs, outermost first; one quote a
    span (English `find_quotes` reads `»…«` as German quotes and wants no space inside the marks)."""
    found: list[tuple[int, int]] = []
    for match in QUOTE.finditer(text):
        start, end = match.span(1) if match.group(1) is not None else match.span(2)
        if not any(a <= start and end <= b for a, b in found):
            found.append((start, end))
    return [((start, end),) for start, end in sorted(found)]


def _dialogue_lines(text: str) -> list[tuple[tuple[int, int], ...]]:
    """`— Nous partirons demain, a dit le ministre.`: the line after a dialogue dash, as one segment
    (its incise is cut off by `_direct`)."""
    lines: list[tuple[tuple[int, int], ...]] = []
    for match in DIALOGUE.finditer(text):
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        lines.append(((match.end(), end),))
    return lines


def _direct(doc: Doc, segments: tuple[tuple[int, int], ...], sure: float) -> _Found | None:
    """A quotation with its cue: after it (`», a déclaré X`, `», a-t-elle assuré`), inside a dialogue
    line's incise, or before it (`X a déclaré : «`)."""
    start, end = segments[0][0], segments[-1][1]
    inner = doc.char_span(start, end, alignment_mode="expand")
    if inner is None or not inner.text.strip():
        return None
    incise = _cue_in(doc, range(inner.start + 1, inner.end), need_comma=True)
    if incise is not None and doc[incise.i - 1].idx > start:
        cut = _comma_before(doc, incise)
        segments = ((start, cut),)
    else:
        incise = _cue_after(doc, inner.end) or _cue_before(doc, inner.start)
    content = tuple(s for s in (_trim(doc.text, a, b) for a, b in segments) if s[1] > s[0])
    if not content or incise is None:
        return None  # no cue: a scare quote, a title, a continued dialogue line
    return _Found("direct", content, incise, _speaker_words(incise), sure)


def _cue_in(doc: Doc, indices: range, need_comma: bool = False) -> Token | None:
    for i in indices:
        token = doc[i]
        if _is_cue(token) and (not need_comma or _comma_before(doc, token) > 0):
            return token
    return None


def _comma_before(doc: Doc, cue: Token) -> int:
    """The offset of the comma just before a cue (and its auxiliary, clitic or adverb), or 0 when none."""
    i = cue.i - 1
    while i >= 0 and i >= cue.i - 4:
        if doc[i].text == ",":
            return doc[i].idx
        if doc[i].is_punct:
            return 0
        i -= 1
    return 0


def _cue_after(doc: Doc, end: int) -> Token | None:
    stop = min(len(doc), end + WINDOW)
    for i in range(end, stop):
        if (doc[i].is_sent_start and i > end + 1) or doc[i].text in ("«", "“"):
            return None
        if _is_cue(doc[i]):
            return doc[i]
    return None


def _cue_before(doc: Doc, start: int) -> Token | None:
    """`X a déclaré : « …`: a cue within a few words before the colon before the opening mark (without
    the colon it is a scare quote: `jugé « vert »`)."""
    colon = False
    for i in range(start - 1, max(-1, start - 6), -1):
        colon = colon or doc[i].text == ":"
        if colon and _is_cue(doc[i]):
            return doc[i]
        if doc[i].is_sent_start or doc[i].text in (".", "»", "”"):
            return None
    return None


def _is_cue(token: Token) -> bool:
    return token.lemma_.lower() in _cues() and token.pos_ in ("VERB", "AUX", "NOUN", "ADJ", "PROPN")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "«»“”—–"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "«»“”,"):
        end -= 1
    return start, end


def _indirect(sentence: SpacySpan) -> _Found | None:
    """`X a déclaré (mardi) que …`, `X estime qu'…`: the clause after `que` to the sentence end."""
    doc = sentence.doc
    for token in sentence:
        if not _is_cue(token):
            continue
        for i in range(token.i + 1, min(sentence.end, token.i + 4)):
            if doc[i].lower_ in ("que", "qu'", "qu’"):
                end = _sentence_end(sentence)
                if i + 1 >= end:
                    return None
                content = _trim(doc.text, doc[i + 1].idx, doc[end - 1].idx + len(doc[end - 1]))
                quoted = any(t.text in ("«", "“") for t in doc[i + 1 : end])
                kind: StatementKind = "mixed" if quoted else "indirect"
                return _Found(kind, (content,), token, _subject(token), CONFIDENCE["indirect"])
            if doc[i].is_punct:
                break
    return None


def _selon(sentence: SpacySpan) -> _Found | None:
    """`Selon le ministère, …` and `…, selon elle.`: the rest of the sentence, said by the words after
    `selon` (to the comma or the sentence end)."""
    doc = sentence.doc
    at = next((t for t in sentence if t.lower_ == "selon"), None)
    if at is None:
        return None
    end = _sentence_end(sentence)
    stop = next((t.i for t in doc[at.i + 1 : end] if t.text == ","), end)
    if stop <= at.i + 1:
        return None
    source = doc[at.i + 1 : stop]
    if at.i == sentence.start and stop + 1 < end:
        first, last = doc[stop + 1], doc[end - 1]
    elif at.i > sentence.start + 1:
        first, last = sentence[0], doc[at.i - 1]
    else:
        return None
    content = _trim(doc.text, first.idx, last.idx + len(last))
    if content[1] <= content[0]:
        return None
    return _Found("indirect", (content,), at, source, CONFIDENCE["selon"])


def _sentence_end(sentence: SpacySpan) -> int:
    """Index just past the sentence's last word (its final punctuation left out)."""
    end = sentence.end
    while end > sentence.start + 1 and (sentence.doc[end - 1].is_punct or sentence.doc[end - 1].is_space):
        end -= 1
    return end


def _speaker_words(cue: Token) -> SpacySpan | None:
    """Who an incise names: the clitic before the cue (`a-t-il dit`), the words after it (`a déclaré la
    ministre, Claire Martin`), or the cue's subject (`X a déclaré : «`)."""
    doc = cue.doc
    for i in range(cue.i - 1, max(-1, cue.i - 3), -1):
        if doc[i].lower_.lstrip("-") in PRONOUNS:
            return doc[i : i + 1]
    after = _words_after(cue)
    return after if after is not None else _subject(cue)


def _words_after(cue: Token) -> SpacySpan | None:
    """The words after an incise's cue, to the end of the clause: a comma ends them unless a name follows
    (`la ministre des Transports, Claire Martin`), so `la maire, qui a ajouté …` is `la maire`."""
    doc, i = cue.doc, cue.i + 1
    end = i
    while end < len(doc) and not _ends_words(doc, end, i):
        end += 1
    words = doc[i:end]
    return words if any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in words) else None


def _ends_words(doc: Doc, at: int, start: int) -> bool:
    token = doc[at]
    if token.text == ",":
        return at + 1 >= len(doc) or doc[at + 1].pos_ != "PROPN"
    if token.text in ("«", "“") or "\n" in token.text or (token.is_sent_start and at > start):
        return True
    return token.is_punct and token.text not in ("'", "’", "-")


def _subject(cue: Token) -> SpacySpan | None:
    """The cue's subject: the parse's `nsubj`, else the words from the sentence start to the cue."""
    for child in cue.children:
        if child.dep_ in ("nsubj", "nsubj:pass"):
            return cue.doc[child.left_edge.i : child.right_edge.i + 1]
    sentence = cue.sent
    words = cue.doc[sentence.start : cue.i]
    named = [t for t in words if t.pos_ in ("PROPN", "NOUN", "PRON")]
    return words if named else None


def _statement(text: str, found: _Found, base: int, people: _People) -> Statement:
    content = tuple(Span(base + s, base + e, text[base + s : base + e]) for s, e in found.content)
    cue = None
    if found.cue is not None:
        start = base + found.cue.idx
        cue = Span(start, start + len(found.cue), text[start : start + len(found.cue)])
    speaker = people.resolve(found.source, base, text)
    return Statement(
        id=stable_id(content),
        kind=found.kind,
        content=content,
        cue=cue,
        speaker=speaker,
        confidence=found.confidence if speaker.name else round(found.confidence / 2, 2),
        mode="attitude"
        if found.cue is not None and _cues().get(found.cue.lemma_) == "position"
        else "speech",
    )


def _mode(cue: Token | None) -> StatementMode:
    return "attitude" if cue is not None and _cues().get(cue.lemma_) == "position" else "speech"


@dataclass(frozen=True)
class _Person:
    start: int
    name: str
    role: str | None
    pronoun: str | None
    type: SpeakerType


class _People:
    """The people and organisations named in one article, in text order, for resolving speakers."""

    def __init__(self) -> None:
        self.named: list[_Person] = []
        self.starts: list[int] = []
        self.speakers: list[tuple[int, _Person]] = []

    def add(self, doc: Doc, base: int) -> None:
        for ent in doc.ents:
            if ent.label_ in ("PER", "ORG"):
                person = self._person(ent, base)
                self.named.append(person)
                self.starts.append(person.start)

    def _person(self, ent: SpacySpan, base: int) -> _Person:
        kind: SpeakerType = "person" if ent.label_ == "PER" else "organization"
        start, name = base + ent.start_char, ent.text.strip()
        earlier = self.earlier(name, start) if kind == "person" else None
        if earlier is not None:
            return _Person(start, earlier.name, earlier.role, earlier.pronoun, kind)
        role = _role_of(ent) if kind == "person" else None
        return _Person(start, name, role, _pronoun_of(name, ent), kind)

    def earlier(self, name: str, at: int) -> _Person | None:
        """`Martin` after `Claire Martin` is Claire Martin."""
        if " " in name:
            return None
        for person in self.before(at):
            if person.name.split()[-1] == name:
                return person
        return None

    def before(self, at: int) -> list[_Person]:
        """The last `LOOK_BACK` people named before `at`, latest first (a long text stays linear)."""
        end = bisect_left(self.starts, at)
        return self.named[max(0, end - LOOK_BACK) : end][::-1]

    def spoke(self, statement: Statement, at: int) -> None:
        if statement.speaker.name and statement.speaker.type == "person":
            named_by = statement.speaker.mention.end if statement.speaker.mention else at
            match = next((p for p in self.before(named_by + 1) if p.name == statement.speaker.name), None)
            if match is not None:
                self.speakers.append((at, match))

    def resolve(self, source: SpacySpan | None, base: int, text: str) -> Speaker:
        if source is None:
            return Speaker(name=None)
        start, end = base + source.start_char + source.text.startswith("-"), base + source.end_char
        mention = Span(start, end, text[start:end])
        word = source.text.lower().lstrip("-").strip()
        if word in PRONOUNS:
            person = self._pronoun(PRONOUNS[word], start)
            if person is None:
                return Speaker(name=None, type="person", mention=mention)
            return Speaker(person.name, person.type, person.role, mention)
        ents = sorted((e for e in source.ents if e.label_ in ("PER", "ORG")), key=lambda e: e.label_ != "PER")
        if ents:
            at = bisect_left(self.starts, base + ents[0].start_char)
            person = self.named[at] if at < len(self.named) else self._person(ents[0], base)
            first = next(
                t for t in source if t.pos_ in ("DET", "NOUN", "PROPN", "PRON") and t.lower_ not in TIMES
            )
            start, end = base + min(first.idx, ents[0].start_char), base + ents[0].end_char
            return Speaker(person.name, person.type, person.role, Span(start, end, text[start:end]))
        return self._described(source, mention)

    def _described(self, source: SpacySpan, mention: Span) -> Speaker:
        """`le ministère des Armées`, `le préfet`: the person named earlier with that role, else the words."""
        words = [t for t in source if t.pos_ not in ("DET", "ADV", "ADP") or t.i > source.start + 1]
        head = next((t for t in words if t.pos_ == "NOUN"), None)
        if head is None:
            return Speaker(name=None, mention=mention)
        for person in self.before(mention.start):
            if person.role and head.lower_ in person.role.lower().split():
                return Speaker(person.name, person.type, person.role, mention)
        text = source.text.strip(" ,")
        for determiner in ("le ", "la ", "les ", "l'", "l’"):
            text = text[len(determiner) :] if text.lower().startswith(determiner) else text
        return Speaker(name=text, type="unknown", mention=mention)

    def _pronoun(self, pronoun: str, at: int) -> _Person | None:
        """`il`/`elle`: the last speaker of that gender before `at`, else the last person so named."""
        for start, person in reversed(self.speakers[-LOOK_BACK:]):
            if start < at and person.pronoun in (None, pronoun):
                return person
        for person in self.before(at):
            if person.type == "person" and person.pronoun in (None, pronoun):
                return person
        return None


def _role_of(ent: SpacySpan) -> str | None:
    """`la ministre de l'Intérieur, Claire Martin` or `Paul Dubois, maire de Lyon,`: the role beside it."""
    doc = ent.doc
    root = ent.root
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < ent.start:
        head = root.head
        return _without_determiner(doc[head.left_edge.i : ent.start].text.strip(" ,"))
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i >= ent.end:
            return _without_determiner(doc[child.left_edge.i : child.right_edge.i + 1].text.strip(" ,"))
    after = doc[ent.end : ent.end + 2]
    if len(after) == 2 and after[0].text == "," and after[1].pos_ == "NOUN":
        end = next((t.i for t in doc[ent.end + 1 : ent.end + 12] if t.is_punct and t.text not in "'’-"), None)
        return doc[ent.end + 1 : end].text if end is not None else None
    before = doc[max(0, ent.start - 3) : ent.start]
    nouns = [t for t in before if t.pos_ == "NOUN"]
    return nouns[-1].text if nouns and nouns[-1].i == ent.start - 1 else None


def _without_determiner(text: str) -> str:
    for determiner in ("le ", "la ", "les ", "l'", "l’", "un ", "une "):
        if text.lower().startswith(determiner):
            return text[len(determiner) :]
    return text


def _pronoun_of(name: str, ent: SpacySpan) -> str | None:
    """`elle` for Claire Martin (the given name) or `la ministre` (the role's determiner)."""
    given = _given_names().get(name.split()[0].lower())
    if given:
        return given
    before = ent.doc[max(0, ent.start - 6) : ent.start]
    articles = [t.lower_ for t in before if t.pos_ == "DET"]
    if articles:
        return {"la": "elle", "le": "il"}.get(articles[-1])
    return None
