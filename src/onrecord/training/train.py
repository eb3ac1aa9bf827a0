"""`python -m onrecord.training.train [POLNEAR_DIR]` (what `make train` runs): rebuild the tagger artefact.

Parses PolNeAR train and dev, trains spaCy's entity recogniser on them (config.cfg, CPU, fixed seed), then
copies the best model on dev into the package with a record of the data, the settings and the sha256 of
every file. The package checks those sums each time it loads the artefact.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.cli.train import train as spacy_train

from onrecord.evaluation.polnear import PolnearError
from onrecord.models import ARTEFACT, CONFIG, RECORD, artefact_files, sha256
from onrecord.training.corpus import build_docbin

TRAINING_CONFIG = Path(__file__).with_name(CONFIG)

WORK = Path("build/train")


def main(argv: list[str]) -> int:
    polnear = Path(argv[0]) if argv else Path("../shared/polnear")
    if not (polnear / "train").is_dir() or not (polnear / "dev").is_dir():
        print(f"error: {polnear} has no train/ and dev/ splits; pass the PolNeAR directory.", file=sys.stderr)
        return 1
    started = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        counts = {split: build_docbin(polnear / split, WORK / f"{split}.spacy") for split in ("train", "dev")}
    except PolnearError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    spacy_train(TRAINING_CONFIG, WORK / "output", overrides=_paths())
    best = WORK / "output" / "model-best"
    _install(best / "attribution")
    _write_record(polnear, counts, best, time.monotonic() - started)
    print(f"Wrote {ARTEFACT} in {(time.monotonic() - started) / 60:.1f} min.")
    return 0


def _paths() -> dict[str, Any]:
    return {"paths.train": str(WORK / "train.spacy"), "paths.dev": str(WORK / "dev.spacy")}


def _install(component: Path) -> None:
    if ARTEFACT.is_symlink():
        ARTEFACT.unlink()
    shutil.rmtree(ARTEFACT, ignore_errors=True)
    shutil.copytree(component, ARTEFACT)
    shutil.copy(TRAINING_CONFIG, ARTEFACT / CONFIG)


def _write_record(polnear: Path, counts: dict[str, int], best: Path, seconds: float) -> None:
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    record = {
        "data": {
            split: {"articles": n, "sha256": _tree_digest(polnear / split)} for split, n in counts.items()
        },
        "spacy": spacy.about.__version__,
        "dev_scores": {k: round(meta["performance"][k], 4) for k in ("ents_f", "ents_p", "ents_r")},
        "training_minutes": round(seconds / 60, 1),
        "sha256": {p.name: sha256(p) for p in artefact_files(ARTEFACT)},
    }
    (ARTEFACT / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def _tree_digest(folder: Path) -> str:
    """One sha256 over the names and contents of every file under `folder`, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
