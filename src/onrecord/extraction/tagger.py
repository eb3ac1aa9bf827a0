"""The learned attribution tagger: loads the trained artefact and turns its spans into candidates.

The tagger (see `onrecord.training`) labels CONTENT, SOURCE and CUE spans on the feature copy of a parsed
chunk. Its content spans that no rule reports become candidates; each takes the nearest cue the tagger found
beside it, and as source that cue's subject (or possessor) by the parse, else the tagged source nearest it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan
from thinc.api import Config

from onrecord.extraction.candidates import Candidate
from onrecord.extraction.cues import QUESTION_MARKS, cue_class, mode_of, subject_of, verbal_act
from onrecord.extraction.features import feature_doc
from onrecord.extraction.lexicon import lexicon
from onrecord.models import CONFIG, ModelError, artefact_folder, check_artefact

REACH = 12  # tokens between a content span and the source or cue that goes with it
TAGGER_CONFIDENCE = 0.55  # a statement only the tagger found (rules give 0.9 down to 0.2)
# The tagger's threshold: its score for "no span starts here" is lowered by this much. Chosen on PolNeAR dev:
# indirect recall 62.1 -> 65.6 at the same extraction F1 (attribution F1 -0.2).
OUTSIDE_PENALTY = 0.6


@dataclass(frozen=True)
class Tagged:
    label: str
    start: int  # token indices into the chunk
    end: int


def _component_config(folder: Path) -> dict[str, Any]:
    config = Config().from_disk(folder / CONFIG, interpolate=False)
    section = dict(config["components"]["attribution"])
    section.pop("factory")
    return section


def load_tagger(nlp: Language, folder: Path | None = None) -> TrainablePipe:
    """The trained component, built from the training config and loaded from the checked artefact."""
    folder = folder or artefact_folder()
    check_artefact(folder)
    try:
        pipe = cast(
            TrainablePipe, nlp.add_pipe("ner", name="onrecord_attribution", config=_component_config(folder))
        )
        nlp.remove_pipe("onrecord_attribution")
        pipe.from_disk(folder, exclude=["vocab"])
    except (ValueError, KeyError, OSError) as error:
        raise ModelError(
            f"The attribution tagger in {folder} cannot be loaded; rebuild it with `make train`."
        ) from error
    for label in pipe.labels:
        nlp.vocab.strings.add(label)
    _lower_outside_score(pipe, OUTSIDE_PENALTY)
    return pipe


def _lower_outside_score(pipe: TrainablePipe, penalty: float) -> None:
    """Shift the output layer's bias for the "outside" action: more spans, more recall, less precision."""
    moves: Any = getattr(pipe, "moves", None)
    if moves is None or not pipe.model.has_ref("upper"):
        return
    names = [moves.get_class_name(i) for i in range(moves.n_moves)]
    upper = pipe.model.get_ref("upper")
    bias = upper.get_param("b").copy()
    bias[names.index("O")] -= penalty
    upper.set_param("b", bias)


def tag(pipe: TrainablePipe, doc: Doc) -> list[Tagged]:
    tagged = pipe(feature_doc(doc))
    return [Tagged(e.label_, e.start, e.end) for e in tagged.ents]


def combine(doc: Doc, tagged: list[Tagged], rules: list[Candidate], inside: list[bool]) -> list[Candidate]:
    """The rule candidates, then a candidate for each tagger content span that overlaps none of them.

    Reported speech takes the tagger's boundaries where they differ (it learnt where clauses end better
    than the parse shows); quotations keep the quotation marks'. A rule candidate with no source takes the
    source the tagger marked beside the same statement. A rule candidate the tagger saw no content in is
    kept at half its confidence.
    """
    contents = [(_chars(doc, t), t) for t in tagged if t.label == "CONTENT"]
    adopted: set[tuple[int, int]] = set()
    for candidate in rules:
        extent = _extent(candidate)
        overlapping = [(chars, span) for chars, span in contents if _overlap(chars, extent)]
        if not overlapping:
            candidate.confidence = round(candidate.confidence / 2, 2)
            continue
        best, span = max(overlapping, key=lambda pair: _agreement(pair[0], extent))
        if _agreement(best, extent) < 0.5:
            continue  # the tagger saw another statement there
        if candidate.kind != "direct" and best not in adopted:
            candidate.content = [best]
            adopted.add(best)
        if candidate.source is None:
            candidate.source = _as_span(doc, _nearest(span, tagged, "SOURCE"))
    found = (
        _candidate(doc, span, tagged, inside)
        for chars, span in contents
        if chars not in adopted and not any(_covers(chars, c) for c in rules)
    )
    return rules + [c for c in found if c is not None]


def _covers(chars: tuple[int, int], candidate: Candidate) -> bool:
    """Whether a rule candidate already reports the tagger's span: a quotation it overlaps at all, reported
    speech it mostly agrees with."""
    if candidate.kind == "direct":
        return _overlap(chars, _extent(candidate))
    return _agreement(chars, _extent(candidate)) >= 0.5


