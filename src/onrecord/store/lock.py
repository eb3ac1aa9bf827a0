"""One ingest per store at a time: a lock file beside the store, held with `flock` for the whole run.

SQLite lets only one connection write at a time, but two ingests would take turns at every batch and
the slower one would time out minutes in. The second is refused at its start instead, with one
sentence. The lock is advisory and dies with its process (kill -9 included), so it never goes stale; its
file is removed when the ingest ends. Readers (search, serve) never take it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from onrecord.store.sqlite import StoreError

SUFFIX = ".lock"


@contextmanager
def writer_lock(path: str) -> Iterator[None]:
    """Hold the ingest lock of the store at `path`; StoreError when another process holds it. The lock
    belongs to the file, whatever the path or link that names it."""
    lock_path = os.path.realpath(path) + SUFFIX
    fd = _acquire(path, lock_path)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # while still held: whoever opens it next gets a fresh file
        os.close(fd)


def _acquire(path: str, lock_path: str) -> int:
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise StoreError(f"{path}: cannot be written ({error.strerror or error}).") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder(fd)
            os.close(fd)
            raise StoreError(
                f"{path}: another ingest{holder} is writing to it; wait for it to end, or ingest into "
                "another database."
            ) from None
        if _same_file(fd, lock_path):
            return fd
        os.close(fd)  # the file was removed by the ingest that just ended: lock the new one


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        return f" (process {int(os.pread(fd, 32, 0).decode('ascii').strip())})"
    return ""


def _same_file(fd: int, lock_path: str) -> bool:
    try:
        held, named = os.fstat(fd), os.stat(lock_path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)
