"""`onrecord batch --engine local` + `onrecord merge` against `onrecord ingest`, on one machine.

Builds the WARC archive bench_ingest.py builds from ../shared/news-html, and a one-page archive, then per
run, into fresh stores and out dirs, as subprocesses: `ingest ARCHIVE --workers N`, `batch ARCHIVE --out
DIR --workers N` (cut into ranges of `--shard-bytes`), `merge DIR`, the batch rerun on the finished DIR,
and the same three commands on the one-page archive (their start-up: imports, model loads, pools).
The order of ingest and batch alternates from run to run. Reports medians over `--runs` runs: each
command's time, the ratio of ingest's time to batch's (and to batch + merge), both with the start-up
times taken off, the rerun's time, and the merge's statements per second (with and without its start-up).

    .venv/bin/python bench/bench_merge.py [--runs 3] [--workers 2] [--full] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import build_warc, pages

ONRECORD = Path(sys.executable).parent / "onrecord"


CPU: dict[str, float] = {}
"""CPU seconds (user + system, worker processes included) of the last command of each name."""


def timed(*args: str) -> float:
    """Wall seconds of `onrecord ARGS`; its CPU seconds (children included) go to CPU[first arg]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([str(ONRECORD), *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[args[0]] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        raise SystemExit(f"onrecord {' '.join(args)} failed:\n{result.stderr}")
    return seconds


def statements(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM statements").fetchone()[0])


def one_run(archive: Path, number: int, work: Path, options: argparse.Namespace) -> dict[str, float]:
    mode = [] if options.full else ["--fast"]
    workers = ["--workers", str(options.workers)]
    folder = work / f"run{number}"
    folder.mkdir()
    times: dict[str, float] = {}

    def ingest() -> None:
        times["ingest"] = timed("ingest", str(archive), "--db", str(folder / "ingest.db"), *workers, *mode)
        times["ingest_cpu"] = CPU["ingest"]

    def batch() -> None:
        out = str(folder / "out")
        shards = ["--shard-bytes", str(options.shard_bytes)]
        times["batch"] = timed("batch", str(archive), "--out", out, *workers, *mode, *shards)
        times["batch_cpu"] = CPU["batch"]
        times["merge"] = timed("merge", out, "--db", str(folder / "merged.db"))
        times["merge_cpu"] = CPU["merge"]
        times["rerun"] = timed("batch", str(archive), "--out", out, *workers, *mode, *shards)

    for step in (ingest, batch) if number % 2 == 0 else (batch, ingest):
        step()
    times["statements"] = statements(folder / "merged.db")
    if statements(folder / "ingest.db") != times["statements"]:
        raise SystemExit("the merged store does not hold the statements the ingest stored")
    return times


def startup(page: Path, work: Path, options: argparse.Namespace) -> dict[str, float]:
    """The three commands on a one-page archive: what each costs before the first article."""
    mode = [] if options.full else ["--fast"]
    workers = ["--workers", str(options.workers)]
    folder = Path(tempfile.mkdtemp(dir=work))
    out = str(folder / "out")
    found = {
        "ingest": timed("ingest", str(page), "--db", str(folder / "i.db"), *workers, *mode),
        "batch": timed("batch", str(page), "--out", out, *workers, *mode),
        "merge": timed("merge", out, "--db", str(folder / "m.db")),
    }
    return found | {f"{name}_cpu": CPU[name] for name in ("ingest", "batch", "merge")}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-bytes", type=int, default=1 << 20)
    parser.add_argument("--full", action="store_true", help="Default mode (tagger and NER), not --fast.")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    found = pages()
    if not found:
        raise SystemExit("no pages under ../shared/news-html")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        archive, page = work / "news.warc.gz", work / "one.warc.gz"
        build_warc(found, archive)
        build_warc(found[:1], page)
        runs, starts = [], []
        for number in range(options.runs):
            starts.append(startup(page, work, options))
            runs.append(one_run(archive, number, work, options))
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    start = {key: statistics.median(run[key] for run in starts) for key in starts[0]}
    ingest_work = median["ingest"] - start["ingest"]
    report = {
        "pages": len(found),
        "archive_bytes": archive_size(found),
        "workers": options.workers,
        "mode": "default" if options.full else "fast",
        "seconds": median,
        "startup_seconds": start,
        "batch_vs_ingest": ingest_work / (median["batch"] - start["batch"]),
        "batch_and_merge_vs_ingest": ingest_work
        / (median["batch"] - start["batch"] + median["merge"] - start["merge"]),
        "end_to_end_batch_and_merge_vs_ingest": median["ingest"] / (median["batch"] + median["merge"]),
        "batch_vs_ingest_cpu": (median["ingest_cpu"] - start["ingest_cpu"])
        / (median["batch_cpu"] - start["batch_cpu"]),
        "batch_and_merge_vs_ingest_cpu": (median["ingest_cpu"] - start["ingest_cpu"])
        / (median["batch_cpu"] - start["batch_cpu"] + median["merge_cpu"] - start["merge_cpu"]),
        "rerun_seconds": median["rerun"],
        "merge_statements_per_second": median["statements"] / median["merge"],
        "merge_statements_per_second_after_startup": median["statements"]
        / (median["merge"] - start["merge"]),
        "runs": runs,
    }
    print(json.dumps(report, indent=1) if options.json else _lines(report))


def archive_size(found: list[Path]) -> int:
    return sum(path.stat().st_size for path in found)


def _lines(report: dict[str, object]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in report.items() if key != "runs")


if __name__ == "__main__":
    main()
