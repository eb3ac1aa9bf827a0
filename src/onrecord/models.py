"""The models onrecord needs, found and checked without loading them: the spaCy package and the
attribution tagger's files (by hash). Importing this module imports neither spaCy nor a model, so that
a command can fail at start-up with one sentence, and one that needs no model starts quickly."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from onrecord.language import MODELS

MODEL = MODELS["en"]
MODEL_MISSING = f"The spaCy model {MODEL} is not installed; run `make install` to install it."
ARTEFACT = Path(__file__).parent / "extraction" / "attribution_tagger"
ARTEFACT_VARIABLE = "ONRECORD_TAGGER"  # names another artefact folder (one `make train` wrote elsewhere)
RECORD = "record.json"
CONFIG = "config.cfg"  # the training config, copied into the artefact: it builds the component


class ModelError(RuntimeError):
    """A model the extractor needs is missing or corrupt; the message says how to fix it."""


def mode(fast: bool = False) -> str:
    """What `extract(..., fast)` runs, in a few words, after checking that its models are in place.

    Raises ModelError (one sentence saying how to fix it) when the spaCy model or the tagger is missing or
    corrupt, so that commands fail at start-up rather than mid-batch.
    """
    if importlib.util.find_spec(MODEL) is None:
        raise ModelError(MODEL_MISSING)
    if fast:
        return "rules only (--fast)"
    record = check_artefact()
    return f"rules + attribution tagger (sha256 {record['sha256']['model'][:12]})"


def artefact_folder() -> Path:
    return Path(os.environ.get(ARTEFACT_VARIABLE) or ARTEFACT)


def artefact_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != RECORD)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_artefact(folder: Path | None = None) -> dict[str, Any]:
    """The artefact's record, after checking every file against it; ModelError says how to rebuild.

    A folder that passed is not hashed again in this process (commands check at start-up, then load)."""
    return _checked_record(folder or artefact_folder())


@cache
def _checked_record(folder: Path) -> dict[str, Any]:
    rebuild = "rebuild it with `make train` (needs ../shared/polnear) or run with --fast (rules only)"
    record_path = folder / RECORD
    if not record_path.is_file():
        raise ModelError(f"The attribution tagger is missing from {folder}; {rebuild}.")
    try:
        record: dict[str, Any] = json.loads(record_path.read_text(encoding="utf-8"))
        expected = dict(record["sha256"])
    except (ValueError, KeyError, TypeError) as error:
        unreadable = f"The attribution tagger's record {record_path} is unreadable; {rebuild}."
        raise ModelError(unreadable) from error
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file() or sha256(path) != digest:
            raise ModelError(f"The attribution tagger file {path} is missing or corrupt; {rebuild}.")
    return record
