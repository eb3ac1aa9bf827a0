"""JSON Lines exports: one JSON object per line with `html` or `text` (the article), and optionally `url`,
`title`, `published` and `site`.

`html` wins when a line has both. Blank lines are passed over (an export of nothing else is ``empty``).
`Document.source` is `PATH:LINE` (the 1-based line number), stable across runs and unique within the file.
A lone surrogate escape (`"\\udc00"`, which JSON allows and UTF-8 cannot encode) becomes U+FFFD, one
character for one, so the line is read and offsets into its text are kept.

Reason codes: ``bad-line`` (not JSON, not an object, no `html` or `text`, a field of the wrong type:
one Skip per line, naming it; the other lines go on), ``too-large`` (one line over the size limit),
``empty``, plus the file checks of `files`.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from typing import IO, Any

from onrecord.records import Document, Skip, without_surrogates
from onrecord.sources import files

CONTENT_FIELDS = ("html", "text")
METADATA_FIELDS = ("url", "title", "published", "site")
_READ_BYTES = 1 << 16
_JSON_TYPES = {
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def read_jsonl(path: str, limit: int) -> Iterator[Document | Skip]:
    """One Document per line of the export at `path` that holds an article, one Skip per bad line."""
    handle = files.open_stream(path)
    if isinstance(handle, Skip):
        yield handle
        return
    with handle:
        blank = yield from jsonl_records(path, handle, limit)
    if blank:
        yield Skip(path, "empty", f"{path}: the export holds only blank lines.")


def jsonl_records(
    path: str, handle: IO[bytes], limit: int, first_line: int = 1
) -> Generator[Document | Skip, None, bool]:
    """The documents of the lines in `handle`, the first being line `first_line` of the export at `path`
    (a range of it that starts at a line start reads as the whole file does there); whether all were
    blank."""
    blank = True
    for number, line in enumerate(_lines(handle, limit), start=first_line):
        if isinstance(line, int):
            yield files.too_large(f"{path}:{number}", line, limit, "one line")
        elif line.strip():
            yield parse_line(path, number, line)
        else:
            continue
        blank = False
    return blank


def _lines(handle: IO[bytes], limit: int) -> Iterator[bytes | int]:
    """Each line's bytes, or its length when it is over `limit` (such a line is never held in memory)."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        length = len(line)
        while not line.endswith(b"\n"):
            line = handle.readline(_READ_BYTES)
            if not line:
                break
            length += len(line)
        yield length


def parse_line(path: str, number: int, line: bytes) -> Document | Skip:
    """Line `number` of the export at `path` as a Document, or a `bad-line` Skip saying what is wrong."""
    source = f"{path}:{number}"

    def bad(why: str) -> Skip:
        return Skip(source, "bad-line", f"{path}: line {number} {why}.")

    try:
        record = json.loads(line)
    except (UnicodeDecodeError, ValueError) as error:
        return bad(f"is not valid JSON ({_first_line(error)})")
    if not isinstance(record, dict):
        return bad(f"is a JSON {_JSON_TYPES.get(type(record), 'value')}, not an object")
    wrong = [
        name for name in (*CONTENT_FIELDS, *METADATA_FIELDS) if not isinstance(record.get(name), str | None)
    ]
    if wrong:
        return bad(f"has a field that is not a string: {', '.join(wrong)}")
    html, text = _metadata(record, "html"), _metadata(record, "text")
    if html is None and text is None:
        return bad("has no article: neither an 'html' nor a 'text' field with content")
    return Document(
        source=source,
        data=without_surrogates(record["html"] if html else record["text"]).encode("utf-8"),
        media_type="html" if html else "text",
        url=_metadata(record, "url"),
        published=_metadata(record, "published"),
        title=_metadata(record, "title"),
        site=_metadata(record, "site"),
    )


def _metadata(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
