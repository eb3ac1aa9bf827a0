"""Main-text extraction quality: onrecord's HTML articles against trafilatura's raw output.

Two page sets from ../shared/news-html, each page read by two systems: onrecord (`html_article`: its
text before the language check, so that a page in a language it does not read yet is scored on what it
extracted; `to_article`'s skips are counted apart) and trafilatura's `extract` (`include_comments=False`,
otherwise its defaults).

- Readability: every folder of readability_testpages/test-pages (Mozilla Readability's test pages,
  Apache-2.0) holds source.html and expected.html, Readability's own extraction. The gold text is
  expected.html's text, one line per block element (paragraph, heading, list item ...).
- goose3: every content/test_*.html has a JSON twin whose `cleaned_text` is the first words of goose3's
  expected text (a prefix). A system's text is cut to as many words as the prefix before scoring, so the
  score says whether the article's start (its lead paragraph) is there and nothing comes before it;
  `lead` is the share of pages whose text starts with the prefix's words.

Scores per page: ROUGE-LSum F1 (the `rouge-score` package, its tokenizer, no stemming; lines are its
sentences) and bag-of-words F1 (lowercased \\w+ tokens), both ×100; mean and median over pages, on all
pages and on those whose gold text is English (non-English: `detect_language` at least MIN_CONFIDENCE sure
of another language, or goose3's `meta_lang` another language). The worst pages (onrecord's lowest
ROUGE-LSum) are listed with both systems' scores. Metadata: title, date and author correct rates where
the page's JSON has them (Readability's title, byline and publishedTime; goose3's title): a title or
author is right when, case and spacing aside, one contains the other; a date when its YYYY-MM-DD agrees.

    .venv/bin/python bench/bench_html_quality.py [--json] [--worst 15]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura
from rouge_score import rouge_scorer

from onrecord.articles import html_article, iso_date, to_article
from onrecord.language import MIN_CONFIDENCE, detect_language
from onrecord.records import Article, Document, Skip

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
READABILITY = SHARED / "news-html" / "readability_testpages" / "test-pages"
GOOSE = SHARED / "news-html" / "goose3_content" / "content"
SYSTEMS = ("onrecord", "trafilatura")
_TOKEN = re.compile(r"\w+")
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "tr", "dt", "dd", "figcaption")
_SCORER = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=False)


@dataclass(frozen=True)
class Page:
    """One page with expected text: its HTML, the gold text (or prefix), and the metadata the set gives."""

    kind: str  # "readability" or "goose3"
    name: str
    html: bytes
    gold: str
    english: bool
    title: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass
class Scores:
    """Per-page scores of one system on one page set."""

    rouge: list[float] = field(default_factory=list)
    bow: list[float] = field(default_factory=list)
    lead: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, rouge: float, bow: float, lead: bool | None, seconds: float) -> None:
        self.rouge.append(rouge)
        self.bow.append(bow)
        if lead is not None:
            self.lead.append(lead)
        self.seconds.append(seconds)

    def summary(self) -> dict[str, float | int]:
        result: dict[str, float | int] = {"pages": len(self.rouge)}
        for name, values in (("rouge_lsum", self.rouge), ("bow_f1", self.bow)):
            result[f"{name}_mean"] = statistics.fmean(values) if values else 0.0
            result[f"{name}_median"] = statistics.median(values) if values else 0.0
        if self.lead:
            result["lead"] = sum(self.lead) / len(self.lead)
        result["median_ms"] = 1000 * statistics.median(self.seconds) if self.seconds else 0.0
        return result


def block_text(html: str) -> str:
    """An HTML fragment's text, one line per block element, spacing collapsed within lines."""
    root = lxml.html.fromstring(html)
    for element in root.iter(_BLOCKS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in "".join(root.itertext()).split("\n"))
    return "\n".join(line for line in lines if line)


def is_english(text: str) -> bool:
    detected = detect_language(text)
    return detected is None or detected.code == "en" or detected.confidence < MIN_CONFIDENCE


