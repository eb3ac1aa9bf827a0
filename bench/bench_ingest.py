"""Ingest speed end to end (articles per second) and peak memory of the whole run, workers included.

Builds a WARC archive (gzipped, one response record per page, with warcio) from the real news pages in
../shared/news-html (Readability test pages, Postlight fixtures, goose3 pages; nothing is copied into the
repository), then times `onrecord ingest ARCHIVE --db FRESH.db [--workers N]` as a subprocess: wall time
from launch to exit (model loads in every worker included), with the resident memory of the command and
all its child processes summed and sampled every 20 ms, and the CPU time of the whole process tree (user
and system, from the kernel's accounting of children waited for: on a shared machine it moves less than
the wall clock). Reports the medians over `--runs` runs, each into a fresh store.

    .venv/bin/python bench/bench_ingest.py [--runs 3] [--workers N] [--fast] [--no-embeddings] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
NEWS_HTML = REPO.parent / "shared" / "news-html"
ONRECORD = Path(sys.executable).parent / "onrecord"


def pages() -> list[Path]:
    found = sorted(NEWS_HTML.glob("readability_testpages/test-pages/*/source.html"))
    found += sorted(NEWS_HTML.glob("postlight_fixtures/fixtures/*.html"))
    found += sorted(NEWS_HTML.glob("goose3_content/content/*.html"))
    return found


def build_warc(paths: list[Path], target: Path) -> None:
    with open(target, "wb") as output:
        writer = WARCWriter(output, gzip=True)
        for number, path in enumerate(paths):
            body = path.read_bytes()
            url = f"https://bench{number}.example/{path.parent.name}/{path.name}"
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers, length=len(body)
            )
            writer.write_record(record)


def tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in kB (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    family, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in family]
        family.update(children)
        frontier.extend(children)
    total = 0
    for pid in family:
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def run_once(
    archive: Path, db: Path, workers: int | None, fast: bool, embeddings: bool | None = None
) -> dict[str, float]:
    command = [str(ONRECORD), "ingest", str(archive), "--db", str(db), *(["--fast"] if fast else [])]
    if embeddings is not None:
        command.append("--embeddings" if embeddings else "--no-embeddings")
    if workers is not None:
        command += ["--workers", str(workers)]
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    done.set()
    sampler.join()
    conn = sqlite3.connect(db)
    stored, statements, skipped = (
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("articles", "statements", "skips")
    )
    conn.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak / 1024,
        "stored": stored,
        "statements": statements,
        "skipped": skipped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=None, help="Passed to onrecord ingest (default: cores)."
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--fast", action="store_true", help="Ingest in fast mode (no statistical NER).")
    parser.add_argument(
        "--embedding-overhead",
        action="store_true",
        help="Time ingest with and without statement embeddings, runs interleaved; print the ratio.",
    )
    parser.add_argument("--pages", type=int, default=None, help="Only this many pages, spread evenly.")
    parser.add_argument(
        "--no-embeddings",
        action="store_true",
        help="Pass --no-embeddings to onrecord ingest (the default mode then embeds nothing).",
    )
    parser.add_argument("--keep-db", type=Path, default=None, help="Copy the last run's store to this file.")
    args = parser.parse_args()
    found = pages()
    if args.pages and 0 < args.pages < len(found):
        found = found[:: len(found) // args.pages][: args.pages]
    if not found:
        sys.exit(f"bench: no pages under {NEWS_HTML}; this benchmark needs ../shared/news-html.")
    if args.embedding_overhead:
        embedding_overhead(found, args.runs, args.workers, args.fast)
        return
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "news.warc.gz"
        build_warc(found, archive)
        runs = [
            run_once(
                archive,
                Path(folder) / f"run{number}.db",
                args.workers,
                args.fast,
                False if args.no_embeddings else None,
            )
            for number in range(args.runs)
        ]
        if args.keep_db is not None:
            shutil.copyfile(Path(folder) / f"run{args.runs - 1}.db", args.keep_db)
    seconds = statistics.median(run["seconds"] for run in runs)
    cpu = statistics.median(run["cpu_seconds"] for run in runs)
    result = {
        "pages": len(found),
        "mode": "fast" if args.fast else "default" + (" without embeddings" if args.no_embeddings else ""),
        "workers": args.workers if args.workers is not None else os.cpu_count(),
        "cores": os.cpu_count(),
        "runs": args.runs,
        "median_seconds": round(seconds, 1),
        "articles_per_second": round(len(found) / seconds, 2),
        "median_cpu_seconds": round(cpu, 1),
        "articles_per_cpu_second": round(len(found) / cpu, 2),
        "peak_mb": round(max(run["peak_mb"] for run in runs)),
        "stored": runs[0]["stored"],
        "skipped": runs[0]["skipped"],
        "statements": runs[0]["statements"],
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['mode']} ingest of {result['pages']} real news pages (one WARC) with "
        f"{result['workers']} worker(s) on "
        f"{result['cores']} core(s): {result['articles_per_second']} articles/s end to end (median of "
        f"{result['runs']}: {result['median_seconds']} s), {result['articles_per_cpu_second']} per "
        f"CPU-second ({result['median_cpu_seconds']} CPU-s); peak memory, all processes: "
        f"{result['peak_mb']} MB; "
        f"stored {result['stored']}, skipped {result['skipped']}, statements {result['statements']}"
    )


def embedding_overhead(found: list[Path], runs: int, workers: int | None, fast: bool) -> None:
    """Ingest the same archive `runs` times with embeddings and `runs` times without, alternating, in one
    session; the medians and their ratio."""
    seconds: dict[bool, list[float]] = {True: [], False: []}
    peaks: dict[bool, float] = {True: 0.0, False: 0.0}
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "news.warc.gz"
        build_warc(found, archive)
        for number in range(runs):
            for embed in (False, True):
                run = run_once(archive, Path(folder) / f"run{number}-{embed}.db", workers, fast, embed)
                seconds[embed].append(run["seconds"])
                peaks[embed] = max(peaks[embed], run["peak_mb"])
    without, with_ = statistics.median(seconds[False]), statistics.median(seconds[True])
    print(
        f"{'fast' if fast else 'default'} ingest of {len(found)} pages, median of {runs}: "
        f"{without:.1f} s without embeddings, {with_:.1f} s with them: x{with_ / without:.2f} "
        f"(+{(with_ / without - 1) * 100:.0f}%); peak memory {peaks[False]:.0f} MB -> {peaks[True]:.0f} MB"
    )


if __name__ == "__main__":
    main()
