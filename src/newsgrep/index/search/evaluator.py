"""Query evaluation a posting block at a time: every match scored, without Whoosh's matcher tree.

Whoosh answers a query through a tree of matcher objects that step one posting at a time, with
several Python method calls per posting per level (``id``, ``next``, ``weight``, ``score``, field
length lookups through a column reader). On 36k articles that is 20-40 ms for an ordinary query.
Here the same queries are evaluated over whole posting blocks: each word's postings are read a
block at a time (the same bytes Whoosh's block reader reads, unpickled as ``_loads`` says), field
lengths are read once per segment as a byte string, the length normalisation comes from a
256-entry table per field (Whoosh stores lengths as one byte), and each query node becomes a
dict of document number -> score that its parent intersects or merges.

The scores are the ones Whoosh's matchers compute, with the same arithmetic in the same order:
BM25F over title and body for plain words (ranking.py), Whoosh's per-field BM25 with Lucene's
idf for field terms and phrases (schema.NewsBM25F), the sum of those per-field scores over
the words a wildcard or prefix expands to (``_pattern``), sums over And and Or in Whoosh's
binary-tree order (on small indexes Whoosh scores wildcards otherwise: see ``_pattern``).
Query forms ``supported`` does not list (fuzzy words, ranges, slop phrases, ...) return None,
and the caller uses Whoosh's own search.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from whoosh import query
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from newsgrep.index.query import ranking
from newsgrep.index.query.ranking import CombinedTerm
from newsgrep.index.whoosh_compat.w3 import SegmentPostings, positions

Scores = dict[int, float]


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


def _tree_or(values: list[float | None]) -> float | None:
    """Add the present numbers in the order _tree adds the scores of united children."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    a, b = _tree_or(values[:half]), _tree_or(values[half:])
    return b if a is None else a if b is None else a + b


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