def readability_pages() -> Iterator[Page]:
    for folder in sorted(READABILITY.iterdir()):
        if not ((folder / "source.html").is_file() and (folder / "expected.html").is_file()):
            continue
        gold = block_text((folder / "expected.html").read_text(encoding="utf-8"))
        meta_path = folder / "expected-metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        yield Page(
            "readability",
            folder.name,
            (folder / "source.html").read_bytes(),
            gold,
            is_english(gold),
            title=meta.get("title") or None,
            author=meta.get("byline") or None,
            date=meta.get("publishedTime") or None,
        )


def goose_pages() -> Iterator[Page]:
    for path in sorted(GOOSE.glob("*.json")):
        html_path = path.with_suffix(".html")
        expected = json.loads(path.read_text(encoding="utf-8")).get("expected", {})
        prefix = " ".join(str(expected.get("cleaned_text") or "").split())
        if not html_path.is_file() or not prefix:
            continue
        language = expected.get("meta_lang")
        english = language == "en" if language else is_english(prefix)
        yield Page("goose3", path.stem, html_path.read_bytes(), prefix, english, title=expected.get("title"))


def run_onrecord(page: Page) -> tuple[str, Article | None, str | None]:
    """onrecord's text for the page, its article, and the reason `to_article` skips it (if it does). The
    text is scored before the language check: a page in a language onrecord does not read yet keeps the
    text it extracted (the skip is counted apart), so the scores are about extraction alone."""
    document = Document(source=f"{page.kind}/{page.name}", data=page.html, media_type="html")
    result = html_article(document)
    if not isinstance(result, Article):
        return "", None, result.reason
    checked = to_article(document)
    return result.text, result, checked.reason if isinstance(checked, Skip) else None


def rouge_lsum(predicted: str, gold: str) -> float:
    return 100 * _SCORER.score(gold, predicted)["rougeLsum"].fmeasure


def rouge_recall(predicted: str, gold: str) -> float:
    """ROUGE-LSum recall ×100: how much of the gold text the system's text holds (for the worst list)."""
    return 100 * _SCORER.score(gold, predicted)["rougeLsum"].recall


def bow_f1(predicted: str, gold: str) -> float:
    ours, theirs = Counter(_TOKEN.findall(predicted.lower())), Counter(_TOKEN.findall(gold.lower()))
    total = sum(ours.values()) + sum(theirs.values())
    return 100 * 2 * sum((ours & theirs).values()) / total if total else 100.0


def first_words(text: str, count: int) -> str:
    """The first `count` whitespace-separated words of `text`, its line breaks kept."""
    found = list(re.finditer(r"\S+", text))
    return text[: found[count - 1].end()] if len(found) >= count else text


def starts_with(text: str, prefix: str) -> bool:
    ours, theirs = _TOKEN.findall(text.lower()), _TOKEN.findall(prefix.lower())
    return bool(theirs) and ours[: len(theirs)] == theirs


def page_scores(page: Page, predicted: str) -> tuple[float, float, bool | None]:
    """ROUGE-LSum and bag-of-words F1 of `predicted` against the page's gold, and (goose3) whether it
    starts with the gold prefix."""
    lead = None
    if page.kind == "goose3":
        lead = starts_with(predicted, page.gold)
        predicted = first_words(predicted, len(page.gold.split()))
    return rouge_lsum(predicted, page.gold), bow_f1(predicted, page.gold), lead


def same_text(found: str | None, gold: str) -> bool:
    if not found:
        return False
    ours, theirs = " ".join(found.casefold().split()), " ".join(gold.casefold().split())
    return ours in theirs or theirs in ours


def metadata_marks(page: Page, title: str | None, author: str | None, date: str | None) -> dict[str, bool]:
    """For each metadata field the page gives, whether the system's value is right."""
    marks: dict[str, bool] = {}
    if page.title:
        marks["title"] = same_text(title, page.title)
    if page.author:
        marks["author"] = same_text(author, page.author.removeprefix("By ").removeprefix("by "))
    if page.date:
        marks["date"] = bool(date) and iso_date(date or "") == iso_date(page.date)
    return marks


def trafilatura_metadata(html: bytes) -> tuple[str | None, str | None, str | None]:
    found: Any = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
    return (getattr(found, "title", None), getattr(found, "author", None), getattr(found, "date", None))


