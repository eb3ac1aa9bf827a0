"""Speed of the stance models on one thread: sentences encoded per second, and judge() over 2,000
premises whose embeddings are given (the budget: 2 s).

Contexts are the team's news-set statements in their context (the statement's sentence and the one
before, as stored at ingest), read from ../shared/polnear; without it, generated two-sentence texts.
Prints wall clock and CPU time (the machine is shared); medians of `--runs`.

    .venv/bin/python bench/bench_stance_model.py [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("ONRECORD_ENCODER_THREADS", "1")

from onrecord.stance import datasets
from onrecord.stance.encoder import encode
from onrecord.stance.model import Premise, judge

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "polnear"


def contexts() -> list[str]:
    if POLNEAR.is_dir():
        return [e.premise.context for e in datasets.news(POLNEAR)]
    sentence = "The senator said on Tuesday that the bill would be brought to a vote before the recess."
    return [f"{sentence} {sentence}" for _ in range(400)]


def timed(work: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts = contexts()
    encode(texts[:8])  # load the model
    encoding = [timed(lambda: encode(texts)) for _ in range(args.runs)]
    vectors = encode(texts)
    premises = [Premise(t, t, "A Speaker", "said", vectors[i % len(texts)]) for i, t in enumerate(texts * 6)][
        :2000
    ]
    judge("Congress should pass stricter gun control laws", premises[:5])
    judging = [
        timed(lambda: judge("Congress should pass stricter gun control laws", premises))
        for _ in range(args.runs)
    ]
    result = {
        "texts": len(texts),
        "encode_sentences_per_s_wall": round(len(texts) / statistics.median(w for w, _ in encoding), 1),
        "encode_sentences_per_s_cpu": round(len(texts) / statistics.median(c for _, c in encoding), 1),
        "judge_2000_s_wall": round(statistics.median(w for w, _ in judging), 3),
        "judge_2000_s_cpu": round(statistics.median(c for _, c in judging), 3),
    }
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
