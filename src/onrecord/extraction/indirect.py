"""Indirect and mixed speech: a cue verb, its subject, and the clause it governs."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from onrecord.extraction.candidates import Candidate
from onrecord.extraction.cues import cue_class, phrase_end, subject_of, verbal_act
from onrecord.extraction.doccache import sentence_of, text_of
from onrecord.extraction.lexicon import lexicon

XCOMP_CUES = {
    "want", "hope", "plan", "intend", "expect", "promise", "vow", "pledge", "threaten", "refuse",
    "decline", "urge", "wish", "agree", "call", "ask", "push",
}  # fmt: skip
TRIM = set(" \t\n,.;:—–-")
EXPLETIVES = {"there"}
OBJECT_DEPS = {"dobj", "prep", "oprd", "dative", "attr"}
SPEECH_DAYS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tonight",
}


def indirect_candidates(doc: Doc, inside: list[bool]) -> list[Candidate]:
    """Candidates for reported speech; `inside` marks tokens within quotation marks."""
    found: list[Candidate] = []
    for token in doc:
        if inside[token.i]:
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            candidate = _according_to(doc, token, inside)
        else:
            candidate = _reported(doc, token, inside)
        if candidate is not None:
            found.append(candidate)
    return found


def _reported(doc: Doc, verb: Token, inside: list[bool]) -> Candidate | None:
    cls = cue_class(verb)
    if cls is None or verb.dep_ == "auxpass":
        return None
    subject = subject_of(verb)
    if subject is None or subject.lower_ in EXPLETIVES or subject.dep_ == "expl":
        return None
    if cls == "act" and not verbal_act(verb, subject):
        return None
    if subject.lower_ == "it" and cls == "position":
        return None  # `it seems`, `it appears`: nobody holds that position
    tokens = _complement(verb, cls)
    if not tokens or subject.i in tokens or len(tokens) < 3:
        return None
    quoted = sum(inside[i] for i in tokens)
    if inside[tokens[0]] and quoted > 0.6 * len(tokens):
        return None  # a direct quotation with its cue: the direct rules own it
    spans = [s for s in (_char_span(doc, a, b) for a, b in _runs(tokens)) if s is not None]
    if not spans:
        return None
    cue_end = doc[phrase_end(verb) - 1]
    return Candidate(
        "mixed" if quoted else "indirect",
        spans,
        (verb.idx, cue_end.idx + len(cue_end)),
        doc[subject.i : subject.i + 1],
        0.8 if cls == "speech" else 0.6,
        "attitude" if cls == "position" else "speech",
    )


def _complement(verb: Token, cls: str) -> list[int]:
    """Indices of the tokens a cue governs, without a leading `that` or trailing `on Wednesday`."""
    cue_end = phrase_end(verb)
    clauses = [
        c for c in verb.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and verb.lemma_ in XCOMP_CUES)
    ]
    clauses = clauses or [c for c in verb.children if _fronted(c, cls)]
    if clauses:
        return _clause_tokens(clauses[0], skip=range(verb.i, cue_end))
    if verb.dep_ == "parataxis" and cls == "speech" and verb.head.i != verb.i:
        # `The goal, he said, is to forge a cease-fire`: the sentence around the cue is the content.
        around = set(range(verb.left_edge.i, verb.right_edge.i + 1))
        return [t.i for t in verb.head.subtree if (t.i not in around and not t.is_punct) or t.i > verb.i]
    if verb.lemma_ in lexicon().object_cues or cue_end > verb.i + 1:
        return _object_tokens(verb, cue_end)
    return []


def _clause_tokens(clause: Token, skip: range) -> list[int]:
    dropped = {t.i for child in _trailing_when(clause) for t in child.subtree}
    return sorted(t.i for t in clause.subtree if t.i not in skip and t.i not in dropped)


def _trailing_when(clause: Token) -> list[Token]:
    """Right-hand adjuncts that date the speech act rather than the claim: `on Wednesday`."""
    trailing = [c for c in clause.rights if not c.is_punct][-3:]
    for n, child in enumerate(trailing):
        if child.dep_ in ("prep", "npadvmod") and any(t.lower_ in SPEECH_DAYS for t in child.subtree):
            rest = trailing[n:]
            return rest if all(c.dep_ in ("prep", "npadvmod", "advmod") for c in rest) else []
    return []


def _object_tokens(verb: Token, cue_end: int) -> list[int]:
    """`denied the report`, `called the charges unsubstantiated`: the complements right of the cue."""
    rights = [c for c in verb.rights if c.i >= cue_end - 1 and c.dep_ in OBJECT_DEPS]
    if not rights or rights[0].dep_ not in ("dobj", "prep"):
        return []
    tokens = [t.i for child in rights for t in child.subtree if t.i >= cue_end]
    return tokens if len(tokens) >= 2 else []


def _fronted(clause: Token, cls: str) -> bool:
    """`Y, X said`: a clause before the subject that the parser attached as an adverbial."""
    if cls != "speech" or clause.dep_ != "advcl" or clause.i > clause.head.i:
        return False
    after = clause.right_edge.i + 1
    no_mark = not any(c.dep_ == "mark" for c in clause.children)
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children)
    return no_mark and has_subject and after < len(clause.doc) and clause.doc[after].text == ","


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of token indices as (start, end) pairs."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _char_span(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    text = text_of(doc)
    while first < last and text[first] in TRIM:
        first += 1
    while last > first and text[last - 1] in TRIM:
        last -= 1
    return (first, last) if last - first >= 3 else None


def _according_to(doc: Doc, according: Token, inside: list[bool]) -> Candidate | None:
    """`According to X, Y` and `Y, according to X`: X is the source, the rest of the clause the content."""
    to = doc[according.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = {t.i for t in according.subtree} | {t.i for t in to.subtree} | {according.i}
    rest = [t.i for t in sentence_of(according) if t.i not in phrase and not t.is_punct]
    if len(rest) < 3:
        return None
    span = _char_span(doc, rest[0], rest[-1] + 1)
    if span is None:
        return None
    cue = (according.idx, to.idx + len(to))
    kind = "mixed" if any(inside[i] for i in range(rest[0], rest[-1] + 1)) else "indirect"
    return Candidate(kind, [span], cue, doc[source.i : source.i + 1], 0.7)
