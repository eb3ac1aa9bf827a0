"""Labelled premises for training and evaluating the stance classifier.

VAST dev (reader comments toward a topic phrase, ../shared/stance/vast_dev.csv) is split by topic into a
fixed training part and a held-out part; the team's written statements live in `data/written.tsv`.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from onrecord.stance.model import LABELS, Premise

VAST_LABELS = {"FAVOR": "support", "AGAINST": "oppose", "NONE": "neutral"}
HELD_OUT_SHARE = 5  # one topic in five (by a hash of its name) is held out of training
WRITTEN = "written.tsv"
csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class Example:
    proposition: str
    premise: Premise
    label: str  # one of LABELS
    source: str  # "vast" | "written" | "news"


def held_out_topic(topic: str) -> bool:
    """Whether a VAST topic is in the evaluation part (a fixed split: the same on every machine)."""
    digest = hashlib.sha256(topic.strip().lower().encode("utf-8")).digest()
    return digest[0] % HELD_OUT_SHARE == 0


def vast(path: Path, held_out: bool) -> list[Example]:
    """The rows of VAST dev whose topic is (held_out=True) or is not in the held-out part."""
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            topic, text, label = row["Target 1"], row["Tweet"], VAST_LABELS.get(row["Stance 1"].strip())
            if label is None or held_out_topic(topic) != held_out:
                continue
            premise = Premise(text=text, context=text, speaker=None, cue=None, embedding=None)
            examples.append(Example(topic, premise, label, "vast"))
    return examples


def written() -> list[Example]:
    """The team's written statements (proposition, speaker, cue, text, label), if the file is there."""
    resource = files("onrecord.stance.data").joinpath(WRITTEN)
    if not resource.is_file():
        return []
    examples = []
    for number, line in enumerate(resource.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 5 or cells[4].strip() not in LABELS:
            if number == 1 and cells[0] == "proposition":
                continue  # a header row
            raise ValueError(f"{WRITTEN} line {number} is not proposition, speaker, cue, text, label.")
        proposition, speaker, cue, text, label = (cell.strip() for cell in cells)
        premise = Premise(text=text, context=text, speaker=speaker or None, cue=cue or None, embedding=None)
        examples.append(Example(proposition, premise, label, "written"))
    return examples
