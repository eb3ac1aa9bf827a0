"""Ingest: paths in, a store of articles and statements out, on every core.

The main process reads the inputs (cheap), drops what an earlier run already took (by source key, before
any extraction), and hands documents to worker processes; each worker loads the spaCy model once and turns
a document into an article, its fingerprint and its statements. The main process is the single writer: it
stores results in input order and commits in batches, so an ingest killed at any moment keeps everything
committed and a rerun resumes where it stopped. At most `IN_FLIGHT_PER_WORKER` documents per worker are in
flight, so memory stays bounded whatever the size of the input.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from onrecord.articles import to_article
from onrecord.extraction import ModelError, extract, mode
from onrecord.records import Document, Skip
from onrecord.sources import read_documents
from onrecord.store import open_reader, open_store, optimize
from onrecord.store.dedup import fingerprint
from onrecord.store.writer import (
    Extracted,
    find_duplicate,
    known_input,
    record_duplicate,
    store_article,
    store_skip,
)

IN_FLIGHT_PER_WORKER = 4
COMMIT_EVERY = 50
"""Results written between commits (a commit also happens at least every `COMMIT_SECONDS`)."""
COMMIT_SECONDS = 2.0
PARENT_CHECK_SECONDS = 0.5


class IngestError(Exception):
    """The ingest could not go on (a worker could not start or died); what was committed stays."""


@dataclass(frozen=True)
class IngestSummary:
    """Counts of one ingest run.

    `read`: documents and unreadable inputs met; `stored`: new articles (syndicated copies included);
    `already`: inputs a previous run took (same source, same bytes); `duplicates`: same URL, same bytes
    or same text as a stored article (not stored); `near_duplicates`: stored articles linked as
    syndicated copies; `skipped`: (reason, count) pairs; `statements`: new statements; `appearances`:
    statements found again in syndicated copies.
    """

    read: int = 0
    stored: int = 0
    already: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    skipped: tuple[tuple[str, int], ...] = ()
    statements: int = 0
    appearances: int = 0
    seconds: float = 0.0

    @property
    def skipped_total(self) -> int:
        return sum(count for _, count in self.skipped)


@dataclass(frozen=True)
class _Rejected:
    key: str
    skip: Skip


@dataclass(frozen=True)
class _Unable:
    """A worker that could not start (the model is missing): the whole ingest stops with its reason."""

    key: str
    reason: str


@dataclass
class _Counts:
    started: float = field(default_factory=time.perf_counter)
    read: int = 0
    stored: int = 0
    already: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    statements: int = 0
    appearances: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> IngestSummary:
        return IngestSummary(
            read=self.read,
            stored=self.stored,
            already=self.already,
            duplicates=self.duplicates,
            near_duplicates=self.near_duplicates,
            skipped=tuple(sorted(self.skipped.items())),
            statements=self.statements,
            appearances=self.appearances,
            seconds=time.perf_counter() - self.started,
        )


Progress = Callable[[IngestSummary], None]


def ingest(
    paths: Iterable[str],
    db_path: str,
    workers: int | None = None,
    progress: Progress | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    commit_every: int = COMMIT_EVERY,
    fast: bool = False,
) -> IngestSummary:
    """Read, clean, extract and store every document in `paths` into the store at `db_path`.

    `workers`: extraction processes (default: one per core; 0 extracts in this process). `progress` is
    called with the counts so far after each document; `on_skip` with each input skipped in this run.
    `commit_every`: results written between commits (there is also one every `COMMIT_SECONDS`).
    `fast`: extract without the statistical NER (see `onrecord.extract`).
    Raises StoreError when `db_path` is not a usable store, IngestError when a worker process dies.
    """
    try:
        mode(fast)
    except ModelError as error:
        raise IngestError(str(error)) from error
    conn = open_store(db_path)
    counts = _Counts()
    writer = _Writer(conn, counts, progress or (lambda summary: None), on_skip or (lambda skip: None))
    writer.commit_every = max(1, commit_every)
    if _worker_count(workers) <= 0:
        _start_inline(conn, fast)
    try:
        _drive(paths, workers, db_path, writer, fast)
        writer.commit()
        optimize(conn)
    except BrokenProcessPool as error:
        raise IngestError(
            "a worker process died (out of memory?); everything stored so far is kept, rerun to resume."
        ) from error
    finally:
        _use_reader(None)
        writer.commit()
        conn.close()
    return counts.summary()


def _drive(paths: Iterable[str], workers: int | None, db_path: str, writer: _Writer, fast: bool) -> None:
    executor = _executor(workers, db_path, fast)
    try:
        _run(paths, executor, writer, _window(workers))
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()


def _run(paths: Iterable[str], executor: Executor, writer: _Writer, window: int) -> None:
    pending: deque[Future[Extracted | _Rejected | _Unable]] = deque()
    in_flight: set[str] = set()
    for document in read_documents(paths):
        writer.counts.read += 1
        if isinstance(document, Skip):
            writer.skipped(document, None)
            continue
        key = source_key(document)
        if writer.seen_before(key, document, in_flight):
            continue
        in_flight.add(key)
        pending.append(executor.submit(_process, key, document))
        while len(pending) >= window:
            in_flight.discard(writer.write(pending.popleft().result()))
    while pending:
        in_flight.discard(writer.write(pending.popleft().result()))


class _Writer:
    """The single writer: stores results, keeps the counts, commits in batches."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        counts: _Counts,
        progress: Progress,
        on_skip: Callable[[Skip], None],
    ) -> None:
        self.conn = conn
        self.counts = counts
        self.progress = progress
        self.on_skip = on_skip
        self.uncommitted = 0
        self.commit_every = COMMIT_EVERY
        self.last_commit = time.monotonic()

    def seen_before(self, key: str, document: Document, in_flight: set[str]) -> bool:
        """Whether a document needs no processing: taken by an earlier run, in flight, or a known URL."""
        source = known_input(self.conn, key)
        if source == document.source:
            self.counts.already += 1
        elif source is not None or key in in_flight:  # the same bytes under another name
            self.counts.duplicates += 1
        elif document.url and (existing := find_duplicate(self.conn, document.url, None)) is not None:
            self._begin()
            record_duplicate(self.conn, key, document.source, existing)
            self.counts.duplicates += 1
            self._written()
        else:
            return False
        self.progress(self.counts.summary())
        return True

    def write(self, result: Extracted | _Rejected | _Unable) -> str:
        """Store one worker result; its source key."""
        if isinstance(result, _Unable):
            raise IngestError(result.reason.rstrip(".") + ".")
        self._begin()
        if isinstance(result, _Rejected):
            store_skip(self.conn, result.skip, result.key)
            self._count_skip(result.skip)
        else:
            written = store_article(self.conn, result)
            self.counts.stored += written.outcome != "duplicate"
            self.counts.duplicates += written.outcome == "duplicate"
            self.counts.near_duplicates += written.outcome == "near-duplicate"
            self.counts.statements += written.statements
            self.counts.appearances += written.appearances
        self._written()
        self.progress(self.counts.summary())
        return result.key

    def skipped(self, skip: Skip, key: str | None) -> None:
        self._begin()
        store_skip(self.conn, skip, key)
        self._count_skip(skip)
        self._written()
        self.progress(self.counts.summary())

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.uncommitted = 0
        self.last_commit = time.monotonic()

    def _count_skip(self, skip: Skip) -> None:
        self.counts.skipped[skip.reason] += 1
        self.on_skip(skip)

    def _begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")

    def _written(self) -> None:
        self.uncommitted += 1
        if self.uncommitted >= self.commit_every or time.monotonic() - self.last_commit >= COMMIT_SECONDS:
            self.commit()


