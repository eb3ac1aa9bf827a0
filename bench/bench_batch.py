"""`onrecord ingest` against `batch --engine local` and `--engine ray`, at 1 and 2 workers, in one run.

Builds the WARC archive bench_ingest.py builds from the real news pages in ../shared/news-html (nothing is
copied into the repository) and a one-page archive. Per run, as subprocesses into fresh stores and out
dirs: every (command, workers) pair on the one-page archive (its start-up: imports, model loads, pools,
Ray's cluster), then on the full archive, cut into `--shards` byte ranges for batch (the same plan for both
engines: Ray runs shards on actors, the local engine documents on its pool); then `merge` of the local
2-worker batch, and each engine's rerun of its finished batch. The order of the commands rotates from run
to run. Per command: wall time, CPU time (the command and the children it waited for: Ray's actors are
not its children, so Ray's CPU is not counted), the peak of the summed resident memory of its process
tree, and the peak of its largest single descendant (a worker), sampled every 50 ms.

Reports medians over `--runs` runs: seconds, start-up, seconds with start-up taken off, the ratio of
ingest's time to each batch's at the same workers (start-up taken off), the rerun times, the merge's
statements per second (start-up, a one-page merge, taken off too), and CPU-seconds per stored article of
ingest, local batch and merge.

    .venv/bin/python bench/bench_batch.py [--runs 3] [--shards 16] [--pages N] [--full] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import build_warc, pages

ONRECORD = Path(sys.executable).parent / "onrecord"
ENGINES = ("ingest", "local", "ray")


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    tree_peak_mb: float
    worker_peak_mb: float


def family(root: int) -> list[int]:
    """`root` and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(*args: str) -> Measured:
    """Run `onrecord ARGS`; its wall and CPU time and peak memory (a failure stops the benchmark)."""
    began = time.perf_counter()
    process = subprocess.Popen([str(ONRECORD), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()
    peaks: dict[int, int] = {}
    tree_peak = 0

    def sample() -> None:
        nonlocal tree_peak
        while not done.is_set():
            sizes = {pid: rss_kb(pid) for pid in family(process.pid)}
            for pid, size in sizes.items():
                peaks[pid] = max(peaks.get(pid, 0), size)
            tree_peak = max(tree_peak, sum(sizes.values()))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) not in (0, 1) or "Traceback" in stderr:
        raise SystemExit(f"onrecord {' '.join(args)} failed:\n{stderr}")
    workers = [size for pid, size in peaks.items() if pid != process.pid] or [0]
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(seconds, cpu, tree_peak / 1024, max(workers) / 1024)


def job(engine: str, archive: Path, workers: int, folder: Path, shard_bytes: int) -> list[str]:
    if engine == "ingest":
        return [
            "ingest",
            str(archive),
            "--db",
            str(folder / "ingest.db"),
            "--fast",
            "--workers",
            str(workers),
        ]
    return [
        "batch",
        str(archive),
        "--out",
        str(folder / "out"),
        "--engine",
        engine,
        "--workers",
        str(workers),
        "--fast",
        "--shard-bytes",
        str(shard_bytes),
    ]


def one_run(archive: Path, one: Path, shard_bytes: int, turn: int) -> dict[str, dict[str, float]]:
    """Every measurement of one run, by name."""
    found: dict[str, dict[str, float]] = {}
    engines = ENGINES[turn % 3 :] + ENGINES[: turn % 3]
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        for workers in (1, 2):
            for engine in engines:
                place = Path(scratch) / f"start-{engine}-{workers}"
                place.mkdir()
                found[f"start {engine} {workers}"] = asdict(
                    measure(*job(engine, one, workers, place, shard_bytes))
                )
        for workers in (1, 2):
            for engine in engines:
                place = Path(scratch) / f"{engine}-{workers}"
                place.mkdir()
                found[f"{engine} {workers}"] = asdict(
                    measure(*job(engine, archive, workers, place, shard_bytes))
                )
        for engine in ("local", "ray"):
            place = Path(scratch) / f"{engine}-2"
            found[f"rerun {engine}"] = asdict(measure(*job(engine, archive, 2, place, shard_bytes)))
        merged = Path(scratch) / "merged.db"
        found["merge"] = asdict(measure("merge", str(Path(scratch) / "local-2" / "out"), "--db", str(merged)))
        started = str(Path(scratch) / "start-local-2" / "out")
        found["start merge"] = asdict(measure("merge", started, "--db", str(Path(scratch) / "one.db")))
        found["counts"] = _counts(merged, Path(scratch) / "ingest-2" / "ingest.db")
    return found


def _counts(merged: Path, ingested: Path) -> dict[str, float]:
    counts: dict[str, float] = {}
    for name, db in (("merged", merged), ("ingested", ingested)):
        conn = sqlite3.connect(db)
        for table in ("articles", "statements"):
            counts[f"{name} {table}"] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.close()
    return counts


def summarise(runs: list[dict[str, dict[str, float]]]) -> dict[str, object]:
    def median(name: str, field: str = "seconds") -> float:
        return statistics.median(run[name][field] for run in runs)

    report: dict[str, object] = {"runs": len(runs), **runs[0]["setup"]}
    for workers in (1, 2):
        ingest_net = median(f"ingest {workers}") - median(f"start ingest {workers}")
        for engine in ENGINES:
            seconds, start = median(f"{engine} {workers}"), median(f"start {engine} {workers}")
            report[f"{engine} {workers} workers"] = {
                "seconds": round(seconds, 2),
                "start_up_seconds": round(start, 2),
                "without_start_up": round(seconds - start, 2),
                "vs_ingest_without_start_up": round(ingest_net / (seconds - start), 3),
                "tree_peak_mb": round(median(f"{engine} {workers}", "tree_peak_mb")),
                "worker_peak_mb": round(median(f"{engine} {workers}", "worker_peak_mb")),
                "cpu_seconds": round(median(f"{engine} {workers}", "cpu_seconds"), 1),
            }
    statements = runs[0]["counts"]["merged statements"]
    articles = runs[0]["counts"]["merged articles"]
    report["counts"] = runs[0]["counts"]
    for engine in ("local", "ray"):
        report[f"rerun {engine}"] = {
            "seconds": round(median(f"rerun {engine}"), 2),
            "cpu_seconds": round(median(f"rerun {engine}", "cpu_seconds"), 2),
        }
    merge_net = median("merge") - median("start merge")
    report["merge"] = {
        "seconds": round(median("merge"), 2),
        "start_up_seconds": round(median("start merge"), 2),
        "statements_per_second_without_start_up": round(statements / merge_net),
        "statements_per_second": round(statements / median("merge")),
        "statements_per_cpu_second_without_start_up": round(
            statements / (median("merge", "cpu_seconds") - median("start merge", "cpu_seconds"))
        ),
    }
    ingest_cpu = median("ingest 2", "cpu_seconds") - median("start ingest 2", "cpu_seconds")
    batch_cpu = median("local 2", "cpu_seconds") - median("start local 2", "cpu_seconds")
    merge_cpu = median("merge", "cpu_seconds") - median("start merge", "cpu_seconds")
    report["cpu seconds per stored article (start-up off)"] = {
        "ingest": round(ingest_cpu / articles, 3),
        "batch local": round(batch_cpu / articles, 3),
        "merge": round(merge_cpu / articles, 3),
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shards", type=int, default=16, help="Byte ranges to cut the archive into.")
    parser.add_argument("--pages", type=int, default=0, help="Use only the first N pages (0: all).")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--raw", help="Append each run's measurements to this file (JSON Lines).")
    parser.add_argument("--from-raw", help="Report on the runs in this file instead of running.")
    options = parser.parse_args()
    if options.from_raw:
        runs = [json.loads(line) for line in Path(options.from_raw).read_text().splitlines() if line]
        report = summarise(runs)
        print(json.dumps(report, indent=2) if options.json else _table(report))
        return
    found = pages()
    if not found:
        raise SystemExit("bench_batch: ../shared/news-html is absent; nothing to benchmark.")
    found = found[: options.pages] if options.pages else found
    with tempfile.TemporaryDirectory(prefix="bench-batch-warc-") as scratch:
        archive, one = Path(scratch) / "news.warc.gz", Path(scratch) / "one.warc.gz"
        build_warc(found, archive)
        build_warc(found[:1], one)
        shard_bytes = archive.stat().st_size // options.shards + 1
        setup = {"pages": len(found), "shards": options.shards, "archive_bytes": archive.stat().st_size}
        runs = []
        for turn in range(options.runs):
            runs.append({"setup": setup, **one_run(archive, one, shard_bytes, turn)})
            print(f"run {turn + 1} of {options.runs} done", file=sys.stderr)
            if options.raw:
                with open(options.raw, "a", encoding="utf-8") as raw:
                    raw.write(json.dumps(runs[-1]) + "\n")
    report = summarise(runs)
    print(json.dumps(report, indent=2) if options.json else _table(report))


def _table(report: dict[str, object]) -> str:
    lines = [
        f"{report['pages']} pages in one WARC, {report['shards']} shards, medians of {report['runs']} runs"
    ]
    for key, value in report.items():
        if isinstance(value, dict):
            lines.append(f"{key}: " + ", ".join(f"{name} {figure}" for name, figure in value.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
