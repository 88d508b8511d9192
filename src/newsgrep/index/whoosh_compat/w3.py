"""Whoosh's W3 posting format, read directly: posting blocks, field lengths, positions.

The block evaluator (``index/search/evaluator.py``) reads postings a block at a time instead of
through Whoosh's matcher objects. Reading them needs Whoosh's private names (a segment reader's
terms and per-document readers, its postings file, the W3 block layout of
``whoosh/codec/whoosh3.py``): they are used here and nowhere else.
"""

from __future__ import annotations

import io
import pickle
import re
import struct
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC

from newsgrep.index.whoosh_compat.pickles import RestrictedUnpickler

_INT = struct.Struct("!i")
Block = tuple[int, int, int, int, int]  # data start, data end, postings, last id, compression

# Pickle opcodes that can call or look up code: GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ,
# NEWOBJ, NEWOBJ_EX, EXT1-4, PERSID, BINPERSID. A value without any of these bytes anywhere
# cannot run anything when unpickled, so the fast C unpickler is safe for it; any other value
# (a false alarm, usually: these bytes also occur as data) goes through the restricted one.
_CODE_OPCODES = re.compile(rb"[cR\x93bio\x81\x92\x82\x83\x84PQ]")


def _loads(data: bytes) -> Any:
    """Unpickle index data: with the C unpickler when it cannot run code, else restricted.

    The restricted unpickler reads through a buffered reader: the C unpickler reads a plain
    BytesIO a few bytes at a time, twice as slowly.
    """
    if _CODE_OPCODES.search(data) is None:
        return pickle.loads(data)
    return RestrictedUnpickler(io.BufferedReader(io.BytesIO(data))).load()


def positions(value: bytes) -> list[int]:
    """Decode a positions posting value (Whoosh's Positions format) to the positions."""
    data = value[4:]
    if not data.endswith(b"."):
        data += b"."
    return list(accumulate(_loads(data)))


