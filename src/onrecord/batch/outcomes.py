"""What a batch is asked to do and what it did: options, one shard's outcome, the batch's summary."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BatchOptions:
    """`workers`: extraction processes (None: one per core; 0: in the driver); `fast`: rules only;
    `embed`: compute each statement's embedding (None: unless `fast`, as `ingest` does);
    `part_documents`: documents per Parquet part (a killed shard resumes after its last part)."""

    workers: int | None = None
    fast: bool = False
    embed: bool | None = None
    part_documents: int = 200


@dataclass(frozen=True)
class ShardOutcome:
    """One shard's result: its id, documents read, articles and statements extracted, skips by reason,
    and `error` (one sentence) when its input could not be read (or only in part: `completed`, the
    skip is in its parts and the shard is done) or the shard failed (not `completed`: a rerun retries it).
    `already`: finished by an earlier run, nothing was done this time."""

    shard: str
    documents: int = 0
    articles: int = 0
    statements: int = 0
    skipped: tuple[tuple[str, int], ...] = ()
    error: str | None = None
    completed: bool = True
    already: bool = False


@dataclass(frozen=True)
class BatchSummary:
    """The batch so far: shards in the plan, done (this run or before), failed (to be retried by a
    rerun); the documents, articles, statements and skips written this run; each shard's outcome."""

    shards: int = 0
    done: int = 0
    failed: int = 0
    documents: int = 0
    articles: int = 0
    statements: int = 0
    skipped: tuple[tuple[str, int], ...] = ()
    seconds: float = 0.0
    outcomes: tuple[ShardOutcome, ...] = ()

    @property
    def left(self) -> int:
        return self.shards - self.done - self.failed

    @property
    def skipped_total(self) -> int:
        return sum(count for _, count in self.skipped)

    @property
    def errors(self) -> tuple[str, ...]:
        """One sentence per shard whose input could not be (wholly) read or that failed."""
        return tuple(outcome.error for outcome in self.outcomes if outcome.error is not None)


BatchProgress = Callable[[BatchSummary], None]


class BatchError(Exception):
    """The batch could not start or go on (the out dir is unusable, the model missing): one sentence."""


@dataclass
class Tally:
    """The counts of a batch as it runs; `summary()` is what progress and the caller are given."""

    shards: int = 0
    done: int = 0
    failed: int = 0
    documents: int = 0
    articles: int = 0
    statements: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    outcomes: list[ShardOutcome] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def count(self, reason: str | None, statements: int) -> None:
        """One document written to a part: an article with `statements`, or a skip for `reason`."""
        self.documents += 1
        if reason is None:
            self.articles += 1
            self.statements += statements
        else:
            self.skipped[reason] += 1

    def finished(self, outcome: ShardOutcome) -> None:
        self.outcomes.append(outcome)
        if outcome.error is not None and not outcome.completed:
            self.failed += 1
        else:
            self.done += 1

    def summary(self) -> BatchSummary:
        return BatchSummary(
            shards=self.shards,
            done=self.done,
            failed=self.failed,
            documents=self.documents,
            articles=self.articles,
            statements=self.statements,
            skipped=tuple(sorted(self.skipped.items())),
            seconds=time.perf_counter() - self.started,
            outcomes=tuple(self.outcomes),
        )
