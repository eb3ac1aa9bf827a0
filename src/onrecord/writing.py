"""The single writer that `ingest` and `merge` share: results in, in order, rows in the store out.

It decides, in the order results are written, what is already stored (an input's source key), what
repeats a stored article (same URL, same bytes, same text) and what is a syndicated copy, and resolves
speakers; so a store written by `ingest` and one merged from a batch's parts come out the same. It keeps
the counts and commits in batches (every `COMMIT_EVERY` results or `COMMIT_SECONDS`).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Set
from dataclasses import dataclass, field

from onrecord.records import Document, Skip
from onrecord.store.writer import find_duplicate, known_input, record_duplicate, store_article, store_skip
from onrecord.workers import Inline, Pool, Rejected, Result, Unable

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
class Counts:
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


class Writer:
    """The single writer: stores results, keeps the counts, commits in batches."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        conn_path: str,
        counts: Counts,
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

    def seen_before(self, key: str, source: str, url: str | None, in_flight: Set[str] = frozenset()) -> bool:
        """Whether the input (`source`, its document's `url`) needs no processing: taken by an earlier
        run, in flight, or a known URL."""
        known = known_input(self.conn, key)
        if known == source:
            self.counts.already += 1
        elif known is not None or key in in_flight:  # the same bytes under another name
            self.counts.duplicates += 1
        elif url and (existing := find_duplicate(self.conn, url, None)) is not None:
            self._begin()
            record_duplicate(self.conn, key, source, existing)
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
