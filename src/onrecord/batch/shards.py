"""Shards through the stages: their documents → `workers.Extractor` → Parquet parts, then a manifest.

The documents of a shard are read in the driver, exactly as `ingest` reads them (a whole input through
`sources.read_documents`, a byte range through the same WARC and JSON Lines readers), each given the
source key `ingest` gives it; the extractor (in this process, or `workers.Pool`'s processes) turns each
into the same `Extracted` or `Rejected` an ingest's worker returns. There is no store to look duplicates
up in: every document is extracted, and the merge's writer decides duplicates in order, as ingest's does.

Rows go to a part every `PART_DOCUMENTS` documents (each part written atomically), so a killed shard
resumes after its last part: the documents before are read again (cheap) but not extracted. The manifest
is written last, atomically; its existence is what `shard_done` looks at.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence

from onrecord.batch.inputs import is_remote_archive, open_range
from onrecord.batch.layout import LayoutError, part_path, read_json, shard_dir, shard_manifest, write_json
from onrecord.batch.outcomes import BatchError, ShardOutcome, Tally
from onrecord.batch.parts import SCHEMA_VERSION, Row, part_counts, write_part
from onrecord.batch.plan import Shard
from onrecord.records import Document, Skip
from onrecord.sources import MAX_BYTES, files, jsonl, read_documents, warc
from onrecord.workers import Extractor, Inline, Pool, Unable
from onrecord.writing import source_key

PART_DOCUMENTS = 200
"""Documents (articles and skips) per Parquet part: a killed shard resumes after its last whole part."""

Stage = Pool | Inline


def pending(shards: Sequence[Shard], out_dir: str) -> tuple[Tally, list[Shard]]:
    """The tally with every finished shard counted (read from its manifest: no model is loaded), and the
    shards left to run, in plan order."""
    tally = Tally(shards=len(shards))
    todo = []
    for shard in shards:
        if shard_done(out_dir, shard):
            tally.finished(done_outcome(out_dir, shard))
        else:
            todo.append(shard)
    return tally, todo


def shard_done(out_dir: str, shard: Shard) -> bool:
    """Whether the shard's manifest exists: it is written last, so the shard is finished."""
    return os.path.exists(shard_manifest(out_dir, shard))


def shard_documents(shard: Shard) -> Iterator[Document | Skip]:
    """The documents of the shard, as a whole-file read gives them for its range (OSError when a range
    cannot be opened)."""
    if shard.whole and not is_remote_archive(shard.input):
        yield from read_documents([shard.input])
        return
    with open_range(shard.input, shard.start, shard.end) as stream:
        if files.kind_of(shard.input) == "jsonl":
            yield from jsonl.jsonl_records(shard.input, stream, MAX_BYTES, shard.line)
        elif shard.whole:
            yield from warc.archive_records(shard.input, stream, MAX_BYTES)
        else:
            yield from warc.gzip_records(shard.input, stream, b"", MAX_BYTES, shard.start)


def run_shard(shard: Shard, out_dir: str, extractor: Extractor | Stage) -> ShardOutcome:
    """Run the shard's documents through `extractor`, writing its parts and (last) its manifest; a done
    shard is not read again. `out_dir` must exist."""
    if shard_done(out_dir, shard):
        return done_outcome(out_dir, shard)
    stage = Inline(extractor) if isinstance(extractor, Extractor) else extractor
    [outcome] = run_shards([shard], out_dir, stage, Tally(), lambda tally: None)
    return outcome


