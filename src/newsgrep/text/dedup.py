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
    return len(both.intersection(union[:k])) / k  # the shared hashes among the union's k smallest


def group(sketches: dict[int, bytes], order: Iterable[int]) -> dict[int, list[int]]:
    """Group near-duplicates: return {representative: [members...]}, each list in ``order``.

    ``order`` ranks the documents (e.g. by date, then id); the first member of each group in that
    order represents it. Documents without a sketch stand alone. Two documents are linked when
    they share one of their BANDS smallest hashes and their estimated similarity is at least
    THRESHOLD; a group is what links join. Documents with one same sketch are linked by it, so
    each sketch is compared once whatever the number of its documents; within a band's bucket,
    two sketches already joined are not compared again.
    """
    ranked = list(order)
    get = sketches.get
    first: dict[bytes, int] = {}
    of = [first.setdefault(get(d, b""), len(first)) for d in ranked]  # each document's sketch number
    unique = list(first)
    parent = list(range(len(unique)))

    def find(u: int) -> int:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    buckets: dict[bytes, list[int]] = defaultdict(list)
    for u, data in enumerate(unique):
        for i in range(0, min(len(data), 4 * BANDS), 4):
            buckets[data[i:i + 4]].append(u)
    size = len(unique)
    sets: list[frozenset[int] | None] = [None] * size
    apart: set[int] = set()  # pairs compared and found apart (they may share another bucket)
    for members in buckets.values():
        if len(members) < 2:
            continue
        for i, a in enumerate(members[:-1]):
            if len({find(m) for m in members[i:]}) == 1:
                break  # every later pair is joined already
            ra = find(a)
            rest = members[i + 1:]
            sa = sets[a]
            if sa is None:
                sa = sets[a] = frozenset(unpack(unique[a]))
            for b in rest:
                rb = find(b)
                if rb == ra:
                    continue
                pair = a * size + b if a < b else b * size + a
                if pair in apart:
                    continue
                sb = sets[b]
                if sb is None:
                    sb = sets[b] = frozenset(unpack(unique[b]))
                shared = len(sa & sb)
                union = len(sa) + len(sb) - shared
                k = min(K, union)
                # the estimate is at most the shared hashes over k, and at least those less the
                # union's hashes past its k smallest, over k (then it need not be worked out)
                if shared >= THRESHOLD * k and ((shared - (union - k)) / k >= THRESHOLD
                                                or similarity(unpack(unique[a]), unpack(unique[b])) >= THRESHOLD):
                    parent[max(ra, rb)] = min(ra, rb)
                    ra = find(a)
                else:
                    apart.add(pair)
    roots = [find(u) for u in range(len(unique))]
    keys = list(map(roots.__getitem__, of))
    empty = first.get(b"")
    if empty is not None:  # each document without a sketch is a group of its own
        for j in [j for j, u in enumerate(of) if u == empty]:
            keys[j] = -1 - j
    groups: dict[int, list[int]] = {}
    for d, key in zip(ranked, keys):
        groups.setdefault(key, []).append(d)
    return {members[0]: members for members in groups.values()}
