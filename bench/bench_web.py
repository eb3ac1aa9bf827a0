"""Web speed over a synthetic store of 100,000 statements: server time per page, a concurrent load, and
page weights.

The store (built once, reused with --db): about 21,000 generated articles of 5 statements each, written
through the library's own writer (`store_article`: speaker identity, roles, MinHash near-duplicates; 1 article
in 20 is a syndicated copy of an earlier one), 600 speakers drawn Zipf-like (the busiest has thousands of
statements), 40 outlets, dates over three years. Article text and statements are made of invented words.

1. Server time: each page is requested in-process through the ASGI app (httpx's ASGI transport: routing,
   queries, templates, no network), `--requests` times per kind with varied ids and queries (people drawn
   by how often they are quoted), the server's result cache off; then the most quoted person and the front
   page 20 times each, and the people pages again with the cache on. Median, p95 and max in ms.
2. Load (bench/web_load.py): a real server as a subprocess on 127.0.0.1, `--clients` concurrent clients
   (plain HTTP/1.1 keep-alive, cheap enough to leave the cores to the server) for `--seconds` seconds,
   each looping over search, person, article, statement, people and front pages; requests/s, errors
   (anything but 200 or 404, or no answer) and latency p50 / p99. First the old configuration (the
   source of commit `web_load.BASELINE`, one uvicorn process as the bench ran it then), then `onrecord
   serve` as it is now; then both again on a copy of the store while `onrecord ingest --fast --workers 1`
   writes generated English articles into it.
3. Weight: bytes of HTML + CSS + JS for one page of each kind (the largest article, the busiest person).

    .venv/bin/python bench/bench_web.py [--db FILE] [--statements 100000] [--requests 200]
        [--clients 50] [--seconds 30] [--no-baseline] [--no-ingest] [--only-load] [--json]

Loopback only, bounded in count and time: at most `MAX_SECONDS` of load, whatever is asked.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

import synthetic
import web_load
from onrecord.records import Article, Span, Speaker, Statement
from onrecord.store import open_store, optimize
from onrecord.store.dedup import fingerprint
from onrecord.store.writer import Extracted, store_article
from onrecord.web import create_app
from onrecord.web.db import CACHE_BYTES

ROLES = ["minister", "mayor", "spokesperson", "senator", "director", "chair", "analyst", "governor"]
CUES = ["said", "told reporters", "added", "warned", "insisted"]
STATEMENTS_PER_ARTICLE = 5
MAX_SECONDS = 120


@dataclass
class Generator:
    """Invented articles: filler paragraphs and quotes, each quote with its cue and speaker mention."""

    pick: random.Random
    vocabulary: list[str]
    weights: list[float]
    speakers: list[tuple[str, str]]
    speaker_weights: list[float]

    def sentence(self, low: int, high: int) -> str:
        chosen = self.pick.choices(self.vocabulary, self.weights, k=self.pick.randint(low, high))
        return " ".join(chosen).capitalize()

    def article(self, number: int) -> tuple[str, list[Statement]]:
        parts: list[str] = []
        statements: list[Statement] = []
        for index in range(STATEMENTS_PER_ARTICLE):
            parts.append(self.sentence(25, 60) + ". " + self.sentence(10, 30) + ".\n\n")
            name, role = self.pick.choices(self.speakers, self.speaker_weights)[0]
            quote, cue = self.sentence(10, 35) + ",", self.pick.choice(CUES)
            offset = sum(len(part) for part in parts)
            text = f'"{quote}" {cue} {role} {name}.\n\n'
            parts.append(text)
            content = Span(offset + 1, offset + 1 + len(quote), quote)
            cue_at = offset + len(quote) + 3
            mention_at = cue_at + len(cue) + 1
            mention = f"{role} {name}"
            statements.append(
                Statement(
                    id=f"{number}-{index}",
                    kind="direct",
                    content=(content,),
                    cue=Span(cue_at, cue_at + len(cue), cue),
                    speaker=Speaker(
                        name, "person", role, Span(mention_at, mention_at + len(mention), mention)
                    ),
                    confidence=0.9,
                )
            )
        return "".join(parts), statements


def build(path: str, statements: int, seed: int = 7) -> None:
    """A store of `statements` generated statements at `path`, written with the library's writer."""
    pick = random.Random(seed)
    vocabulary = synthetic.words(5000, pick)
    names = synthetic.words(1400, pick)
    speakers = [
        (f"{names[2 * i].title()} {names[2 * i + 1].title()}", pick.choice(ROLES)) for i in range(600)
    ]
    generator = Generator(
        pick,
        vocabulary,
        [1 / (rank + 1) for rank in range(len(vocabulary))],
        speakers,
        [1 / (rank + 1) ** 0.9 for rank in range(len(speakers))],
    )
    conn = open_store(path)
    start = date(2022, 1, 1)
    stored: list[tuple[str, list[Statement]]] = []
    conn.execute("BEGIN")
    added = number = 0
    while added < statements:
        number += 1
        if stored and number % 20 == 19:  # a syndicated copy of an earlier story, one sentence longer
            text, said = pick.choice(stored[-200:])
            text += generator.sentence(10, 20) + ".\n"
        else:
            text, said = generator.article(number)
            stored.append((text, said))
        site = f"outlet{pick.randrange(40)}.example"
        article = Article(
            source=f"gen:{number}",
            text=text,
            title=generator.sentence(4, 9),
            url=f"https://{site}/{number}",
            published=(start + timedelta(days=pick.randrange(1095))).isoformat(),
            site=site,
        )
        written = store_article(conn, Extracted(f"gen:{number}", article, fingerprint(text), tuple(said)))
        added += written.statements
        if number % 500 == 499:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    conn.execute("COMMIT")
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('optimize')")
    optimize(conn)  # as `onrecord ingest` does at its end
    conn.close()


