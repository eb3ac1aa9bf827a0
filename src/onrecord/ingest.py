"""Ingest: paths in, a store of articles and statements out, on every core.

The main process reads the inputs (cheap), drops what an earlier run already took (by source key, before
any extraction), and hands documents to worker processes; each worker loads the spaCy model once and turns
a document into an article, its fingerprint and its statements. The main process is the single writer: it
stores results in input order and commits in batches, so an ingest killed at any moment keeps everything
committed and a rerun resumes where it stopped. At most `workers.IN_FLIGHT_PER_WORKER` documents per
worker are in flight, so memory stays bounded whatever the size of the input.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.models import ModelError, mode
from onrecord.records import Skip
from onrecord.sources import read_documents
from onrecord.store import open_store, optimize
from onrecord.store.lock import writer_lock
from onrecord.store.sqlite import DATABASE_ERRORS, failure
from onrecord.workers import Inline, Pool, WorkerError, extraction_stage, in_flight, worker_count
from onrecord.writing import COMMIT_EVERY, Counts, IngestError, IngestSummary, Progress, Writer, source_key

__all__ = ["IngestError", "IngestSummary", "ingest", "source_key"]


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
    counts = Counts()
    embed = (not fast if embed is None else embed) and _encoder_ready(counts)
    with writer_lock(db_path):
        conn = open_store(db_path)
        try:
            report = progress or (lambda summary: None)
            writer = Writer(conn, db_path, counts, report, on_skip or (lambda skip: None))
            writer.commit_every = max(1, commit_every)
            writer.unsure_below = min_confidence
            count = worker_count(workers)
            stage = extraction_stage(count, fast, embed, db_path, conn)
            _drive(paths, stage, writer, in_flight(count))
        finally:
            conn.close()
    return counts.summary()


def _encoder_ready(counts: Counts) -> bool:
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


def _drive(paths: Iterable[str], pool: Pool | Inline, writer: Writer, window: int) -> None:
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


def _stop(pool: Pool | Inline, writer: Writer, keep: bool = True) -> None:
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


def _run(paths: Iterable[str], pool: Pool | Inline, writer: Writer, window: int) -> None:
    in_flight: set[str] = set()
    for document in read_documents(paths):
        writer.counts.read += 1
        if isinstance(document, Skip):
            writer.skipped(document, None)
            continue
        key = source_key(document)
        if writer.seen_before(key, document.source, document.url, in_flight):
            continue
        in_flight.add(key)
        pool.submit(key, document)
        while pool.pending >= window:
            in_flight.discard(writer.write(writer.collect(pool)))
    while pool.pending:
        in_flight.discard(writer.write(writer.collect(pool)))
