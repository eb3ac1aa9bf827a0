"""Output: articles and their statements as JSON (the `--format jsonl` contract) or as a rich table, and
the one root every displayed string goes through (`printable`).

Article text, names, titles, URLs and file names are hostile: an escape sequence in a quote must not move
the cursor, retitle the window or clear the screen, and a right-to-left override must not reorder what
follows it. `printable` shows such characters as visible escapes (`\\x1b`, `\\u202e`); `plain` makes a
Rich `Text` of it (never read as Rich markup); `make_console` gives a console that reads no markup or
emoji codes and, as a last guard, blanks any unsafe character a renderable still carries; `json_text`
escapes them in JSON (json.dumps escapes C0 controls only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from onrecord.records import Article, Span, Speaker, Statement

QUOTE_JOINER = " … "
MAX_QUOTE_CHARS = 240

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
"""C0 and C1 controls, DEL, bidi embeddings, overrides and isolates (they reorder the text after them;
marks like U+200F do not), line and paragraph separators, lone surrogates."""
_UNSAFE_IN_LINES = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]|\r(?!\n)"
)
"""The same, but line ends and tabs are kept (a carriage return only before a line feed)."""
_CONTROLS_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters other than line ends and tabs, and lone surrogates (for pages, where bidi
controls stay: the page isolates names in `<bdi>`, and a browser does not act on a line end)."""
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
"""What json.dumps(ensure_ascii=False) leaves raw but a terminal would act on (it escapes C0 itself)."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, lines: bool = False) -> str:
    """`text` safe to show on a terminal: every control character, bidi control and lone surrogate as a
    visible escape (`\\x1b`, `\\u202e`); with `lines`, line ends and tabs are kept."""
    return (_UNSAFE_IN_LINES if lines else _UNSAFE).sub(_escape, text)


def without_controls(text: str) -> str:
    """`text` for a web page: control characters (but line ends and tabs) and lone surrogates as
    visible escapes, as `printable` shows them; bidi controls kept (the page isolates them)."""
    return _CONTROLS_IN_LINES.sub(_escape, text)


def plain(text: str | None, lines: bool = False) -> Text:
    """A Rich Text of `printable(text)`: shown literally, never read as markup."""
    return Text(printable(text or "", lines))


def json_text(value: Any, indent: int | None = None) -> str:
    """`value` as JSON (non-ASCII kept as is) with the characters a terminal would act on escaped."""
    return _UNSAFE_IN_JSON.sub(_json_escape, json.dumps(value, ensure_ascii=False, indent=indent))


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class _SafeConsole(Console):
    """A console whose rendered text carries no unsafe character: the last guard behind `plain`."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not _UNSAFE_IN_LINES.search(segment.text):
                yield segment
            else:
                yield Segment(_UNSAFE_IN_LINES.sub("\ufffd", segment.text), segment.style)


def make_console(stderr: bool = False) -> Console:
    """The console every command prints with: no markup, emoji codes or highlighting read from text."""
    return _SafeConsole(stderr=stderr, highlight=False, markup=False, emoji=False)


def document_json(article: Article, statements: list[Statement], with_text: bool = False) -> dict[str, Any]:
    """One document as the JSON object of DESIGN.md's output contract (plus "text" when `with_text`)."""
    result: dict[str, Any] = {
        "document": article.source,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "site": article.site,
        "language": article.language,
        "extractor": article.extractor,
        "posts": [{"start": p.start, "end": p.end, "published": p.published} for p in article.posts],
        "statements": [_statement_json(statement, article) for statement in statements],
    }
    if with_text:
        result["text"] = article.text
    return result


def jsonl_line(article: Article, statements: list[Statement], with_text: bool = False) -> str:
    """`document_json` serialised on one line (non-ASCII kept as is), without the trailing newline."""
    return json_text(document_json(article, statements, with_text))


def statements_table(article: Article, statements: list[Statement]) -> Table:
    """A table of who said what: speaker, role, cue, quote, kind (and `attitude` for a reported belief or
    wish); one row per statement."""
    table = Table(title=plain(article.title or article.source), caption=_caption(statements))
    table.add_column("speaker", max_width=30, overflow="fold")
    table.add_column("role", max_width=30, overflow="fold")
    table.add_column("cue", max_width=16, overflow="fold")
    table.add_column("quote", min_width=12, overflow="fold")
    table.add_column("kind", min_width=6)
    for statement in statements:
        table.add_row(
            plain(_speaker_label(statement.speaker)),
            plain(statement.speaker.role),
            plain(statement.cue.text if statement.cue else ""),
            plain(quote_text(statement)),
            plain(statement.kind if statement.mode == "speech" else f"{statement.kind}, attitude"),
        )
    return table


def quote_text(statement: Statement, limit: int = MAX_QUOTE_CHARS) -> str:
    """The statement's content spans joined with " … ", whitespace collapsed, cut at a word to `limit`."""
    text = QUOTE_JOINER.join(re.sub(r"\s+", " ", span.text).strip() for span in statement.content)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def _statement_json(statement: Statement, article: Article) -> dict[str, Any]:
    """A statement's JSON; `published` is its own time (its live post's), else null (the article's date)."""
    start = statement.content[0].start if statement.content else -1
    return {
        "id": statement.id,
        "kind": statement.kind,
        "content": [_span_json(span) for span in statement.content],
        "cue": _span_json(statement.cue),
        "speaker": {
            "name": statement.speaker.name,
            "type": statement.speaker.type,
            "role": statement.speaker.role,
            "mention": _span_json(statement.speaker.mention),
            "co_speakers": list(statement.speaker.co_speakers),
        },
        "confidence": float(statement.confidence),
        "mode": statement.mode,
        "published": article.time_at(start),
    }


def _span_json(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _speaker_label(speaker: Speaker) -> str:
    mention = speaker.mention.text if speaker.mention else None
    if speaker.name and mention and mention != speaker.name:
        return f"{speaker.name} ({mention})"
    return speaker.name or mention or "unknown"


def _caption(statements: list[Statement]) -> str:
    return f"{len(statements)} statement" + ("" if len(statements) == 1 else "s")
