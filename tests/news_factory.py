"""Invented news articles for the ingest tests: every one distinct, with statements the extractor finds."""

from __future__ import annotations

import random
from pathlib import Path

TOWNS = [
    "Quillbury",
    "Marrowfield",
    "Ostbrook",
    "Linden Cross",
    "Havelport",
    "Greywater",
    "Tamsworth",
    "Elmstead",
]
PEOPLE = ["Odile Marsh", "Ivo Brandling", "Greta Holloway", "Samir Qadri", "Nell Ambrose", "Tobias Wren"]
THINGS = [
    "ferry",
    "bridge",
    "library",
    "tram line",
    "flood wall",
    "clinic",
    "market hall",
    "bus depot",
    "harbour",
]
ACTIONS = ["be rebuilt", "close for repairs", "reopen", "get new funding", "be sold", "double its hours"]
WHEN = ["by spring", "next year", "before the election", "within weeks", "after the audit", "this summer"]
ADJECTIVES = ["angry", "patient", "tired", "hopeful", "worried", "delighted"]


def article_text(number: int) -> str:
    """A short invented article, different in most of its words from any other number."""
    pick = random.Random(number)
    town = pick.choice(TOWNS)
    first, second = pick.sample(PEOPLE, 2)
    thing, other = pick.sample(THINGS, 2)
    return (
        f"{town} council meets over the {thing} (report {number})\n\n"
        f"Councillors in {town} spent {number + 2} hours on Monday debating the {thing}.\n"
        f'"People here are {pick.choice(ADJECTIVES)} and they deserve an answer," said {first}, '
        f"who chairs the committee.\n"
        f"{second} said the {other} would {pick.choice(ACTIONS)} {pick.choice(WHEN)}.\n"
        f"The budget for item {number * 7 + 3} was {pick.randint(10, 999)},000 crowns.\n"
    )


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"article-{number:04d}.txt"
        path.write_text(article_text(number), encoding="utf-8")
        paths.append(path)
    return paths