def done_outcome(out_dir: str, shard: Shard) -> ShardOutcome:
    """The outcome a finished shard's manifest records (marked `already`)."""
    try:
        manifest = read_json(shard_manifest(out_dir, shard))
        return ShardOutcome(
            shard.id,
            int(manifest["documents"]),
            int(manifest["articles"]),
            int(manifest["statements"]),
            tuple((str(reason), int(count)) for reason, count in manifest["skipped"]),
            manifest.get("error"),
            already=True,
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LayoutError(f"{shard_manifest(out_dir, shard)}: is not a shard manifest ({error}).") from error


class ShardWriter:
    """The parts of one shard: rows are added in order, a part written every `PART_DOCUMENTS`; on
    creation it counts the parts an earlier, killed run left (`resume_at`: the documents they hold)."""

    def __init__(self, out_dir: str, shard: Shard, part_documents: int = PART_DOCUMENTS) -> None:
        self.out_dir = out_dir
        self.shard = shard
        self.part_documents = max(1, part_documents)
        self.rows: list[Row] = []
        self.parts = self.documents = self.articles = self.statements = 0
        self.skipped: Counter[str] = Counter()
        self.error: str | None = None  # the input could not be read (or only in part)
        self.failed: str | None = None  # reading stopped: no manifest, a rerun retries
        os.makedirs(shard_dir(out_dir, shard), exist_ok=True)
        while os.path.exists(path := part_path(out_dir, shard, self.parts)):
            rows, articles, statements, reasons = part_counts(path)
            self.documents += rows
            self.articles += articles
            self.statements += statements
            self.skipped.update(reasons)
            self.parts += 1
        self.resume_at = self.documents

    def add(self, row: Row) -> None:
        self.rows.append(row)
        self.documents += 1
        reason = row.reason
        if reason is None:
            self.articles += 1
            self.statements += len(getattr(row.result, "statements", ()))
        else:
            self.skipped[reason] += 1
        if isinstance(row.result, Skip) and row.result.source == self.shard.input:
            self.error = row.result.message
        if len(self.rows) >= self.part_documents:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            write_part(part_path(self.out_dir, self.shard, self.parts), self.rows)
            self.parts += 1
            self.rows = []

    def finish(self) -> ShardOutcome:
        """Write the last part and the manifest (not for a failed shard); the shard's outcome."""
        skipped = tuple(sorted(self.skipped.items()))
        counts = (self.documents, self.articles, self.statements, skipped)
        if self.failed is not None:
            return ShardOutcome(self.shard.id, *counts, error=self.failed, completed=False)
        self.flush()
        manifest = {
            "parts_schema": SCHEMA_VERSION,
            "shard": self.shard.id,
            "parts": self.parts,
            "documents": self.documents,
            "articles": self.articles,
            "statements": self.statements,
            "skipped": [list(pair) for pair in skipped],
            "error": self.error,
        }
        write_json(shard_manifest(self.out_dir, self.shard), manifest)
        return ShardOutcome(self.shard.id, *counts, error=self.error)


_Waiting = tuple[int, str, str, str | None]
"""A document given to the stage, whose result is the stage's next one: (seq, key, source, url)."""
_Entry = tuple[ShardWriter, Row | None, _Waiting | None]
"""(writer, a row whose result is known, or a document waiting for its result); both None: the
writer's shard has no more documents."""


def run_shards(
    shards: Sequence[Shard],
    out_dir: str,
    stage: Stage,
    tally: Tally,
    progress: Callable[[Tally], None],
    window: int = 1,
    part_documents: int = PART_DOCUMENTS,
) -> list[ShardOutcome]:
    """Run `shards` in order through `stage`, keeping up to `window` documents in flight across shard
    ends; the outcomes, in order. OSError writing a part is a `LayoutError`."""
    pending: deque[_Entry] = deque()
    outcomes: list[ShardOutcome] = []

    def collect() -> None:
        writer, ready, waiting = pending.popleft()
        if ready is None and waiting is None:
            outcomes.append(outcome := writer.finish())
            tally.finished(outcome)
        else:
            row = ready if ready is not None else _with_result(writer.shard, waiting, stage)
            writer.add(row)
            tally.count(row.reason, len(getattr(row.result, "statements", ())))
        progress(tally)

    try:
        for shard in shards:
            writer = ShardWriter(out_dir, shard, part_documents)
            for entry in _entries(writer, stage):
                pending.append(entry)
                while stage.pending >= window:
                    collect()
            pending.append((writer, None, None))
        while pending:
            collect()
    except OSError as error:
        raise LayoutError(f"{out_dir}: the batch's parts cannot be written ({files.why(error)}).") from error
    return outcomes


def _entries(writer: ShardWriter, stage: Stage) -> Iterator[_Entry]:
    """The shard's documents after those its parts already hold, each submitted to the stage or (a
    skip) ready; reading that stops with an OSError marks the shard failed."""
    shard = writer.shard
    try:
        for seq, item in enumerate(shard_documents(shard)):
            if seq < writer.resume_at:
                continue
            if isinstance(item, Skip):
                yield writer, Row(shard.input, shard.start, seq, None, item.source, None, item), None
                continue
            key = source_key(item)
            stage.submit(key, item)
            yield writer, None, (seq, key, item.source, item.url)
    except OSError as error:
        writer.failed = f"{shard.input}: cannot be read ({files.why(error)}); a rerun retries the shard."


def _with_result(shard: Shard, waiting: _Waiting | None, stage: Stage) -> Row:
    assert waiting is not None
    result = stage.result()
    if isinstance(result, Unable):
        raise BatchError(result.reason.rstrip(".") + ".")
    assert result is not None
    seq, key, source, url = waiting
    return Row(shard.input, shard.start, seq, key, source, url, result)
