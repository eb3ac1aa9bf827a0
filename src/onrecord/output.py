"""Output: articles and their statements as JSON (the `--format jsonl` contract) or as a rich table."""

from __future__ import annotations

import json
import re
from typing import Any

from rich.table import Table
from rich.text import Text

from onrecord.records import Article, Span, Speaker, Statement

QUOTE_JOINER = " … "
MAX_QUOTE_CHARS = 240


def document_json(article: Article, statements: list[Statement], with_text: bool = False) -> dict[str, Any]:
    """One document as the JSON object of DESIGN.md's output contract (plus "text" when `with_text`)."""
    result: dict[str, Any] = {
        "document": article.source,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "site": article.site,
        "language": article.language,
        "statements": [_statement_json(statement) for statement in statements],
    }
    if with_text:
        result["text"] = article.text
    return result


def jsonl_line(article: Article, statements: list[Statement], with_text: bool = False) -> str:
    """`document_json` serialised on one line (non-ASCII kept as is), without the trailing newline."""
    return json.dumps(document_json(article, statements, with_text), ensure_ascii=False)


def statements_table(article: Article, statements: list[Statement]) -> Table:
    """A table of who said what: speaker, role, cue, quote, kind (and `attitude` for a reported belief or
    wish); one row per statement."""
    table = Table(title=Text(article.title or article.source), caption=_caption(statements))
    table.add_column("speaker", max_width=30, overflow="fold")
    table.add_column("role", max_width=30, overflow="fold")
    table.add_column("cue", max_width=16, overflow="fold")
    table.add_column("quote", min_width=12, overflow="fold")
    table.add_column("kind", min_width=6)
    for statement in statements:
        table.add_row(
            Text(_speaker_label(statement.speaker)),
            Text(statement.speaker.role or ""),
            Text(statement.cue.text if statement.cue else ""),
            Text(quote_text(statement)),
            Text(statement.kind if statement.mode == "speech" else f"{statement.kind}, attitude"),
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


def _statement_json(statement: Statement) -> dict[str, Any]:
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
