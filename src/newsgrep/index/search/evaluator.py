"""The block evaluator: a bound query scored over posting blocks, every match at once.

Whoosh answers a query through a tree of matcher objects that step one posting at a time, with
several Python calls per posting per level. Here each word's postings are read a block (128
articles) at a time, straight from Whoosh's posting file (``whoosh_compat/w3.py``); field lengths
are read once per segment as a byte string; the length normalisation comes from a 256-entry table
per field (Whoosh stores a length as one byte); and each query node becomes a dict of document
number -> score that its parent intersects or merges. This is the only implementation of the
ranking function (``index/query/ranking.py`` holds its formula and parameters).

Phrases are checked lazily: the articles with all of a phrase's words get an upper bound (the
sum of the words' scores, which is the phrase's score when it matches); ``top`` reads positions
only until the best ``limit`` are settled, and ``scores`` settles all. A phrase part that matches
words as written (a stopword, a wildcard or fuzzy word inside quotes, a name's spellings) takes
its positions from the written fields, which share the term fields' positions.
Statistics (document count, average field lengths, idf) come with the bound query, from one
index or from every shard, so a shard scores exactly as the whole collection would.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Any

from whoosh.util.numeric import byte_to_length

from newsgrep.index.query import ranking
from newsgrep.index.query.bound import Bound, BoundQuery, Dates, Every, Exact, Match, Seq, Terms
from newsgrep.index.query.ranking import RankingParams
from newsgrep.index.whoosh_compat.numeric import date_range_terms
from newsgrep.index.whoosh_compat.w3 import SegmentPostings

Scores = dict[int, float]
Settle = Callable[[int], "float | None"]
_LENGTHS = [byte_to_length(b) if b else 0 for b in range(256)]


def _union_into(out: Scores, more: Scores) -> Scores:
    if len(out) < len(more):
        out, more = dict(more), out
    for d, s in more.items():
        t = out.get(d)
        out[d] = s if t is None else t + s
    return out


def _intersection(a: Scores, b: Scores) -> Scores:
    if len(a) <= len(b):
        return {d: s + b[d] for d, s in a.items() if d in b}
    return {d: a[d] + s for d, s in b.items() if d in a}


class Evaluator:
    """Scores bound queries over the segments of one index (or one shard)."""

    def __init__(self, reader: Any, params: RankingParams) -> None:
        self.reader = reader
        self.params = params
        pairs = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
        # an index without a segment (a shard no article went to) has Whoosh's EmptyReader
        self.segments = [SegmentPostings(r, offset) for r, offset in pairs if r.doc_count_all()]
        self.offsets = [s.offset for s in self.segments]
        self._tables: dict[tuple[str, float], list[float]] = {}

    # --- public ----------------------------------------------------------------------------------

    def scores(self, bound: BoundQuery, allowed: Iterable[int] | None = None) -> Scores:
        """Return {document number: score} of every live article matching the query."""
        out: Scores = {}
        keep = None if allowed is None else set(allowed)
        for seg in self.segments:
            got, settle = self._live(bound, bound.root, seg)
            if settle is not None:
                got = {d: v for d in got if (v := settle(d)) is not None}
            off = seg.offset
            for d, v in got.items():
                if keep is None or d + off in keep:
                    out[d + off] = v
        return out

    def top(self, bound: BoundQuery, limit: int,
            allowed: Iterable[int] | None = None) -> list[tuple[float, int]]:
        """Return (score, document number) of every match that can rank in the first ``limit``:
        all whose score is at least the ``limit``-th best, so that ties can be broken later."""
        keep = None if allowed is None else set(allowed)
        results = [(seg.offset, *self._live(bound, bound.root, seg)) for seg in self.segments]
        if all(settle is None for _, _, settle in results):  # exact already
            exact = [(v, d + off) for off, got, _ in results for d, v in got.items()
                     if keep is None or d + off in keep]
            if len(exact) <= limit:
                return exact
            floor = heapq.nlargest(limit, [v for v, _ in exact])[-1]
            return [(v, d) for v, d in exact if v >= floor]
        bounds = [(-v, d + off) for off, got, _ in results for d, v in got.items()
                  if keep is None or d + off in keep]
        settles = [(off, settle) for off, _, settle in results]
        heapq.heapify(bounds)
        best: list[float] = []  # the ``limit`` best settled scores, smallest first
        found: list[tuple[float, int]] = []
        while bounds and (len(best) < limit or -bounds[0][0] >= best[0]):
            neg, d = heapq.heappop(bounds)
            off, settle = settles[bisect_right(self.offsets, d) - 1]
            score = -neg if settle is None else settle(d - off)
            if score is None:
                continue
            found.append((score, d))
            if len(best) < limit:
                heapq.heappush(best, score)
            elif score > best[0]:
                heapq.heapreplace(best, score)
        return [(v, d) for v, d in found if len(best) < limit or v >= best[0]]

    def docs_with(self, fieldname: str, words: Iterable[str]) -> dict[str, set[int]]:
        """Return, for each term of a field, the live documents that hold it."""
        out: dict[str, set[int]] = {}
        for w in words:
            bt = w.encode("utf-8")
            found = out.setdefault(w, set())
            for seg in self.segments:
                found.update(d + seg.offset for d in seg.ids(fieldname, bt) if d not in seg.deleted)
        return out

    # --- evaluation ------------------------------------------------------------------------------

    def _live(self, bound: BoundQuery, node: Bound,
              seg: SegmentPostings) -> tuple[Scores, Settle | None]:
        got, settle = self._eval(bound, node, seg)
        if seg.deleted:
            deleted = seg.deleted
            got = {d: v for d, v in got.items() if d not in deleted}
        return got, settle

    def _exact(self, bound: BoundQuery, node: Bound, seg: SegmentPostings) -> Scores:
        got, settle = self._eval(bound, node, seg)
        if settle is None:
            return got
        return {d: v for d in got if (v := settle(d)) is not None}

    def _eval(self, bound: BoundQuery, node: Bound,
              seg: SegmentPostings) -> tuple[Scores, Settle | None]:
        """Return a node's scores in a segment, and how to settle them (None: exact already).

        With a settle function the scores are upper bounds over candidates, and ``settle(d)``
        gives the exact score of ``d``, or None when it does not match after all.
        """
        if isinstance(node, Terms):
            return self._terms(bound, node, seg), None
        if isinstance(node, Seq):
            return self._seq(bound, node, seg)
        if isinstance(node, Dates):
            return dict.fromkeys(self._dates(node, seg), 0.0), None
        if isinstance(node, Exact):
            found: set[int] = set()
            for v in node.values:
                found.update(seg.ids(node.field, v.encode("utf-8")))
            return dict.fromkeys(found, 0.0), None
        if isinstance(node, Every):
            return dict.fromkeys(range(seg.doccount), 0.0), None
        return self._match(bound, node, seg)

    def _match(self, bound: BoundQuery, node: Match,
               seg: SegmentPostings) -> tuple[Scores, Settle | None]:
        must = []
        for sub in node.must:
            got, settle = self._eval(bound, sub, seg)
            if not got:
                return {}, None
            must.append((got, settle))
        should = [self._eval(bound, sub, seg) for sub in node.should]
        if must:
            scores = must[0][0]
            for got, _ in must[1:]:
                scores = _intersection(scores, got)
            if should:
                scores = dict(scores)
                for got, _ in should:
                    for d, v in got.items():
                        if d in scores:
                            scores[d] += v
        elif should:
            scores = {}
            for got, _ in should:
                scores = _union_into(scores, got)
        else:
            scores = dict.fromkeys(range(seg.doccount), 0.0)
        for negative in node.must_not:
            if scores:
                drop = self._exact(bound, negative, seg)
                scores = {d: v for d, v in scores.items() if d not in drop}
        if all(s is None for _, s in must) and all(s is None for _, s in should):
            return scores, None

        def settle_match(d: int) -> float | None:
            total = 0.0
            for got, fix in must:
                v = got[d] if fix is None else fix(d)
                if v is None:
                    return None
                total += v
            matched = bool(must)
            for got, fix in should:
                if d not in got:
                    continue
                v = got[d] if fix is None else fix(d)
                if v is not None:
                    total += v
                    matched = True
            return total if matched else None

        return scores, settle_match

    # --- words ------------------------------------------------------------------------------------

    def _table(self, bound: BoundQuery, fieldname: str) -> list[float]:
        avg = bound.avg_lengths.get(fieldname, 0.0)
        key = (fieldname, avg)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = ranking.norm_table(self.params, avg, _LENGTHS)
        return table

    def _written_docs(self, node: Terms, seg: SegmentPostings) -> set[int]:
        found: set[int] = set()
        for wf in node.wfields:
            for w in node.written or ():
                found.update(seg.ids(wf, w.encode("utf-8")))
        return found

    def _frequencies(self, bound: BoundQuery, node: Terms,
                     seg: SegmentPostings) -> list[tuple[str, float, dict[int, float]]]:
        """Return each field's weight and normalised term frequencies: tf / norm(length)."""
        out = []
        for i, f in enumerate(node.fields):
            den = self._table(bound, f)
            lengths = seg.lengths(f)
            acc: dict[int, float] = {}
            get = acc.get
            # a stopword of a phrase is counted from its written form, in the field's lengths
            if node.terms:
                source, words = f, node.terms
            else:  # a stopword's written form, or nothing (a wildcard that matched no word)
                source, words = (node.wfields[i], node.written or ()) if i < len(node.wfields) else (f, ())
            for t in words:
                bt = t.encode("utf-8")
                if not seg.has(source, bt):
                    continue
                for ids, weights in seg.blocks(source, bt):
                    for d, x in zip(ids, weights):
                        acc[d] = get(d, 0.0) + x / den[lengths[d]]
            out.append((f, self.params.weight(f), acc))
        return out

    def _terms(self, bound: BoundQuery, node: Terms, seg: SegmentPostings) -> Scores:
        """A word, or the words of a wildcard, fuzzy word or name, scored as one BM25F term."""
        p = self.params
        per_field = self._frequencies(bound, node, seg)
        weight = node.idf * node.boost
        if not p.together:  # each field saturated apart, then summed (Whoosh's own BM25F)
            out: Scores = {}
            for (_, w, acc), field_idf in zip(per_field, node.field_idfs or [node.idf] * len(per_field)):
                for d, tf in acc.items():
                    out[d] = out.get(d, 0.0) + w * ranking.saturate(p, field_idf * node.boost, tf)
        elif not p.per_field_lengths and node.terms:
            out = self._one_length(bound, node, seg, weight)
        else:
            tfs: dict[int, float] = {}
            for _, w, acc in per_field:
                if not tfs:
                    tfs = {d: w * x for d, x in acc.items()}
                    continue
                get = tfs.get
                for d, x in acc.items():
                    tfs[d] = get(d, 0.0) + w * x
            k1 = p.k1
            k1_1 = k1 + 1
            out = {d: weight * tf * k1_1 / (tf + k1) for d, tf in tfs.items()}
        if node.written is not None and node.terms:
            allowed = self._written_docs(node, seg)
            out = {d: out.get(d, 0.0) for d in allowed}
        return out

    def _one_length(self, bound: BoundQuery, node: Terms, seg: SegmentPostings,
                    weight: float) -> Scores:
        """BM25F with one length summed over the fields (Lucene's CombinedFieldQuery)."""
        p = self.params
        raw: dict[int, float] = {}
        for f in node.fields:
            w = p.weight(f)
            for t in node.terms:
                bt = t.encode("utf-8")
                if seg.has(f, bt):
                    for ids, weights in seg.blocks(f, bt):
                        for d, x in zip(ids, weights):
                            raw[d] = raw.get(d, 0.0) + w * x
        avgdl = sum(p.weight(f) * bound.avg_lengths.get(f, 0.0) for f in node.fields) or 1.0
        lengths = [(p.weight(f), seg.lengths(f)) for f in node.fields]
        out = {}
        for d, tf in raw.items():
            dl = sum(w * _LENGTHS[ls[d]] for w, ls in lengths)
            norm = p.k1 * (1 - p.b + p.b * dl / avgdl)
            out[d] = weight * tf * (p.k1 + 1) / (tf + norm)
        return out

    # --- phrases ----------------------------------------------------------------------------------

    def _seq(self, bound: BoundQuery, node: Seq,
             seg: SegmentPostings) -> tuple[Scores, Settle | None]:
        """Words at set positions: candidates with all the scored words (stopwords are only
        looked for at their places), settled on their positions in one field."""
        scores: Scores | None = None
        for part in node.scored_parts:
            got = self._terms(bound, part, seg)
            scores = got if scores is None else _intersection(scores, got)
            if not scores:
                return {}, None
        assert scores is not None
        if node.boost != 1.0:
            scores = {d: v * node.boost for d, v in scores.items()}
        fields = node.parts[0].fields

        def settle(d: int) -> float | None:
            for f in fields:
                lists = []
                for part in node.parts:
                    got = self._positions(part, f, seg, d)
                    if not got:
                        break
                    lists.append(got)
                else:
                    if occurs(node, lists):
                        return scores[d]
            return None

        return scores, settle

    def _positions(self, part: Terms, fieldname: str, seg: SegmentPostings, d: int) -> list[int]:
        """Return a part's positions in one field of an article: its index terms' or, for a part
        that matches words as written, its written forms' (the same positions)."""
        if fieldname not in part.fields:
            return []
        if part.written is not None:
            source, words = part.wfields[part.fields.index(fieldname)], part.written
        else:
            source, words = fieldname, part.terms
        out: list[int] = []
        for t in words:
            out.extend(seg.positions(source, t.encode("utf-8"), d))
        return sorted(out) if len(words) > 1 else out

    # --- dates ------------------------------------------------------------------------------------

    def _dates(self, node: Dates, seg: SegmentPostings) -> set[int]:
        found: set[int] = set()
        for bt in date_range_terms(seg.reader, "date", node.start, node.end):
            found.update(seg.ids("date", bt))
        return found


