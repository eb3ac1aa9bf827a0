"""One shard through the stages: its documents → `workers.Extractor` → Parquet parts and a manifest."""

from __future__ import annotations

import os

from onrecord.batch.layout import shard_manifest
from onrecord.batch.outcomes import ShardOutcome
from onrecord.batch.plan import Shard
from onrecord.workers import Extractor, Inline, Pool

PART_DOCUMENTS = 200
"""Documents (articles and skips) per Parquet part: a killed shard resumes after its last whole part."""


def shard_done(out_dir: str, shard: Shard) -> bool:
    """Whether the shard's manifest exists: it is written last, so the shard is finished."""
    return os.path.exists(shard_manifest(out_dir, shard))


def run_shard(shard: Shard, out_dir: str, extractor: Extractor | Pool | Inline) -> ShardOutcome:
    """Run the shard's documents through `extractor`, writing its parts and (last) its manifest."""
    raise NotImplementedError
