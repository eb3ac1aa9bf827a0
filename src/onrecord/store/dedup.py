"""Duplicates: the exact hash of an article's text, and a MinHash signature to find syndicated copies.

Signatures are datasketch MinHashes over word 5-gram shingles. Locality-sensitive hashing uses the
banding datasketch's `MinHashLSH` chooses for `LSH_THRESHOLD`; each band is hashed to one 64-bit key kept
in the `article_bands` table, so the index lives in the store (no in-memory index to rebuild, any size).
Candidates that share a band are confirmed by their estimated Jaccard similarity (`SIMILARITY`).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from functools import cache

import numpy as np

NUM_PERM = 128
SCHEME = "affine32"
"""datasketch's permutation scheme: 32-bit hash values, stored as 4 bytes each."""
SHINGLE_WORDS = 5
LSH_THRESHOLD = 0.5
SIMILARITY = 0.6
"""Estimated Jaccard similarity of shingles from which a later article is a copy of an earlier one."""

_WORD = re.compile(r"\w+")
_BATCH = 10_000


@dataclass(frozen=True)
class Fingerprint:
    """What duplicate detection needs of an article: its text hash and MinHash signature (bytes)."""

    text_hash: str
    signature: bytes


def fingerprint(text: str) -> Fingerprint:
    """The exact-text hash (whitespace and case folded) and the MinHash signature of `text`.

    Shingles are hashed `_BATCH` at a time: datasketch builds a shingles x `NUM_PERM` matrix for each
    batch, which for a whole 20 MB article would take gigabytes. A MinHash keeps the minimum of each hash
    over everything it is fed, so the signature is the same however the shingles are batched."""
    folded = text.casefold()
    words = _WORD.findall(folded)
    digest = hashlib.sha256(" ".join(folded.split()).encode("utf-8")).hexdigest()
    from datasketch import MinHash  # with scipy: imported on first use, not by every command

    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    count = max(1, len(words) - SHINGLE_WORDS + 1)
    for first in range(0, count, _BATCH):
        shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(first, min(count, first + _BATCH))}
        minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
    return Fingerprint(digest, minhash.hashvalues.astype(np.uint32).tobytes())


def band_keys(signature: bytes) -> list[int]:
    """One signed 64-bit key per LSH band of the signature."""
    values = np.frombuffer(signature, dtype=np.uint32)
    keys = []
    for number, (start, end) in enumerate(_bands()):
        digest = hashlib.blake2b(number.to_bytes(2, "little") + values[start:end].tobytes(), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return keys


def find_original(conn: sqlite3.Connection, signature: bytes) -> tuple[int, float] | None:
    """The stored article this signature copies (the first of its syndication group) and the similarity."""
    keys = band_keys(signature)
    rows = conn.execute(
        "SELECT DISTINCT a.id, a.minhash, a.syndicated_from FROM article_bands b "
        f"JOIN articles a ON a.id = b.article_id WHERE b.band IN ({', '.join('?' for _ in keys)})",
        keys,
    ).fetchall()
    best: tuple[int, float] | None = None
    for article_id, stored, syndicated_from in rows:
        similarity = similarity_of(signature, stored)
        if similarity >= SIMILARITY and (best is None or similarity > best[1]):
            best = (int(syndicated_from or article_id), similarity)
    return best


def similarity_of(first: bytes, second: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    from datasketch import MinHash

    one = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=np.frombuffer(first, dtype=np.uint32))
    two = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=np.frombuffer(second, dtype=np.uint32))
    return float(one.jaccard(two))


@cache
def _bands() -> tuple[tuple[int, int], ...]:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return tuple((band * lsh.r, (band + 1) * lsh.r) for band in range(lsh.b))
