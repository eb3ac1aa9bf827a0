"""`onrecord batch`: plan the inputs, prepare the out dir, run the shards on an engine."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Literal

from onrecord.batch.layout import (
    BATCH_MANIFEST,
    LayoutError,
    batch_manifest,
    check_made_here,
    read_json,
    write_json,
)
from onrecord.batch.listing import expand
from onrecord.batch.local import run_local
from onrecord.batch.outcomes import BatchError, BatchOptions, BatchProgress, BatchSummary
from onrecord.batch.plan import DEFAULT_SHARD_BYTES, Shard, plan
from onrecord.batch.remote import InputError
from onrecord.batch.shards import PART_DOCUMENTS, shard_done
from onrecord.models import ModelError, mode
from onrecord.sources import files

Engine = Literal["local", "ray"]


def run(
    inputs: Sequence[str],
    out_dir: str,
    engine: Engine = "local",
    address: str | None = None,
    workers: int | None = None,
    fast: bool = False,
    embed: bool | None = None,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    progress: BatchProgress | None = None,
    part_documents: int = PART_DOCUMENTS,
) -> BatchSummary:
    """Extract `inputs` into Parquet parts under `out_dir` (`onrecord merge` stores them): WARC and
    JSON Lines files over `shard_bytes` in ranges, a part every `part_documents` documents.

    Shards already finished in `out_dir` are passed over before any model is loaded. `embed` (None:
    unless `fast`) computes each statement's embedding, as `ingest` does. Raises LayoutError when
    `out_dir` cannot be used (not writable, another onrecord's batch, other options), BatchError when
    the batch cannot start or go on (the model is missing, a worker died)."""
    try:
        shards = plan(expand(inputs), shard_bytes)
    except InputError as error:  # a list file (@FILE) that cannot be read
        raise BatchError(str(error)) from error
    wanted = (not fast) if embed is None else embed
    _prepare(out_dir, shards, fast, wanted)
    report = progress or (lambda summary: None)
    if not all(shard_done(out_dir, shard) for shard in shards):
        try:
            mode(fast)
        except ModelError as error:
            raise BatchError(str(error)) from error
        wanted = wanted and _encoder_ready()
    options = BatchOptions(workers, fast, wanted, part_documents)
    if engine == "ray":
        return _run_ray(shards, out_dir, options, report, address)
    return run_local(shards, out_dir, options, report)


def _prepare(out_dir: str, shards: list[Shard], fast: bool, embed: bool) -> None:
    """Create the out dir and write the batch manifest; LayoutError if it cannot be, or if it holds a
    batch made by another onrecord or with other options."""
    path = os.path.join(out_dir, BATCH_MANIFEST)
    try:
        os.makedirs(out_dir, exist_ok=True)
        if os.path.exists(path):
            earlier = read_json(path)
            check_made_here(earlier, path)
            if (earlier.get("fast"), earlier.get("embed")) != (fast, embed):
                raise LayoutError(
                    f"{out_dir}: holds a batch made with other options (fast {earlier.get('fast')}, embed "
                    f"{earlier.get('embed')}); rerun with those, or into a new --out."
                )
        write_json(path, batch_manifest(shards, fast, embed))
    except OSError as error:
        raise LayoutError(f"{out_dir}: cannot be used for the batch's parts ({files.why(error)}).") from error
    except ValueError as error:
        raise LayoutError(f"{path}: is not a batch manifest ({error}).") from error


def _encoder_ready() -> bool:
    try:
        from onrecord.stance.encoder import check_encoder

        check_encoder()
    except Exception:  # the statements are parted without embeddings; `onrecord stance` builds them
        return False
    return True


def _run_ray(
    shards: list[Shard], out_dir: str, options: BatchOptions, progress: BatchProgress, address: str | None
) -> BatchSummary:
    from onrecord.batch.ray_engine import run_ray  # Ray itself is imported only when a shard is left

    return run_ray(shards, out_dir, options, progress, address)
