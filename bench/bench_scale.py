"""Extraction time and peak memory against input size: time per character must stay flat, memory too.

Builds one input per kind and size in a temporary folder (nothing is copied into the repository):
- `seed`: ../shared/seed/article.txt repeated (the samples/ articles when ../shared is absent);
- `polnear`: the PolNeAR dev texts (../shared/polnear/dev/text) concatenated, repeated as needed;
- `html`: a generated news page with many paragraphs of the seed text, headers, navigation and scripts
  (at most 4.8 MB: a page over 5 MB of HTML without its scripts is refused as `too-large`).

Each size runs in a fresh subprocess (`python bench/bench_scale.py --child FILE`), which loads the models
with a small warm-up text, then times `onrecord.pipeline.extract_paths([FILE])` (reading, trafilatura
for HTML, extraction): chars/s is the article's characters over that time. The parent reads the child's
peak resident memory (`ru_maxrss` from `wait4`). With `--runs N` each size runs N times and the median is
printed; sizes whose single run takes over `--cheap` seconds run once.

    .venv/bin/python bench/bench_scale.py [--kinds seed,polnear,html] [--sizes 100k,400k,1.6m,6.4m,20m]
        [--modes fast,default] [--max-default 1.6m] [--runs 3] [--cheap 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "article.txt"
POLNEAR_DEV = SHARED / "polnear" / "dev" / "text"
SAMPLES = REPO / "samples"
LIMIT = 20_000_000  # the input limit (onrecord.sources.MAX_BYTES)
HTML_LIMIT = 4_800_000  # under the 5 MB left after scripts and styles (articles.MAX_HTML_BYTES)
WARM_UP = "“We will not wait,” the minister said on Tuesday. She added that talks would continue."
SUFFIX = {"seed": ".txt", "polnear": ".txt", "html": ".html"}


def parse_size(word: str) -> int:
    """`100k` -> 100,000; `1.6m` -> 1,600,000; `20m` is the 20 MB limit (20,000,000 bytes)."""
    scale = {"k": 1_000, "m": 1_000_000}.get(word[-1:].lower(), 1)
    number = word[:-1] if scale > 1 else word
    return min(LIMIT, int(float(number) * scale))


def seed_text() -> str:
    if SEED.is_file():
        return SEED.read_text(encoding="utf-8")
    return "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))


def polnear_text() -> str:
    paths = sorted(POLNEAR_DEV.glob("*.txt"))
    if not paths:
        return seed_text()
    return "\n\n".join(p.read_text(encoding="utf-8") for p in paths)


def repeated(unit: str, size: int) -> str:
    """`unit` repeated (separated by blank lines) up to `size` bytes of UTF-8, cut at a paragraph."""
    piece = unit.strip() + "\n\n"
    text = piece * -(-size // len(piece.encode("utf-8")))
    cut = len(text)
    while len(text[:cut].encode("utf-8")) > size:
        cut = max(text.rfind("\n\n", 0, cut - 2) + 2, 0) or size // 4
    return text[:cut]


def html_page(size: int) -> str:
    """A news page of about `size` bytes: head, navigation, a script, then the seed's paragraphs."""
    paragraphs = [p.strip() for p in seed_text().split("\n") if p.strip()]
    head = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Strikes inside Russia</title>"
        "<script>var tracking = {page: 'news'};</script><style>p {margin: 0}</style></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav>"
        "<article><h1>Strikes inside Russia</h1>"
    )
    tail = "</article><footer><p>Leave a Reply</p></footer></body></html>"
    body: list[str] = []
    used = len(head) + len(tail)
    number = 0
    while True:
        paragraph = paragraphs[number % len(paragraphs)]
        block = f"<p>{_escape(paragraph)}</p>\n"
        if number % len(paragraphs) == 0:
            block = f"<h2>Part {number // len(paragraphs) + 1}</h2>\n" + block
        if used + len(block.encode("utf-8")) > size:
            break
        body.append(block)
        used += len(block.encode("utf-8"))
        number += 1
    return head + "".join(body) + tail


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build(kind: str, size: int, folder: Path) -> Path:
    path = folder / f"{kind}-{size}{SUFFIX[kind]}"
    if not path.exists():
        if kind == "html":
            content = html_page(min(size, HTML_LIMIT))
        else:
            content = repeated(seed_text() if kind == "seed" else polnear_text(), size)
        path.write_text(content, encoding="utf-8")
    return path


