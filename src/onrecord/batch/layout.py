"""Where a batch's files live in its out dir, and its manifests (JSON, each written atomically).

```
OUT/batch.json                             onrecord version, part schema, options, the plan in order
OUT/shards/<shard id>/part-00000.parquet   a part every PART_DOCUMENTS documents of the shard, in order
OUT/shards/<shard id>/manifest.json        written last: the shard is done (its parts, counts, error)
```
"""

from __future__ import annotations

import json
import os
from typing import Any

from onrecord import __version__
from onrecord.batch.parts import SCHEMA_VERSION
from onrecord.batch.plan import Shard

BATCH_MANIFEST = "batch.json"


class LayoutError(Exception):
    """The out dir cannot be used (not writable, another onrecord's parts, other options): one sentence."""


def shard_dir(out_dir: str, shard: Shard) -> str:
    return os.path.join(out_dir, "shards", shard.id)


def shard_manifest(out_dir: str, shard: Shard) -> str:
    return os.path.join(shard_dir(out_dir, shard), "manifest.json")


def part_path(out_dir: str, shard: Shard, number: int) -> str:
    return os.path.join(shard_dir(out_dir, shard), f"part-{number:05d}.parquet")


def write_json(path: str, value: object) -> None:
    """Write `value` as JSON at `path` atomically: a temporary file, flushed, then renamed over it."""
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def read_json(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        value = json.load(handle)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def shard_record(shard: Shard) -> dict[str, object]:
    return {"id": shard.id, "input": shard.input, "start": shard.start, "end": shard.end, "line": shard.line}


def batch_manifest(shards: list[Shard], fast: bool, embed: bool) -> dict[str, object]:
    return {
        "onrecord": __version__,
        "parts": SCHEMA_VERSION,
        "fast": fast,
        "embed": embed,
        "shards": [shard_record(shard) for shard in shards],
    }


def check_made_here(manifest: dict[str, Any], where: str) -> None:
    """LayoutError unless the manifest at `where` was written by this onrecord with this part schema."""
    version, schema = manifest.get("onrecord"), manifest.get("parts")
    if version != __version__ or schema != SCHEMA_VERSION:
        raise LayoutError(
            f"{where}: written by onrecord {version} with part schema {schema}, not by this onrecord "
            f"{__version__} (part schema {SCHEMA_VERSION}); rerun the batch into a new --out."
        )


def read_plan(out_dir: str) -> tuple[list[Shard], dict[str, Any]]:
    """The shards of the batch in `out_dir`, in plan order, and its manifest; LayoutError if none."""
    path = os.path.join(out_dir, BATCH_MANIFEST)
    try:
        manifest = read_json(path)
        check_made_here(manifest, path)
        shards = [
            Shard(item["input"], int(item["start"]), item["end"], int(item.get("line", 1)))
            for item in manifest["shards"]
        ]
    except LayoutError:
        raise
    except FileNotFoundError:
        raise LayoutError(
            f"{out_dir}: holds no batch (no {BATCH_MANIFEST}); `onrecord batch` makes one."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LayoutError(f"{path}: is not a batch manifest ({error}).") from error
    return shards, manifest
