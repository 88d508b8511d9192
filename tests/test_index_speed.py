"""The faster index-time steps give exactly what their plain versions gave, on real articles.

The sketch and the space normalisation take shortcuts for ASCII text; these tests hold them to
the straightforward code they replaced, over the BBC corpus (mostly ASCII, some pound signs and
curly quotes) and Wikinews (many languages and scripts).
"""

from __future__ import annotations

import csv
import heapq
import re
import struct
import zlib
from collections.abc import Iterator

import pytest

from conftest import need_corpus
from newsgrep.index.query.schema import build_schema
from newsgrep.index.whoosh_compat.segments import fast_indexer
from newsgrep.ingest.readers.decode import looks_binary
from newsgrep.text.clean import _BLANKS, _RUNS, normalize_space, strip_controls
from newsgrep.text.dedup import SHINGLE, K, sketch

EDGES = ["", "  ", "\t", "a\t b", "x\u00a0y", "\n\n\n\n", "a  \n\n\n  b\u3000\u3000c", "é  x",
         "é\tx", "one two", "Ünïcödé wörds ſtraße İstanbul \u212a", "a b c d e f", "_ __ 9"]


def _texts() -> Iterator[str]:
    for path in sorted(need_corpus("bbc").rglob("*.txt"))[::3]:
        yield strip_controls(path.read_text(encoding="utf-8", errors="replace"))
    csv.field_size_limit(1 << 24)
    with open(need_corpus("permissive", "wikinews", "wikinews_2019.csv"), encoding="utf-8") as f:
        for n, row in enumerate(csv.reader(f)):
            if n >= 1500:
                break
            yield strip_controls(" ".join(row))
    yield from EDGES


def _plain_sketch(text: str) -> bytes:
    words = re.findall(r"\w+", text.lower())
    if not words:
        return b""
    if len(words) < SHINGLE:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    hashes = heapq.nsmallest(K, {zlib.crc32(s.encode("utf-8")) for s in shingles})
    return struct.pack(f"<{len(hashes)}I", *hashes)


def _plain_normalize(text: str) -> str:
    lines = [line.strip() for line in _RUNS.sub(" ", text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


@pytest.mark.corpus
def test_sketch_and_space_normalisation_match_their_plain_versions_on_real_articles() -> None:
    texts = list(_texts())
    assert sum(not t.isascii() for t in texts) > 300  # both paths are exercised
    assert sum(t.isascii() for t in texts) > 400
    for text in texts:
        assert sketch(text) == _plain_sketch(text), text[:80]
        assert normalize_space(text) == _plain_normalize(text), text[:80]


@pytest.mark.corpus
def test_fast_body_postings_match_whoosh_indexing_on_real_articles() -> None:
    """Terms found in one pass over a warm term cache, and positions encoded here (a cached
    value for a term found once), against Whoosh's own token stream and Positions format."""
    field = build_schema()["body"]
    fast = fast_indexer(field)
    assert fast is not None
    texts = list(_texts())[::3]
    for text in texts + texts:  # the second round finds every token in the cache
        assert sorted(fast(text)) == sorted(field.index(text)), text[:80]


@pytest.mark.corpus
def test_binary_sniffing_counts_control_bytes_as_before() -> None:
    """looks_binary counts control bytes with ``bytes.translate``; the plain count agrees on
    real files of every kind and on bytes made to sit just either side of the 5% limit."""
    def plain(data: bytes) -> bool:
        head = data[:8192]
        if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return False
        if b"\x00" in head:
            return True
        # tab, newlines, form feed, escape, and the framing bytes of agency wire text are text's
        text_controls = (1, 2, 3, 4, 9, 10, 12, 13, 17, 19, 22, 27, 31)
        return sum(1 for b in head if b < 32 and b not in text_controls) > len(head) * 0.05

    samples = [p.read_bytes() for p in sorted(need_corpus().rglob("*")) if p.is_file()][::7]
    samples += [b"a" * 95 + b"\x05" * 5, b"a" * 94 + b"\x06" * 6, b"\x1b\t\r\n" * 50, b"\x7f\x80",
                b"a" * 50 + b"\x01\x02\x03\x04" * 10]  # a wire item's framing: text
    assert any(looks_binary(s) for s in samples) and not all(looks_binary(s) for s in samples)
    for data in samples:
        assert looks_binary(data) == plain(data)
