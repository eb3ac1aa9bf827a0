"""`onrecord batch --engine local` + `onrecord merge` against `onrecord ingest`, as real processes on a
WARC set with syndicated copies, a repeated URL and a damaged archive (tests/batch_factory.py): every
table equal (tests/store_fingerprint.py); byte ranges read as the whole file; reruns, kills, merges
while shards are missing, parts of another version."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import pytest

from batch_factory import page, warc_set, write_warc
from news_factory import article_text
from onrecord.batch import layout, parts
from onrecord.batch.plan import Shard, plan
from onrecord.batch.shards import shard_documents
from onrecord.records import Article, Post, Skip, Span, Speaker, Statement
from onrecord.sources import read_documents
from onrecord.store.dedup import Fingerprint, fingerprint
from onrecord.store.writer import Extracted
from onrecord.workers import Rejected
from store_fingerprint import table_fingerprints

SRC = str(Path(__file__).resolve().parents[1] / "src")
SHARD_BYTES = "2000"  # the test archives (4-6 KB) are cut into ranges


def onrecord(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": SRC, **(env or {})}
    command = [sys.executable, "-c", "from onrecord.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return [str(path) for path in warc_set(tmp_path_factory.mktemp("warcs"))]


@pytest.fixture(scope="module")
def ingested(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    db = tmp_path_factory.mktemp("ingest") / "ingest.db"
    result = onrecord("ingest", *inputs, "--db", str(db), "--fast", "--workers", "2")
    assert result.returncode == 1, result.stderr  # the damaged archive is a skip
    return table_fingerprints(db)


@pytest.fixture(scope="module")
def batch_dir(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "out"
    result = onrecord(
        "batch", *inputs, "--out", str(out), "--fast", "--workers", "2", "--shard-bytes", SHARD_BYTES
    )
    assert result.returncode == 1, result.stderr  # the damaged archive
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    return out


def test_batch_then_merge_equals_ingest(
    batch_dir: Path, ingested: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    assert len(list((batch_dir / "shards").iterdir())) > 3  # the archives were cut into ranges
    db = tmp_path / "merged.db"
    result = onrecord("merge", str(batch_dir), "--db", str(db))
    assert result.returncode == 1 and "Traceback" not in result.stderr  # the damage skip, as ingest
    merged = table_fingerprints(db)
    assert merged["articles"][0] >= 15 and merged["statements"][0] > 0
    assert merged["article_posts"][0] == 2  # the live blog's posts, and their times, came through
    assert merged == ingested
    again = onrecord("merge", str(batch_dir), "--db", str(db))  # idempotent
    assert "Traceback" not in again.stderr
    assert table_fingerprints(db) == ingested


_RUN_INLINE = """
import sys
from onrecord import batch
from onrecord.extraction.nlp import _pipeline
summary = batch.run(sys.argv[2:], sys.argv[1], workers=0, fast=True, shard_bytes=2000)
print(summary.left, summary.articles, _pipeline.cache_info().currsize)
"""


def test_a_rerun_adds_nothing_and_loads_no_model(batch_dir: Path, inputs: list[str], tmp_path: Path) -> None:
    """Extraction in the driver (workers=0): the model's loader is cached, so its cache size says whether
    the process loaded it (the rerun's time is bench/bench_batch.py's, not a test's: the machine is
    shared)."""
    before = sorted(str(path) for path in batch_dir.rglob("*"))
    environment = {**os.environ, "PYTHONPATH": SRC}

    def inline(out: Path, *given: str) -> str:
        command = [sys.executable, "-c", _RUN_INLINE, str(out), *given]
        return subprocess.run(command, capture_output=True, text=True, env=environment, check=True).stdout

    assert inline(batch_dir, *inputs).split() == ["0", "0", "0"]  # nothing left, nothing done, no model
    assert sorted(str(path) for path in batch_dir.rglob("*")) == before
    assert inline(tmp_path / "fresh", inputs[0]).split() == ["0", "6", "1"]  # a real run loads it


def test_byte_range_shards_read_as_the_whole_file(tmp_path: Path) -> None:
    archive = write_warc(tmp_path / "big.warc.gz", [(f"https://x.example/{n}", page(n)) for n in range(40)])
    shards = plan([str(archive)], shard_bytes=3000)
    assert len(shards) > 5 and shards[0].start == 0 and shards[-1].end is None
    assert all(a.end == b.start for a, b in itertools.pairwise(shards))
    ranged = [item for shard in shards for item in shard_documents(shard)]
    assert ranged == list(read_documents([str(archive)]))
    lines = tmp_path / "export.jsonl"
    records = [json.dumps({"text": article_text(n)}) if n % 7 else "not json" for n in range(60)]
    lines.write_text("\n".join(records[:30]) + "\n\n" + "\n".join(records[30:]) + "\n")
    shards = plan([str(lines)], shard_bytes=1500)
    assert len(shards) > 5
    ranged = [item for shard in shards for item in shard_documents(shard)]
    assert ranged == list(read_documents([str(lines)]))
    assert plan([str(lines)], shard_bytes=1 << 30) == [Shard(str(lines))]


def test_every_record_field_round_trips_through_a_part(tmp_path: Path) -> None:
    def filled(kind: type) -> dict[str, object]:
        return {field.name: field.name for field in fields(kind)}

    span = Span(1, 5, "said")
    speaker = Speaker("Ada Marsh", "person", "mayor", span, ("Tom Reyes",))
    statement = Statement("id1", "mixed", (span, Span(7, 9, "no")), None, speaker, 0.25, "attitude")
    posts = (Post(0, 3, "2024-05-01T10:00:00Z"), Post(3, 5))
    article = Article(**{**filled(Article), "notes": ("a", "b"), "posts": posts})  # type: ignore[arg-type]
    print_ = Fingerprint("hash", fingerprint("some words here and there again").signature)
    extracted = Extracted("key", article, print_, (statement,), (b"\x00\x01", b""), "encoder")
    rows = [
        parts.Row("in", 7, 0, "key", "in#7", "https://u", extracted),
        parts.Row("in", 7, 1, "k2", "in#9", None, Rejected("k2", Skip("in#9", "no-article", "none."))),
        parts.Row("in", 7, 2, None, "in", None, Skip("in", "damaged-archive", "bad.")),
    ]
    assert {field.name for field in fields(Article)} <= set(parts.arrow_type(Article).names)
    path = str(tmp_path / "part.parquet")
    parts.write_part(path, rows)
    assert parts.read_part(path) == rows
    assert parts.part_counts(path) == (3, 1, 1, ["no-article", "damaged-archive"])


def test_a_worker_killed_mid_shard_then_rerun_gives_the_same_store(tmp_path: Path) -> None:
    archive = write_warc(tmp_path / "many.warc.gz", [(f"https://k.example/{n}", page(n)) for n in range(40)])
    out = tmp_path / "out"
    args = ["batch", str(archive), "--out", str(out), "--fast", "--workers", "1", "--part-documents", "4"]
    env = {**os.environ, "PYTHONPATH": SRC}
    command = [sys.executable, "-c", "from onrecord.cli import main; main()", *args]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("shards/*/part-00001.parquet")) and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not list(out.glob("shards/*/manifest.json")), "killed before the shard ended"
    assert onrecord(*args).returncode == 0
    merged, ingested = tmp_path / "merged.db", tmp_path / "ingest.db"
    assert onrecord("merge", str(out), "--db", str(merged)).returncode == 0
    assert onrecord("ingest", str(archive), "--db", str(ingested), "--fast", "--workers", "1").returncode == 0
    assert table_fingerprints(merged) == table_fingerprints(ingested)


def test_merge_while_shards_are_missing_takes_the_finished_prefix(
    batch_dir: Path, ingested: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    shards, _ = layout.read_plan(str(batch_dir))
    waiting = shards[2]
    manifest = Path(layout.shard_manifest(str(batch_dir), waiting))
    kept = manifest.read_bytes()
    manifest.unlink()
    db = tmp_path / "merged.db"
    try:
        result = onrecord("merge", str(batch_dir), "--db", str(db))
        assert result.returncode == 1 and "not finished yet" in result.stderr, result.stderr
        assert waiting.input in result.stderr
        assert 0 < table_fingerprints(db)["articles"][0] < ingested["articles"][0]
    finally:
        manifest.write_bytes(kept)
    onrecord("merge", str(batch_dir), "--db", str(db))
    assert table_fingerprints(db) == ingested


def test_merge_refuses_parts_of_another_version(batch_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(batch_dir), str(copy)], check=True)
    manifest = json.loads((copy / "batch.json").read_text())
    (copy / "batch.json").write_text(json.dumps({**manifest, "parts": "0-old"}))
    result = onrecord("merge", str(copy), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "part schema 0-old" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()


def test_an_unusable_out_dir_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = onrecord("batch", str(tmp_path), "--out", str(blocker / "out"), "--fast")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot be used" in result.stderr and len(result.stderr.strip().splitlines()) == 1
