"""Linguistic knowledge loaded from the data files in `onrecord/data` (one entry a line, easy to extend)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Lexicon:
    cue_class: dict[str, str]
    clause_cues: frozenset[str]
    object_cues: frozenset[str]
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    media_words: tuple[str, ...]
    pronouns: frozenset[str]
    honorifics: frozenset[str]
    org_words: frozenset[str]
    given_names: dict[str, str]
    deeds: frozenset[str]
    name_aliases: dict[str, str]


def _rows(name: str) -> list[list[str]]:
    text = files("onrecord.data").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def lexicon() -> Lexicon:
    """The lexicon, read once per process."""
    cues = _rows("cues.tsv")
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for lemma, words, cls in _rows("phrases.tsv"):
        phrases.setdefault(lemma, []).append((tuple(words.split()), cls))
    return Lexicon(
        cue_class={row[0]: row[1] for row in cues},
        clause_cues=frozenset(row[0] for row in cues if row[2] == "yes"),
        object_cues=frozenset(row[0] for row in cues if row[3] == "yes"),
        phrases={lemma: tuple(entries) for lemma, entries in phrases.items()},
        media_words=tuple(row[0].lower() for row in _rows("media.txt")),
        pronouns=frozenset(row[0] for row in _rows("pronouns.txt")),
        honorifics=frozenset(row[0].rstrip(".") for row in _rows("name_titles.txt")),
        org_words=frozenset(row[0].lower() for row in _rows("org_words.txt")),
        given_names={row[0]: row[1] for row in _rows("given_names.tsv")},
        deeds=frozenset(row[0] for row in _rows("deeds.txt")),
        name_aliases={row[0]: row[1] for row in _rows("name_aliases.tsv")},
    )
