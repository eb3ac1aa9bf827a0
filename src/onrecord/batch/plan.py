"""Planning: inputs in, shards out (whole inputs, or byte ranges of a large WARC or JSON Lines file)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_SHARD_BYTES = 256 << 20
"""A WARC or JSON Lines file larger than this (256 MiB) is split into ranges about this size."""


@dataclass(frozen=True)
class Shard:
    """A unit of work: `input` exactly as the user gave it, from byte `start` to `end` (None: the end).

    A WARC range starts at a gzip-member boundary, a JSON Lines range at a line start; `line` is the
    1-based number of the line at `start` (JSON Lines sources are `PATH:LINE`)."""

    input: str
    start: int = 0
    end: int | None = None
    line: int = 1

    @property
    def id(self) -> str:
        """A stable hash of (input, start, end): the same on every host and every run."""
        spelt = json.dumps([self.input, self.start, self.end], ensure_ascii=False)
        return hashlib.sha256(spelt.encode("utf-8")).hexdigest()[:24]

    @property
    def whole(self) -> bool:
        """Whether the shard is its whole input (read exactly as `ingest` reads it)."""
        return self.start == 0 and self.end is None


def plan(inputs: Sequence[str], shard_bytes: int = DEFAULT_SHARD_BYTES) -> list[Shard]:
    """The shards of `inputs`, in input order and, within an input, in byte order."""
    return [Shard(given) for given in inputs]
