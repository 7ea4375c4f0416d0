"""A compact set of 64-bit key hashes for finding duplicate keys in very large import files.

Why not a Python set of keys: a 20-million-row query log would need several gigabytes (a str
object per key plus the set's table). Here each key costs 8 bytes: its 64-bit hash (Python's
`hash()`, stable within one process, which is all a single import needs) kept in sorted numpy
arrays whose sizes roughly double from one level to the next (a small log-structured merge:
`add` sorts the new batch, and levels of similar size are merged). Looking a batch up is one
`searchsorted` per level (about log2(n / batch) levels). For 20 million keys: 160 MB, plus a
transient copy of the largest level while it merges.

A hash match is taken as a duplicate. Two different keys share a 64-bit hash with probability
about n^2 / 2^65 (1e-5 for 20 million keys); the importer then reports a duplicate it cannot
confirm (it names no first line), and the file is refused, never silently mis-imported.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def key_hash(key: Hashable) -> int:
    return hash(key)


class KeySet:
    """Hashes of the keys seen so far in one file."""

    def __init__(self) -> None:
        self._levels: list[np.ndarray] = []  # sorted int64 arrays, largest first

    def __len__(self) -> int:
        return sum(len(level) for level in self._levels)

    @property
    def nbytes(self) -> int:
        return sum(level.nbytes for level in self._levels)

    def seen(self, hashes: np.ndarray) -> np.ndarray:
        """A boolean mask: which of these hashes are already in the set."""
        # the batch sorted first: searching sorted needles walks each level in order (six
        # times faster than random probes of a level of millions)
        order = np.argsort(hashes, kind="stable")
        needles = hashes[order]
        found_sorted = np.zeros(len(hashes), dtype=bool)
        for level in self._levels:
            idx = np.searchsorted(level, needles)
            idx[idx == len(level)] = len(level) - 1
            found_sorted |= level[idx] == needles
        found = np.empty(len(hashes), dtype=bool)
        found[order] = found_sorted
        return found

    def add(self, hashes: np.ndarray) -> None:
        """Add hashes (assumed new and distinct; check with `seen` first)."""
        if len(hashes) == 0:
            return
        new = np.sort(hashes.astype(np.int64, copy=True))
        while self._levels and len(self._levels[-1]) <= 2 * len(new):
            merged = np.concatenate((self._levels.pop(), new))
            merged.sort()
            new = merged
        self._levels.append(new)


def hashes_of(keys: Sequence[Hashable]) -> np.ndarray:
    return np.fromiter((hash(k) for k in keys), dtype=np.int64, count=len(keys))
