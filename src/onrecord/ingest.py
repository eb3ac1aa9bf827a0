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
import os
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.extraction import ModelError, mode
from onrecord.records import Document, Skip
from onrecord.sources import read_documents
from onrecord.store import open_store, optimize
from onrecord.store.lock import writer_lock
from onrecord.store.sqlite import DATABASE_ERRORS, failure
from onrecord.store.writer import find_duplicate, known_input, record_duplicate, store_article, store_skip
from onrecord.workers import Extractor, Inline, Pool, Rejected, Result, Unable, WorkerError

IN_FLIGHT_PER_WORKER = 4
COMMIT_EVERY = 50
"""Results written between commits (a commit also happens at least every `COMMIT_SECONDS`)."""
COMMIT_SECONDS = 2.0
"""The longest the writer holds the store's write lock (other writers wait up to 10 s for it)."""


class IngestError(Exception):
    """The ingest could not go on (a worker could not start or died); what was committed stays."""


@dataclass(frozen=True)
class IngestSummary:
    """Counts of one ingest run.

    `read`: documents and unreadable inputs met; `stored`: new articles (syndicated copies included);
    `already`: inputs a previous run took (same source, same bytes); `duplicates`: same URL, same bytes
    or same text as a stored article (not stored); `near_duplicates`: stored articles linked as
    syndicated copies; `skipped`: (reason, count) pairs; `statements`: new statements; `appearances`:
    statements found again in syndicated copies; `unsure`: new statements below the ingest's
    `min_confidence` (stored, hidden by default where statements are read).
    """

    read: int = 0
    stored: int = 0
    already: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    skipped: tuple[tuple[str, int], ...] = ()
    statements: int = 0
    appearances: int = 0
    unsure: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def skipped_total(self) -> int:
        return sum(count for _, count in self.skipped)


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
    unsure: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: tuple[str, ...] = ()

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
            unsure=self.unsure,
            seconds=time.perf_counter() - self.started,
            notes=self.notes,
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
    embed: bool | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> IngestSummary:
    """Read, clean, extract and store every document in `paths` into the store at `db_path`.

    `workers`: extraction processes (default: one per core; 0 extracts in this process). `progress` is
    called with the counts so far after each document; `on_skip` with each input skipped in this run.
    `commit_every`: results written between commits (there is also one every `COMMIT_SECONDS`).
    `fast`: extract without the statistical NER (see `onrecord.extract`), and without embeddings (the
    first `onrecord stance` builds them); otherwise each new statement's embedding is computed with it,
    unless the encoder cannot load (a note in the summary says so). `embed` overrides: False never
    computes them, True computes them in fast mode too. Every statement is stored; the summary counts
    as `unsure` the new ones below `min_confidence` (which readers hide by default).
    Raises StoreError when `db_path` is not a usable store (damaged, not onrecord's) or another ingest
    is writing to it; IngestError when the store fails while written (a full disk) or a worker dies.
    """
    try:
        mode(fast)
    except ModelError as error:
        raise IngestError(str(error)) from error
    counts = _Counts()
    embed = (not fast if embed is None else embed) and _encoder_ready(counts)
    with writer_lock(db_path):
        conn = open_store(db_path)
        try:
            report = progress or (lambda summary: None)
            writer = _Writer(conn, db_path, counts, report, on_skip or (lambda skip: None))
            writer.commit_every = max(1, commit_every)
            writer.unsure_below = min_confidence
            _drive(paths, _workers(workers, conn, db_path, fast, embed), writer, _window(workers))
        finally:
            conn.close()
    return counts.summary()


def _encoder_ready(counts: _Counts) -> bool:
    """Whether the sentence encoder loads; when it does not, a note says the embeddings come later."""
    try:
        from onrecord.stance.encoder import check_encoder

        check_encoder()
    except Exception as error:  # the encoder module says what is missing or corrupt
        counts.notes = (
            f"statements stored without embeddings ({str(error).rstrip('.')}); the first "
            "`onrecord stance` builds them.",
        )
        return False
    return True


def _drive(paths: Iterable[str], pool: Pool | Inline, writer: _Writer, window: int) -> None:
    """Run the ingest; whatever stops it, keep what was written (unless the store failed) and stop the
    workers at once."""
    try:
        _run(paths, pool, writer, window)
        pool.close()
        writer.commit()
        optimize(writer.conn)
    except DATABASE_ERRORS as error:
        _stop(pool, writer, keep=False)
        raise IngestError(str(failure(writer.conn_path, error, resumable=True))) from error
    except WorkerError as error:
        _stop(pool, writer)
        message = f"{error} (out of memory?); everything stored so far is kept, rerun to resume."
        raise IngestError(message) from error
    except BaseException:
        _stop(pool, writer)
        raise


def _stop(pool: Pool | Inline, writer: _Writer, keep: bool = True) -> None:
    with _interrupts_ignored():  # a second Ctrl-C must not break off the cleanup
        pool.close()
        writer.finish(keep)


@contextmanager
def _interrupts_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run(paths: Iterable[str], pool: Pool | Inline, writer: _Writer, window: int) -> None:
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
        pool.submit(key, document)
        while pool.pending >= window:
            in_flight.discard(writer.write(writer.collect(pool)))
    while pool.pending:
        in_flight.discard(writer.write(writer.collect(pool)))


class _Writer:
    """The single writer: stores results, keeps the counts, commits in batches."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        conn_path: str,
        counts: _Counts,
        progress: Progress,
        on_skip: Callable[[Skip], None],
    ) -> None:
        self.conn = conn
        self.conn_path = conn_path
        self.counts = counts
        self.progress = progress
        self.on_skip = on_skip
        self.uncommitted = 0
        self.commit_every = COMMIT_EVERY
        self.unsure_below = 0.0
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

    def collect(self, pool: Pool | Inline) -> Result:
        """The next result, committing while it is awaited so the write lock is never held for long."""
        while True:
            timeout = None
            if self.conn.in_transaction:
                timeout = max(0.0, COMMIT_SECONDS - (time.monotonic() - self.last_commit))
            result = pool.result(timeout)
            if result is not None:
                return result
            self.commit()

    def write(self, result: Result) -> str:
        """Store one worker result; its source key."""
        if isinstance(result, Unable):
            raise IngestError(result.reason.rstrip(".") + ".")
        self._begin()
        if isinstance(result, Rejected):
            store_skip(self.conn, result.skip, result.key)
            self._count_skip(result.skip)
        else:
            written = store_article(self.conn, result, self.unsure_below)
            self.counts.stored += written.outcome != "duplicate"
            self.counts.duplicates += written.outcome == "duplicate"
            self.counts.near_duplicates += written.outcome == "near-duplicate"
            self.counts.statements += written.statements
            self.counts.unsure += written.unsure
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

    def finish(self, keep: bool) -> None:
        """Commit what was written (`keep`) or roll it back; no error, since one is being reported."""
        try:
            if keep:
                self.commit()
        except sqlite3.Error:
            pass
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

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


def _workers(
    workers: int | None, conn: sqlite3.Connection, db_path: str, fast: bool, embed: bool
) -> Pool | Inline:
    """Worker processes, or (workers=0) extraction in this process checking duplicates on `conn`."""
    count = _worker_count(workers)
    return Pool(count, db_path, fast, embed) if count > 0 else Inline(Extractor(conn, fast, embed))


def _window(workers: int | None) -> int:
    return max(1, _worker_count(workers)) * IN_FLIGHT_PER_WORKER


def _worker_count(workers: int | None) -> int:
    return (os.cpu_count() or 1) if workers is None else workers
