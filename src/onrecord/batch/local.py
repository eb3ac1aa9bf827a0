"""The local executor: worker processes on this machine (`workers.Pool`, the ones `ingest` uses), each
loading the models once and extracting documents of every shard; the driver reads the shards and writes
their parts. Finished shards are passed over before any worker (or model) is started."""

from __future__ import annotations

from collections.abc import Sequence

from onrecord.batch.outcomes import BatchError, BatchOptions, BatchProgress, BatchSummary
from onrecord.batch.plan import Shard
from onrecord.batch.shards import pending, run_shards
from onrecord.workers import WorkerError, extraction_stage, in_flight, worker_count


def run_local(
    shards: Sequence[Shard], out_dir: str, options: BatchOptions, progress: BatchProgress
) -> BatchSummary:
    """Run every shard not done yet; finished shards are passed over before any model is loaded."""
    tally, todo = pending(shards, out_dir)
    progress(tally.summary())
    if not todo:
        return tally.summary()
    count = worker_count(options.workers)
    stage = extraction_stage(count, options.fast, bool(options.embed))
    try:
        report = lambda counts: progress(counts.summary())  # noqa: E731
        run_shards(todo, out_dir, stage, tally, report, in_flight(count), options.part_documents)
    except WorkerError as error:
        raise BatchError(
            f"{error} (out of memory?); the finished parts are kept, rerun to resume."
        ) from error
    finally:
        stage.close()
    return tally.summary()