class FastEvaluator:
    """Scores every match of a query over an open Whoosh searcher, or says it cannot."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        reader = searcher.reader()
        pairs = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
        self.leaves = [SegmentPostings(r, offset) for r, offset in pairs]
        self.doc_count = searcher.doc_count_all()
        self.weighting = searcher.weighting  # schema.NewsBM25F: field terms and phrases
        self._tables: dict[tuple[str, str], list[float]] = {}

    # --- support -------------------------------------------------------------------------------

    def _field_ok(self, fieldname: str) -> bool:
        if fieldname not in self.schema:
            return False
        field = self.schema[fieldname]
        return (bool(field.scorable) and field.format is not None
                and field.format.supports("positions")
                and isinstance(self.weighting, BM25F) and not self.weighting._field_B)

    def supported(self, q: Any) -> bool:
        """Tell whether every node of the query is one this evaluator handles."""
        t = type(q)
        if t is CombinedTerm:
            terms = q._terms()
            return ranking.PER_FIELD_LENGTHS and terms is not None and all(self._field_ok(s.fieldname) for s in terms)
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
            got, settle = self._live(q, leaf)
            if settle is not None:
                got = {d: v for d in got if (v := settle(d)) is not None}
            off = leaf.offset
            out.update({d + off: v for d, v in got.items()} if off else got)
        return out

    def top(self, q: Any, limit: int, allowed: frozenset[int] | None = None) -> list[tuple[float, int]] | None:
        """Return (score, document number) of every match that can rank in the first ``limit``:
        all whose score is at least the ``limit``-th best, so that ties can be broken by the caller.

        Phrases are checked lazily: a phrase's candidates (articles with all its words) are
        taken in the order of their scores, which the positions can only confirm or rule out,
        and positions are read only until the best ``limit`` are settled. Returns None for a
        query this evaluator does not handle.
        """
        if not self.supported(q):
            return None
        results = [(leaf.offset, *self._live(q, leaf)) for leaf in self.leaves]
        if all(settle is None for _, _, settle in results):  # exact already: a threshold will do
            exact = [(v, d + off) for off, got, _ in results for d, v in got.items()
                     if allowed is None or d + off in allowed]
            if len(exact) <= limit:
                return exact
            floor = heapq.nlargest(limit, [v for v, _ in exact])[-1]
            return [(v, d) for v, d in exact if v >= floor]
        bounds = [(-v, d + off) for off, got, _ in results for d, v in got.items()
                  if allowed is None or d + off in allowed]
        settles = [(off, settle) for off, _, settle in results]
        heapq.heapify(bounds)
        offsets = [off for off, _ in settles]
        best: list[float] = []  # the ``limit`` best settled scores, smallest first
        found: list[tuple[float, int]] = []
        while bounds and (len(best) < limit or -bounds[0][0] >= best[0]):
            neg, d = heapq.heappop(bounds)
            off, settle = settles[bisect_right(offsets, d) - 1]
            score = -neg if settle is None else settle(d - off)
            if score is None:
                continue
            found.append((score, d))
            if len(best) < limit:
                heapq.heappush(best, score)
            elif score > best[0]:
                heapq.heapreplace(best, score)
        return [(v, d) for v, d in found if len(best) < limit or v >= best[0]]

    def _live(self, q: Any, leaf: SegmentPostings) -> tuple[Scores, Callable[[int], float | None] | None]:
        """Evaluate ``q`` in a segment, leaving out its deleted documents."""
        got, settle = self._eval(q, leaf)
        if leaf.deleted:
            got = {d: v for d, v in got.items() if d not in leaf.deleted}
        return got, settle

    def _exact(self, q: Any, leaf: SegmentPostings) -> Scores:
        """Evaluate ``q`` with every candidate settled (for what must be excluded)."""
        got, settle = self._eval(q, leaf)
        if settle is None:
            return got
        return {d: v for d in got if (v := settle(d)) is not None}

    def _eval(self, q: Any, leaf: SegmentPostings) -> tuple[Scores, Callable[[int], float | None] | None]:
        """Return a query's scores in a segment, and how to settle them.

        Without a settle function the scores are exact. With one, they are upper bounds over
        candidates (a phrase's articles with all its words), and ``settle(d)`` gives the exact
        score of ``d``, or None when it does not match after all.
        """
        t = type(q)
        if t is CombinedTerm:
            return self._combined(q, leaf), None
        if t is query.Term:
            return self._term(q.fieldname, q.text, q.boost, leaf), None
        if t is query.Phrase:
            return self._phrase(q, leaf)
        if t in (query.Wildcard, query.Prefix):
            return self._pattern(q, leaf), None
        subs = list(q.subqueries) if t is not query.AndNot else [q.a, query.Not(q.b)]
        excluded = [s.query for s in subs if type(s) is query.Not]
        if excluded:
            subs = [s for s in subs if type(s) is not query.Not]
            q = subs[0] if t is query.AndNot else query.And(subs, boost=q.boost)
            got, settle = self._eval(q, leaf)
            for negative in excluded:
                if got:
                    drop = self._exact(negative, leaf)
                    got = {d: v for d, v in got.items() if d not in drop}
            return got, settle
        parts = []
        for sub in subs:
            got, settle = self._eval(sub, leaf)
            if not got and t is query.And:
                return {}, None
            parts.append((got, settle))
        boost = q.boost
        scores = self._boosted(_tree([p for p, _ in parts], _intersection if t is query.And else _union),
                               boost)
        if all(settle is None for _, settle in parts):
            return scores, None

        def settle_node(d: int) -> float | None:
            values = [(v.get(d) if fix is None else fix(d) if d in v else None) for v, fix in parts]
            if t is query.And and None in values:
                return None
            total = _tree_or(values)  # with none missing, the same sums as _tree_sum
            return None if total is None else total * boost if boost != 1.0 else total

        return scores, settle_node

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
            if kind == "bm25f":  # ranking.CombinedMatcher.score
                b = ranking.B
                for byte in range(256):
                    length = byte_to_length(byte) if byte else 0
                    table.append(1 - b + b * length / (avg or 1.0))
            else:  # whoosh.scoring.bm25 with the searcher's weighting, field length 1 if none
                b, k1 = self.weighting.B, self.weighting.K1
                for byte in range(256):
                    length = byte_to_length(byte) if byte else 1
                    table.append(k1 * ((1 - b) + b * length / (avg or 1)))
            self._tables[key] = table
        return table

    def _combined(self, q: CombinedTerm, leaf: SegmentPostings) -> Scores:
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
        weight = ranking.idf(self.doc_count, df) * q.boost
        k1 = ranking.K1
        k1_1 = k1 + 1
        if len(parts) <= 2:
            # Title and body: the sum of two contributions does not depend on their order, so
            # the field with fewer postings becomes a table and the other is scored in one pass.
            parts.sort(key=lambda p: sum(b[2] for b in leaf.block_list(p[0].fieldname, p[1])))
            first: Scores = {}
            if len(parts) == 2:
                t, btext = parts.pop(0)
                den, lengths, w = self._table("bm25f", t.fieldname), leaf.lengths(t.fieldname), t.boost
                first = {d: w * x / den[lengths[d]]
                         for ids, weights in leaf.blocks(t.fieldname, btext) for d, x in zip(ids, weights)}
            t, btext = parts[0]
            den, lengths, w = self._table("bm25f", t.fieldname), leaf.lengths(t.fieldname), t.boost
            extra = first.get
            out = {d: weight * (tf := w * x / den[lengths[d]] + extra(d, 0.0)) * k1_1 / (tf + k1)
                   for ids, weights in leaf.blocks(t.fieldname, btext) for d, x in zip(ids, weights)}
            for d in first.keys() - out.keys():
                tf = first[d]
                out[d] = weight * tf * k1_1 / (tf + k1)
            return out
        acc: Scores = {}
        get = acc.get
        for t, btext in parts:
            den = self._table("bm25f", t.fieldname)
            lengths = leaf.lengths(t.fieldname)
            w = t.boost
            for ids, weights in leaf.blocks(t.fieldname, btext):
                for d, x in zip(ids, weights):
                    acc[d] = get(d, 0.0) + w * x / den[lengths[d]]
        return {d: weight * tf * k1_1 / (tf + k1) for d, tf in acc.items()}

    def _term_idf(self, fieldname: str, btext: bytes) -> float:
        return float(self.weighting.idf(self.searcher, fieldname, btext))

    def _term(self, fieldname: str, text: Any, boost: float, leaf: SegmentPostings) -> Scores:
        """A word in one field: Whoosh's BM25 (NewsBM25F), times the term's boost."""
        btext = self._btext(fieldname, text)
        if btext is None or (fieldname, btext) not in leaf.reader:
            return {}
        weight = self._term_idf(fieldname, btext)
        den = self._table("bm25", fieldname)
        lengths = leaf.lengths(fieldname)
        k1 = self.weighting.K1 + 1
        out = {d: weight * ((x * k1) / (x + den[lengths[d]]))
               for ids, weights in leaf.blocks(fieldname, btext) for d, x in zip(ids, weights)}
        return self._boosted(out, boost)

    def _phrase(self, q: Any, leaf: SegmentPostings) -> tuple[Scores, Callable[[int], float | None] | None]:
        """Words at consecutive positions in one field, scored as the sum of their BM25 scores.

        Returns the scores of the articles that have all the words, and the function that
        checks the positions of one of them (reading its words' blocks with their positions).
        """
        fieldname = q.fieldname
        btexts = []
        for word in q.words:
            btext = self._btext(fieldname, word)
            if btext is None or (fieldname, btext) not in leaf.reader:
                return {}, None
            btexts.append(btext)
        blocks = [leaf.block_list(fieldname, bt) for bt in btexts]
        # Weights of each word, rarest first, kept only for articles that have the others.
        order = sorted(range(len(btexts)), key=lambda i: sum(b[2] for b in blocks[i]))
        found: list[Scores] = [{} for _ in btexts]
        keep: Scores | None = None
        for i in order:
            got = found[i]
            for block in blocks[i]:
                ids, weights = leaf.read_block(block)
                if keep is None:
                    got.update(zip(ids, weights))
                else:
                    got.update((d, x) for d, x in zip(ids, weights) if d in keep)
            keep = got
            if not keep:
                return {}, None
        den = self._table("bm25", fieldname)
        lengths = leaf.lengths(fieldname)
        idfs = [self._term_idf(fieldname, bt) for bt in btexts]
        k1 = self.weighting.K1 + 1
        boost = q.boost
        bounds: Scores = {}
        if len(found) == 2:
            (w0, w1), (f0, f1) = idfs, found
            bounds = {d: w0 * ((f0[d] * k1) / (f0[d] + den[lengths[d]]))
                      + w1 * ((f1[d] * k1) / (f1[d] + den[lengths[d]])) for d in keep or ()}
        else:
            for d in keep or ():
                dl = den[lengths[d]]
                bounds[d] = _tree_sum([w * ((got[d] * k1) / (got[d] + dl)) for w, got in zip(idfs, found)])
        bounds = self._boosted(bounds, boost)
        lasts = [[b[3] for b in word_blocks] for word_blocks in blocks]
        read: list[dict[int, dict[int, bytes]]] = [{} for _ in btexts]

        def value(i: int, d: int) -> bytes:
            k = bisect_left(lasts[i], d)
            got = read[i].get(k)
            if got is None:
                ids, _, vals = leaf.read_block(blocks[i][k], values=True)
                got = read[i][k] = dict(zip(ids, vals))
            return got[d]

        def settle(d: int) -> float | None:
            first = positions(value(0, d))
            rest = [set(positions(value(i, d))) for i in range(1, len(btexts))]
            if any(all(p + n in s for n, s in enumerate(rest, 1)) for p in first):
                return bounds[d]
            return None

        return bounds, settle

    def _pattern(self, q: Any, leaf: SegmentPostings) -> Scores:
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