def child(path: str, fast: bool) -> None:
    """Run in the subprocess: warm up, then time one extraction of `path`; print one JSON line."""
    from onrecord.pipeline import extract_paths
    from onrecord.records import Skip

    with tempfile.TemporaryDirectory() as folder:  # loads the models and trafilatura; not timed
        for name, content in (("warm.txt", WARM_UP * 5), ("warm.html", f"<html><p>{WARM_UP * 5}</p></html>")):
            (Path(folder) / name).write_text(content, encoding="utf-8")
            list(extract_paths([str(Path(folder) / name)], fast=fast))
    start, cpu = time.perf_counter(), time.process_time()
    results = list(extract_paths([path], fast=fast))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    chars = statements = 0
    for result in results:
        if isinstance(result, Skip):
            print(json.dumps({"skip": result.message}))
            return
        chars += len(result[0].text)
        statements += len(result[1])
    print(json.dumps({"chars": chars, "statements": statements, "seconds": wall, "cpu": cpu}))


def run_once(path: Path, fast: bool, timeout: float) -> dict[str, float | str]:
    """One subprocess: its JSON line plus its peak RSS in MB (from `wait4`, so only that child's)."""
    script = str(Path(__file__).resolve())
    command = [sys.executable, script, "--child", str(path)] + (["--fast"] if fast else [])
    source = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": source})
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        assert process.stdout is not None
        output = process.stdout.read().decode("utf-8")
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        why = f"stopped after {timeout:.0f} s" if process.returncode == -9 else f"exit {process.returncode}"
        return {"error": why}
    result: dict[str, float | str] = json.loads(lines[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return result


def measure(path: Path, fast: bool, runs: int, cheap: float, timeout: float) -> dict[str, object]:
    first = run_once(path, fast, timeout)
    results = [first]
    if "error" not in first and "skip" not in first and float(first["seconds"]) <= cheap:
        results += [run_once(path, fast, timeout) for _ in range(runs - 1)]
    good = [r for r in results if "chars" in r]
    if not good:
        return {"error": first.get("error") or first.get("skip")}
    seconds = statistics.median(float(r["seconds"]) for r in good)
    cpu = statistics.median(float(r["cpu"]) for r in good)
    chars = int(good[0]["chars"])
    return {
        "runs": len(good),
        "chars": chars,
        "statements": int(good[0]["statements"]),
        "seconds": round(seconds, 2),
        "chars_per_second": round(chars / seconds),
        "cpu_chars_per_second": round(chars / cpu),
        "peak_rss_mb": statistics.median(float(r["peak_rss_mb"]) for r in good),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="seed,polnear,html")
    parser.add_argument("--sizes", default="100k,400k,1.6m,6.4m,20m")
    parser.add_argument("--modes", default="fast,default")
    parser.add_argument("--max-default", default="1.6m", help="largest size run in the default mode")
    parser.add_argument("--runs", type=int, default=3, help="runs per size when a run is cheap")
    parser.add_argument("--cheap", type=float, default=20.0, help="seconds under which a size is rerun")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is stopped")
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.fast)
        return
    sizes = sorted({parse_size(s) for s in args.sizes.split(",")})
    max_default = parse_size(args.max_default)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        for mode in args.modes.split(","):
            for kind in args.kinds.split(","):
                for size in sizes:
                    if mode == "default" and size > max_default:
                        continue
                    if kind == "html" and size > HTML_LIMIT and HTML_LIMIT in sizes:
                        continue
                    path = build(kind, size, Path(folder))
                    row = {"mode": mode, "kind": kind, "bytes": path.stat().st_size}
                    row |= measure(path, mode == "fast", args.runs, args.cheap, args.timeout)
                    _print(row, args.json)


def _print(row: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(row), flush=True)
        return
    head = f"{row['mode']:>7} {row['kind']:>7} {int(str(row['bytes'])):>11,} bytes"
    if "error" in row:
        print(f"{head}  {row['error']}", flush=True)
        return
    print(
        f"{head}  {row['seconds']:>8} s  {row['chars_per_second']:>8,} chars/s"
        f"  ({row['cpu_chars_per_second']:,}/CPU-s)  peak RSS {row['peak_rss_mb']:>7,} MB"
        f"  {row['statements']:,} statements, {row['runs']} run(s)",
        flush=True,
    )


if __name__ == "__main__":
    main()