@dataclass(frozen=True)
class Targets:
    """What the benchmark asks for: search words, person, article and statement ids."""

    searches: list[str]
    people: list[int]
    articles: list[int]
    statements: list[int]
    busiest: int
    busiest_statements: int
    longest: int


def targets(path: str, count: int, seed: int = 11) -> Targets:
    """Searches for words people said; people drawn by how often they are quoted (the much-quoted are
    looked up more); articles and statements at random."""
    pick = random.Random(seed)
    conn = open_store(path, create=False)
    try:
        quoted = conn.execute(
            "SELECT speaker_id, count(*) AS n FROM statements WHERE speaker_id IS NOT NULL "
            "GROUP BY speaker_id ORDER BY n DESC"
        ).fetchall()
        articles = int(conn.execute("SELECT max(id) FROM articles").fetchone()[0])
        statements = int(conn.execute("SELECT max(id) FROM statements").fetchone()[0])
        longest = conn.execute("SELECT id FROM articles ORDER BY length(text) DESC LIMIT 1").fetchone()[0]
        texts = [
            row[0] for row in conn.execute("SELECT text FROM statements ORDER BY random() LIMIT ?", (count,))
        ]
    finally:
        conn.close()
    searches = []
    for number, text in enumerate(texts):
        found = text.rstrip(",").lower().split()
        searches.append(" ".join(pick.sample(found, min(len(found), 1 + number % 2))))  # one word or two
    return Targets(
        searches=searches,
        people=pick.choices([row[0] for row in quoted], [row[1] for row in quoted], k=count),
        articles=[pick.randint(1, articles) for _ in range(count)],
        statements=[pick.randint(1, statements) for _ in range(count)],
        busiest=quoted[0][0],
        busiest_statements=quoted[0][1],
        longest=longest,
    )


def paths(kind: str, chosen: Targets) -> list[str]:
    if kind == "search":
        return [f"/search?{urlencode({'q': q})}" for q in chosen.searches]
    if kind == "person":
        return [f"/people/{person}" for person in chosen.people]
    if kind == "article":
        return [f"/articles/{article}" for article in chosen.articles]
    return [f"/statements/{statement}" for statement in chosen.statements]


def summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings) or [0.0]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


async def server_times(path: str, chosen: Targets) -> dict[str, dict[str, float]]:
    """Each page kind requested in-process through the ASGI app, one request at a time: uncached (the
    server's result cache off), then the people pages again with the cache on."""
    app = create_app(path)
    app.state.db.cache_bytes = 0
    transport = httpx.ASGITransport(app=app)
    results: dict[str, dict[str, float]] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await client.get("/")  # opens the connection, compiles the templates
        for kind in ("search", "person", "article", "statement"):
            results[kind] = await _timed(client, paths(kind, chosen))
        busiest = [f"/people/{chosen.busiest}"] * 20
        results[f"person, the most quoted ({chosen.busiest_statements:,} statements)"] = await _timed(
            client, busiest
        )
        results["front"] = await _timed(client, ["/"] * 20)
        app.state.db.cache_bytes = CACHE_BYTES
        results["person, cache on"] = await _timed(client, paths("person", chosen))
    return results


async def _timed(client: httpx.AsyncClient, targets: list[str]) -> dict[str, float]:
    timings = []
    for target in targets:
        began = time.perf_counter()
        response = await client.get(target)
        timings.append((time.perf_counter() - began) * 1000)
        if response.status_code not in (200, 404):
            raise SystemExit(f"{target}: HTTP {response.status_code}")
    return summary(timings)


def mix(chosen: Targets) -> list[str]:
    """The pages the load's clients pick from, at random."""
    pages = [*paths("search", chosen), *paths("person", chosen), *paths("article", chosen)]
    return [*pages, *paths("statement", chosen), "/", "/people"]


