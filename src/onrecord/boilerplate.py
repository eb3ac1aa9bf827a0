"""Page furniture at the edges of an extracted body: what trafilatura keeps before or after the article.

Only the first and last lines of the body are looked at, and only while each one is furniture; the first
line that is not ends the trim at that edge, so nothing inside the article is ever dropped. A line at an
edge is furniture when it
- repeats the article's title (the headline printed above the body),
- is short and no sentence (under `SHORT_LINE_WORDS` words and `SHORT_LINE_CHARS` characters, not
  ending as a sentence ends): a dateline, a
  section name, a photo credit, a byline, "Market Insider", "GET THE FOX NEWS APP",
- starts as a promotion or a footer does (data/page_furniture.txt: "Our Standards:", "Sign up for",
  "Also on rt.com", "Copyright"), or
- is an author's biography at the end ("Ruth Calder is a reporter for ...", `_BIO`).
At most `MAX_TRIM` lines go from each edge; a run of short lines longer than that at the end is kept
(a list that ends the article, not a footer).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib.resources import files

SHORT_LINE_WORDS = 8
MAX_TRIM = 4
SHORT_LINE_CHARS = 50
_SENTENCE_END = re.compile(r"[.!?…\"”’')\]。！？」』）]\s*$")
_BIO = re.compile(
    r"^(\w[\w.'-]*\s){1,4}(is|was|has been)\s(a|an|the)\s.{0,80}\b(reporter|correspondent|editor|writer|"
    r"journalist|columnist|contributor|producer|author|freelancer)\b",
    re.IGNORECASE,
)


def trim_furniture(text: str, title: str | None = None) -> str:
    """`text` without the furniture lines at its start and end (see the module's doc)."""
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < min(MAX_TRIM, end) and _is_furniture(lines[start], title, at_end=False):
        start += 1
    trailing = end
    while trailing > start and end - trailing < MAX_TRIM + 1 and _is_furniture(lines[trailing - 1], title):
        trailing -= 1
    if end - trailing <= MAX_TRIM:
        end = trailing
    kept = lines[start:end]
    return "\n".join(kept) if any(line.strip() for line in kept) else text


def _is_furniture(line: str, title: str | None, at_end: bool = True) -> bool:
    words = line.split()
    if not words:
        return True
    if title and _title_forms(title) & _title_forms(line):
        return True
    short = len(words) < SHORT_LINE_WORDS and len(line.strip()) < SHORT_LINE_CHARS
    if short and not _SENTENCE_END.search(line):
        return True
    if _furniture_start().match(line.strip()):
        return True
    return at_end and len(words) < 60 and _BIO.match(line.strip()) is not None


@lru_cache(maxsize=4096)
def _title_forms(title: str) -> frozenset[str]:
    """A title (or a line), and its parts either side of a site-name separator, case and spacing aside."""
    whole = " ".join(title.split()).casefold()
    parts = {whole, *(part.strip() for part in re.split(r"\s[|–—-]\s", whole))}
    return frozenset(part for part in parts if part)


@cache
def _furniture_start() -> re.Pattern[str]:
    rows = files("onrecord.data").joinpath("page_furniture.txt").read_text(encoding="utf-8").splitlines()
    patterns = [row.strip() for row in rows if row.strip() and not row.startswith("#")]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)
