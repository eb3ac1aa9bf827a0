"""Main-text extraction quality: onrecord's HTML articles against trafilatura's raw output.

Every folder of ../shared/news-html/readability_testpages/test-pages (Mozilla Readability's test pages,
Apache-2.0) holds source.html and expected.html, Readability's own extraction. The gold text is
expected.html with its tags stripped (lxml) and whitespace collapsed. Two systems read source.html:
onrecord (`to_article`, a Skip scored as empty output) and trafilatura's `extract` with default settings.
Tokens are lowercased \\w+ words; each page scores bag-of-tokens overlap (P, R, F1), reported micro
(sums over pages) and macro (mean per-page F1), on all pages and on the pages whose expected text is
English (non-English meaning `detect_language` is at least MIN_CONFIDENCE sure of another language: the
onrecord rule that skips an article as `not-english`). Per-page time is the median wall time.

    .venv/bin/python bench/bench_html_quality.py [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import trafilatura

from onrecord.articles import to_article
from onrecord.language import MIN_CONFIDENCE, detect_language
from onrecord.records import Document, Skip

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PAGES = SHARED / "news-html" / "readability_testpages" / "test-pages"
_TOKEN = re.compile(r"\w+")
SYSTEMS = ("onrecord", "trafilatura")


@dataclass
class Score:
    """Token counts summed over pages, per-page F1 and per-page seconds for one system on one page set."""

    overlap: int = 0
    predicted: int = 0
    gold: int = 0
    f1s: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, predicted: Counter[str], gold: Counter[str], seconds: float) -> None:
        overlap = sum((predicted & gold).values())
        n_pred, n_gold = sum(predicted.values()), sum(gold.values())
        self.overlap, self.predicted, self.gold = (
            self.overlap + overlap,
            self.predicted + n_pred,
            self.gold + n_gold,
        )
        self.f1s.append(f1(overlap, n_pred, n_gold))
        self.seconds.append(seconds)

    def summary(self) -> dict[str, float | int]:
        p = self.overlap / self.predicted if self.predicted else 0.0
        r = self.overlap / self.gold if self.gold else 0.0
        return {
            "pages": len(self.f1s),
            "micro_p": p,
            "micro_r": r,
            "micro_f1": f1(self.overlap, self.predicted, self.gold),
            "macro_f1": statistics.fmean(self.f1s) if self.f1s else 0.0,
            "median_ms": 1000 * statistics.median(self.seconds) if self.seconds else 0.0,
        }


def f1(overlap: int, predicted: int, gold: int) -> float:
    return 2 * overlap / (predicted + gold) if predicted + gold else 1.0


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def gold_text(path: Path) -> str:
    """expected.html (UTF-8) without its tags, text pieces joined by spaces, whitespace collapsed."""
    root = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(root.itertext()).split())


def run_onrecord(folder: Path, html: bytes) -> tuple[str, str | None]:
    """onrecord's article text and the skip reason (text empty) if it skipped the page."""
    result = to_article(Document(source=str(folder / "source.html"), data=html, media_type="html"))
    return ("", result.reason) if isinstance(result, Skip) else (result.text, None)


def is_english(text: str) -> bool:
    detected = detect_language(text)
    return detected is None or detected.code == "en" or detected.confidence < MIN_CONFIDENCE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    if not PAGES.is_dir():
        sys.exit(f"bench_html_quality: {PAGES} is absent, so there are no test pages to score.")
    folders = sorted(
        p for p in PAGES.iterdir() if (p / "source.html").is_file() and (p / "expected.html").is_file()
    )
    run_onrecord(folders[0], (folders[0] / "source.html").read_bytes())  # warm-up: imports, models
    trafilatura.extract((folders[0] / "source.html").read_bytes(), include_comments=False)

    scores = {(s, subset): Score() for subset in ("all", "english") for s in SYSTEMS}
    skips: dict[str, Counter[str]] = {"all": Counter(), "english": Counter()}
    excluded: dict[str, str] = {}
    for folder in folders:
        html, gold = (folder / "source.html").read_bytes(), gold_text(folder / "expected.html")
        gold_tokens = tokens(gold)
        english = is_english(gold)
        if not english:
            detected = detect_language(gold)
            excluded[folder.name] = f"{detected.code} {detected.confidence:.0%}" if detected else "?"
        start = time.perf_counter()
        ours, reason = run_onrecord(folder, html)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        theirs = trafilatura.extract(html, include_comments=False) or ""
        theirs_s = time.perf_counter() - start
        for subset in ("all", "english") if english else ("all",):
            scores["onrecord", subset].add(tokens(ours), gold_tokens, ours_s)
            scores["trafilatura", subset].add(tokens(theirs), gold_tokens, theirs_s)
            if reason:
                skips[subset][reason] += 1

    result = {
        "pages_dir": str(PAGES),
        "pages": len(folders),
        "excluded_non_english": excluded,
        "skips": {subset: dict(counter) for subset, counter in skips.items()},
        "scores": {f"{s}/{subset}": score.summary() for (s, subset), score in scores.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{len(folders)} Readability test pages; gold = expected.html text; bag-of-\\w+-token overlap")
    print(f"{'pages':<9}{'system':<13}{'n':>4}{'micro P':>9}{'micro R':>9}{'micro F1':>10}{'macro F1':>10}")
    for (system, subset), score in scores.items():
        s = score.summary()
        print(
            f"{subset:<9}{system:<13}{s['pages']:>4}{s['micro_p']:>9.3f}{s['micro_r']:>9.3f}"
            f"{s['micro_f1']:>10.3f}{s['macro_f1']:>10.3f}  median {s['median_ms']:.1f} ms/page"
        )
    for subset, counter in skips.items():
        print(f"onrecord skips ({subset}, scored as empty): {dict(counter) or 'none'}")
    listed = ", ".join(f"{name} ({why})" for name, why in excluded.items())
    print(f"excluded from 'english' (expected text surely not English): {listed or 'none'}")


if __name__ == "__main__":
    main()
