"""French statements (onrecord.extraction.french): the acceptance article in samples/, a table of
team-written snippets (text -> speaker, cue, content) with negatives, and no input that makes it raise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.cli import main
from onrecord.extraction import extract
from onrecord.pipeline import extract_paths
from onrecord.records import Article, Statement

SAMPLE = Path(__file__).parent.parent / "samples" / "fr" / "valmont-pont.txt"

# (kind, start of the content, cue, speaker name, mention)
EXPECTED = [
    (
        "direct",
        "Nous ne laisserons pas",
        "déclaré",
        "Claire Martin",
        "la ministre des Transports, Claire Martin",
    ),
    ("indirect", "l'État financerait", "ajouté", "Claire Martin", "Elle"),
    ("indirect", "les travaux commenceraient", "déclaré", "Paul Dubois", "Le maire de Valmont, Paul Dubois"),
    ("direct", "La ville est prête", "affirmé", "Paul Dubois", "Il"),
    (
        "indirect",
        "la circulation restera",
        "Selon",
        "ministère de l'Intérieur",
        "le ministère de l'Intérieur",
    ),
    ("direct", "Nous attendons des garanties", "dit", "Sophie Lambert", "Sophie Lambert"),
    ("direct", "Rien n'est encore décidé", "assuré", "Sophie Lambert", "elle"),
    ("indirect", "le calendrier était réaliste", "estimé", "Claire Martin", "Martin"),
]


@pytest.fixture(scope="module")
def sample() -> tuple[Article, list[Statement]]:
    results = list(extract_paths([str(SAMPLE)]))
    assert len(results) == 1 and isinstance(results[0], tuple), results
    return results[0]


def test_the_french_article_is_read_as_french(sample: tuple[Article, list[Statement]]) -> None:
    article, _ = sample
    assert article.language == "fr"
    assert article.title == "Le pont de Valmont fermé aux camions jusqu'à l'été"


def test_the_french_article_gives_its_statements_and_speakers(
    sample: tuple[Article, list[Statement]],
) -> None:
    article, statements = sample
    found = [
        (s.kind, s.content[0].text, s.cue.text if s.cue else None, s.speaker.name, s.speaker.mention)
        for s in statements
    ]
    assert len(found) == len(EXPECTED), found
    for (kind, content, cue, name, mention), statement in zip(EXPECTED, found, strict=True):
        assert statement[0] == kind and statement[1].startswith(content), statement
        assert (statement[2], statement[3]) == (cue, name), statement
        assert statement[4] is not None and statement[4].text == mention, statement
    for statement in statements:  # every span slices its text out of the article
        for span in (*statement.content, statement.cue, statement.speaker.mention):
            assert span is not None and article.text[span.start : span.end] == span.text


def test_roles_and_kinds_of_the_speakers(sample: tuple[Article, list[Statement]]) -> None:
    _, statements = sample
    roles = {s.speaker.name: (s.speaker.role, s.speaker.type) for s in statements}
    assert roles["Claire Martin"] == ("ministre des Transports", "person")
    assert roles["Paul Dubois"] == ("maire de Valmont", "person")
    assert roles["Sophie Lambert"] == ("porte-parole de l'association des riverains", "person")
    assert roles["ministère de l'Intérieur"] == (None, "organization")


def test_the_output_contract_says_fr() -> None:
    result = CliRunner().invoke(main, ["extract", str(SAMPLE), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[-1])
    assert record["language"] == "fr" and len(record["statements"]) == len(EXPECTED)
    assert {s["speaker"]["name"] for s in record["statements"]} >= {"Claire Martin", "Paul Dubois"}


@pytest.mark.parametrize(
    ("text", "content", "cue", "name"),
    [
        ("« Le budget est prêt », a déclaré Jean Moreau.", "Le budget est prêt", "déclaré", "Jean Moreau"),
        ("Jean Moreau a déclaré : « Le budget est prêt. »", "Le budget est prêt.", "déclaré", "Jean Moreau"),
        ("Le syndicat a annoncé que la grève continuerait.", "la grève continuerait", "annoncé", "syndicat"),
        ("La grève continuera, selon Anne Roux.", "La grève continuera", "selon", "Anne Roux"),
        (
            "La déléguée Anne Roux a rencontré les grévistes lundi. « Nous tiendrons », a-t-elle dit.",
            "Nous tiendrons",
            "dit",
            "Anne Roux",
        ),
        (
            "Marc Petit est arrivé.\n— Nous partirons demain, a dit Marc Petit.",
            "Nous partirons demain",
            "dit",
            "Marc Petit",
        ),
    ],
)
def test_french_rules(text: str, content: str, cue: str, name: str) -> None:
    statements = extract(text, language="fr")
    assert len(statements) == 1, statements
    (statement,) = statements
    assert statement.content[0].text == content
    assert statement.cue is not None and statement.cue.text.lower() == cue
    assert statement.speaker.name == name


@pytest.mark.parametrize(
    "text",
    [
        "Le projet, jugé « vert » par ses auteurs, coûtera cher.",  # a scare quote
        "Elle a lu « Les Misérables » pendant l'été.",  # a title
        "Le pont a été fermé mardi pour des travaux.",  # no statement
    ],
)
def test_french_negatives(text: str) -> None:
    assert extract(text, language="fr") == []


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab «»“”"—–,.:\n selon a dit que il elle X'))))
def test_no_french_text_makes_it_raise(text: str) -> None:
    text = text.replace("X", "\ud800")  # a lone surrogate, as a JSON escape gives
    for statement in extract(text, language="fr"):
        assert all(text[s.start : s.end] == s.text for s in statement.content)
