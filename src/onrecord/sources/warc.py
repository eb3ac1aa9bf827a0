"""WARC and ARC archives (Common Crawl's CC-NEWS and the like), plain or gzip-compressed, read with warcio.

Only HTTP `response` records with a 2xx status and an HTML payload (Content-Type `text/html` or
`application/xhtml+xml`, or no Content-Type and a payload that starts like HTML) become Documents, with
`url` from WARC-Target-URI and `published` from WARC-Date (the capture time, a fallback for the page's own
date). Every other record (warcinfo, request, metadata, revisit, resource, a redirect, an image, a script)
is not an article and is passed over without a Skip: a crawl holds many of them, and counting each as a
skipped input would bury the real problems.

`Document.source` is `PATH#OFFSET`, stable across runs and unique within the archive: OFFSET is the
record's byte offset in the file, as in Common Crawl's indexes (for a gzip archive, the offset of the
record's gzip member). An archive compressed as one gzip stream rather than one member per record (as
some tools write them) is read through Python's gzip instead, and OFFSET is then the record's offset in
the decompressed data.

Reason codes: ``damaged-archive`` (truncated, bad gzip data, a malformed record, not an archive at all:
one Skip per archive saying where reading stopped; the records before the damage are kept),
``too-large`` (one record over the size limit), ``empty``, plus the file checks of `files`.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import zlib
from collections.abc import Generator, Iterator
from typing import IO, Any, Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from onrecord.records import Document, Skip
from onrecord.sources import files

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b"
_HTML_STARTS = (b"<!doctype html", b"<html")
_DRAIN_BYTES = 1 << 16
_NOT_CHUNKED = "non-chunked gzip file"


class DamagedStream(Exception):
    """The archive's bytes could not be read or decompressed (raised instead of EOFError, which warcio
    takes for a clean end of the archive)."""


class _Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def readline(self, size: int | None = -1, /) -> bytes: ...
    def tell(self) -> int: ...


class _Guarded:
    """A binary stream whose read errors (truncated or corrupt gzip data) become `DamagedStream`."""

    def __init__(self, stream: _Stream) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except (EOFError, OSError, zlib.error) as error:
            raise DamagedStream(_describe(error)) from error

    def readline(self, size: int = -1) -> bytes:
        try:
            return self._stream.readline(size)
        except (EOFError, OSError, zlib.error) as error:
            raise DamagedStream(_describe(error)) from error

    def tell(self) -> int:
        return self._stream.tell()


def read_warc(path: str, limit: int) -> Iterator[Document | Skip]:
    """One Document per HTML response record in the archive at `path`, in archive order."""
    size = files.check_file(path)
    if isinstance(size, Skip):
        yield size
        return
    if size == 0:
        yield Skip(path, "empty", f"{path}: the file is empty.")
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 -- closed below, after the last record is read
    except OSError as error:
        yield Skip(path, "unreadable", f"{path}: cannot be read ({files.why(error)}).")
        return
    with handle:
        compressed = handle.read(2) == _GZIP_MAGIC
        handle.seek(0)
        read = yield from _records(path, handle, compressed, limit, 0)
        if read < 0:  # one gzip stream for the whole file, not one per record: decompress it here
            handle.seek(0)
            yield from _records(path, _Guarded(gzip.GzipFile(fileobj=handle, mode="rb")), False, limit, -read)


def _records(
    path: str, stream: IO[bytes] | _Guarded, compressed: bool, limit: int, already: int
) -> Generator[Document | Skip, None, int]:
    """Yield the documents after the first `already` records; the number of records read, negated when
    the archive turns out to be one gzip stream (warcio only reads one gzip member per record)."""
    iterator = ArchiveIterator(stream, arc2warc=True)
    read = 0
    while True:
        warnings = io.StringIO()
        try:
            with contextlib.redirect_stderr(warnings):  # warcio reports damage on stderr: a Skip here
                record = next(iterator, None)
                if record is None:
                    return read
                result = _document(f"{path}#{iterator.offset}", record, limit) if read >= already else None
        except ArchiveLoadFailed as error:
            if compressed and _NOT_CHUNKED in str(error):
                return -read
            yield _damaged(path, iterator.offset, read, _describe(error))
            return read
        except Exception as error:  # a malformed archive must not sink the batch: it becomes one Skip
            yield _damaged(path, iterator.offset, read, _describe(error))
            return read
        if isinstance(result, str):
            yield _damaged(path, iterator.offset, read, _zlib_error(warnings.getvalue()) or result)
            return read
        read += 1
        if result is not None:
            yield result


def _document(source: str, record: Any, limit: int) -> Document | Skip | str | None:
    """The record as a Document, a Skip, None when it is not an HTML page, or why the archive is damaged."""
    content: bytes | None = None
    if _is_page(record):
        if record.length is not None and record.length > limit:
            result: Document | Skip | None = files.too_large(source, record.length, limit, "one record")
        else:
            content = record.content_stream().read(limit + 1)
            result = _page(source, record, content, limit)
    else:
        result = None
    while record.raw_stream.read(_DRAIN_BYTES):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        return "the record is shorter than its declared length: the archive is truncated or corrupt"
    return result


def _is_page(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = record.http_headers.get_header("Content-Type")
    media = content_type.split(";")[0].strip().lower() if content_type else None
    return status.startswith("2") and (media is None or media in HTML_TYPES)


def _page(source: str, record: Any, content: bytes, limit: int) -> Document | Skip | None:
    if len(content) > limit:
        return files.too_large(source, len(content), limit, "one record")
    if not content.strip():
        return None
    sniffed = content[:1024].lstrip().lower().startswith(_HTML_STARTS)
    if record.http_headers.get_header("Content-Type") is None and not sniffed:
        return None
    return Document(
        source=source,
        data=content,
        media_type="html",
        url=record.rec_headers.get_header("WARC-Target-URI") or None,
        published=record.rec_headers.get_header("WARC-Date") or None,
    )


def _damaged(path: str, offset: int, read: int, why: str) -> Skip:
    if read == 0 and why.startswith("ArchiveLoadFailed: Unknown archive format"):
        return Skip(path, "damaged-archive", f"{path}: is not a WARC or ARC archive ({why}).")
    before = "no record before it" if read == 0 else f"the {read:,} records before it were read"
    message = f"{path}: the archive is damaged at the record starting at byte {offset:,} ({why}); {before}."
    return Skip(path, "damaged-archive", message)


def _zlib_error(warnings: str) -> str | None:
    """The decompression error warcio wrote instead of raising, e.g. "Error -3 while decompressing data"."""
    for line in warnings.splitlines():
        if "decompressing data" in line:
            return f"bad gzip data: {line.strip()}"
    return None


def _describe(error: BaseException) -> str:
    if isinstance(error, DamagedStream):
        return str(error)
    if isinstance(error, EOFError):
        return "the compressed data ends early: truncated"
    text = " ".join(str(error).split())
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
