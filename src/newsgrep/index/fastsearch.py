"""Query evaluation a posting block at a time: every match scored, without Whoosh's matcher tree.

Whoosh answers a query through a tree of matcher objects that step one posting at a time, with
several Python method calls per posting per level (``id``, ``next``, ``weight``, ``score``, field
length lookups through a column reader). On 36k articles that is 20-40 ms for an ordinary query.
Here the same queries are evaluated over whole posting blocks: each word's postings are read a
block at a time (Whoosh's own block reader: the same bytes, the restricted unpickler), field
lengths are read once per segment as a byte string, the length normalisation comes from a
256-entry table per field (Whoosh stores lengths as one byte), and each query node becomes a
dict of document number -> score that its parent intersects or merges.

The scores are the ones Whoosh's matchers compute, with the same arithmetic in the same order:
BM25F over title and body for plain words (ranking.py), Whoosh's per-field BM25 with Lucene's
idf for field terms and phrases (schema.NewsBM25F), the weights of the matching postings for
wildcards and prefixes (Whoosh scores them as constant-score queries), sums over And and Or in
Whoosh's binary-tree order. Query forms not listed in ``_supported`` (fuzzy words, ranges, slop
phrases, ...) return None, and the caller uses Whoosh's own search.
"""

from __future__ import annotations

import io
import pickle
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import Any

from whoosh import query
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.util.numeric import byte_to_length

from newsgrep.index.ranking import B, K1, CombinedTerm, idf
from newsgrep.index.safe_pickle import RestrictedUnpickler

Scores = dict[int, float]
_INT = struct.Struct("!i")

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


def _tree(parts: list[Scores], join: Callable[[Scores, Scores], Scores]) -> Scores:
    """Combine child results in the shape of Whoosh's make_binary_tree (left half, right half)."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return join(_tree(parts[:half], join), _tree(parts[half:], join))


def _tree_sum(values: list[float]) -> float:
    """Add numbers in the order _tree adds the scores of intersected children."""
    if len(values) == 2:
        return values[0] + values[1]
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


def _union(a: Scores, b: Scores) -> Scores:
    if len(a) < len(b):
        out = dict(b)
        for d, s in a.items():
            t = out.get(d)
            out[d] = s if t is None else s + t
        return out
    out = dict(a)
    for d, s in b.items():
        t = out.get(d)
        out[d] = s if t is None else t + s
    return out


def _intersection(a: Scores, b: Scores) -> Scores:
    if len(a) <= len(b):
        return {d: s + b[d] for d, s in a.items() if d in b}
    return {d: a[d] + s for d, s in b.items() if d in a}


class _Leaf:
    """One segment: its reader, its first document number, its deletions and field lengths."""

    def __init__(self, reader: Any, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.doccount = reader.doc_count_all()
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self._lengths: dict[str, bytes] = {}

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

    def blocks(self, fieldname: str, btext: bytes, values: bool = False) -> Iterator[tuple[Any, ...]]:
        """Yield (ids, weights[, values]) of each posting block of a term in this segment.

        This reads Whoosh's W3 posting format (whoosh/codec/whoosh3.py, W3LeafMatcher): a header
        tag, then blocks of [length, negative for the last block][pickled block info][pickled,
        possibly zlib-compressed (delta-coded ids, weights, values)].
        """
        terms = self.reader._terms
        info = terms.term_info(fieldname, btext)  # (Whoosh 2.7 cannot write inlined postings)
        postfile = terms._postfile
        start, _ = info.extent()
        if postfile.get(start, 4) != WHOOSH3_HEADER_MAGIC:
            raise ValueError(f"damaged postings for {fieldname}:{btext!r}")
        pos = start + 4
        while True:
            length = _INT.unpack(postfile.get(pos, 4))[0]
            block = postfile.get(pos + 4, abs(length))
            f = io.BufferedReader(io.BytesIO(block))
            count, _, _, compression = RestrictedUnpickler(f).load()[:4]
            data = block[f.tell():]
            ids, weights, vals = _loads(zlib.decompress(data) if compression else data)
            ids = tuple(accumulate(ids))
            weights = _weights(weights, count)
            yield (ids, weights, vals) if values else (ids, weights)
            if length < 0:
                return
            pos += 4 + abs(length)


def _weights(weights: Any, count: int) -> Any:
    """Expand a block's weights as Whoosh stores them: None for all 1.0, one float for all."""
    if weights is None:
        return [1.0] * count
    if isinstance(weights, float):
        return [weights] * count
    return weights


