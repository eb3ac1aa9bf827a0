"""Find quotations in raw text: pair quote marks, never mistaking apostrophes for them.

Pure character-level code; it runs before parsing so that quotes spanning paragraphs are seen whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Opening mark -> the closing marks that may end it. `''` and ``` `` ``` are typewriter double quotes.
PAIRS: dict[str, tuple[str, ...]] = {
    "“": ("”", "“", '"'),
    "„": ("“", "”", '"'),
    "«": ("»",),
    "»": ("«",),
    '"': ('"', "”", "“"),
    "``": ("''", '"'),
    "''": ("''",),
    "‘": ("’", "‘", "'"),
    "‚": ("‘", "’"),
    "'": ("'", "’"),
    "‹": ("›",),
}
DOUBLE_OPENERS = ("“", "„", "«", '"', "``", "''", "»")
SINGLE_OPENERS = ("‘", "'", "‚", "‹")
MARK_RE = re.compile(r"``|''|[“”„«»\"‘’‚'‹›]")
OPEN_BEFORE = set(" \t\n\r([{—–-/:;,") | {"", "\u00a0"}
CLOSE_AFTER = set(" \t\n\r)]}—–-/:;,.?!…") | {"", "\u00a0"}
PARAGRAPH_RE = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True)
class Quote:
    """One quotation: the text between its marks, as one segment per paragraph it spans."""

    segments: tuple[tuple[int, int], ...]
    opening: str
    closed: bool

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]

    @property
    def mark_start(self) -> int:
        """Where the opening mark begins (marks such as `''` are two characters)."""
        return self.start - len(self.opening)


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations in `text`, in order. Nested quotes stay inside their outer quote."""
    quotes: list[Quote] = []
    paragraphs = _paragraph_spans(text)
    index = 0
    carried: list[tuple[int, int]] = []
    carried_mark = ""
    while index < len(paragraphs):
        start, end = paragraphs[index]
        found, open_tail = _scan_paragraph(text, start, end, carried, carried_mark)
        quotes.extend(found)
        carried, carried_mark = [], ""
        if open_tail is not None:
            segments, mark, tail_start = open_tail
            nxt = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            if nxt and mark in DOUBLE_OPENERS and _opens_with(text, nxt[0], mark):
                carried, carried_mark = [*segments, (tail_start, _rstrip(text, tail_start, end))], mark
            else:
                quotes.append(Quote((*segments, (tail_start, _rstrip(text, tail_start, end))), mark, False))
        index += 1
    return [q for q in quotes if q.end > q.start]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, last = [], 0
    for match in PARAGRAPH_RE.finditer(text):
        if match.start() > last:
            spans.append((last, match.start()))
        last = match.end()
    if last < len(text):
        spans.append((last, len(text)))
    return spans


def _opens_with(text: str, start: int, mark: str) -> bool:
    stripped = text[start : start + 8].lstrip()
    return stripped.startswith(mark) or (mark in '“„«"' and stripped[:1] in '“„«"')


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


OpenTail = tuple[list[tuple[int, int]], str, int]


def _scan_paragraph(
    text: str, start: int, end: int, carried: list[tuple[int, int]], carried_mark: str
) -> tuple[list[Quote], OpenTail | None]:
    """Pair marks inside one paragraph; returns closed quotes and the quote left open at its end."""
    quotes: list[Quote] = []
    open_mark, open_at = "", -1
    segments = carried
    if carried_mark:
        first = MARK_RE.match(text, _skip_space(text, start, end))
        open_mark = carried_mark
        open_at = first.end() if first else start
    for match in MARK_RE.finditer(text, start, end):
        mark = match.group()
        if open_at >= 0 and match.start() < open_at:
            continue
        if not open_mark:
            if _is_opening(text, match.start(), match.end(), mark):
                open_mark, open_at = _opener_name(mark), match.end()
            continue
        if mark in PAIRS.get(open_mark, ()) and _is_closing(text, match.start(), match.end(), mark):
            quotes.append(Quote((*segments, (open_at, match.start())), open_mark, True))
            open_mark, open_at, segments = "", -1, []
    if open_mark:
        return quotes, (segments, open_mark, open_at)
    return quotes, None


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _opener_name(mark: str) -> str:
    return {"”": "“", "’": "‘"}.get(mark, mark)


def _is_opening(text: str, start: int, end: int, mark: str) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if mark in ("”", "’", "›") or after == "" or after.isspace():
        return False
    if mark in SINGLE_OPENERS or mark == "''":
        # A single mark opens only at a word start and before a letter: never inside don't or '90s.
        return before in OPEN_BEFORE or before in '“"„«'
    return before in OPEN_BEFORE or not before.isalnum()


def _is_closing(text: str, start: int, end: int, mark: str) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before.isspace() and after and not after.isspace():
        return False
    if mark in ("’", "'") and after.isalpha():
        return False  # an apostrophe inside a word: don't, Ukraine's
    return after in CLOSE_AFTER or after in "”’\"'»" or not after.isalnum()
