"""How fast an ingest stops: SIGINT to the ingest process alone, and kill -9 until its workers are gone.

Writes invented articles (tests/news_factory.py), runs `onrecord ingest DIR --db FRESH.db` as a
subprocess (default mode, default workers unless `--workers`), waits for its first commit, then either
sends SIGINT to the ingest process only and times until it exits, or kills it with SIGKILL and times
until none of its child processes (workers, and a multiprocessing resource tracker where there is one)
is left. Medians over `--runs` runs. The source measured is whichever `onrecord` the interpreter imports
(PYTHONPATH=... picks another checkout, for a before/after ratio).

    PYTHONPATH=src .venv/bin/python bench/bench_interrupt.py [--runs 3] [--workers N] [--fast] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from news_factory import write_articles
from processes import alive, children, committed

ONRECORD = [sys.executable, "-c", "import sys; from onrecord.cli import main; sys.exit(main())"]


def one_run(folder: Path, corpus: Path, how: str, options: list[str]) -> float:
    """Seconds from the signal to the end of the ingest (SIGINT) or of its last child (SIGKILL)."""
    db = Path(tempfile.mkdtemp(dir=folder)) / "record.db"
    process = subprocess.Popen(
        [*ONRECORD, "ingest", str(corpus), "--db", str(db), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    while committed(db) == 0 and process.poll() is None:
        time.sleep(0.02)
    helpers = children(process.pid)
    began = time.monotonic()
    if how == "sigint":
        process.send_signal(signal.SIGINT)
        process.wait()
        return time.monotonic() - began
    process.kill()
    process.wait()
    while any(alive(pid) for pid in helpers):
        time.sleep(0.005)
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    options = ([] if args.workers is None else ["--workers", str(args.workers)]) + (
        ["--fast"] if args.fast else []
    )
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        write_articles(folder / "news", args.articles)
        figures = {
            how: statistics.median(one_run(folder, folder / "news", how, options) for _ in range(args.runs))
            for how in ("sigint", "sigkill")
        }
    if args.json:
        print(json.dumps({key: round(value, 3) for key, value in figures.items()}))
        return
    print(f"SIGINT to the ingest alone -> exit:        {figures['sigint']:.2f} s (median of {args.runs})")
    print(f"kill -9 of the ingest -> last child gone:  {figures['sigkill']:.2f} s (median of {args.runs})")
    print(f"cores: {os.cpu_count()}, options: {' '.join(options) or '(defaults)'}")


if __name__ == "__main__":
    main()
