"""Where the extractor still fails on a PolNeAR split, counted by category (the README's error analysis).

    .venv/bin/python tools/error_analysis.py ../shared/polnear/dev [--fast]

Gold relations are missed (no prediction overlaps them at all, or one does with Jaccard < 0.5), found with
the wrong speaker, or found with a name that fails the recipe's last-word test; predictions that match no
gold relation are counted by where they came from (uncalibrated confidence 0.55: only the tagger found them).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from onrecord.evaluation.polnear import (
    GoldDocument,
    char_set,
    load_split,
    match_contents,
    name_correct,
    quote_type,
    quoted_indices,
    source_last_word,
    speaker_correct,
)
from onrecord.extraction import uncalibrated
from onrecord.extraction.tagger import TAGGER_CONFIDENCE
from onrecord.records import Statement

APPOSITIVE_WORDS = (",", "(", " who ", " of ", " at ", " for ", " from ")


def main(argv: list[str]) -> None:
    fast = "--fast" in argv
    counts: Counter[str] = Counter()
    for document in load_split(Path(next(a for a in argv if not a.startswith("--")))):
        count_document(document, uncalibrated(document.text, fast=fast), counts)
    for key, value in sorted(counts.items()):
        print(f"{key}\t{value}")


def count_document(document: GoldDocument, predictions: list[Statement], counts: Counter[str]) -> None:
    text, gold = document.text, document.relations
    gold_sets = [char_set(text, r.content) for r in gold]
    predicted_sets = [char_set(text, s.content) for s in predictions]
    pairs = match_contents(gold_sets, predicted_sets)
    matched_gold, matched_predictions = {g for g, _ in pairs}, {p for _, p in pairs}
    quoted = quoted_indices(text)
    for g, relation in enumerate(gold):
        if g not in matched_gold:
            touched = any(gold_sets[g] & p for p in predicted_sets)
            kind = quote_type(text, relation.content, quoted)
            counts[f"missed/{'boundaries (Jaccard < 0.5)' if touched else 'no overlap'}/{kind}"] += 1
    for p, statement in enumerate(predictions):
        if p not in matched_predictions:
            origin = "tagger only" if statement.confidence == TAGGER_CONFIDENCE else "rules"
            counts[f"false positive/{origin}"] += 1
    for g, p in pairs:
        counts[_speaker_category(text, document, g, predictions[p])] += 1
        last = source_last_word(gold[g])
        if last is not None and not name_correct(last, predictions[p].speaker):
            counts[f"name miss/{_name_category(text, document, g, predictions[p])}"] += 1


def _speaker_category(text: str, document: GoldDocument, g: int, statement: Statement) -> str:
    relation, mention = document.relations[g], statement.speaker.mention
    if speaker_correct(text, relation, statement.speaker):
        return "found/speaker right"
    if not relation.source:
        return "found/speaker wrong/gold has no source, a mention was given"
    if mention is None:
        return "found/speaker wrong/no mention predicted"
    return "found/speaker wrong/another mention"


def _name_category(text: str, document: GoldDocument, g: int, statement: Statement) -> str:
    relation = document.relations[g]
    source = " ".join(s.text for s in relation.source)
    if not speaker_correct(text, relation, statement.speaker):
        return "wrong or no mention"
    if any(word in source for word in APPOSITIVE_WORDS):
        return "gold source ends in an appositive or modifier (last word not a name)"
    if statement.speaker.name is None:
        return "mention right, name unresolved"
    if source[:1].islower() or source.split()[0].lower() in ("a", "an", "the", "some", "many", "most"):
        return "gold source is a description"
    return "other"


if __name__ == "__main__":
    main(sys.argv[1:])
