"""An article's text as HTML with its statements marked in place, and other helpers for untrusted text.

The text is cut at every span boundary (content, cue, speaker mention) and each piece is escaped on its
own; the only markup is the wrapper elements this module writes, whose attributes hold numbers alone.
Pieces inside a statement's content link to its permalink, coloured per speaker (`PALETTE` classes).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from onrecord.web.lookups import ArticleStatement

PALETTE = 8
"""Speaker colour classes `sp0` ... `sp7` in style.css; speakers beyond them share colours in turn."""


@dataclass(frozen=True)
class Piece:
    """A stretch of text between two span boundaries and what covers it."""

    text: str
    statement_id: int | None
    colour: int | None
    cue: bool
    mention: bool
    anchor: bool


def bdi(value: object) -> Markup:
    """`value` escaped inside `<bdi>`: a right-to-left name cannot reorder the text around it."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi>%s</bdi>") % value


def speaker_colours(statements: Sequence[ArticleStatement]) -> dict[str, int]:
    """A colour index per speaker, in order of first appearance ("?" is the unknown speaker)."""
    colours: dict[str, int] = {}
    for statement in statements:
        key = _speaker_key(statement)
        if key not in colours:
            colours[key] = len(colours) % PALETTE
    return colours


@dataclass(frozen=True)
class LegendEntry:
    colour: int
    speaker_id: int | None
    speaker: str | None


def legend(statements: Sequence[ArticleStatement]) -> list[LegendEntry]:
    """Each speaker of the article once, with their colour, in order of first appearance."""
    colours = speaker_colours(statements)
    entries: dict[str, LegendEntry] = {}
    for statement in statements:
        key = _speaker_key(statement)
        if key not in entries:
            entries[key] = LegendEntry(colours[key], statement.speaker_id, statement.speaker)
    return list(entries.values())


def _speaker_key(statement: ArticleStatement) -> str:
    if statement.speaker_id is not None:
        return f"#{statement.speaker_id}"
    return statement.speaker or "?"


def pieces(text: str, statements: Sequence[ArticleStatement]) -> list[Piece]:
    """`text` cut at every span boundary, each piece with the statement whose content covers it."""
    colours = speaker_colours(statements)
    events: list[tuple[int, int, str, int]] = []  # (offset, +1 open / -1 close, what, statement index)
    for index, statement in enumerate(statements):
        for span in statement.content:
            events += [(span.start, 1, "content", index), (span.end, -1, "content", index)]
        for what, marked in (("cue", statement.cue), ("mention", statement.mention)):
            if marked is not None:
                events += [(marked.start, 1, what, index), (marked.end, -1, what, index)]
    bounds = sorted({0, len(text), *(offset for offset, *_ in events if 0 <= offset <= len(text))})
    events.sort()
    active: dict[str, dict[int, int]] = {"content": {}, "cue": {}, "mention": {}}
    anchored: set[int] = set()
    result: list[Piece] = []
    at = 0
    for start, end in itertools.pairwise(bounds):
        while at < len(events) and events[at][0] <= start:
            _, change, what, index = events[at]
            counts = active[what]
            counts[index] = counts.get(index, 0) + change
            if counts[index] <= 0:
                del counts[index]
            at += 1
        result.append(_piece(text[start:end], statements, colours, active, anchored))
    return result


def _piece(
    text: str,
    statements: Sequence[ArticleStatement],
    colours: dict[str, int],
    active: dict[str, dict[int, int]],
    anchored: set[int],
) -> Piece:
    owner = min(active["content"]) if active["content"] else None
    statement = statements[owner] if owner is not None else None
    anchor = statement is not None and statement.statement_id not in anchored
    if statement is not None:
        anchored.add(statement.statement_id)
    return Piece(
        text=text,
        statement_id=statement.statement_id if statement else None,
        colour=colours[_speaker_key(statement)] if statement else None,
        cue=bool(active["cue"]),
        mention=bool(active["mention"]),
        anchor=anchor,
    )


def marked_text(text: str, statements: Sequence[ArticleStatement]) -> Markup:
    """The article text as HTML: statements as links coloured per speaker, cues underlined, speaker
    mentions marked; every piece of the text escaped."""
    html: list[str] = []
    for piece in pieces(text, statements):
        inner = str(escape(piece.text))
        if piece.mention:
            inner = f'<b class="mention">{inner}</b>'
        if piece.cue:
            inner = f'<u class="cue">{inner}</u>'
        if piece.statement_id is not None:
            anchor = f' id="s{piece.statement_id}"' if piece.anchor else ""
            inner = (
                f'<a class="q sp{piece.colour}"{anchor} href="/statements/{piece.statement_id}">{inner}</a>'
            )
        html.append(inner)
    return Markup("".join(html))


def safe_url(url: str | None) -> str | None:
    """`url` when it is a plain http(s) address a link may point to; None otherwise (javascript:,
    data:, relative paths, control characters, ...)."""
    if not url or len(url) > 2000 or any(ord(c) < 33 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None
