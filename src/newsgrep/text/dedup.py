"""Near-duplicate detection: bottom-k MinHash sketches of word shingles, computed at index time.

Each body gets a sketch: the K smallest 32-bit hashes (CRC-32) of its 5-word shingles (words
lower-cased). Two sketches estimate the Jaccard similarity of their shingle sets: among the
K smallest hashes of their union, the share found in both. Reprints of one wire story with small
edits (a new headline, a byline, a dropped paragraph) share most shingles; different stories share
almost none. Candidates are found cheaply by the few smallest hashes (a pair with high similarity
shares some of them), then confirmed with the whole sketch.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from newsgrep.text.core import compiled

K = 64               # hashes kept per sketch
SHINGLE = 5          # words per shingle
BANDS = 8            # smallest hashes used to find candidate pairs
THRESHOLD = 0.6      # estimated Jaccard similarity that makes two articles duplicates
_WORDS = re.compile(r"\w+", re.UNICODE)
_ASCII_WORDS = re.compile(rb"\w+")


def sketch(text: str) -> bytes:
    """Return the bottom-K sketch of a text's shingles, as packed unsigned 32-bit ints: the
    compiled core's (newsgrep.text.core) when it is there, else ``sketch_python``'s (the same)."""
    core = compiled()
    if core is not None:
        try:
            return core.sketch(text, K, SHINGLE)  # type: ignore[no-any-return]
        except UnicodeEncodeError:  # a lone surrogate: the core encodes the whole text at once
            pass
    return sketch_python(text)


def sketch_python(text: str) -> bytes:
    """Return the bottom-K sketch of a text's shingles, as packed unsigned 32-bit ints.

    A shingle's hash is the CRC-32 of its words joined by spaces in UTF-8. The words are taken
    as bytes (a lower-cased ASCII text is searched as bytes, where ``\\w`` matches the same
    characters), so that each shingle is joined once and never encoded; the K smallest are
    taken by a sort done in C.
    """
    low = text.lower()
    if low.isascii():
        words = _ASCII_WORDS.findall(low.encode("ascii"))
    else:
        words = [w.encode() for w in _WORDS.findall(low)]
    if not words:
        return b""
    if len(words) < SHINGLE:
        shingles: Iterable[bytes] = [b" ".join(words)]
    else:
        shingles = map(b" ".join, zip(*(words[i:] for i in range(SHINGLE))))
    hashes = sorted(set(map(zlib.crc32, shingles)))[:K]
    return struct.pack(f"<{len(hashes)}I", *hashes)


def unpack(data: bytes) -> tuple[int, ...]:
    """Return the hashes of a packed sketch."""
    return struct.unpack(f"<{len(data) // 4}I", data) if data else ()


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimate the Jaccard similarity of two sorted bottom-K sketches."""
    if not a or not b:
        return 0.0
    both = set(a).intersection(b)
    if not both:
        return 0.0
    union = sorted(set(a).union(b))  # a few dozen ints: sorted in C, faster than a heap in Python
    k = min(K, len(union))
    cut = union[k - 1]
    return sum(1 for h in both if h <= cut) / k


def group(sketches: dict[int, bytes], order: Iterable[int]) -> dict[int, list[int]]:
    """Group near-duplicates: return {representative: [members...]}, each list in ``order``.

    ``order`` ranks the documents (e.g. by date, then id); the first member of each group in that
    order represents it. Documents without a sketch stand alone.
    """
    ranked = list(order)
    pos = {d: i for i, d in enumerate(ranked)}
    parent = {d: d for d in ranked}

    def find(d: int) -> int:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    hashes = {d: unpack(sketches.get(d, b"")) for d in ranked}
    sets = {d: frozenset(h) for d, h in hashes.items()}
    buckets: dict[int, list[int]] = defaultdict(list)
    for d in ranked:
        for h in hashes[d][:BANDS]:
            buckets[h].append(d)
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pair = (a, b) if a < b else (b, a)
                if pair in checked:
                    continue
                checked.add(pair)
                # the estimate is at most the shared hashes over min(K, the union's size): most
                # pairs that share a band hash share too few to be worth the estimate
                sa, sb = sets[a], sets[b]
                shared = len(sa & sb)
                if shared < THRESHOLD * min(K, len(sa) + len(sb) - shared):
                    continue
                if find(a) != find(b) and similarity(hashes[a], hashes[b]) >= THRESHOLD:
                    ra, rb = find(a), find(b)
                    if pos[ra] <= pos[rb]:
                        parent[rb] = ra
                    else:
                        parent[ra] = rb
    groups: dict[int, list[int]] = defaultdict(list)
    for d in ranked:
        groups[find(d)].append(d)
    return {members[0]: members for members in groups.values()}
