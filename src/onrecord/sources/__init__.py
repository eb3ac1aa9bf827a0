"""Sources: paths and URLs in, raw `Document` records (or a `Skip` with a reason) out.

One input may hold many documents (a WARC archive, a JSON Lines export, a feed); each gets a `source` key
that is stable across runs and unique, so an interrupted ingest can resume:

| input | `Document.source` |
| --- | --- |
| `.txt`, `.html`, `.htm` file | the path |
| WARC/ARC record | `PATH#OFFSET` (the record's byte offset in the decompressed archive) |
| JSON Lines record | `PATH:LINE` (1-based line number) |
| feed entry | `FEED#ID` (the entry's id, else its link, else its 1-based position) |
| URL | the URL as given |

Reason codes: see `files` (``missing``, ``empty-directory``, ``empty``, ``binary``, ``too-large``,
``unreadable``), `warc` (``damaged-archive``), `jsonl` (``bad-line``), `feeds` (``not-a-feed``,
``no-article``) and `web` (``fetch-failed``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from onrecord.records import Document, Skip
from onrecord.sources import feeds, files, jsonl, warc, web

MAX_BYTES = 20_000_000
"""One file, archive record, JSON line or downloaded page over this size (20 MB) is refused."""

__all__ = ["MAX_BYTES", "read_documents"]


def read_documents(
    paths: Iterable[str], max_bytes: int | None = None, *, timeout: float | None = None
) -> Iterator[Document | Skip]:
    """One `Document` per article found in the inputs, one `Skip` per input (or part) that cannot be read.

    Each input is a path or an http(s) URL. A directory is walked recursively in sorted order, keeping the
    files whose names end in `files.DIRECTORY_SUFFIXES`; a file named explicitly is read whatever its
    suffix (an unknown suffix counts as plain text). `timeout` (seconds, default `web.TIMEOUT`) bounds
    each download.
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    seconds = web.TIMEOUT if timeout is None else timeout
    for given in paths:
        if web.is_url(given):
            yield from web.read_url(given, limit, seconds)
        elif os.path.isdir(given):
            for found in files.walk(given):
                if isinstance(found, Skip):
                    yield found
                else:
                    yield from from_path(found, limit)
        else:
            yield from _from_given(given, limit)


def _from_given(given: str, limit: int) -> Iterator[Document | Skip]:
    """A path named on the command line that is not a directory: missing, unreadable, or read."""
    try:
        os.lstat(given)
    except FileNotFoundError:
        yield Skip(given, "missing", f"{given}: no such file or directory.")
    except (OSError, ValueError) as error:  # too long a name, a loop of links, a NUL byte in it
        why = files.why(error) if isinstance(error, OSError) else str(error)
        yield Skip(given, "unreadable", f"{given}: cannot be read ({why}).")
    else:
        yield from from_path(given, limit)


def from_path(path: str, limit: int) -> Iterator[Document | Skip]:
    """The documents in one file, read by the reader its name calls for."""
    kind = files.kind_of(path)
    if kind == "warc":
        yield from warc.read_warc(path, limit)
    elif kind == "jsonl":
        yield from jsonl.read_jsonl(path, limit)
    elif kind == "feed":
        yield from feeds.read_feed_file(path, limit)
    else:
        yield files.read_file(path, limit)
