"""One speaker per entity within an article: one name for an organisation however it is written, and
every speaker of a coordinated subject ("Mr. Grassley and Mr. Leahy said")."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from spacy.tokens import Span as SpacySpan

from onrecord.extraction.lexicon import lexicon
from onrecord.extraction.speakers import Entities
from onrecord.records import Statement

GROUPED = ("organization", "media", "unknown")


def one_name_per_entity(statements: list[Statement]) -> list[Statement]:
    """Statements whose organisation speakers are one entity written differently ("the U.S. government",
    "US government", "the United States government") all get the name the article writes first."""
    first: dict[str, str] = {}
    for statement in sorted(statements, key=_mention_start):
        name = statement.speaker.name
        if name and statement.speaker.type in GROUPED:
            first.setdefault(name_key(name), name)
    return [_renamed(s, first) for s in statements]


def name_key(name: str) -> str:
    """The form two names of one organisation share: lower case, no dots, no leading `the`, aliases
    (`united states` -> `us`) from name_aliases.tsv."""
    text = re.sub(r"^the\s+", "", name.lower().replace(".", "").strip())
    return " ".join(_aliases().sub(lambda m: lexicon().name_aliases[m.group(0)], text).split())


def co_speakers(entities: Entities, source: SpacySpan | None, base: int) -> tuple[str, ...]:
    """The names of the speakers coordinated with the first: `Leahy` in `Mr. Grassley and Mr. Leahy`."""
    if source is None:
        return ()
    doc = source.doc
    names = []
    for other in source.root.conjuncts:
        if other.i > source.root.i and other.pos_ in ("PROPN", "NOUN"):
            name = entities.resolve(doc[other.i : other.i + 1], base).name
            if name:
                names.append(name)
    return tuple(names)


def _renamed(statement: Statement, first: dict[str, str]) -> Statement:
    speaker = statement.speaker
    if not speaker.name or speaker.type not in GROUPED:
        return statement
    name = first.get(name_key(speaker.name), speaker.name)
    return statement if name == speaker.name else replace(statement, speaker=replace(speaker, name=name))


def _mention_start(statement: Statement) -> int:
    mention = statement.speaker.mention
    return mention.start if mention else statement.content[0].start


@cache
def _aliases() -> re.Pattern[str]:
    written = sorted(lexicon().name_aliases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in written) + r")(?!\w)")
