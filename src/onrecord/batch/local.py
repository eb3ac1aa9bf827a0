"""The local executor: worker processes on this machine (`workers.Pool`), one model load each."""

from __future__ import annotations

from collections.abc import Sequence

from onrecord.batch.outcomes import BatchOptions, BatchProgress, BatchSummary
from onrecord.batch.plan import Shard


def run_local(
    shards: Sequence[Shard], out_dir: str, options: BatchOptions, progress: BatchProgress
) -> BatchSummary:
    """Run every shard not done yet; finished shards are passed over before any model is loaded."""
    raise NotImplementedError
