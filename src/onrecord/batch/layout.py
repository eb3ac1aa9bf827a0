"""Where a batch's files live in its out dir, and the batch manifest.

```
OUT/batch.json                         the batch manifest: onrecord version, part schema, options, plan
OUT/shards/<shard id>/part-00000.parquet   every PART_DOCUMENTS documents, in order
OUT/shards/<shard id>/manifest.json    written last, atomically: the shard is done
```
"""

from __future__ import annotations

import os

from onrecord.batch.plan import Shard

BATCH_MANIFEST = "batch.json"


def shard_dir(out_dir: str, shard: Shard) -> str:
    return os.path.join(out_dir, "shards", shard.id)


def shard_manifest(out_dir: str, shard: Shard) -> str:
    return os.path.join(shard_dir(out_dir, shard), "manifest.json")


def part_path(out_dir: str, shard: Shard, number: int) -> str:
    return os.path.join(shard_dir(out_dir, shard), f"part-{number:05d}.parquet")
