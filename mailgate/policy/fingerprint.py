"""MinHash fingerprints of outgoing bodies, for finding the same text sent to many counterparts.

The body is reduced to what the department wrote and what stays the same from
one copy to the next: the salutation ("山田様" / "佐藤様") and quoted lines go,
full-width characters and case are folded, and whitespace runs collapse. Its
character 5-shingles are hashed with crc32 and mixed by 128 fixed universal
hash functions; the signature is the minimum of each. The fraction of equal
positions in two signatures estimates the Jaccard similarity of the shingle
sets. Signatures are stored in the database, so the hash functions are derived
from fixed constants (never from Python's per-process hash()): a signature
written today still compares with one computed after a restart or an upgrade.
"""

from __future__ import annotations

import functools
import hashlib
import zlib

import numpy as np
import regex

from mailgate.policy import structure
from mailgate.policy.text import normalise

NUM_PERM = 128
SHINGLE = 5
MAX_CHARS = 50_000  # a longer body is fingerprinted by its first part; plenty to compare
_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64(0xFFFFFFFF)
_SPACE = regex.compile(r"\s+")


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    a, b = [], []
    for i in range(NUM_PERM):
        digest = hashlib.blake2b(f"mailgate-minhash-{i}".encode(), digest_size=16).digest()
        a.append(int.from_bytes(digest[:8], "big") % ((1 << 61) - 2) + 1)
        b.append(int.from_bytes(digest[8:], "big") % ((1 << 61) - 1))
    return np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)


def comparable_text(body: str) -> str:
    """The body without salutation and quoted lines, folded and with whitespace collapsed."""
    shape = structure.analyse(body)
    drop = list(shape.quoted)
    if shape.salutation:
        drop.append(shape.salutation)
    kept, position = [], 0
    for start, end in sorted(drop):
        kept.append(body[position:start])
        position = max(position, end)
    kept.append(body[position:])
    text = normalise("".join(kept)[:MAX_CHARS]).casefold()
    return _SPACE.sub(" ", text).strip()


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    if len(text) <= k:
        return {text} if text else set()
    return {text[i : i + k] for i in range(len(text) - k + 1)}


def signature_of_text(text: str) -> list[int]:
    """MinHash signature of an already comparable text."""
    grams = shingles(text)
    if not grams:
        return [int(_MAX_HASH)] * NUM_PERM
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64)
    a, b = _permutations()
    # uint64 arithmetic wraps; that is still a fixed, well-mixed hash family.
    with np.errstate(over="ignore"):
        mixed = ((hashes[:, None] * a + b) % _PRIME) & _MAX_HASH
    return [int(v) for v in mixed.min(axis=0)]


def signature(body: str) -> list[int]:
    """The stored fingerprint of an outgoing body."""
    return signature_of_text(comparable_text(body))


def similarity(first: list[int], second: list[int]) -> float:
    """Estimated Jaccard similarity; signatures of another shape never match."""
    if len(first) != len(second) or not first:
        return 0.0
    return float(np.mean(np.asarray(first, dtype=np.uint64) == np.asarray(second, dtype=np.uint64)))
