"""Recognising cues on the parse: single verbs from the lexicon and multi-word phrases."""

from __future__ import annotations

from spacy.tokens import Token

from onrecord.extraction.lexicon import lexicon

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
INHERIT = ("conj", "advcl", "xcomp", "acl", "relcl", "ccomp")
MODALS = {"can", "could", "may", "might", "must", "shall", "should", "will", "would", "'d", "'ll"}
QUESTION_MARKS = {"if", "whether"}
PERSONAL = {"he", "she", "i"}


def cue_class(token: Token) -> str | None:
    """The lexicon class of a verb used as a cue, or None when it is not one."""
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN"):
        return None
    lex = lexicon()
    found = lex.cue_class.get(token.lemma_.lower())
    if found:
        return found
    return phrase_class(token)


def mode_of(token: Token | None) -> str:
    """`attitude` when the cue verb reports a belief, wish or stance (a `position` cue), else `speech`."""
    if token is None:
        return "speech"
    found = lexicon().cue_class.get(token.lemma_.lower()) or phrase_class(token)
    return "attitude" if found == "position" else "speech"


def phrase_class(token: Token) -> str | None:
    """The class of the multi-word cue starting at `token` (`made it clear`), or None."""
    match = _phrase(token)
    return match[1] if match else None


def phrase_end(token: Token) -> int:
    """Token index just past the cue: `made it clear` ends after `clear`."""
    match = _phrase(token)
    return token.i + 1 + (len(match[0]) if match else 0)


def _phrase(token: Token) -> tuple[tuple[str, ...], str] | None:
    for words, cls in lexicon().phrases.get(token.lemma_.lower(), ()):
        following = [t.lower_ for t in token.doc[token.i + 1 : token.i + 1 + len(words)]]
        if following == list(words):
            return words, cls
    return None


def subject_of(verb: Token) -> Token | None:
    """The subject of a verb, climbing to the governing verb for `saying`, `and added`, `wants to`."""
    current = verb
    for _ in range(4):
        subjects = [c for c in current.children if c.dep_ in SUBJECTS]
        if current is verb and any(c.dep_ == "nsubjpass" for c in subjects):
            # `He was told that …`, `The vote is expected to …`: the grammatical subject is not the
            # speaker; the agent is (`was criticised by the union`), when there is one.
            agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            return agents[0] if agents else None
        if subjects:
            # `VARNHOLM, March 12 (Nordline) – Minister X said`: the subject nearest the verb wins.
            before = [c for c in subjects if c.i < current.i]
            return before[-1] if before else subjects[0]
        if current.dep_ == "relcl" and current.head.pos_ in ("NOUN", "PROPN"):
            return current.head
        if current.dep_ not in INHERIT or current.head is current:
            return None
        current = current.head
    return None


def happened(verb: Token) -> bool:
    """Whether the verb reports something that took place: finite, with no modal, not an infinitive
    (`allow Ukraine to attack`, `want to persuade`) and not in an if/whether clause (`asked if he could
    persuade`). An act is a cue only when it happened."""
    if verb.dep_ in ("xcomp", "pcomp"):
        return False
    for child in verb.children:
        if child.dep_ == "aux" and (child.lower_ in MODALS or child.lower_ == "to"):
            return False
        if child.dep_ == "mark" and child.lower_ in QUESTION_MARKS:
            return False
    return True


def verbal_act(verb: Token, subject: Token | None) -> bool:
    """An act (`attack`, `persuade`) reports words only when it happened, and, without a clause to
    report, only when a person did it: `Kovac attacked her opponent as a fraud`, not `Rebels attacked the
    convoy` nor `allow Ukraine to attack military positions`."""
    if not happened(verb):
        return False
    if any(c.dep_ in ("ccomp", "xcomp") for c in verb.children):
        return True
    return subject is not None and (
        subject.lower_ in PERSONAL or (subject.ent_type_ == "PERSON" and subject.pos_ == "PROPN")
    )
