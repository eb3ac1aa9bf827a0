"""One speaker per entity within an article (onrecord.extraction.unify), on the real extractor."""

from __future__ import annotations

import pytest

import onrecord
from onrecord.extraction.unify import name_key

GOVERNMENT = (
    "The U.S. government said the aid would continue. Later the US government said the aid was under "
    "review. The United States government added that nothing had changed. The White House said it agreed."
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("the U.S. government", "US government"),
        ("the United States government", "US government"),
        ("The European Union", "EU"),
        ("the Foreign Ministry", "Foreign Ministry"),
    ],
)
def test_one_organisation_written_two_ways_has_one_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("the White House", "US government"), ("USA Today", "US government"), ("Trust Bank", "US Bank")],
)
def test_different_organisations_keep_their_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize("fast", [False, True])
def test_an_article_names_one_government_once(fast: bool) -> None:
    statements = onrecord.extract(GOVERNMENT, fast=fast)
    names = {s.speaker.name for s in statements if s.speaker.name and "government" in s.speaker.name}
    assert names == {"U.S. government"}
    assert len([s for s in statements if s.speaker.name == "U.S. government"]) == 3


def test_the_white_house_stays_itself() -> None:
    statements = onrecord.extract(GOVERNMENT)
    assert any(s.speaker.name == "White House" for s in statements)


@pytest.mark.parametrize(
    ("text", "name", "others"),
    [
        ("Mr. Grassley and Mr. Leahy said the bill would pass.", "Grassley", ("Leahy",)),
        (
            "Senator Ana Ruiz and Senator Tom Hale said the vote would be close.",
            "Ana Ruiz",
            ("Tom Hale",),
        ),
        ("Senator Ana Ruiz said the vote would be close.", "Ana Ruiz", ()),
    ],
)
def test_coordinated_speakers_are_all_named(text: str, name: str, others: tuple[str, ...]) -> None:
    (statement,) = onrecord.extract(text)
    assert statement.speaker.name == name
    assert statement.speaker.co_speakers == others