def measure(path: str, pages: list[str], args: argparse.Namespace, source: str | None) -> dict[str, Any]:
    """Load on a server of `path`: `onrecord serve` (source None) or the old configuration."""
    server = web_load.start(path, source)
    try:
        timings: list[float] = []
        result = asyncio.run(web_load.load(server.port, pages, args.clients, args.seconds, timings))
    finally:
        web_load.stop(server)
    result["requests_per_s"] = round(result["requests"] / result["seconds"], 1)
    return {**result, **summary(timings)}


def loads(path: str, chosen: Targets, args: argparse.Namespace, folder: str) -> dict[str, Any]:
    """Each configuration under load, then each again while an ingest writes into a copy of the store."""
    source = None if args.no_baseline else web_load.baseline_source(web_load.BASELINE, folder)
    configurations = {"now": None} if source is None else {"old": source, "now": None}
    pages = mix(chosen)
    result: dict[str, Any] = {name: measure(path, pages, args, tree) for name, tree in configurations.items()}
    if args.no_ingest:
        return result
    texts = web_load.english_articles(web_load.INGEST_ARTICLES)
    for name, tree in configurations.items():
        copy = os.path.join(folder, f"ingesting-{name}.db")  # a new file: no other run's WAL beside it
        shutil.copyfile(path, copy)
        with web_load.ingesting(copy, texts) as ingest:
            result[f"{name}, ingest writing"] = measure(copy, pages, args, tree)
        result[f"{name}, ingest writing"]["ingest"] = ingest
    return result


def weights(path: str, chosen: Targets) -> dict[str, int]:
    """Bytes of HTML + CSS + JS for one page of each kind (the heaviest ones where they differ)."""
    from fastapi.testclient import TestClient

    client = TestClient(create_app(path), base_url="http://127.0.0.1")
    assets = sum(len(client.get(asset).content) for asset in ("/static/style.css", "/static/app.js"))
    pages = {
        "front": "/",
        "search": f"/search?{urlencode({'q': chosen.searches[0], 'limit': 100})}",
        "people": "/people?limit=100",
        "person": f"/people/{chosen.busiest}?limit=100",
        "article": f"/articles/{chosen.longest}",
        "statement": f"/statements/{chosen.statements[0]}",
    }
    return {kind: len(client.get(page).content) + assets for kind, page in pages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="Reuse (or build and keep) the store here; default: a temporary file.")
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="Requests per page kind for server time.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-baseline", action="store_true", help="Skip the old configuration.")
    parser.add_argument("--no-ingest", action="store_true", help="Skip the load with an ingest writing.")
    parser.add_argument("--only-load", action="store_true", help="Only the load (no server time, weights).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or os.path.join(folder, "bench.db")
        began = time.perf_counter()
        if not os.path.exists(path):
            build(path, args.statements)
        built = time.perf_counter() - began
        result = run(path, args, built, folder)
    if args.json:
        print(json.dumps(result))
    else:
        report(result)


def run(path: str, args: argparse.Namespace, built: float, folder: str) -> dict[str, Any]:
    chosen = targets(path, args.requests)
    conn = open_store(path, create=False)
    statements = int(conn.execute("SELECT count(*) FROM statements").fetchone()[0])
    conn.close()
    result: dict[str, Any] = {"statements": statements, "build_s": round(built, 1)}
    args.seconds = min(args.seconds, MAX_SECONDS)
    if not args.only_load:
        result["server_ms"] = asyncio.run(server_times(path, chosen))
    result["load"] = loads(path, chosen, args, folder)
    if not args.only_load:
        result["page_bytes"] = weights(path, chosen)
    return result


def report(result: dict[str, Any]) -> None:
    print(f"store: {result['statements']:,} statements (built in {result['build_s']} s)")
    print("server time per page (in-process ASGI, one at a time):")
    for kind, figures in result.get("server_ms", {}).items():
        print(
            f"  {kind}: median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"max {figures['max_ms']} ms"
        )
    for name, load_ in result["load"].items():
        print(
            f"load, {name}: {load_['clients']} clients for {load_['seconds']} s on loopback: "
            f"{load_['requests']:,} requests ({load_['requests_per_s']}/s), "
            f"errors {load_['errors'] or 'none'}; latency p50 {load_['median_ms']} ms, "
            f"p99 {load_['p99_ms']} ms, max {load_['max_ms']} ms"
            + (f"; ingest stored {load_['ingest']['articles_stored']} articles" if "ingest" in load_ else "")
        )
    for name in ("", ", ingest writing"):
        old, now = result["load"].get(f"old{name}"), result["load"].get(f"now{name}")
        if old and now:
            ratio = now["requests_per_s"] / max(old["requests_per_s"], 0.1)
            print(f"throughput now / old{name}: {ratio:.2f}x")
    print("page weight (HTML + CSS + JS):")
    for kind, size in result.get("page_bytes", {}).items():
        print(f"  {kind:<10} {size / 1000:.1f} KB")


if __name__ == "__main__":
    main()
