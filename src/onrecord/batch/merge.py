"""Merge: a batch's finished parts into the store, in plan order, through the writer `ingest` uses.

Shards are taken in the plan's order (input, then offset) and each part's rows in order, so exact and
near-duplicates and speaker identity come out as in an ingest of the same inputs. The writer decides
what is already stored by each input's source key, so a rerun adds nothing and a merge killed at any
point resumes where its last commit ended. Merge may run while the batch is still producing shards: it
takes the finished prefix of the plan and says what waits. A WARC cut into ranges stops, as a whole-file
read does, at the first damage: the ranges after a damaged one are not merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from onrecord.batch.layout import LayoutError, part_path, read_json, read_plan, shard_manifest
from onrecord.batch.parts import SCHEMA_VERSION, PartError, Row, read_part
from onrecord.batch.plan import Shard
from onrecord.batch.shards import shard_done
from onrecord.records import Skip
from onrecord.sources import read_documents
from onrecord.store import open_store, optimize
from onrecord.store.lock import writer_lock
from onrecord.store.sqlite import DATABASE_ERRORS, failure
from onrecord.writing import COMMIT_EVERY, Counts, IngestError, IngestSummary, Progress, Writer


@dataclass(frozen=True)
class MergeSummary:
    """What a merge did: the writer's counts (as an ingest's), the shards in the plan, those merged (now
    or before), and, when some are not finished yet, one sentence saying what waits."""

    counts: IngestSummary
    shards: int
    merged: int
    waiting: str | None = None


def merge(
    out_dir: str,
    db_path: str,
    progress: Progress | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    commit_every: int = COMMIT_EVERY,
) -> MergeSummary:
    """Merge the finished shards of the batch in `out_dir` into the store at `db_path`.

    Raises LayoutError when `out_dir` holds no batch of this onrecord (another version or part schema),
    StoreError when the store is not usable or another ingest or merge is writing to it, IngestError when
    it fails while written (a full disk)."""
    shards, _ = read_plan(out_dir)
    counts = Counts()
    with writer_lock(db_path):
        conn = open_store(db_path)
        writer = Writer(
            conn, db_path, counts, progress or (lambda summary: None), on_skip or (lambda skip: None)
        )
        writer.commit_every = max(1, commit_every)
        try:
            merged = _merge_shards(shards, out_dir, writer)
            writer.commit()
            optimize(conn)
        except DATABASE_ERRORS as error:
            writer.finish(keep=False)
            raise IngestError(str(failure(db_path, error, resumable=True))) from error
        except BaseException:
            writer.finish(keep=True)
            raise
        finally:
            conn.close()
    waiting = None
    if merged < len(shards):
        left = len(shards) - merged
        waiting = (
            f"{left} of {len(shards)} shards are not finished yet (the next is {shards[merged].describe()}); "
            "rerun the merge when `onrecord batch` has made them."
        )
    return MergeSummary(counts.summary(), len(shards), merged, waiting)


def _merge_shards(shards: list[Shard], out_dir: str, writer: Writer) -> int:
    """Merge the finished prefix of `shards`; how many it holds."""
    stopped: set[str] = set()  # split archives found damaged: a whole-file read stops there
    for index, shard in enumerate(shards):
        if not shard_done(out_dir, shard):
            return index
        parts = _parts_of(out_dir, shard)
        if shard.input in stopped:
            continue
        for number in range(parts):
            for row in _rows(part_path(out_dir, shard, number)):
                if not shard.whole and _damaged(row, shard.input):
                    stopped.add(shard.input)
                    row = _as_whole_read(row, shard)
                _write(writer, row)
    return len(shards)


def _parts_of(out_dir: str, shard: Shard) -> int:
    path = shard_manifest(out_dir, shard)
    try:
        manifest = read_json(path)
        schema, parts = manifest["parts_schema"], int(manifest["parts"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LayoutError(f"{path}: is not a shard manifest ({error}).") from error
    if schema != SCHEMA_VERSION:
        raise LayoutError(
            f"{path}: its parts have schema {schema}, not this onrecord's {SCHEMA_VERSION}; rerun the batch "
            "into a new --out."
        )
    return parts


def _rows(path: str) -> list[Row]:
    try:
        return read_part(path)
    except PartError as error:
        raise LayoutError(str(error)) from error


def _damaged(row: Row, given: str) -> bool:
    skip = row.result
    return isinstance(skip, Skip) and skip.reason == "damaged-archive" and skip.source == given


def _as_whole_read(row: Row, shard: Shard) -> Row:
    """The damage skip a whole-file read gives (its message counts the records before it in the whole
    archive, which a range after the first does not know): the archive is read again without extraction,
    up to the damage. Only a damaged split archive costs this; if it cannot be read, the row stays."""
    if shard.start == 0:
        return row
    for item in read_documents([shard.input]):
        if isinstance(item, Skip) and _damaged(Row("", 0, 0, None, "", None, item), shard.input):
            return replace(row, result=item)
    return row


def _write(writer: Writer, row: Row) -> None:
    """One row through the writer, as ingest writes the document it was read from."""
    writer.counts.read += 1
    if isinstance(row.result, Skip):
        writer.skipped(row.result, None)
    elif row.key is not None and not writer.seen_before(row.key, row.source, row.url):
        writer.write(row.result)