def evaluate(pages: list[Page]) -> dict[str, Any]:
    """Every page read by both systems and scored; summaries per page set, subset and system."""
    scores: dict[tuple[str, str, str], Scores] = {}
    marks: dict[tuple[str, str], Counter[str]] = {}
    rows, extractors, skips = [], Counter[str](), Counter[str]()
    for page in pages:
        start = time.perf_counter()
        ours, article, skipped = run_onrecord(page)
        if skipped:
            skips[skipped] += 1
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        theirs = trafilatura.extract(page.html, include_comments=False) or ""
        theirs_s = time.perf_counter() - start
        extractors[article.extractor or "?" if article else "skipped"] += 1
        row: dict[str, Any] = {"page": f"{page.kind}/{page.name}", "english": page.english}
        subsets = ("all", "english") if page.english else ("all",)
        ours_scores = page_scores(page, ours)
        theirs_scores = ours_scores if theirs == ours else page_scores(page, theirs)
        for system, found, seconds in (
            ("onrecord", ours_scores, ours_s),
            ("trafilatura", theirs_scores, theirs_s),
        ):
            row[system] = found[:2]
            for key in ((kind, subset, system) for kind in (page.kind, "both") for subset in subsets):
                scores.setdefault(key, Scores()).add(*found, seconds)
        row["recall"] = rouge_recall(
            ours if page.kind != "goose3" else first_words(ours, len(page.gold.split())), page.gold
        )
        row["extractor"] = article.extractor if article else "skipped"
        rows.append(row)
        meta = (
            (article.title, article.author, article.published) if article else (None, None, None),
            trafilatura_metadata(page.html),
        )
        for system, found in zip(SYSTEMS, meta, strict=True):
            for name, right in metadata_marks(page, *found).items():
                counter = marks.setdefault((system, name), Counter())
                counter["right" if right else "wrong"] += 1
    return {
        "pages": len(pages),
        "extractors": dict(extractors),
        "skips": dict(skips),
        "scores": {"/".join(key): value.summary() for key, value in scores.items()},
        "metadata": {
            f"{system}/{name}": {"pages": sum(c.values()), "correct": c["right"] / sum(c.values())}
            for (system, name), c in sorted(marks.items())
        },
        "rows": rows,
    }


def print_report(result: dict[str, Any], worst: int) -> None:
    print(f"{result['pages']} pages with expected text; onrecord's extractors: {result['extractors']}")
    print(f"to_article would skip (scored on the text extracted all the same): {result['skips']}")
    print(f"{'set':<13}{'pages':<9}{'system':<13}{'n':>4}{'RLsum mean':>11}{'median':>8}{'BoW mean':>10}")
    for key, s in result["scores"].items():
        kind, subset, system = key.split("/")
        lead = f"  lead {s['lead']:.1%}" if "lead" in s else ""
        print(
            f"{kind:<13}{subset:<9}{system:<13}{s['pages']:>4}{s['rouge_lsum_mean']:>11.2f}"
            f"{s['rouge_lsum_median']:>8.2f}{s['bow_f1_mean']:>10.2f}  median {s['median_ms']:.0f} ms{lead}"
        )
    print("metadata correct (pages that give it):")
    for key, value in result["metadata"].items():
        print(f"  {key:<22}{value['correct']:>7.1%} of {value['pages']}")
    print(f"worst {worst} pages by onrecord's ROUGE-LSum (onrecord / trafilatura: RLsum, BoW F1; recall):")
    rows = sorted(result["rows"], key=lambda row: row["onrecord"][0])[:worst]
    for row in rows:
        (our_r, our_b), (their_r, their_b) = row["onrecord"], row["trafilatura"]
        scored = f"{our_r:6.1f} {our_b:6.1f} / {their_r:6.1f} {their_b:6.1f}; {row['recall']:5.1f}"
        print(f"  {row['page']:<42}{scored}  {row['extractor']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--worst", type=int, default=15, help="how many of the worst pages to list")
    args = parser.parse_args()
    if not READABILITY.is_dir() or not GOOSE.is_dir():
        sys.exit(f"bench_html_quality: {READABILITY} or {GOOSE} is absent, so there are no pages to score.")
    pages = [*readability_pages(), *goose_pages()]
    run_onrecord(pages[0])  # warm-up: imports, the publisher table
    trafilatura.extract(pages[0].html, include_comments=False)
    result = evaluate(pages)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_report(result, args.worst)


if __name__ == "__main__":
    main()
