"""A small invented record about one proposition, for the stance tests: dated articles with a real shift,
a description of a past stance (dated and undated), a second-hand report, and unrelated statements.

Stances that the tests rely on are set by marks (a person's judgement), so the shift logic is tested
whatever the classifier says; the classifier's own behaviour is tested on the seed article.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from onrecord.records import Statement
from record_factory import add_article, said

PROPOSITION = "Port Ellery should build the tidal barrage across the estuary"


@dataclass(frozen=True)
class Story:
    text: str
    published: str
    statements: tuple[tuple[str, str | None, str], ...]
    """(quote, speaker, speaker type) in the text."""


STORIES = (
    Story(
        "Barrage plan wins backing\n\n"
        '"We must build the tidal barrage across the estuary now," said Clara Voss, the mayor of Port '
        "Ellery. The council will vote in May.\n",
        "2023-03-14",
        (("We must build the tidal barrage across the estuary now", "Clara Voss", "person"),),
    ),
    Story(
        "Mayor turns on barrage\n\n"
        "Port Ellery's mayor has changed course. "
        '"The tidal barrage would be a costly mistake and we should not build it," said Clara Voss.\n',
        "2024-06-02",
        (("The tidal barrage would be a costly mistake and we should not build it", "Clara Voss", "person"),),
    ),
    Story(
        "Councillor attacks barrage\n\n"
        '"The estuary barrage is a waste of money and must be stopped," said Dmitri Hale, a councillor.\n',
        "2024-02-10",
        (("The estuary barrage is a waste of money and must be stopped", "Dmitri Hale", "person"),),
    ),
    Story(
        "A long fight over the estuary\n\n"
        "The estuary has divided the town for years. "
        "In 2019 Dmitri Hale called the tidal barrage the only sensible plan for the estuary. "
        "Hale had long supported a barrage of some kind, he said. "
        '"The estuary needs protection," said Clara Voss.\n',
        "2024-07-20",
        (
            ("the tidal barrage the only sensible plan for the estuary", "Dmitri Hale", "person"),
            ("a barrage of some kind", "Dmitri Hale", "person"),
            ("The estuary needs protection", "Clara Voss", "person"),
        ),
    ),
    Story(
        "Gazette: mayor lobbied for barrage\n\n"
        "The Ellery Gazette reported that Clara Voss was pushing the council to build the tidal barrage. "
        '"I will not comment on reports," said Clara Voss.\n',
        "2023-04-02",
        (
            ("Clara Voss was pushing the council to build the tidal barrage", "The Ellery Gazette", "media"),
            ("I will not comment on reports", "Clara Voss", "person"),
        ),
    ),
    Story(
        "Fishermen back the barrage\n\n"
        '"The tidal barrage will protect our homes," said Tomas Reyes, a fisherman.\n',
        "2023-05-01",
        (("The tidal barrage will protect our homes", "Tomas Reyes", "person"),),
    ),
    Story(
        "Harbour Post: fisherman turns\n\n"
        "The Harbour Post reported that Tomas Reyes no longer wanted the tidal barrage built.\n",
        "2024-03-01",
        (("Tomas Reyes no longer wanted the tidal barrage built", "The Harbour Post", "media"),),
    ),
    Story(
        "Bakery prize\n\n"
        '"Our sourdough won because we never rush the rise," said Ilse Brandauer, who runs the bakery.\n',
        "2024-01-05",
        (("Our sourdough won because we never rush the rise", "Ilse Brandauer", "person"),),
    ),
)


def build(conn: sqlite3.Connection) -> dict[str, int]:
    """Store the stories (without embeddings, as a store made before stance); statement ids by quote."""
    for number, story in enumerate(STORIES):
        statements: list[Statement] = [
            said(story.text, quote, name, kind)  # type: ignore[arg-type]
            for quote, name, kind in story.statements
        ]
        add_article(conn, story.text, statements, source=f"story-{number}.txt", published=story.published)
    rows = conn.execute("SELECT id, text FROM statements").fetchall()
    return {text: int(sid) for sid, text in rows}


def marks(ids: dict[str, int]) -> dict[int, str]:
    """A person's judgements of the statements the shift tests rely on."""
    labels = {
        "We must build the tidal barrage across the estuary now": "support",
        "The tidal barrage would be a costly mistake and we should not build it": "oppose",
        "The estuary barrage is a waste of money and must be stopped": "oppose",
        "the tidal barrage the only sensible plan for the estuary": "support",
        "a barrage of some kind": "support",
        "Clara Voss was pushing the council to build the tidal barrage": "support",
        "Our sourdough won because we never rush the rise": "irrelevant",
        "The tidal barrage will protect our homes": "support",
        "Tomas Reyes no longer wanted the tidal barrage built": "oppose",
        "The estuary needs protection": "neutral",
        "I will not comment on reports": "neutral",
    }
    return {ids[text]: label for text, label in labels.items()}
