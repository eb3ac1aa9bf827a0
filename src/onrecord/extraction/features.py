"""The token features the attribution tagger reads, copied onto a Doc without sentence boundaries.

spaCy's entity recogniser never lets an entity cross a sentence boundary, but reported speech often runs
over several sentences. The tagger therefore reads a copy of the parsed Doc: the same words and fine tags,
with the syntax it needs folded into two token attributes the tagger embeds and the copy has no other use
for: LEMMA holds the dependency label, the side the head is on and the head's coarse tag; MORPH holds the
word governing the token's clause (`said` for every word of `... said that taxes would rise`).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

CLAUSE_LABELS = frozenset({"ROOT", "ccomp", "xcomp", "parataxis", "advcl", "relcl", "acl", "conj", "pcomp"})


def feature_doc(doc: Doc) -> Doc:
    """A copy of `doc` with words, spaces, fine tags and syntax features only (no sentences, no entities)."""
    return Doc(
        doc.vocab,
        words=[t.text for t in doc],
        spaces=[bool(t.whitespace_) for t in doc],
        tags=[t.tag_ or "_" for t in doc],
        lemmas=[_syntax(t) for t in doc],
        morphs=[f"Gov={_governor(t)}" for t in doc],
    )


def _syntax(token: Token) -> str:
    if token.head.i == token.i:
        return f"{token.dep_ or 'dep'}_root"
    side = "left" if token.head.i < token.i else "right"
    return f"{token.dep_ or 'dep'}_{side}_{token.head.pos_ or 'X'}"


def _governor(token: Token) -> str:
    """The word the token's clause depends on (`said`, `according`), or `none` at the top of a sentence."""
    clause = token
    for _ in range(50):  # parse trees are shallow; the bound guards against a malformed one
        if clause.dep_ in CLAUSE_LABELS or clause.head.i == clause.i:
            break
        clause = clause.head
    if clause.head.i == clause.i:
        return "none"
    head = clause.head
    word = head.lemma_ if head.pos_ in ("VERB", "AUX") and head.lemma_ else head.lower_
    return "".join(c for c in word if c.isalnum()) or "none"
