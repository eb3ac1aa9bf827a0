"""WARC and ARC archives (Common Crawl's CC-NEWS and the like), plain or gzip-compressed, read with warcio.

Only HTTP `response` records with a 2xx status and an HTML payload (Content-Type `text/html` or
`application/xhtml+xml`, or no Content-Type and a payload that starts like HTML) become Documents, with
`url` from WARC-Target-URI and `published` from WARC-Date (the capture time, a fallback for the page's own
date). Every other record (warcinfo, request, metadata, revisit, resource, a redirect, an image, a script)
is not an article and is passed over without a Skip: a crawl holds many of them, and counting each as a
skipped input would bury the real problems.

`Document.source` is `PATH#OFFSET`, stable across runs and unique within the archive: OFFSET is the
record's byte offset in the file, as in Common Crawl's indexes (for a gzip archive, the offset of the
gzip member that holds the record). In an archive compressed as one gzip stream rather than one member
per record (as some tools write them), a record after the first in a member is `PATH#MEMBER+INNER`,
INNER being its offset in the member's decompressed data.

Gzip members are inflated here, one at a time and as they are read, so that truncated and corrupt data
are caught (warcio alone would read on past them silently) and an archive of any size takes little memory.

Reason codes: ``damaged-archive`` (truncated, bad gzip data, a malformed record, not an archive at all:
one Skip per archive saying where reading stopped; the records before the damage are kept),
``too-large`` (one record over the size limit), ``empty``, plus the file checks of `files`.
"""

from __future__ import annotations

import contextlib
import io
import zlib
from collections.abc import Callable, Generator, Iterator
from typing import IO, Any, Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BUFF_SIZE, DecompressingBufferedReader

from onrecord.records import Document, Skip
from onrecord.sources import files

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b"
_ARCHIVE_STARTS = (b"WARC/", b"filedesc:")
_HTML_STARTS = (b"<!doctype html", b"<html")
_READ_BYTES = 1 << 16
_GZIP_WBITS = 16 + zlib.MAX_WBITS
MAX_LINE = 1 << 20
"""A header line (or the bytes between records) longer than this (1 MiB) with no line end is damage."""
MAX_BLANK = 1 << 16
"""So are more blank lines in a row than this many bytes (64 KiB; records are apart by 2 to 4 bytes)."""


class DamagedStream(Exception):
    """The archive's bytes could not be read or decompressed (raised instead of EOFError, which warcio
    takes for a clean end of the archive); `at`, when known, is where in the stream the damage starts."""

    def __init__(self, why: str, at: int | None = None) -> None:
        super().__init__(why)
        self.at = at


class _BoundedLines(DecompressingBufferedReader):  # type: ignore[misc]  # warcio has no type hints
    """warcio's reader with a `readline` that gathers a line in linear time and stops at `MAX_LINE`.

    warcio reads record and HTTP headers, and the bytes between records, line by line, and its own
    `readline` grows a line by concatenation: a run of zeros (a zero-filled gzip member, a preallocated
    file) took time quadratic and memory linear in its length. Only headers are read by line here
    (payloads are read by size), and no real header line comes near `MAX_LINE`.

    `stray` is where the first line with content since it was last set to None began: warcio takes a
    record header with nothing after it for the clean end of the archive. Blank lines are counted too:
    warcio reads them one call each, and a gzip member of a few MB can inflate to GBs of them.
    """

    stray: int | None = None
    _blank = 0
    _blank_start = 0

    def readline(self, length: int | None = None) -> bytes:
        start = self.num_read - self.rem_length()
        want = MAX_LINE + 1 if length is None else min(length, MAX_LINE + 1)
        pieces: list[bytes] = []
        size = 0
        while size < want:
            self._fillbuff()
            if self.empty():
                break
            piece = self.buff.readline(want - size)
            pieces.append(piece)
            size += len(piece)
            if piece.endswith(b"\n"):
                break
        line = b"".join(pieces)
        if len(line) > MAX_LINE:
            why = f"{MAX_LINE:,} bytes with no line end where a header was expected"
            raise DamagedStream(f"{why}, {_run_of(line)}", at=start)
        if line.strip():
            self._blank = 0
            self.stray = start if self.stray is None else self.stray
        elif line:
            self._blank_start = start if self._blank == 0 else self._blank_start
            self._blank += len(line)
            if self._blank > MAX_BLANK:
                why = f"over {MAX_BLANK:,} bytes of blank lines where a record was expected"
                raise DamagedStream(why, at=self._blank_start)
        return line


def _run_of(line: bytes) -> str:
    return "all zero bytes" if not line.strip(b"\x00") else f"starting {line[:20]!r}"


class _Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def tell(self) -> int: ...


class _Member:
    """The decompressed data of one gzip member, inflated as it is read (never more than asked for at a
    time); data that ends early or does not inflate raises `DamagedStream`."""

    def __init__(self, raw: IO[bytes], pending: bytes, start: int) -> None:
        self.start = start
        self._raw = raw
        self._pending = pending
        self._taken = 0
        self._inflate = zlib.decompressobj(_GZIP_WBITS)
        self._buffer = bytearray()
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buffer) < size) and not self._inflate.eof:
            self._fill(max(size, _READ_BYTES))
        count = len(self._buffer) if size < 0 else min(size, len(self._buffer))
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        self._position += count
        return data

    def peek(self, size: int) -> bytes:
        while len(self._buffer) < size and not self._inflate.eof:
            self._fill(size)
        return bytes(self._buffer[:size])

    def tell(self) -> int:
        return self._position

    def rest(self) -> tuple[bytes, int]:
        """After the member's end: the bytes read past it, and the file offset where the next one starts."""
        unused = self._inflate.unused_data
        return unused, self.start + self._taken - len(unused)

    def _fill(self, want: int) -> None:
        source = self._inflate.unconsumed_tail
        if not source:
            source = self._pending or self._raw.read(_READ_BYTES)
            self._pending = b""
            self._taken += len(source)
        if not source:
            raise DamagedStream("the compressed data ends in the middle of a record: truncated")
        try:
            self._buffer += self._inflate.decompress(source, want)
        except zlib.error as error:
            raise DamagedStream(f"bad gzip data: {error}") from error


