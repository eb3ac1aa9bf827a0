"""List files: `@FILE` among a batch's inputs stands for the inputs listed in FILE, one a line.

FILE is a local path or a remote URI (see `remote`), gzip-compressed or not (Common Crawl publishes
`warc.paths.gz`). Blank lines and lines starting with `#` are passed over. In a local list each line is an
input as it would be spelt on the command line (a path, relative to the current directory, or a URI). In a
remote list a line with no scheme is a key under the list's origin, as in Common Crawl's path lists: the
lines of `https://data.commoncrawl.org/crawl-data/CC-NEWS/2024/01/warc.paths.gz` are
`crawl-data/CC-NEWS/...` and stand for `https://data.commoncrawl.org/crawl-data/CC-NEWS/...`.

A line naming another scheme (`file://`, `ftp://`, ...), holding a control character or over
`MAX_LINE` characters, or a list over `MAX_LINES` lines, is refused with one sentence naming the list
and the line.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from onrecord.batch.remote import InputError, RemoteRange, is_remote, origin

LIST_PREFIX = "@"
MAX_LINES = 1_000_000
MAX_LINE = 4096
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def expand(inputs: Sequence[str]) -> list[str]:
    """The inputs with each `@FILE` replaced by the inputs FILE lists; `InputError` for a bad list."""
    expanded: list[str] = []
    for given in inputs:
        if given.startswith(LIST_PREFIX) and len(given) > 1:
            expanded.extend(read_list(given[1:]))
        else:
            expanded.append(given)
    return expanded


def read_list(where: str) -> list[str]:
    """The inputs listed in the list file at `where` (a path or a remote URI)."""
    base = origin(where) if is_remote(where) else None
    listed: list[str] = []
    with _open(where) as handle:
        for number, line in enumerate(_lines(where, handle), start=1):
            entry = line.strip()
            if not entry or entry.startswith("#"):
                continue
            if number > MAX_LINES:
                raise InputError(where, f"the list has over {MAX_LINES:,} lines")
            listed.append(_entry(where, number, entry, base))
    return listed


def _open(where: str) -> BinaryIO:
    raw: io.BufferedReader[Any]
    if is_remote(where):
        raw = io.BufferedReader(RemoteRange(where))
    else:
        try:
            raw = open(where, "rb")  # noqa: SIM115  # closed by the caller
        except OSError as error:
            raise InputError(where, f"the list file cannot be read ({error.strerror or error})") from None
    return gzip.GzipFile(fileobj=raw, mode="rb") if raw.peek(2)[:2] == b"\x1f\x8b" else raw  # type: ignore[return-value]


def _lines(where: str, handle: BinaryIO) -> Iterator[str]:
    number = 0
    try:
        while line := handle.readline(MAX_LINE + 1):
            number += 1
            if len(line) > MAX_LINE and not line.endswith(b"\n"):
                raise InputError(where, f"line {number:,} is over {MAX_LINE:,} bytes long")
            yield line.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(where, f"line {number:,} is not UTF-8 text") from None
    except InputError:
        raise
    except (OSError, EOFError) as error:  # bad or truncated gzip data
        raise InputError(where, f"the list file cannot be read after line {number:,} ({error})") from None


def _entry(where: str, number: int, entry: str, base: str | None) -> str:
    if _CONTROL.search(entry):
        raise InputError(where, f"line {number:,} holds a control character")
    if _SCHEME.match(entry):
        if not is_remote(entry):
            raise InputError(where, f"line {number:,} names a scheme other than http(s):// or s3://")
        return entry
    return base + entry.lstrip("/") if base is not None else entry