def occurs(node: Seq, lists: list[list[int]]) -> bool:
    """Tell whether a phrase occurs given each part's sorted positions in one field."""
    if node.slop is None:
        rest = [set(ps) for ps in lists[1:]]
        offs = node.offsets
        return any(all(p + offs[i] in s for i, s in enumerate(rest, 1)) for p in lists[0])
    if node.ordered:
        return _ordered(lists, node.slop)
    return _window(lists, node.slop)


def _ordered(lists: list[list[int]], gap: int) -> bool:
    """Each part at 1 to ``gap`` positions after the one before."""
    def reach(i: int, prev: int) -> bool:
        if i == len(lists):
            return True
        return any(reach(i + 1, p) for p in lists[i] if 1 <= p - prev <= gap)

    return any(reach(1, p) for p in lists[0])


def _window(lists: list[list[int]], slop: int) -> bool:
    """All parts at distinct positions within ``slop`` of each other, in any order."""
    events = sorted((p, i) for i, ps in enumerate(lists) for p in ps)
    n = len(lists)
    for k, (start, _) in enumerate(events):
        window = [i_p for i_p in events[k:] if i_p[0] - start <= slop]
        if _assign([[p for p, i in window if i == part] for part in range(n)]):
            return True
    return False


def _assign(choices: list[list[int]]) -> bool:
    """Tell whether each part can take a position of its own (distinct) from its choices."""
    order = sorted(range(len(choices)), key=lambda i: len(choices[i]))
    used: set[int] = set()

    def go(k: int) -> bool:
        if k == len(order):
            return True
        for p in choices[order[k]]:
            if p not in used:
                used.add(p)
                if go(k + 1):
                    return True
                used.discard(p)
        return False

    return go(0)


