"""Indirect and mixed speech: a cue verb, its subject, and the clause it governs."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from onrecord.extraction.candidates import Candidate
from onrecord.extraction.cues import cue_class, phrase_end, subject_of

XCOMP_CUES = {
    "want",
    "hope",
    "plan",
    "intend",
    "expect",
    "promise",
    "vow",
    "pledge",
    "threaten",
    "refuse",
    "decline",
    "urge",
    "wish",
    "agree",
    "call",
    "ask",
    "push",
}
TRIM = set(" \t\n,.;:—–-")
EXPLETIVES = {"it", "there"}


def indirect_candidates(doc: Doc, inside: list[bool]) -> list[Candidate]:
    """Candidates for reported speech; `inside` marks tokens within quotation marks."""
    found: list[Candidate] = []
    for token in doc:
        if inside[token.i]:
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            candidate = _according_to(doc, token)
        else:
            candidate = _reported(doc, token, inside)
        if candidate is not None:
            found.append(candidate)
    return found


def _reported(doc: Doc, verb: Token, inside: list[bool]) -> Candidate | None:
    cls = cue_class(verb)
    if cls is None:
        return None
    content = _complement(verb, cls)
    if content is None:
        return None
    subject = subject_of(verb)
    if subject is None or subject.lower_ in EXPLETIVES or verb.dep_ == "auxpass":
        return None
    start, end = _content_bounds(content)
    if (subject.i >= start and subject.i < end) or end - start < 3:
        return None
    quoted = sum(inside[i] for i in range(start, end))
    if quoted > 0.6 * (end - start):
        return None
    kind = "mixed" if quoted else "indirect"
    cue_end = doc[phrase_end(verb) - 1]
    span = _char_span(doc, start, end)
    if span is None:
        return None
    confidence = 0.8 if cls == "speech" else 0.6
    return Candidate(
        kind, [span], (verb.idx, cue_end.idx + len(cue_end)), doc[subject.i : subject.i + 1], confidence
    )


def _complement(verb: Token, cls: str) -> list[Token] | None:
    """The tokens of the clause a cue governs, without a leading `that`."""
    cue_end = phrase_end(verb)
    for child in verb.children:
        if (
            child.dep_ == "ccomp"
            or (child.dep_ == "xcomp" and verb.lemma_ in XCOMP_CUES)
            or _fronted(child, cls)
        ):
            return [t for t in child.subtree if not _is_that(t, child) and not verb.i <= t.i < cue_end]
    if verb.lemma_ in _object_cues() or cue_class_phrase(verb):
        for child in verb.children:
            if child.dep_ in ("dobj", "prep") and child.i > verb.i:
                tokens = list(child.subtree)
                if child.dep_ == "prep":
                    tokens = tokens[1:]
                if len(tokens) >= 2:
                    return tokens
    return None


def _is_that(token: Token, clause: Token) -> bool:
    return token.dep_ == "mark" and token.lower_ == "that" and token.head.i == clause.i


def _fronted(clause: Token, cls: str) -> bool:
    """`Y, X said`: a clause before the subject that the parser attached as an adverbial."""
    if cls != "speech" or clause.dep_ != "advcl" or clause.i > clause.head.i:
        return False
    return (
        not any(c.dep_ == "mark" for c in clause.children) and clause.doc[clause.right_edge.i + 1].text == ","
    )


def cue_class_phrase(verb: Token) -> bool:
    return phrase_end(verb) > verb.i + 1


def _object_cues() -> frozenset[str]:
    from onrecord.extraction.lexicon import lexicon

    return lexicon().object_cues


def _content_bounds(tokens: list[Token]) -> tuple[int, int]:
    ordered = sorted(t.i for t in tokens if not (t.dep_ == "mark" and t.lower_ == "that"))
    start, end = ordered[0], ordered[-1] + 1
    return start, end


def _char_span(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    text = doc.text
    while first < last and text[first] in TRIM:
        first += 1
    while last > first and text[last - 1] in TRIM:
        last -= 1
    return (first, last) if last - first >= 3 else None


def _according_to(doc: Doc, according: Token) -> Candidate | None:
    """`According to X, Y` and `Y, according to X`: X is the source, the rest of the clause the content."""
    to = doc[according.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = set(t.i for t in according.subtree) | set(t.i for t in to.subtree) | {according.i}
    sent = according.sent
    rest = [t.i for t in sent if t.i not in phrase and not t.is_punct]
    if len(rest) < 3:
        return None
    span = _char_span(doc, rest[0], rest[-1] + 1)
    if span is None:
        return None
    cue = (according.idx, to.idx + len(to))
    return Candidate("indirect", [span], cue, doc[source.i : source.i + 1], 0.7)
