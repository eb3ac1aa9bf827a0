"""Search speed over a synthetic store of 100,000 statements (median and p95 per query).

Builds the store once (generated text: a Zipf-distributed vocabulary of invented words, 5 statements an
article, 600 speakers, dates over three years, 40 sites) by plain SQL inserts, so the FTS5 index is
filled by the store's own triggers; then times `onrecord.queries.search` on an open connection for
`--queries` queries: single words of every frequency, two words, phrases, and a third of them with a
speaker, date or site filter. Each query asks for the top 20 with snippets.

    .venv/bin/python bench/bench_search.py [--statements 100000] [--queries 200] [--db FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta

import synthetic
from onrecord import queries
from onrecord.store import open_store

FUNCTION_WORDS = 100
"""The commonest generated words play the part of "the", "of", "said": in most statements, seldom searched
alone. Queries draw their words from the rest; the 20 commonest are timed apart, as a worst case."""


def vocabulary(size: int, seed: int) -> list[str]:
    return synthetic.words(size, random.Random(seed))


def build(path: str, statements: int, seed: int = 7) -> list[str]:
    """Fill the store at `path` with `statements` generated statements; the vocabulary, commonest first."""
    pick = random.Random(seed)
    words = vocabulary(5000, seed)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    conn = open_store(path)
    conn.execute("BEGIN")
    speakers = [f"{pick.choice(words).title()} {pick.choice(words).title()}" for _ in range(600)]
    conn.executemany(
        "INSERT INTO speakers (id, name, key, type, surname, given, created_at) "
        "VALUES (?, ?, lower(?), 'person', ?, ?, '2024-01-01')",
        [(i + 1, n, n, n.split()[1].lower(), n.split()[0].lower()) for i, n in enumerate(speakers)],
    )
    start = date(2022, 1, 1)
    for article in range(statements // 5):
        text = " ".join(pick.choices(words, weights, k=200))
        published = (start + timedelta(days=pick.randrange(1095))).isoformat()
        site = f"site{pick.randrange(40)}.example"
        cursor = conn.execute(
            "INSERT INTO articles (source, url, domain, site, published, language, text, text_hash, "
            "ingested_at) VALUES (?, ?, ?, ?, ?, 'en', ?, ?, '2024-01-01')",
            (f"gen:{article}", f"https://{site}/a/{article}", site, site, published, text, f"h{article}"),
        )
        article_id = cursor.lastrowid
        for number in range(5):
            said = " ".join(pick.choices(words, weights, k=pick.randint(12, 40)))
            speaker = pick.randrange(len(speakers)) + 1
            cursor = conn.execute(
                "INSERT INTO statements (article_id, speaker_id, speaker_name, speaker_type, kind, text, "
                "content_key, confidence) VALUES (?, ?, ?, 'person', 'direct', ?, ?, 0.9)",
                (article_id, speaker, speakers[speaker - 1], said, said),
            )
            conn.execute(
                "INSERT INTO appearances (article_id, extract_id, statement_id, spans) VALUES (?, ?, ?, ?)",
                (article_id, f"s{number}", cursor.lastrowid, '{"content":[[0,1]],"cue":null,"mention":null}'),
            )
    conn.execute("COMMIT")
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('optimize')")
    conn.close()
    return words


def query_set(words: list[str], count: int, seed: int = 11) -> list[dict[str, str]]:
    """Queries over the content vocabulary: one word, two words, a phrase, filters by date and site."""
    pick = random.Random(seed)
    content = words[FUNCTION_WORDS:]
    made: list[dict[str, str]] = []
    for number in range(count):
        word = content[min(len(content) - 1, int(pick.paretovariate(0.5)) - 1)]
        shape = number % 6
        if shape == 0:
            made.append({"text": f"{word} {pick.choice(content[:200])}"})
        elif shape == 1:
            made.append({"text": f'"{pick.choice(content[:30])} {pick.choice(content[:30])}"'})
        elif shape == 2:
            made.append({"text": word, "since": "2023-06-01", "until": "2023-12-31"})
        elif shape == 3:
            made.append({"text": word, "site": f"site{pick.randrange(40)}.example"})
        else:
            made.append({"text": word})
    return made


def time_queries(path: str, made: list[dict[str, str]]) -> list[float]:
    conn = open_store(path, create=False)
    queries.search(conn, "warm")
    timings = []
    for query in made:
        began = time.perf_counter()
        queries.search(conn, **query)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - began) * 1000)
    conn.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", help="Keep the generated store here (default: a temporary file).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or os.path.join(folder, "bench.db")
        began = time.perf_counter()
        words = build(path, args.statements)
        built = time.perf_counter() - began
        timings = time_queries(path, query_set(words, args.queries))
        commonest = time_queries(path, [{"text": word} for word in words[:20]])
    ordered = sorted(timings)
    result = {
        "statements": args.statements,
        "queries": len(timings),
        "build_s": round(built, 1),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
        "commonest_words_median_ms": round(statistics.median(commonest), 2),
        "commonest_words_max_ms": round(max(commonest), 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"search over {result['statements']:,} statements, {result['queries']} queries (top 20 with "
            f"snippets): median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
            f"max {result['max_ms']} ms (store built in {result['build_s']} s)"
        )
        print(
            f"the 20 commonest words alone (in most statements; a worst case): median "
            f"{result['commonest_words_median_ms']} ms, max {result['commonest_words_max_ms']} ms"
        )


if __name__ == "__main__":
    main()