def phrase_occurrences(node: Seq, lists: list[list[int]]) -> list[tuple[int, int]]:
    """Return (first, last) positions of each occurrence of a phrase in one field, given each
    part's sorted positions: for a phrase, where it starts and ends; with ``slop``, the shortest
    stretch starting at each position that holds all the parts (in order, for a name)."""
    if node.slop is None:
        rest = [set(ps) for ps in lists[1:]]
        offs = node.offsets
        return [(p, p + offs[-1]) for p in lists[0]
                if all(p + offs[i] in s for i, s in enumerate(rest, 1))]
    found: list[tuple[int, int]] = []
    slop = node.slop
    if node.ordered:
        for p in lists[0]:
            reached = {p}
            for ps in lists[1:]:
                reached = {q for q in ps if any(1 <= q - r <= slop for r in reached)}
                if not reached:
                    break
            else:
                found.append((p, min(reached)))
        return found
    n = len(lists)
    starts = sorted({p for ps in lists for p in ps})
    for s in starts:
        ends = sorted({p for ps in lists for p in ps if s <= p <= s + slop})
        for e in ends:
            if any(s in lists[i] and _assign([[s] if k == i else [p for p in lists[k] if s < p <= e]
                                              for k in range(n)])
                   for i in range(n)):
                found.append((s, e))
                break
    return found