class SegmentPostings:
    """One segment: its reader, its first document number, its deletions and field lengths."""

    def __init__(self, reader: Any, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.doccount = reader.doc_count_all()
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self._lengths: dict[str, bytes] = {}
        self._blocks: dict[tuple[str, bytes], list[tuple[int, int, int, int, int]]] = {}
        self._values: dict[tuple[str, bytes, int], dict[int, bytes]] = {}
        self.postfile = reader._terms._postfile

    def lengths(self, fieldname: str) -> bytes:
        """Return the field's length byte of every document of the segment."""
        got = self._lengths.get(fieldname)
        if got is None:
            perdoc = self.reader._perdoc
            column = f"_{fieldname}_len"
            got = b""
            if perdoc.has_column(column):
                f, offset, length = perdoc._get_column_file(column)
                got = bytes(f.get(offset, min(length, self.doccount)))
            got += bytes(self.doccount - len(got))
            self._lengths[fieldname] = got
        return got

    def block_list(self, fieldname: str, btext: bytes) -> list[tuple[int, int, int, int, int]]:
        """Return (data start, data end, postings, last id, compression) of each block of a term.

        This reads Whoosh's W3 posting format (whoosh/codec/whoosh3.py, W3LeafMatcher): a header
        tag, then blocks of [length, negative for the last block][pickled block info][pickled,
        possibly zlib-compressed (delta-coded ids, weights, values)]. A segment never changes, so
        the list is kept for the life of the searcher (a few numbers per 128 postings).
        """
        key = (fieldname, btext)
        found = self._blocks.get(key)
        if found is None:
            found = self._blocks[key] = self._read_block_list(fieldname, btext)
        return found

    def _read_block_list(self, fieldname: str, btext: bytes) -> list[tuple[int, int, int, int, int]]:
        terms = self.reader._terms
        info = terms.term_info(fieldname, btext)  # (Whoosh 2.7 cannot write inlined postings)
        postfile = terms._postfile
        start, _ = info.extent()
        if postfile.get(start, 4) != WHOOSH3_HEADER_MAGIC:
            raise ValueError(f"damaged postings for {fieldname}:{btext!r}")
        pos = start + 4
        found = []
        while True:
            length = _INT.unpack(postfile.get(pos, 4))[0]
            end = pos + 4 + abs(length)
            head = io.BufferedReader(io.BytesIO(postfile.get(pos + 4, min(abs(length), 256))))
            count, maxid, _, compression = RestrictedUnpickler(head).load()[:4]
            found.append((pos + 4 + head.tell(), end, count, maxid, compression))
            if length < 0:
                return found
            pos = end

    def read_block(self, block: tuple[int, int, int, int, int], values: bool = False) -> tuple[Any, ...]:
        """Return (ids, weights[, values]) of one block from ``block_list``."""
        start, end, count, _, compression = block
        data = self.postfile.get(start, end - start)
        if values:
            ids, weights, vals = _loads(zlib.decompress(data) if compression else data)
            return tuple(accumulate(ids)), _weights(weights, count), vals
        ids, weights = _ids_weights(data, compression)
        return tuple(accumulate(ids)), _weights(weights, count)

    def blocks(self, fieldname: str, btext: bytes) -> Iterator[tuple[Any, ...]]:
        """Yield (ids, weights) of each posting block of a term in this segment."""
        for block in self.block_list(fieldname, btext):
            yield self.read_block(block)

    def has(self, fieldname: str, btext: bytes) -> bool:
        """Tell whether the segment has postings of a term."""
        return (fieldname, btext) in self.reader

    def ids(self, fieldname: str, btext: bytes) -> list[int]:
        """Return the segment's document numbers that hold a term (deleted ones included)."""
        if not self.has(fieldname, btext):
            return []
        out: list[int] = []
        for block in self.block_list(fieldname, btext):
            out.extend(self.read_block(block)[0])
        return out

    def value(self, fieldname: str, btext: bytes, docnum: int) -> bytes | None:
        """Return the posting value (encoded positions) of a term in one document, or None."""
        if not self.has(fieldname, btext):
            return None
        blocks = self.block_list(fieldname, btext)
        k = bisect_left([b[3] for b in blocks], docnum)
        if k >= len(blocks):
            return None
        key = (fieldname, btext, k)
        got = self._values.get(key)
        if got is None:
            ids, _, vals = self.read_block(blocks[k], values=True)
            got = self._values[key] = dict(zip(ids, vals))
        return got.get(docnum)

    def positions(self, fieldname: str, btext: bytes, docnum: int) -> list[int]:
        """Return a term's positions in one document (none when it is not there)."""
        value = self.value(fieldname, btext, docnum)
        return positions(value) if value else []


# Where a block's pickled (ids, weights, values) reaches its values: the tuple of encoded
# positions, each a bytes object, which protocol 2 pickles as calls to _codecs.encode.
_VALUES_START = b"(c_codecs\nencode\n"
_CHUNK = 2048  # decompressed bytes at a time: 128 ids and weights take about 1.5 KB


def _ids_weights(data: bytes, compression: int) -> tuple[Any, Any]:
    """Unpickle only the ids and weights of a block, when its values are not needed.

    In a block pickled by Whoosh (protocol 2) the values (positions) are three quarters of the
    block and the slowest part to unpickle; the ids and weights come first in the pickle, so the
    pickle is cut where the values start and closed as a pair, and only as much of the block is
    decompressed as that needs. Blocks newsgrep writes (protocol 5) unpickle fast whole.
    """
    if compression:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(data, _CHUNK)
        if raw[:2] != b"\x80\x02":  # a later protocol (newsgrep's writer): bytes unpickle fast
            ids, weights, _ = _loads(raw + inflate.decompress(inflate.unconsumed_tail) + inflate.flush())
            return ids, weights
        cut = raw.find(_VALUES_START)
        while cut < 0 and inflate.unconsumed_tail:
            seen = len(raw)
            raw += inflate.decompress(inflate.unconsumed_tail, _CHUNK)
            cut = raw.find(_VALUES_START, max(0, seen - len(_VALUES_START)))
        data = raw
    else:
        cut = data.find(_VALUES_START)
    if cut < 0:  # a block without encoded values
        if compression:
            data += inflate.flush()
        ids, weights, _ = _loads(data)
        return ids, weights
    ids, weights = _loads(data[:cut] + b"\x86.")  # TUPLE2, STOP
    return ids, weights


def _weights(weights: Any, count: int) -> Any:
    """Expand a block's weights as Whoosh stores them: None for all 1.0, one float for all."""
    if weights is None:
        return [1.0] * count
    if isinstance(weights, float):
        return [weights] * count
    return weights
