"""The learned attribution tagger: its artefact is checked at start-up, its features, its candidates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import onrecord
from onrecord.extraction import ModelError, mode
from onrecord.extraction.features import feature_doc
from onrecord.extraction.nlp import pipeline
from onrecord.extraction.tagger import load_tagger
from onrecord.models import ARTEFACT, ARTEFACT_VARIABLE, check_artefact

ONRECORD = Path(sys.executable).with_name("onrecord")


@pytest.fixture
def artefact_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "tagger"
    shutil.copytree(ARTEFACT, folder)
    return folder


def test_the_shipped_artefact_matches_its_record() -> None:
    record = check_artefact(ARTEFACT)
    assert set(record["sha256"]) >= {"model", "cfg", "moves"}
    assert record["data"]["train"]["articles"] > 0


def test_a_corrupt_artefact_is_refused_with_how_to_rebuild(artefact_copy: Path) -> None:
    model = artefact_copy / "model"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"corrupt.*make train"):
        load_tagger(pipeline(), artefact_copy)


def test_a_missing_artefact_is_refused_with_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"missing.*make train"):
        check_artefact(tmp_path / "nowhere")


def test_the_mode_is_named_and_fast_needs_no_tagger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "attribution tagger" in mode()
    monkeypatch.setenv(ARTEFACT_VARIABLE, str(tmp_path / "nowhere"))
    assert mode(fast=True) == "rules only (--fast)"
    with pytest.raises(ModelError):
        mode()


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_commands_stop_at_start_up_on_a_corrupt_artefact(
    command: str, artefact_copy: Path, tmp_path: Path
) -> None:
    (artefact_copy / "moves").write_text("garbage", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("The mayor said the pier would reopen in May.", encoding="utf-8")
    args = [str(article)] + (
        ["--db", str(tmp_path / "r.db"), "--workers", "0"] if command == "ingest" else []
    )
    result = subprocess.run(
        [str(ONRECORD), command, *args],
        capture_output=True,
        text=True,
        env={**os.environ, ARTEFACT_VARIABLE: str(artefact_copy)},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "make train" in result.stderr
    assert not (tmp_path / "r.db").exists() or command == "extract"


def test_fast_mode_runs_without_the_artefact(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The mayor said the pier would reopen in May.", encoding="utf-8")
    result = subprocess.run(
        [str(ONRECORD), "extract", "--fast", str(article)],
        capture_output=True,
        text=True,
        env={**os.environ, ARTEFACT_VARIABLE: str(tmp_path / "nowhere")},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "rules only" in result.stderr and "pier would reopen" in result.stdout


def test_feature_copy_has_the_words_but_no_sentences() -> None:
    doc = pipeline()("The governor said that taxes would rise. Nobody believed her.")
    copy = feature_doc(doc)
    assert copy.text == doc.text
    assert not copy.has_annotation("SENT_START")
    governors = {t.text: str(t.morph) for t in copy}
    assert governors["taxes"] == "Gov=say"
    assert governors["governor"] == "Gov=none"


def test_the_tagger_adds_statements_the_rules_miss() -> None:
    text = (
        "The ferry operator is convinced that the new timetable will cut delays by half.\n\n"
        "Harbour officials remain sceptical that the ferries can keep to it."
    )
    default = {s.content[0].text for s in onrecord.extract(text)}
    fast = {s.content[0].text for s in onrecord.extract(text, fast=True)}
    assert fast <= default
    assert any("the ferries can keep to it" in c for c in default - fast)
