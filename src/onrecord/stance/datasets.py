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

from onrecord.records import Span
from onrecord.stance.context import statement_context
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


NEWS = "onrecord.evaluation.data.news_stance"
CUE_GAP = 40  # characters between a holder and its content read as the cue ("Trump said")


def _table(name: str) -> list[dict[str, str]]:
    lines = files(NEWS).joinpath(name).read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line.strip()]


def news_propositions() -> dict[str, str]:
    """The news set's propositions by id."""
    return {row["id"]: row["proposition"] for row in _table("propositions.tsv")}


def news(polnear: Path) -> list[Example]:
    """The team's labelled news statements, their text read from the PolNeAR articles in `polnear`.

    'irrelevant' counts as neutral (the classifier's three classes). Raises FileNotFoundError naming the
    first article that is missing."""
    propositions = news_propositions()
    articles: dict[Path, str] = {}
    examples = []
    for row in _table("labels.tsv"):
        path = polnear / row["split"] / "text" / Path(row["doc"]).name
        if path not in articles:
            with path.open(encoding="utf-8", newline="") as handle:
                articles[path] = handle.read()
        text = articles[path]
        start, end = int(row["content_start"]), int(row["content_end"])
        content = Span(start, end, text[start:end])
        premise = Premise(
            text=content.text,
            context=statement_context(text, [content]) or content.text,
            speaker=row["holder"] or None,
            cue=_cue(text, row, start, end),
            embedding=None,
        )
        label = "neutral" if row["label"] == "irrelevant" else row["label"]
        examples.append(Example(propositions[row["proposition_id"]], premise, label, "news"))
    return examples


def _cue(text: str, row: dict[str, str], start: int, end: int) -> str | None:
    """The few words between the holder and the content ("said", "told reporters"), when that close."""
    if not row["source_start"]:
        return None
    source_start, source_end = int(row["source_start"]), int(row["source_end"])
    gap = text[source_end:start] if source_end <= start else text[end:source_start]
    gap = " ".join(gap.replace("\u201c", " ").replace("\u201d", " ").replace('"', " ").split()).strip(" ,")
    return gap if 0 < len(gap) <= CUE_GAP else None
