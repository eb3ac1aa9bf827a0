"""Extraction speed in characters per second per process, spaCy parsing included.

Times `onrecord.extract(text)` over the PolNeAR dev texts (../shared/polnear/dev/text/*.txt from the repo
root) after one untimed warm-up call that loads the model. Without ../shared it falls back to the articles
in samples/ repeated to a comparable size, and says so. Reports chars/s per run, the median and peak RSS.

    .venv/bin/python bench/bench_extract.py [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import onrecord
from onrecord.articles import to_article
from onrecord.records import Skip
from onrecord.sources import read_documents

REPO = Path(__file__).resolve().parents[1]
POLNEAR_DEV = REPO.parent / "shared" / "polnear" / "dev" / "text"
SAMPLES = REPO / "samples"
FALLBACK_CHARS = 400_000  # about the size of the PolNeAR dev texts
WARM_UP = "“We will not wait,” the minister said on Tuesday. She added that talks would continue."


def load_texts() -> tuple[str, list[str]]:
    """A description of the corpus and its texts."""
    paths = sorted(POLNEAR_DEV.glob("*.txt"))
    if paths:
        return f"PolNeAR dev ({POLNEAR_DEV})", [p.read_text(encoding="utf-8") for p in paths]
    articles = [to_article(d) for d in read_documents([str(SAMPLES)]) if not isinstance(d, Skip)]
    texts = [a.text for a in articles if not isinstance(a, Skip)]
    if not texts:
        sys.exit(f"bench: no texts found in {POLNEAR_DEV} or {SAMPLES}.")
    repeats = max(1, -(-FALLBACK_CHARS // sum(map(len, texts))))
    return f"FALLBACK: {POLNEAR_DEV} is absent; samples/ repeated {repeats}x", texts * repeats


def time_run(texts: list[str], fast: bool) -> tuple[float, float]:
    """Wall-clock and CPU seconds of this process to extract the statements of every text once.

    CPU seconds are what one process costs; wall seconds also count waiting for other processes on a
    shared machine. Both are printed.
    """
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        onrecord.extract(text, fast=fast)
    return time.perf_counter() - start, time.process_time() - cpu


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed passes over the corpus (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--fast", action="store_true", help="time the fast mode (no statistical NER)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    corpus, texts = load_texts()
    chars = sum(map(len, texts))
    onrecord.extract(WARM_UP, fast=args.fast)  # loads the model; not timed
    timings = [time_run(texts, args.fast) for _ in range(args.runs)]
    seconds = [wall for wall, _ in timings]
    rates = [chars / s for s in seconds]
    cpu_rates = [chars / cpu for _, cpu in timings]
    result = {
        "corpus": corpus,
        "mode": "fast" if args.fast else "default",
        "fallback": corpus.startswith("FALLBACK"),
        "texts": len(texts),
        "chars": chars,
        "seconds": [round(s, 3) for s in seconds],
        "chars_per_second": [round(r) for r in rates],
        "median_chars_per_second": round(statistics.median(rates)),
        "cpu_chars_per_second": [round(r) for r in cpu_rates],
        "median_cpu_chars_per_second": round(statistics.median(cpu_rates)),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"corpus: {corpus}: {len(texts)} texts, {chars:,} chars; mode: {result['mode']}")
    for number, (secs, rate, cpu_rate) in enumerate(zip(seconds, rates, cpu_rates, strict=True), 1):
        print(
            f"run {number}: {secs:7.2f} s  {rate:10,.0f} chars/s wall  {cpu_rate:10,.0f} chars/s of CPU time"
        )
    print(f"median: {result['median_chars_per_second']:,} chars/s per process (wall clock)")
    print(f"median: {result['median_cpu_chars_per_second']:,} chars/s per CPU-second of this process")
    print(f"peak RSS: {result['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
