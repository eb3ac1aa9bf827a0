"""The seed acceptance test: the seed article ingested into a store (embeddings computed at ingest), then
asked about its proposition; and `--fast` ingest leaving the embeddings for the first question."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

import onrecord
from onrecord.ingest import ingest
from onrecord.stance import vectors
from onrecord.stance.records import StanceReport
from onrecord.store import open_store

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "article.txt"
PROPOSITION = "Ukraine should be allowed to strike targets on Russian territory with Western weapons"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not present")


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    summary = ingest([str(SEED)], str(path), workers=0)
    assert summary.statements > 0 and summary.notes == ()
    return path


@pytest.fixture(scope="module")
def report(seed_store: Path) -> StanceReport:
    return onrecord.stance(seed_store, PROPOSITION)


def test_ingest_stores_an_embedding_per_statement(seed_store: Path) -> None:
    with contextlib.closing(open_store(str(seed_store))) as conn:
        assert vectors.missing(conn) == 0
        assert conn.execute("SELECT count(*) FROM statement_embeddings").fetchone()[0] > 0


def test_fast_ingest_leaves_embeddings_to_the_first_question(tmp_path: Path) -> None:
    path = tmp_path / "fast.db"
    ingest([str(SEED)], str(path), workers=0, fast=True)
    with contextlib.closing(open_store(str(path))) as conn:
        assert vectors.missing(conn) > 0
    assert onrecord.stance(path, PROPOSITION).statements
    with contextlib.closing(open_store(str(path))) as conn:
        assert vectors.missing(conn) == 0


def _stances(report: StanceReport, surname: str, reported: bool) -> set[str]:
    return {
        s.stance
        for s in report.statements
        if s.speaker and s.speaker.endswith(surname) and s.reported == reported and s.counted
    }


@pytest.mark.parametrize(
    ("surname", "stance", "reported"),
    [
        ("Macron", "support", False),
        ("Stoltenberg", "support", False),
        pytest.param(
            "Blinken",
            "support",
            True,
            marks=pytest.mark.xfail(
                strict=True,
                reason="the classifier (head 0b24283) reads the Times' report 'Blinken was pushing "
                "domestically to allow Ukraine to attack Russian territory' as oppose (0.39)",
            ),
        ),
        ("Kirby", "oppose", False),
    ],
)
def test_the_seed_speakers_stand_where_the_article_says(
    report: StanceReport, surname: str, stance: str, reported: bool
) -> None:
    assert stance in _stances(report, surname, reported)


def test_the_new_york_times_report_is_credited_to_blinken(report: StanceReport) -> None:
    reported = [s for s in report.statements if s.reported]
    assert reported and all(s.speaker == "Anthony Blinken" for s in reported)
    assert {s.said_by for s in reported} == {"New York Times"}


def test_the_stoltenberg_statement_is_relevant_only_through_its_context(report: StanceReport) -> None:
    assert any(s.text == "the removal of existing restrictions" for s in report.statements)


def test_unrelated_statements_are_left_out(report: StanceReport) -> None:
    listed = {s.text for s in report.statements}
    assert not any("Leave a Reply" in text or "email" in text for text in listed)
