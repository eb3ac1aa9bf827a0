"""Planning: inputs in, shards out (whole inputs, or byte ranges of a large WARC or JSON Lines file).

A gzip WARC larger than the shard size is cut at gzip-member boundaries found near each multiple of it:
a candidate is a gzip header (`1f 8b 08`) whose member inflates to a WARC record, and where the member
before it, inflated from its own header, ends exactly there (so a whole-file read passes the same
boundary). Only the bytes around each cut are read. A JSON Lines file is cut after a line end, its lines
counted on the way (sources are `PATH:LINE`). Anything else is one shard per input; so is an input that
cannot be read, which its shard then reports as a whole-file read does.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from onrecord.sources import files, web

DEFAULT_SHARD_BYTES = 256 << 20
"""A WARC or JSON Lines file larger than this (256 MiB) is split into ranges about this size."""
_GZIP_HEADER = b"\x1f\x8b\x08"
_SCAN = 1 << 20
_BACK = 8 << 20
"""How far before a cut the member ending there may start (a larger member is not cut before)."""
_WBITS = 16 + zlib.MAX_WBITS


@dataclass(frozen=True)
class Shard:
    """A unit of work: `input` exactly as the user gave it, from byte `start` to `end` (None: the end).

    A WARC range starts at a gzip-member boundary, a JSON Lines range at a line start; `line` is the
    1-based number of the line at `start` (JSON Lines sources are `PATH:LINE`)."""

    input: str
    start: int = 0
    end: int | None = None
    line: int = 1

    @property
    def id(self) -> str:
        """A stable hash of (input, start, end): the same on every host and every run."""
        spelt = json.dumps([self.input, self.start, self.end], ensure_ascii=False)
        return hashlib.sha256(spelt.encode("utf-8", "surrogateescape")).hexdigest()[:24]

    @property
    def whole(self) -> bool:
        """Whether the shard is its whole input (read exactly as `ingest` reads it)."""
        return self.start == 0 and self.end is None

    def describe(self) -> str:
        return self.input if self.whole else f"{self.input} bytes {self.start:,}–{self.end or 'end'}"


def plan(inputs: Sequence[str], shard_bytes: int = DEFAULT_SHARD_BYTES) -> list[Shard]:
    """The shards of `inputs`, in input order and, within an input, in byte order."""
    shards: list[Shard] = []
    for given in inputs:
        shards.extend(_shards_of(given, max(1, shard_bytes)))
    return shards


def _shards_of(given: str, shard_bytes: int) -> list[Shard]:
    if web.is_url(given) or not os.path.isfile(given):
        return [Shard(given)]
    try:
        size = os.path.getsize(given)
        if size <= shard_bytes:
            return [Shard(given)]
        with open(given, "rb") as handle:
            kind = files.kind_of(given)
            if kind == "jsonl":
                return _ranges(given, _line_cuts(handle, size, shard_bytes))
            if kind == "warc" and handle.read(3) == _GZIP_HEADER:
                return _ranges(given, _member_cuts(handle, size, shard_bytes))
    except OSError:
        pass  # the shard's read says why
    return [Shard(given)]


def _ranges(given: str, cuts: list[tuple[int, int]]) -> list[Shard]:
    """Shards between the cuts: (byte, line) pairs, the first (0, 1)."""
    ends = [at for at, _ in cuts[1:]] + [None]
    return [Shard(given, at, end, line) for (at, line), end in zip(cuts, ends, strict=True)]


def _line_cuts(handle: BinaryIO, size: int, shard_bytes: int) -> list[tuple[int, int]]:
    cuts = [(0, 1)]
    position, lines, target = 0, 1, shard_bytes
    while chunk := handle.read(_SCAN):
        while target < position + len(chunk):
            end = chunk.find(b"\n", max(0, target - position))
            if end < 0:
                break
            cut = position + end + 1
            lines_at = lines + chunk.count(b"\n", 0, end + 1)
            if cut < size:
                cuts.append((cut, lines_at))
            target = cut + shard_bytes
        lines += chunk.count(b"\n")
        position += len(chunk)
    return cuts


def _member_cuts(handle: BinaryIO, size: int, shard_bytes: int) -> list[tuple[int, int]]:
    cuts = [(0, 1)]
    target = shard_bytes
    while target < size:
        cut = _boundary_after(handle, target, size)
        if cut is None:
            break
        cuts.append((cut, 1))
        target = cut + shard_bytes
    return cuts


def _boundary_after(handle: BinaryIO, at: int, size: int) -> int | None:
    """The first clean gzip-member boundary at or after byte `at`, if any."""
    while at < size:
        handle.seek(at)
        window = handle.read(_SCAN + len(_GZIP_HEADER))
        found = window.find(_GZIP_HEADER)
        while 0 <= found < _SCAN:
            if _starts_record(handle, at + found) and _member_ends_at(handle, at + found):
                return at + found
            found = window.find(_GZIP_HEADER, found + 1)
        at += _SCAN
    return None


def _starts_record(handle: BinaryIO, at: int) -> bool:
    handle.seek(at)
    try:
        head = zlib.decompressobj(_WBITS).decompress(handle.read(1 << 14), 64)
    except zlib.error:
        return False
    return head.lstrip().startswith((b"WARC/", b"filedesc:"))


def _member_ends_at(handle: BinaryIO, cut: int) -> bool:
    """Whether a gzip member that inflates to a WARC record ends exactly at `cut`."""
    begin = max(0, cut - _BACK)
    handle.seek(begin)
    before = handle.read(cut - begin)
    found = before.rfind(_GZIP_HEADER)
    while found >= 0:
        inflate = zlib.decompressobj(_WBITS)
        try:
            head = inflate.decompress(before[found:], 64)
            while inflate.unconsumed_tail and not inflate.eof:
                inflate.decompress(inflate.unconsumed_tail, 1 << 20)
        except zlib.error:
            head = b""
        if inflate.eof and head.lstrip().startswith((b"WARC/", b"filedesc:")):
            return (
                not inflate.unused_data
            )  # it ends at `cut`, or a member ends before and something is between
        found = before.rfind(_GZIP_HEADER, 0, found)
    return False
