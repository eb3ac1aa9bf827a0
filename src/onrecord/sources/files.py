"""Files on disk: plain text and HTML files, the checks every input file goes through, directory walks.

Reason codes: ``missing``, ``empty-directory``, ``empty``, ``binary``, ``too-large``, ``unreadable``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from onrecord.records import Document, Skip

HTML_SUFFIXES = frozenset({".html", ".htm"})
TEXT_SUFFIXES = frozenset({".txt"})
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl",)
FEED_SUFFIXES = (".rss", ".atom", ".xml")
DIRECTORY_SUFFIXES = (
    tuple(sorted(HTML_SUFFIXES | TEXT_SUFFIXES)) + WARC_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES
)
"""What a directory walk keeps (matched case-insensitively against the end of the file name)."""

FileKind = Literal["warc", "jsonl", "feed", "file"]

_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\b\x1b")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def kind_of(path: str) -> FileKind:
    """Which reader a file goes to, from its name: an archive, JSON Lines, a feed, or a plain file."""
    name = Path(path).name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(FEED_SUFFIXES):
        return "feed"
    return "file"


def walk(directory: str) -> Iterator[str | Skip]:
    """The files under `directory` that a reader exists for, recursively in sorted order, and an
    `unreadable` Skip in its place for each directory that cannot be listed; a Skip if there is nothing."""
    errors: list[OSError] = []
    found: list[str] = []
    for root, _dirnames, filenames in os.walk(directory, onerror=errors.append):
        found.extend(
            os.path.join(root, name) for name in filenames if name.lower().endswith(DIRECTORY_SUFFIXES)
        )
    unreadable = {str(error.filename or directory): error for error in errors}
    for path in sorted([*found, *unreadable]):
        if path in unreadable:
            yield Skip(path, "unreadable", f"{path}: the directory cannot be read ({why(unreadable[path])}).")
        else:
            yield path
    if not found and not unreadable:
        listed = ", ".join(DIRECTORY_SUFFIXES)
        yield Skip(
            directory, "empty-directory", f"{directory}: the directory holds no files ending in {listed}."
        )


def check_file(path: str) -> Skip | int:
    """The file's size when `path` is a regular file that exists, else the Skip that says why not."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Skip(path, "missing", f"{path}: no such file (a broken link?).")
    except OSError as error:
        return Skip(path, "unreadable", f"{path}: cannot be read ({why(error)}).")
    if not stat.S_ISREG(info.st_mode):
        return Skip(path, "unreadable", f"{path}: not a regular file.")
    return info.st_size


def read_bytes(path: str, limit: int) -> bytes | Skip:
    """The whole file, refused from its size alone when it is over `limit` bytes, or empty."""
    size = check_file(path)
    if isinstance(size, Skip):
        return size
    if size > limit:
        return too_large(path, size, limit)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        return Skip(path, "unreadable", f"{path}: cannot be read ({why(error)}).")
    if len(data) > limit:
        return too_large(path, len(data), limit)
    if not data:
        return Skip(path, "empty", f"{path}: the file is empty.")
    return data


def read_file(path: str, limit: int) -> Document | Skip:
    """A plain text or HTML file as one Document (HTML by its suffix, anything else counts as text)."""
    data = read_bytes(path, limit)
    if isinstance(data, Skip):
        return data
    if looks_binary(data):
        return Skip(path, "binary", f"{path}: looks like a binary file, not text or HTML.")
    return Document(source=path, data=data, media_type=_media_type(path))


def too_large(source: str, size: int, limit: int, what: str = "one file") -> Skip:
    return Skip(source, "too-large", f"{source}: {size:,} bytes is over the {limit:,}-byte limit for {what}.")


def _media_type(path: str) -> Literal["text", "html"]:
    return "html" if Path(path).suffix.lower() in HTML_SUFFIXES else "text"


def looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16 text with a byte-order mark) or mostly control characters."""
    if data.startswith(_UTF16_BOMS):
        return False
    if b"\x00" in data:
        return True
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in sample if (byte < 32 or byte == 127) and byte not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * len(sample)


class StreamFailed(OSError):
    """Reading an input's stream failed outside its content (a remote input that stopped answering):
    readers let it through to their caller rather than report the input damaged."""


def open_stream(path: str) -> BinaryIO | Skip:
    """The non-empty file at `path` opened for streaming, or the Skip saying why it cannot be."""
    size = check_file(path)
    if isinstance(size, Skip):
        return size
    if size == 0:
        return Skip(path, "empty", f"{path}: the file is empty.")
    try:
        return open(path, "rb")  # the caller closes it
    except OSError as error:
        return Skip(path, "unreadable", f"{path}: cannot be read ({why(error)}).")


def why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
