"""Parquet parts: one row per document of a shard, the records serialised from their dataclass fields.

A row holds the order key (`input`, the shard's `offset`, `seq` within the shard), what the writer needs
before a result (`key`, `source`, `url`), a few flat counts, and the result itself: `extracted` (a
`store.writer.Extracted`: the article with its text, the fingerprint with its MinHash, the statements,
the embeddings), `rejected` (a `workers.Rejected`: a skip with its source key) or `skip` (an input the
reader could not read). The Arrow types come from the dataclasses' type hints, so a field added to
`Article` or `Statement` travels without this module changing; `SCHEMA_VERSION` names the layout and a
digest of the types, so parts written by an onrecord with other records are refused, not misread.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

import pyarrow as pa
import pyarrow.parquet as pq

from onrecord.records import Skip
from onrecord.store.writer import Extracted
from onrecord.workers import Rejected

PART_FORMAT = 1
"""The layout of a row (bump when the columns below change, not when a record gains a field)."""

_SCALARS: dict[object, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    bytes: pa.binary(),
}


def arrow_type(hint: object) -> pa.DataType:
    """The Arrow type of a record field's type hint (dataclasses become structs, tuples lists)."""
    origin = typing.get_origin(hint)
    if origin is Literal:
        return _SCALARS[type(typing.get_args(hint)[0])]
    if origin in (Union, types.UnionType):
        [inner] = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return arrow_type(inner)
    if origin is tuple:
        return pa.list_(arrow_type(typing.get_args(hint)[0]))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return pa.struct([(field.name, arrow_type(hints[field.name])) for field in dataclasses.fields(hint)])
    return _SCALARS[hint]


def to_plain(value: object) -> object:
    """A record as Arrow takes it: dataclasses as dicts, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [to_plain(item) for item in value]
    return value


def from_plain(hint: Any, value: Any) -> Any:
    """The record of type `hint` that `to_plain` turned into `value`."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        [inner] = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return from_plain(inner, value)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(from_plain(item, part) for part in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint(**{name: from_plain(inner, value.get(name)) for name, inner in _hints(hint).items()})
    return value


@functools.cache
def _hints(record: type) -> dict[str, Any]:
    """The type hint of each field of a dataclass, in field order."""
    hints = typing.get_type_hints(record)
    return {field.name: hints[field.name] for field in dataclasses.fields(record)}


ROW_SCHEMA = pa.schema(
    [
        ("input", pa.string()),
        ("offset", pa.int64()),
        ("seq", pa.int64()),
        ("key", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("reason", pa.string()),
        ("statements", pa.int64()),
        ("extracted", arrow_type(Extracted)),
        ("rejected", arrow_type(Rejected)),
        ("skip", arrow_type(Skip)),
    ]
)
SCHEMA_VERSION = f"{PART_FORMAT}-{hashlib.sha256(ROW_SCHEMA.to_string().encode()).hexdigest()[:12]}"
"""The part layout and a digest of its Arrow types: parts of another version are refused."""

Result = Extracted | Rejected | Skip


@dataclass(frozen=True)
class Row:
    """One document of a shard: its order key, what the writer needs first, and its result."""

    input: str
    offset: int
    seq: int
    key: str | None
    source: str
    url: str | None
    result: Result

    @property
    def reason(self) -> str | None:
        """The skip reason, for a document that is not an article."""
        if isinstance(self.result, Rejected):
            return self.result.skip.reason
        return self.result.reason if isinstance(self.result, Skip) else None


def _plain_row(row: Row) -> dict[str, object]:
    result = row.result
    return {
        "input": row.input,
        "offset": row.offset,
        "seq": row.seq,
        "key": row.key,
        "source": row.source,
        "url": row.url,
        "reason": row.reason,
        "statements": len(result.statements) if isinstance(result, Extracted) else 0,
        "extracted": to_plain(result) if isinstance(result, Extracted) else None,
        "rejected": to_plain(result) if isinstance(result, Rejected) else None,
        "skip": to_plain(result) if isinstance(result, Skip) else None,
    }


def write_part(path: str, rows: Sequence[Row]) -> None:
    """Write `rows` as one Parquet file at `path`, atomically (a temporary file, then renamed)."""
    table = pa.Table.from_pylist([_plain_row(row) for row in rows], schema=ROW_SCHEMA)
    temporary = f"{path}.tmp"
    pq.write_table(table, temporary)
    os.replace(temporary, path)


class PartError(Exception):
    """A part that is not one this onrecord wrote (another schema or version), or unreadable."""


def read_part(path: str) -> list[Row]:
    """The rows of the part at `path`, in order; PartError when its schema is not this onrecord's."""
    try:
        table = pq.ParquetFile(path).read()
    except (OSError, pa.ArrowException) as error:
        raise PartError(f"{path}: cannot be read as a Parquet part ({error}).") from error
    if not table.schema.equals(ROW_SCHEMA):
        raise PartError(
            f"{path}: was written with another part schema than this onrecord's ({SCHEMA_VERSION})."
        )
    rows = [_row(plain) for plain in table.to_pylist()]
    return sorted(rows, key=lambda row: row.seq)


def _row(plain: dict[str, Any]) -> Row:
    result: Result
    if plain["extracted"] is not None:
        result = from_plain(Extracted, plain["extracted"])
    elif plain["rejected"] is not None:
        result = from_plain(Rejected, plain["rejected"])
    else:
        result = from_plain(Skip, plain["skip"])
    return Row(
        plain["input"], plain["offset"], plain["seq"], plain["key"], plain["source"], plain["url"], result
    )


def part_counts(path: str) -> tuple[int, int, int, list[str]]:
    """(rows, articles, statements, skip reasons) of a part, from its flat columns alone."""
    table = pq.ParquetFile(path).read(columns=["reason", "statements"])
    reasons = [reason for reason in table.column("reason").to_pylist() if reason is not None]
    return table.num_rows, table.num_rows - len(reasons), sum(table.column("statements").to_pylist()), reasons
