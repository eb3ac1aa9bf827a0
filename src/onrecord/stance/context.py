"""What a statement means beyond its own words, read from the article text around it: the context the
encoder sees (its sentence and the one before), the time a statement describes ("in 2012", "had
supported"), and who a second-hand report is about ("The New York Times reported that Blinken ...").

Pure functions over strings and offsets; bounded by `MAX_CONTEXT` characters whatever the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from onrecord.records import Span

MAX_CONTEXT = 1_200
"""At most this many characters of context per statement (the encoder reads ~256 word pieces)."""
_LOOK_BACK = 600
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+|\n\s*\n")
"""A sentence's end: its mark with any closing quote or bracket and the space after it, or a blank line."""

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DESCRIBED_YEAR = re.compile(
    rf"\b(?:in|since|during|back in)\s+(?:(?P<month>{_MONTHS})\.?\s+)?"
    r"(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_EARLIER_STANCE = (
    r"had (?:long |once |previously |earlier )?(?:supported|opposed|backed|called|said|argued|rejected|"
    r"endorsed|favou?red|insisted|defended|praised|criticized|criticised|pushed|urged)"
)
_EARLIER = re.compile(rf"\b{_EARLIER_STANCE}\b", re.IGNORECASE)
_PAST_MARKERS = re.compile(
    rf"\b(?:{_EARLIER_STANCE}|"
    r"last (?:year|month|spring|summer|autumn|fall|winter)|years? ago|months ago|at the time|"
    r"previously|formerly|once (?:called|said|supported|opposed|backed)|used to|in the past)\b",
    re.IGNORECASE,
)
_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|whom|whose|which)\b[^,;]*,")
"""A relative clause set off by commas: a date in it is about the person or thing, not the stance."""
_MONTH_NUMBER = {name: index % 12 + 1 for index, name in enumerate(_MONTHS.split("|")[:12])} | {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
REPORT_WINDOW = 80
"""A report is about the person named within this many characters of its start (the subject)."""


@dataclass(frozen=True)
class Described:
    """When a statement's stance was held, as the text says: `period` (YYYY-MM) when it names a date,
    `past` when it describes an earlier stance without a usable date (left out of shift detection)."""

    period: str | None
    past: bool


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence(s) holding text[start:end]."""
    window = max(0, start - _LOOK_BACK)
    ends = [m.end() for m in SENTENCE_END.finditer(text, window, start)]
    first = ends[-1] if ends else window
    following = SENTENCE_END.search(text, max(start, end - 1), min(len(text), end + _LOOK_BACK))
    last = following.start() + len(following.group().rstrip()) if following else min(len(text), end)
    return first, max(last, end)


def statement_context(text: str, content: Sequence[Span]) -> str:
    """The statement's sentence and the one before it, at most `MAX_CONTEXT` characters."""
    if not content:
        return ""
    start, end = sentence_bounds(text, min(s.start for s in content), max(s.end for s in content))
    if start > 0:
        start = sentence_bounds(text, max(0, start - 2), max(0, start - 1))[0]
    piece = " ".join(text[start:end].split())
    return piece if len(piece) <= MAX_CONTEXT else piece[-MAX_CONTEXT:]


def described_time(text: str, content: Sequence[Span], published: str | None) -> Described:
    """The time the statement in `content` describes, when its sentence names an earlier year (or month
    and year) than its publication; `past` when it speaks of an earlier stance without a date.

    A date in the words said is about what they speak of ("the aid promised in 2022 must come"), not
    when the stance was held, unless they describe an earlier stance ("he had supported it in 2019");
    so dates are read from the rest of the sentence (its cue, its speaker) first, leaving out relative
    clauses ("Hale, who was mayor in 2012, said ...")."""
    if not content:
        return Described(None, past=False)
    start, end = sentence_bounds(text, min(s.start for s in content), max(s.end for s in content))
    sentence = text[start:end][:MAX_CONTEXT]
    outside = sentence
    for span in content:
        first, last = max(0, span.start - start), max(0, span.end - start)
        outside = outside[:first] + " " * (last - first) + outside[last:]
    outside = _RELATIVE_CLAUSE.sub(",", outside)  # "Hale, who was mayor in 2012, said ..."
    said = " ".join(text[s.start : s.end] for s in content)
    dated = _earlier_date(outside, published) or (_EARLIER.search(said) and _earlier_date(said, published))
    if dated:
        return Described(dated, past=True)
    return Described(None, past=bool(_PAST_MARKERS.search(sentence)))


def _earlier_date(sentence: str, published: str | None) -> str | None:
    """The first year (or month and year) `sentence` names that is earlier than `published`'s year."""
    published_year = int(published[:4]) if published and published[:4].isdigit() else None
    for match in _DESCRIBED_YEAR.finditer(sentence):
        year = int(match.group("year"))
        if published_year is not None and year >= published_year:
            continue
        month = _MONTH_NUMBER.get((match.group("month") or "").lower().rstrip("."), 1)
        return f"{year:04d}-{month:02d}"
    return None


def report_subject(content: str, people: Sequence[tuple[int, str, str]]) -> tuple[int, str] | None:
    """The person a report is about: of `people` ((id, name, surname)), the one named first within
    `REPORT_WINDOW` characters of the start of `content`; None when none is."""
    head = content[:REPORT_WINDOW]
    best: tuple[int, int, str] | None = None
    for speaker_id, name, surname in people:
        for form in {name, surname}:
            if len(form) < 3:
                continue
            found = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", head)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), speaker_id, name)
    return (best[1], best[2]) if best else None