def occurrence_positions(node: Seq, lists: list[list[int]]) -> set[int]:
    """Return the positions of the words of every occurrence of a phrase, given each part's
    sorted positions in one field (what highlighting marks)."""
    found: set[int] = set()
    if node.slop is None:
        rest = [set(ps) for ps in lists[1:]]
        for p in lists[0]:
            at = [p + off for off in node.offsets]
            if all(q in s for q, s in zip(at[1:], rest)):
                found.update(at)
        return found
    n, slop = len(lists), node.slop
    if node.ordered:  # positions reachable from the first part and reaching the last one
        forward = [set(lists[0])]
        for i in range(1, n):
            forward.append({q for q in lists[i] if any(1 <= q - p <= slop for p in forward[-1])})
        backward = [set(lists[-1]) & forward[-1]]
        for i in range(n - 2, -1, -1):
            backward.insert(0, {p for p in forward[i] if any(1 <= q - p <= slop for q in backward[0])})
        for reached in backward:
            found.update(reached)
        return found
    for i, ps in enumerate(lists):
        for q in ps:
            lows = sorted({p for other in lists for p in other if q - slop <= p <= q})
            for lo in lows:
                choices = [[q] if k == i else [p for p in lists[k] if lo <= p <= lo + slop and p != q]
                           for k in range(n)]
                if lo <= q <= lo + slop and _assign(choices):
                    found.add(q)
                    break
    return found