class FastEvaluator:
    """Scores every match of a query over an open Whoosh searcher, or says it cannot."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        reader = searcher.reader()
        pairs = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
        self.leaves = [_Leaf(r, offset) for r, offset in pairs]
        self.doc_count = searcher.doc_count_all()
        self._tables: dict[tuple[str, str], list[float]] = {}

    # --- support -------------------------------------------------------------------------------

    def _field_ok(self, fieldname: str) -> bool:
        if fieldname not in self.schema:
            return False
        field = self.schema[fieldname]
        return bool(field.scorable) and field.format is not None and field.format.supports("positions")

    def supported(self, q: Any) -> bool:
        """Tell whether every node of the query is one this evaluator handles."""
        t = type(q)
        if t is CombinedTerm:
            terms = q._terms()
            return terms is not None and all(self._field_ok(s.fieldname) for s in terms)
        if t is query.Term:
            return self._field_ok(q.fieldname)
        if t is query.Phrase:
            return q.slop == 1 and self._field_ok(q.fieldname) and bool(q.words)
        if t in (query.Wildcard, query.Prefix):
            return q.constantscore and self._field_ok(q.fieldname)
        if t is query.And:
            subs = q.subqueries
            return any(type(s) is not query.Not for s in subs) and all(
                self.supported(s.query if type(s) is query.Not else s) for s in subs)
        if t is query.Or:
            return (bool(q.subqueries) and not q.scale and not q.minmatch
                    and all(self.supported(s) for s in q.subqueries))
        if t is query.AndNot:
            return self.supported(q.a) and self.supported(q.b)
        return False

    # --- evaluation ----------------------------------------------------------------------------

    def scores(self, q: Any) -> Scores | None:
        """Return {document number: score} of every live document matching ``q``, or None."""
        if not self.supported(q):
            return None
        out: Scores = {}
        for leaf in self.leaves:
            got = self._eval(q, leaf)
            if leaf.deleted:
                for d in leaf.deleted:
                    got.pop(d, None)
            off = leaf.offset
            if off:
                out.update({d + off: s for d, s in got.items()})
            else:
                out.update(got)
        return out

    def _eval(self, q: Any, leaf: _Leaf) -> Scores:
        t = type(q)
        if t is CombinedTerm:
            return self._combined(q, leaf)
        if t is query.Term:
            return self._term(q.fieldname, q.text, q.boost, leaf)
        if t is query.Phrase:
            return self._phrase(q, leaf)
        if t in (query.Wildcard, query.Prefix):
            return self._pattern(q, leaf)
        if t is query.AndNot:
            positive = self._eval(q.a, leaf)
            if positive:
                negative = self._eval(q.b, leaf)
                positive = {d: s for d, s in positive.items() if d not in negative}
            return positive
        subs = q.subqueries
        if t is query.And and any(type(s) is query.Not for s in subs):
            got = self._eval(query.And([s for s in subs if type(s) is not query.Not],
                                       boost=q.boost), leaf)
            for sub in subs:
                if got and type(sub) is query.Not:
                    negative = self._eval(sub.query, leaf)
                    got = {d: s for d, s in got.items() if d not in negative}
            return got
        parts = []
        for sub in subs:
            got = self._eval(sub, leaf)
            if not got and t is query.And:
                return {}
            parts.append(got)
        got = _tree(parts, _intersection if t is query.And else _union)
        return self._boosted(got, q.boost)

    @staticmethod
    def _boosted(scores: Scores, boost: float) -> Scores:
        if boost == 1.0:
            return scores
        return {d: s * boost for d, s in scores.items()}

    def _btext(self, fieldname: str, text: Any) -> bytes | None:
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def _table(self, kind: str, fieldname: str) -> list[float]:
        """Per length byte: the BM25F denominator (``bm25f``) or Whoosh's BM25 one (``bm25``)."""
        key = (kind, fieldname)
        table = self._tables.get(key)
        if table is None:
            avg = self.searcher.avg_field_length(fieldname)
            table = []
            for byte in range(256):
                length = byte_to_length(byte) if byte else 0
                if kind == "bm25f":  # ranking.CombinedMatcher.score
                    table.append(1 - B + B * length / (avg or 1.0))
                else:  # whoosh.scoring.bm25, field length 1 where there is none
                    table.append(K1 * ((1 - B) + B * (length if byte else 1) / (avg or 1)))
            self._tables[key] = table
        return table

    def _combined(self, q: CombinedTerm, leaf: _Leaf) -> Scores:
        """One word over title and body: BM25F, as ranking.CombinedMatcher scores it."""
        terms = q._terms() or []
        parent = self.searcher
        df = 0
        parts = []
        for t in terms:
            btext = self._btext(t.fieldname, t.text)
            if btext is None:
                continue
            df = max(df, parent.doc_frequency(t.fieldname, btext))
            if (t.fieldname, btext) in leaf.reader:
                parts.append((t, btext))
        if not parts:
            return {}
        weight = idf(self.doc_count, df) * q.boost
        acc: Scores = {}
        get = acc.get
        for t, btext in parts:
            den = self._table("bm25f", t.fieldname)
            lengths = leaf.lengths(t.fieldname)
            w = t.boost
            for ids, weights in leaf.blocks(t.fieldname, btext):
                for d, x in zip(ids, weights):
                    acc[d] = get(d, 0.0) + w * x / den[lengths[d]]
        k1 = K1 + 1
        return {d: weight * tf * k1 / (tf + K1) for d, tf in acc.items()}

    def _term_idf(self, fieldname: str, btext: bytes) -> float:
        return idf(self.doc_count, self.searcher.doc_frequency(fieldname, btext))

    def _term(self, fieldname: str, text: Any, boost: float, leaf: _Leaf) -> Scores:
        """A word in one field: Whoosh's BM25 (NewsBM25F), times the term's boost."""
        btext = self._btext(fieldname, text)
        if btext is None or (fieldname, btext) not in leaf.reader:
            return {}
        weight = self._term_idf(fieldname, btext)
        den = self._table("bm25", fieldname)
        lengths = leaf.lengths(fieldname)
        k1 = K1 + 1
        out = {d: weight * ((x * k1) / (x + den[lengths[d]]))
               for ids, weights in leaf.blocks(fieldname, btext) for d, x in zip(ids, weights)}
        return self._boosted(out, boost)

    def _phrase(self, q: Any, leaf: _Leaf) -> Scores:
        """Words at consecutive positions in one field, scored as the sum of their BM25 scores."""
        fieldname = q.fieldname
        btexts = []
        for word in q.words:
            btext = self._btext(fieldname, word)
            if btext is None or (fieldname, btext) not in leaf.reader:
                return {}
            btexts.append(btext)
        # Postings of each word, rarest first, kept only for documents that have the others.
        order = sorted(range(len(btexts)),
                       key=lambda i: leaf.reader.doc_frequency(fieldname, btexts[i]))
        found: list[dict[int, tuple[float, bytes]]] = [{} for _ in btexts]
        keep: set[int] | dict[int, Any] | None = None
        for i in order:
            got = found[i]
            for ids, weights, values in leaf.blocks(fieldname, btexts[i], values=True):
                if keep is None:
                    got.update(zip(ids, zip(weights, values)))
                else:
                    for d, x, v in zip(ids, weights, values):
                        if d in keep:
                            got[d] = (x, v)
            keep = got
            if not keep:
                return {}
        den = self._table("bm25", fieldname)
        lengths = leaf.lengths(fieldname)
        idfs = [self._term_idf(fieldname, bt) for bt in btexts]
        k1 = K1 + 1
        out: Scores = {}
        for d in keep or ():
            posts = [got[d] for got in found]
            first = positions(posts[0][1])
            rest = [set(positions(v)) for _, v in posts[1:]]
            if not any(all(p + n in s for n, s in enumerate(rest, 1)) for p in first):
                continue
            dl = den[lengths[d]]
            out[d] = _tree_sum([w * ((x * k1) / (x + dl)) for w, (x, _) in zip(idfs, posts)])
        return self._boosted(out, q.boost)

    def _pattern(self, q: Any, leaf: _Leaf) -> Scores:
        """A wildcard or prefix: the sum of the BM25 scores of the words it expands to.

        This is what Whoosh computes on an index of more than 5,000 documents; on smaller ones
        it switches to a constant score per field when a pattern has three or more expansions,
        and drops the field boost when it has one. Here every index is scored the same way.
        """
        words = [w for w in q._btexts(leaf.reader) if w]
        if not words:
            return {}
        parts = [self._term(q.fieldname, w, 1.0, leaf) for w in words]
        return self._boosted(_tree(parts, _union), q.boost)
