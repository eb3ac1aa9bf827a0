"""Stance speed over a synthetic store of 100,000 statements with embeddings: a new proposition, the same
one repeated, and the peak memory of the process that asks.

The store is bench_search's generator (invented words, 5 statements an article, 600 speakers, dates over
three years) plus `RELEVANT` English statements about the propositions, each in its own article. Every
statement gets an embedding by the real encoder: the English ones their own, the invented ones one of
`POOL` embeddings of invented statements (their first 16 words; encoding 100,000 texts would take the
benchmark hours on a shared CPU, and the query reads every vector either way). The asking runs in a
child process pinned to one core: for each of three propositions, `onrecord.stance` once new (retrieval,
the classifier, the cache written) and once repeated; medians are reported.

    .venv/bin/python bench/bench_stance.py [--statements 100000] [--db FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

PROPOSITIONS = (
    "Ukraine should be allowed to strike targets on Russian territory with Western weapons",
    "The city should build a tidal barrage across the estuary",
    "Sanctions on Russian oil exports should be lifted",
)
RELEVANT = 600
POOL = 256
SUBJECTS = ["Ukraine", "Kyiv", "the Ukrainian army", "Western allies", "the estuary council", "Europe"]
CLAIMS = [
    "must be allowed to hit military targets inside Russia with Western missiles",
    "should not use American weapons on Russian soil",
    "will press the president to lift the restrictions on long-range strikes",
    "wants the tidal barrage built before the next flood season",
    "says the barrage across the estuary is a waste of money",
    "argues that sanctions on Russian oil should stay in place",
    "calls for an end to the oil embargo on Moscow",
    "has seen no change in policy on strikes across the border",
]


def build(path: str, statements: int) -> None:
    """The synthetic store, with embeddings for every statement."""
    sys.path.insert(0, os.path.dirname(__file__))
    import bench_search
    from onrecord.stance import vectors
    from onrecord.store import open_store

    bench_search.build(path, statements - RELEVANT)
    conn = open_store(path)
    _add_relevant(conn)
    rows = conn.execute("SELECT text FROM statements ORDER BY id LIMIT ?", (POOL,))
    invented = [" ".join(row[0].split()[:16]) for row in rows]
    pool = [vectors.pack(v) for v in vectors.encode(invented)]
    english = conn.execute("SELECT id, text FROM statements WHERE speaker_name = 'Bench Speaker'").fetchall()
    encoded = vectors.encode([row[1] for row in english])
    own = {row[0]: vectors.pack(vector) for row, vector in zip(english, encoded, strict=True)}
    conn.execute("BEGIN")
    for (sid,) in conn.execute("SELECT id FROM statements").fetchall():
        vectors.store_vector(conn, sid, own.get(sid) or pool[sid % POOL])
    conn.execute("COMMIT")
    conn.close()


def _add_relevant(db: sqlite3.Connection) -> None:
    pick = random.Random(5)
    db.execute("BEGIN")
    for number in range(RELEVANT):
        said = f"{pick.choice(SUBJECTS)} {pick.choice(CLAIMS)}"
        cursor = db.execute(
            "INSERT INTO articles (source, url, domain, site, published, language, text, text_hash, "
            "ingested_at) VALUES (?, ?, 'r.example', 'r.example', ?, 'en', ?, ?, '2024-01-01')",
            (
                f"rel:{number}",
                f"https://r.example/{number}",
                f"2023-{number % 12 + 1:02d}-15",
                said,
                f"r{number}",
            ),
        )
        statement = db.execute(
            "INSERT INTO statements (article_id, speaker_id, speaker_name, speaker_type, kind, text, "
            "content_key, confidence) VALUES (?, ?, 'Bench Speaker', 'person', 'indirect', ?, ?, 0.9)",
            (cursor.lastrowid, number % 50 + 1, said, said),
        )
        db.execute(
            "INSERT INTO appearances (article_id, extract_id, statement_id, spans) VALUES (?, 's0', ?, ?)",
            (cursor.lastrowid, statement.lastrowid, json.dumps({"content": [[0, len(said)]]})),
        )
    db.execute("COMMIT")


def ask(path: str) -> dict[str, object]:
    """In this process, on one core: each proposition new, then repeated."""
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import onrecord

    new, repeated, listed = [], [], []
    for proposition in PROPOSITIONS:
        began = time.perf_counter()
        report = onrecord.stance(path, proposition)
        new.append(time.perf_counter() - began)
        began = time.perf_counter()
        onrecord.stance(path, proposition)
        repeated.append(time.perf_counter() - began)
        listed.append(len(report.statements))
    return {
        "new_s": [round(t, 2) for t in new],
        "repeated_s": [round(t, 3) for t in repeated],
        "listed": listed,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--db", help="Keep the generated store here (default: a temporary file).")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--ask", help=argparse.SUPPRESS)  # the child process: ask on this store
    args = parser.parse_args()
    if args.ask:
        print(json.dumps(ask(args.ask)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or os.path.join(folder, "stance.db")
        began = time.perf_counter()
        build(path, args.statements)
        built = time.perf_counter() - began
        child = subprocess.run(
            [sys.executable, __file__, "--ask", path], capture_output=True, text=True, check=True
        )
    timings = json.loads(child.stdout.strip().splitlines()[-1])
    result = {
        "statements": args.statements,
        "build_s": round(built, 1),
        "new_median_s": round(statistics.median(timings["new_s"]), 2),
        "repeated_median_s": round(statistics.median(timings["repeated_s"]), 3),
        **timings,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"stance over {args.statements:,} statements with embeddings, one core: a new proposition "
        f"{result['new_median_s']} s (median of 3: {timings['new_s']}), repeated "
        f"{result['repeated_median_s']} s ({timings['repeated_s']}); peak memory of the asking process "
        f"{timings['peak_mb']} MB; relevant statements listed {timings['listed']} "
        f"(store built in {built:.0f} s)"
    )


if __name__ == "__main__":
    main()
