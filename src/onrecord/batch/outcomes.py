"""What a batch is asked to do and what it did: options, one shard's outcome, the batch's summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BatchOptions:
    """`workers`: extraction processes (None: one per core; 0: in the driver); `fast`: rules only;
    `embed`: compute each statement's embedding (None: unless `fast`, as `ingest` does)."""

    workers: int | None = None
    fast: bool = False
    embed: bool | None = None


@dataclass(frozen=True)
class ShardOutcome:
    """One shard's result: its id, documents read, articles and statements extracted, skips by reason,
    and `error` (one sentence) when the shard failed or its input could not be read."""

    shard: str
    documents: int = 0
    articles: int = 0
    statements: int = 0
    skipped: tuple[tuple[str, int], ...] = ()
    error: str | None = None
    already: bool = False  # finished by an earlier run (nothing was done this time)


@dataclass(frozen=True)
class BatchSummary:
    """The batch so far: shards in the plan, done (this run or before), failed; the counts of this run."""

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


BatchProgress = Callable[[BatchSummary], None]
