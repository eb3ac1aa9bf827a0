"""The local executor: worker processes on this machine (`workers.Pool`, the ones `ingest` uses), each
loading the models once and extracting documents of every shard; the driver reads the shards and writes
their parts. Finished shards are passed over before any worker (or model) is started."""

from __future__ import annotations

import os
from collections.abc import Sequence

from onrecord.batch.outcomes import BatchError, BatchOptions, BatchProgress, BatchSummary, Tally
from onrecord.batch.plan import Shard
from onrecord.batch.shards import done_outcome, run_shards, shard_done
from onrecord.workers import Extractor, Inline, Pool, WorkerError

IN_FLIGHT_PER_WORKER = 4


def run_local(
    shards: Sequence[Shard], out_dir: str, options: BatchOptions, progress: BatchProgress
) -> BatchSummary:
    """Run every shard not done yet; finished shards are passed over before any model is loaded."""
    tally = Tally(shards=len(shards))
    todo = []
    for shard in shards:
        if shard_done(out_dir, shard):
            tally.finished(done_outcome(out_dir, shard))
        else:
            todo.append(shard)
    progress(tally.summary())
    if not todo:
        return tally.summary()
    count = (os.cpu_count() or 1) if options.workers is None else options.workers
    embed = bool(options.embed)
    stage = (
        Pool(count, None, options.fast, embed) if count > 0 else Inline(Extractor(None, options.fast, embed))
    )
    try:
        window = max(1, count) * IN_FLIGHT_PER_WORKER
        report = lambda counts: progress(counts.summary())  # noqa: E731
        run_shards(todo, out_dir, stage, tally, report, window, options.part_documents)
    except WorkerError as error:
        raise BatchError(
            f"{error} (out of memory?); the finished parts are kept, rerun to resume."
        ) from error
    finally:
        stage.close()
    return tally.summary()
