"""Count, on a PolNeAR split, how often each verb lemma is annotated as a cue, by complement type.

Used to extend `src/onrecord/data/cues.tsv` from the training split (never the test split):
    .venv/bin/python tools/cue_stats.py ../shared/polnear/train > cue_stats.tsv
Prints lemma, complement (clause|object|none), occurrences, times it was a gold cue, and the rate.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from onrecord.evaluation.polnear import load_split
from onrecord.extraction.nlp import pipeline

CLAUSE = {"ccomp", "xcomp"}
OBJECT = {"dobj", "prep"}


def main(split_dir: str) -> None:
    seen: Counter[tuple[str, str]] = Counter()
    cued: Counter[tuple[str, str]] = Counter()
    documents = load_split(Path(split_dir))
    texts = (d.text for d in documents)
    for document, doc in zip(documents, pipeline().pipe(texts, batch_size=16), strict=True):
        cue_chars = {i for r in document.relations for s in r.cue for i in range(s.start, s.end)}
        for token in doc:
            if token.pos_ != "VERB":
                continue
            deps = {c.dep_ for c in token.children}
            kind = "clause" if deps & CLAUSE else "object" if deps & OBJECT else "none"
            key = (token.lemma_.lower(), kind)
            seen[key] += 1
            cued[key] += token.idx in cue_chars
    for (lemma, kind), count in sorted(seen.items(), key=lambda kv: -cued[kv[0]]):
        if cued[(lemma, kind)]:
            print(f"{lemma}\t{kind}\t{count}\t{cued[(lemma, kind)]}\t{cued[(lemma, kind)] / count:.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
