"""Opening an input's bytes by range: local paths here, https:// and s3:// URIs through `remote`."""

from __future__ import annotations

import io
from typing import BinaryIO
from urllib.parse import urlsplit

from onrecord.batch import remote
from onrecord.sources import files


class Range(io.RawIOBase):
    """The bytes of an open file from `start` to `end` (None: its end), read without seeking outside."""

    def __init__(self, handle: BinaryIO, start: int, end: int | None) -> None:
        super().__init__()
        self._handle = handle
        self._left = None if end is None else max(0, end - start)
        handle.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = len(buffer) if self._left is None else min(len(buffer), self._left)
        data = self._handle.read(want)
        buffer[: len(data)] = data
        if self._left is not None:
            self._left -= len(data)
        return len(data)

    def close(self) -> None:
        self._handle.close()
        super().close()


def is_remote_archive(uri: str) -> bool:
    """Whether `uri` is a remote WARC or JSON Lines archive (read by range; a remote page is a web fetch)."""
    if not remote.is_remote(uri):
        return False
    return uri[:5].lower() == "s3://" or files.kind_of(urlsplit(uri).path) in ("warc", "jsonl")


def open_range(uri: str, start: int, end: int | None) -> BinaryIO:
    """The input's bytes from `start` to `end` as a buffered stream (the caller closes it); OSError
    when it cannot be opened (`remote.InputError` for a remote input, raised when it is read)."""
    if remote.is_remote(uri):
        return io.BufferedReader(remote.RemoteRange(uri, start, end), buffer_size=1 << 16)
    handle = open(uri, "rb")  # noqa: SIM115  # closed with the returned stream
    return io.BufferedReader(Range(handle, start, end), buffer_size=1 << 16)