def source_key(document: Document) -> str:
    """What identifies an input across runs: its bytes, media type and URL (not how its path was spelt)."""
    digest = hashlib.sha256()
    for part in (document.media_type, document.url or ""):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(document.data)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Workers: one model load per process (the initializer), then document → article → statements.
# ---------------------------------------------------------------------------------------------------------

_reader: sqlite3.Connection | None = None
_unable: str | None = None
_fast = False


def _start_worker(db_path: str, parent: int, fast: bool) -> None:
    global _reader, _unable, _fast
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _fast = fast
    try:
        extract("Warm-up, the reporter said.", fast=fast)  # loads the models once per worker
    except Exception as error:  # reported by the first task, as one sentence, instead of a dead pool
        _unable = str(error) or type(error).__name__
    _reader = open_reader(db_path)


def _exit_with_parent(parent: int) -> None:
    """A worker whose writer died (kill -9) stops too, instead of idling on with its models loaded."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _start_inline(conn: sqlite3.Connection, fast: bool) -> None:
    """In-process extraction (workers=0): duplicates are checked on the writer's own connection."""
    global _reader, _unable, _fast
    _reader, _unable, _fast = conn, None, fast
    try:
        extract("Warm-up, the reporter said.", fast=fast)
    except Exception as error:
        _unable = str(error) or type(error).__name__


def _use_reader(conn: sqlite3.Connection | None) -> None:
    global _reader
    _reader = conn


def _process(key: str, document: Document) -> Extracted | _Rejected | _Unable:
    """One document through the stages; any failure becomes a skip, never a crash of the batch."""
    if _unable is not None:
        return _Unable(key, _unable)
    try:
        article = to_article(document, fast=_fast)
        if isinstance(article, Skip):
            return _Rejected(key, article)
        print_ = fingerprint(article.text)
        if _reader is not None and find_duplicate(_reader, article.url, print_.text_hash) is not None:
            return Extracted(key, article, print_, ())  # the writer records it as a duplicate
        return Extracted(
            key, article, print_, tuple(extract(article.text, fast=_fast, language=article.language))
        )
    except Exception as error:  # one bad document must not sink the batch
        why = f"{type(error).__name__}: {error}"[:200]
        return _Rejected(
            key, Skip(document.source, "error", f"{document.source}: processing failed ({why}).")
        )


class _Inline(Executor):
    """Runs each task at once in this process (workers=0): for tests, debugging and tiny inputs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _executor(workers: int | None, db_path: str, fast: bool) -> Executor:
    count = _worker_count(workers)
    if count <= 0:
        return _Inline()
    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(db_path, os.getpid(), fast),
    )


def _window(workers: int | None) -> int:
    return max(1, _worker_count(workers)) * IN_FLIGHT_PER_WORKER


def _worker_count(workers: int | None) -> int:
    return (os.cpu_count() or 1) if workers is None else workers