def _agreement(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap over union of two character ranges."""
    union = max(a[1], b[1]) - min(a[0], b[0])
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) / union if union else 0.0


def _chars(doc: Doc, tagged: Tagged) -> tuple[int, int]:
    last = doc[tagged.end - 1]
    return doc[tagged.start].idx, last.idx + len(last)


def _extent(candidate: Candidate) -> tuple[int, int]:
    return candidate.content[0][0], candidate.content[-1][1]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _candidate(doc: Doc, content: Tagged, tagged: list[Tagged], inside: list[bool]) -> Candidate | None:
    """A statement only the tagger found, or None when it is not worth reporting: a quotation (the rules
    already weighed every quotation mark: titles, nicknames, lyrics), under two words, with neither a cue
    nor a source beside it, or with a cue that introduces no statement (see `_introduces`)."""
    cue = _nearest(content, tagged, "CUE")
    if cue is not None and not _introduces(doc, cue, content):
        return None
    source = _cue_subject(doc, cue) or _as_span(doc, _nearest(cue or content, tagged, "SOURCE"))
    quoted = [inside[t.i] for t in doc[content.start : content.end] if not t.is_space]
    kind = "direct" if quoted and all(quoted) else "mixed" if any(quoted) else "indirect"
    words = sum(1 for t in doc[content.start : content.end] if t.is_alpha)
    if kind == "direct" or words < 2 or (cue is None and source is None):
        return None
    cue_chars = _chars(doc, cue) if cue else None
    head = _cue_verb(doc, cue) or (doc[cue.start : cue.end].root if cue else None)
    return Candidate(kind, [_chars(doc, content)], cue_chars, source, TAGGER_CONFIDENCE, mode_of(head))


def _introduces(doc: Doc, cue: Tagged, content: Tagged) -> bool:
    """Whether the tagger's cue can introduce its content: not a preposition phrase (`In a discussion
    about`: a topic; nor is the object of a preposition outside the cue), not a deed (`has adjusted its
    support`) nor an act that is not verbal (`to attack`), and not a question put to someone (`X was asked
    if …`, `asked by a reporter whether …`)."""
    words = doc[cue.start : cue.end]
    if words[0].pos_ == "ADP" and words[0].lower_ not in lexicon().cue_class:
        return False
    root = doc[content.start : content.end].root
    if root.dep_ == "pobj" and not cue.start <= root.head.i < cue.end:
        return False  # `In a discussion about X, he said …`: X is the topic, not what was said
    verb = _cue_verb(doc, cue)
    if verb is not None and verb.lemma_.lower() in lexicon().deeds:
        return False
    if verb is not None and cue_class(verb) == "act" and not verbal_act(verb, subject_of(verb)):
        return False
    if doc[content.start].lower_ in QUESTION_MARKS:
        asked = doc[content.start : content.end].root.head  # `was asked if …`: a question put to X
        return not (cue_class(asked) == "question" and not _active(asked))
    return True


def _cue_verb(doc: Doc, cue: Tagged | None) -> Token | None:
    """The main verb of the tagger's cue (`did not want` -> `want`), if it has one."""
    if cue is None:
        return None
    words = doc[cue.start : cue.end]
    return next((t for t in words if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")), None)


def _active(verb: Token) -> bool:
    """`X asked whether`, `has asked if`; not `X was asked`, `asked by a reporter if`."""
    deps = {c.dep_ for c in verb.children}
    if deps & {"nsubjpass", "auxpass", "agent"}:
        return False
    return verb.tag_ != "VBN" or "aux" in deps


def _nearest(content: Tagged, tagged: list[Tagged], label: str) -> Tagged | None:
    def gap(other: Tagged) -> int:
        return other.start - content.end if other.start >= content.end else content.start - other.end

    near = [t for t in tagged if t.label == label and 0 <= gap(t) <= REACH]
    return min(near, key=gap, default=None)


def _cue_subject(doc: Doc, cue: Tagged | None) -> SpacySpan | None:
    """Who the tagger's cue belongs to by the parse: a verb's subject (`he` in `he told reporters`), a
    noun's possessor (`Trump's` in `Trump's claim that`)."""
    if cue is None:
        return None
    words = doc[cue.start : cue.end]
    verbs = [t for t in words if t.pos_ in ("VERB", "AUX")]
    if verbs:
        subject = subject_of(verbs[0])
    else:
        subject = next((c for c in words.root.children if c.dep_ == "poss"), None)
    return doc[subject.i : subject.i + 1] if subject is not None else None


def _as_span(doc: Doc, tagged: Tagged | None) -> SpacySpan | None:
    return SpacySpan(doc, tagged.start, tagged.end) if tagged else None
