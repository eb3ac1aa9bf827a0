"""Stance data: the news evaluation set (offsets into PolNeAR) and the team-written training set."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from onrecord.evaluation.polnear import load_document, read_annotators

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "polnear"
NEWS = ROOT / "src/onrecord/evaluation/data/news_stance"
WRITTEN = ROOT / "src/onrecord/stance/data/written.tsv"
CHECKER = ROOT / "tools/check_news_stance.py"
STANCES = {"support", "oppose", "neutral"}


def load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_news_stance", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = load_checker()
NEWS_ROWS = checker.read_table(NEWS / "labels.tsv")
PROPOSITIONS = checker.read_table(NEWS / "propositions.tsv")
WRITTEN_ROWS = checker.read_table(WRITTEN)


def test_news_set_rows_are_well_formed() -> None:
    ids = {p["id"] for p in PROPOSITIONS}
    assert len(NEWS_ROWS) >= 300 and len(ids) >= 10
    assert all(p["proposition"].strip() and p["terms"].strip() for p in PROPOSITIONS)
    keys = [
        (r["proposition_id"], r["split"], r["doc"], r["content_start"], r["content_end"]) for r in NEWS_ROWS
    ]
    assert len(keys) == len(set(keys))
    for row in NEWS_ROWS:
        assert list(row) == list(checker.COLUMNS)
        assert row["proposition_id"] in ids and row["split"] in ("train", "dev")
        assert row["label"] in checker.LABELS and row["reported"] in ("0", "1")
        assert re.fullmatch(r"[0-9a-f]{12}", row["sha1"]) and row["holder"].strip()
        assert row["doc"].endswith(".txt") and "/" not in row["doc"]


def test_news_set_has_every_stance_for_each_proposition_and_reported_and_irrelevant_rows() -> None:
    labels = Counter((r["proposition_id"], r["label"]) for r in NEWS_ROWS)
    full = [p["id"] for p in PROPOSITIONS if all(labels[p["id"], label] for label in STANCES)]
    assert len(full) == len(PROPOSITIONS)
    assert sum(r["reported"] == "1" for r in NEWS_ROWS) >= 20
    assert sum(r["label"] == "irrelevant" for r in NEWS_ROWS) >= 20


def test_written_statements_are_many_balanced_and_unique() -> None:
    assert len(WRITTEN_ROWS) >= 400
    assert all(list(row) == ["proposition", "speaker", "cue", "text", "label"] for row in WRITTEN_ROWS)
    assert all(row["label"] in STANCES and all(v.strip() for v in row.values()) for row in WRITTEN_ROWS)
    per_label = Counter(row["label"] for row in WRITTEN_ROWS)
    assert min(per_label.values()) >= 0.3 * len(WRITTEN_ROWS)
    by_proposition = Counter((row["proposition"], row["label"]) for row in WRITTEN_ROWS)
    propositions = {row["proposition"] for row in WRITTEN_ROWS}
    assert len(propositions) >= 30
    assert all(by_proposition[p, label] >= 3 for p in propositions for label in STANCES)
    assert len({row["text"] for row in WRITTEN_ROWS}) == len(WRITTEN_ROWS)


def test_written_propositions_are_disjoint_from_the_news_set() -> None:
    def words(text: str) -> frozenset[str]:
        return frozenset(re.findall(r"[a-z0-9$]+", text.lower())) - {"the", "should", "be", "a", "to", "of"}

    news = [words(p["proposition"]) for p in PROPOSITIONS]
    news_terms = {t.strip().lower() for p in PROPOSITIONS for t in p["terms"].split(",")}
    for proposition in {row["proposition"] for row in WRITTEN_ROWS}:
        own = words(proposition)
        assert all(len(own & other) < 0.5 * min(len(own), len(other)) for other in news), proposition
        assert not any(term in proposition.lower() for term in news_terms if len(term) > 4), proposition


def test_checker_reports_each_kind_of_bad_row(tmp_path: Path) -> None:
    text = "Smith said the wall must be built. “No,” said Jones."
    (tmp_path / "train" / "text").mkdir(parents=True)
    (tmp_path / "train" / "text" / "a.txt").write_text(text, encoding="utf-8")
    start, end = text.index("the wall"), text.index(" built") + len(" built")
    good = {
        "proposition_id": "P02", "split": "train", "doc": "a.txt", "content_start": str(start),
        "content_end": str(end), "source_start": "0", "source_end": "5", "holder": "Smith",
        "reported": "0", "label": "support", "sha1": checker.content_sha1(text[start:end]),
    }  # fmt: skip
    ids = {"P02"}
    assert checker.row_problem(good, ids, tmp_path) is None
    bad = {
        "sha1": {"sha1": "000000000000"},
        "outside": {"content_end": str(len(text) + 1)},
        "label": {"label": "agree"},
        "unknown proposition": {"proposition_id": "P99"},
        "not in": {"doc": "missing.txt"},
        "only one of": {"source_end": ""},
        "reported": {"reported": "yes"},
    }
    for expected, change in bad.items():
        problem = checker.row_problem(good | change, ids, tmp_path)
        assert problem is not None and expected in problem, (change, problem)


@pytest.mark.polnear
def test_checker_passes_every_row_against_polnear() -> None:
    if not POLNEAR.is_dir():
        pytest.skip(f"{POLNEAR} is absent")
    result = subprocess.run(
        [sys.executable, str(CHECKER), str(POLNEAR)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert f"{len(NEWS_ROWS)} of {len(NEWS_ROWS)} rows check." in result.stdout


@pytest.mark.polnear
def test_news_set_offsets_are_polnear_gold_attributions() -> None:
    if not POLNEAR.is_dir():
        pytest.skip(f"{POLNEAR} is absent")
    annotators = read_annotators(POLNEAR / "metadata.tsv")
    for split in ("train", "dev"):
        names = {r["doc"].removesuffix(".txt") for r in NEWS_ROWS if r["split"] == split}
        for name in sorted(names):
            document = load_document(POLNEAR / split, name, annotators)
            gold = {
                (str(r.content[0].start), str(r.content[-1].end)): (
                    (str(r.source[0].start), str(r.source[-1].end)) if r.source else ("", "")
                )
                for r in document.relations
            }
            for row in NEWS_ROWS:
                if row["split"] == split and row["doc"] == f"{name}.txt":
                    key = (row["content_start"], row["content_end"])
                    assert gold.get(key) == (row["source_start"], row["source_end"]), (name, key)