def read_warc(path: str, limit: int) -> Iterator[Document | Skip]:
    """One Document per HTML response record in the archive at `path`, in archive order."""
    handle = files.open_stream(path)
    if isinstance(handle, Skip):
        yield handle
        return
    with handle:
        yield from archive_records(path, handle, limit)


def archive_records(path: str, handle: IO[bytes], limit: int) -> Iterator[Document | Skip]:
    """The documents of the archive `handle` reads from its start (seekable; its source keys name `path`)."""
    head = handle.read(_READ_BYTES)
    if head.startswith(_GZIP_MAGIC):
        yield from gzip_records(path, handle, head, limit)
    else:
        handle.seek(0)
        yield from _records(path, handle, head, limit, 0, lambda offset: f"{offset}")


def gzip_records(
    path: str, raw: IO[bytes], pending: bytes, limit: int, start: int = 0
) -> Iterator[Document | Skip]:
    """The records of each gzip member in turn: one per member as WARC files should be, or all of them
    in one member as some tools write them.

    `raw` holds the archive's bytes from byte `start` of the file on (`pending`: those already read from
    it), so a byte range that starts at a member boundary is read exactly as the whole file is there;
    sources stay `PATH#OFFSET` with offsets in the file.
    """
    read = 0
    while pending or (pending := raw.read(_READ_BYTES)):
        if not pending.strip(b"\x00"):  # zero padding, which gzip tools pass over
            start += len(pending)
            pending = b""
            continue
        member = _Member(raw, pending, start)

        def where(offset: int, member: _Member = member) -> str:
            return f"{member.start}" if offset == 0 else f"{member.start}+{offset}"

        try:
            head = member.peek(64) if read == 0 else _ARCHIVE_STARTS[0]
        except DamagedStream as error:
            yield _damaged(path, where(0), read, str(error))
            return
        count = yield from _records(path, member, head, limit, read, where)
        if count is None:
            return
        read = count
        try:
            while member.read(_READ_BYTES):  # whatever warcio left of the member
                pass
        except DamagedStream as error:
            yield _damaged(path, where(member.tell()), read, str(error))
            return
        pending, start = member.rest()


def _records(
    path: str, stream: _Stream, head: bytes, limit: int, read: int, where: Callable[[int], str]
) -> Generator[Document | Skip, None, int | None]:
    """Yield the documents in `stream`; the number of records read in all, or None after damage.

    `where` turns warcio's offset into the one in `Document.source` (PATH#WHERE) and in messages.
    """
    if read == 0 and not head.lstrip().startswith(_ARCHIVE_STARTS):
        yield Skip(
            path, "damaged-archive", f"{path}: is not a WARC or ARC archive (it starts with {head[:20]!r})."
        )
        return None
    iterator = ArchiveIterator(stream, arc2warc=True)
    reader = iterator.reader = _BoundedLines(iterator.fh, block_size=BUFF_SIZE)
    while True:
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # warcio's warnings: damage is a Skip here
                record = next(iterator, None)
                result = (
                    None if record is None else _document(f"{path}#{where(iterator.offset)}", record, limit)
                )
        except files.StreamFailed:  # not damage: the caller decides (a batch shard fails, to be retried)
            raise
        except Exception as error:  # a malformed archive must not sink the batch: it becomes one Skip
            at = error.at if isinstance(error, DamagedStream) and error.at is not None else iterator.offset
            yield _damaged(path, where(at), read, _describe(error))
            return None
        if record is None:
            if reader.stray is None:
                return read
            yield _damaged(
                path, where(reader.stray), read, "a record header with nothing after it: truncated"
            )
            return None
        if isinstance(result, str):
            yield _damaged(path, where(iterator.offset), read, result)
            return None
        reader.stray = None
        read += 1
        if result is not None:
            yield result


def _document(source: str, record: Any, limit: int) -> Document | Skip | str | None:
    """The record as a Document, a Skip, None when it is not an HTML page, or why the archive is damaged."""
    declared = record.rec_headers.get_header("Content-Length")
    if declared is None or not declared.strip().isascii() or not declared.strip().isdigit():
        # warcio reads a missing, negative or non-numeric length as 0 and goes on silently
        return f"its length is {declared!r}, not a number of bytes" if declared else "it declares no length"
    content: bytes | None = None
    if _is_page(record):
        if record.length is not None and record.length > limit:
            result: Document | Skip | None = files.too_large(source, record.length, limit, "one record")
        else:
            content = record.content_stream().read(limit + 1)
            result = _page(source, record, content, limit)
    else:
        result = None
    while record.raw_stream.read(_READ_BYTES):
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


def _damaged(path: str, where: str, read: int, why: str) -> Skip:
    before = {0: "no record before it", 1: "the record before it was read"}.get(
        read, f"the {read:,} records before it were read"
    )
    start, _, inner = where.partition("+")
    place = f"byte {int(start):,}" + (f" (+{int(inner):,} bytes decompressed)" if inner else "")
    message = f"{path}: the archive is damaged at the record starting at {place} ({why}); {before}."
    return Skip(path, "damaged-archive", message)


def _describe(error: BaseException) -> str:
    if isinstance(error, DamagedStream):
        return str(error)
    text = " ".join(str(error).split())
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
