"""Batches past one machine: shards → Parquet parts → one merge into the store (issue 13).

The interface the engines share (`local` here, `ray` in `ray_engine`):

- `plan.plan(inputs, shard_bytes) -> list[Shard]`: a `Shard` is (input as given, start byte, end byte or
  None); `Shard.id` is a stable hash of the three (never a temp path or a host). A WARC is one shard, or
  byte ranges at gzip-member boundaries when larger than `shard_bytes`; JSON Lines by line ranges; any
  other input (a file, a directory, a feed, a URL) one shard.
- `inputs.open_range(uri, start, end) -> BinaryIO`: an input's bytes from `start` to `end`.
- `shards.shard_done(out_dir, shard) -> bool`: the shard's manifest exists (no model is loaded to know).
- `shards.run_shard(shard, out_dir, extractor) -> ShardOutcome`: the shard's documents through
  `workers.Extractor` (the one ingest runs), a Parquet part every `PART_DOCUMENTS` documents, resuming
  after its last complete part, the manifest written last and atomically.
- `local.run_local(shards, out_dir, options, progress) -> BatchSummary`; `ray_engine.run_ray(shards,
  out_dir, options, progress, address) -> BatchSummary`.
- `outcomes`: `BatchOptions` (workers, fast, embed), `ShardOutcome`, `BatchSummary`, `BatchProgress` (a
  callable given the `BatchSummary` so far).
- `layout`: where things live in the out dir, and the batch manifest (`batch.json`).
- `run(inputs, out_dir, engine, ...) -> BatchSummary` (what `onrecord batch` calls) and `merge(out_dir,
  db_path) -> MergeSummary` (`onrecord merge`): the finished parts into the store, in plan order,
  through the writer ingest uses (`onrecord.writing.Writer`). `onrecord.batch` is this package, so the
  library calls are `onrecord.batch.run(...)` and `onrecord.batch.merge(...)`.
"""

from onrecord.batch.merge import MergeSummary, merge
from onrecord.batch.outcomes import BatchError, BatchOptions, BatchSummary, ShardOutcome
from onrecord.batch.plan import Shard, plan
from onrecord.batch.run import run

__all__ = [
    "BatchError",
    "BatchOptions",
    "BatchSummary",
    "MergeSummary",
    "Shard",
    "ShardOutcome",
    "merge",
    "plan",
    "run",
]
