"""Sources: paths on disk in, raw `Document` records (or a `Skip` with a reason) out.

Reason codes: ``missing``, ``empty-directory``, ``empty``, ``binary``, ``too-large``, ``unreadable``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from onrecord.records import Document, Skip

MAX_BYTES = 20_000_000
"""Files larger than this (20 MB) are refused without being read."""

HTML_SUFFIXES = frozenset({".html", ".htm"})
TEXT_SUFFIXES = frozenset({".txt"})
DIRECTORY_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES

_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\b\x1b")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_documents(paths: Iterable[str], max_bytes: int | None = None) -> Iterator[Document | Skip]:
    """One `Document` per readable input file, one `Skip` per input that cannot be read.

    A directory is walked recursively in sorted order, keeping only .txt, .html and .htm files; a file
    named explicitly is read whatever its suffix (an unknown suffix counts as plain text).
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    for given in paths:
        if os.path.isdir(given):
            yield from _read_directory(given, limit)
        elif os.path.lexists(given):
            yield _read_file(given, limit)
        else:
            yield Skip(given, "missing", f"{given}: no such file or directory.")


def _read_directory(directory: str, limit: int) -> Iterator[Document | Skip]:
    errors: list[OSError] = []
    found: list[str] = []
    for root, _dirnames, filenames in os.walk(directory, onerror=errors.append):
        found.extend(
            os.path.join(root, name) for name in filenames if Path(name).suffix.lower() in DIRECTORY_SUFFIXES
        )
    if not found:
        if errors and os.path.normpath(str(errors[0].filename)) == os.path.normpath(directory):
            yield Skip(
                directory, "unreadable", f"{directory}: the directory cannot be read ({_why(errors[0])})."
            )
        else:
            yield Skip(
                directory,
                "empty-directory",
                f"{directory}: the directory holds no .txt, .html or .htm files.",
            )
        return
    for path in sorted(found):
        yield _read_file(path, limit)


def _read_file(path: str, limit: int) -> Document | Skip:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Skip(path, "missing", f"{path}: no such file (a broken link?).")
    except OSError as error:
        return Skip(path, "unreadable", f"{path}: cannot be read ({_why(error)}).")
    if not stat.S_ISREG(info.st_mode):
        return Skip(path, "unreadable", f"{path}: not a regular file.")
    if info.st_size > limit:
        return _too_large(path, info.st_size, limit)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        return Skip(path, "unreadable", f"{path}: cannot be read ({_why(error)}).")
    if len(data) > limit:
        return _too_large(path, len(data), limit)
    if not data:
        return Skip(path, "empty", f"{path}: the file is empty.")
    if _looks_binary(data):
        return Skip(path, "binary", f"{path}: looks like a binary file, not text or HTML.")
    return Document(source=path, data=data, media_type=_media_type(path))


def _too_large(path: str, size: int, limit: int) -> Skip:
    return Skip(path, "too-large", f"{path}: {size:,} bytes is over the {limit:,}-byte limit for one file.")


def _media_type(path: str) -> Literal["text", "html"]:
    return "html" if Path(path).suffix.lower() in HTML_SUFFIXES else "text"


def _looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16 text with a byte-order mark) or mostly control characters."""
    if data.startswith(_UTF16_BOMS):
        return False
    if b"\x00" in data:
        return True
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in sample if (byte < 32 or byte == 127) and byte not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * len(sample)


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
