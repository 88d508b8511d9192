"""Ranking: true BM25F over title and body, so that a word is saturated once per document.

Whoosh's own "BM25F" scores each field with its own BM25 and adds the two, so a word found in the
title and in the body is counted twice and saturates twice. BM25F (Robertson, Zaragoza and Taylor,
"Simple BM25 extension to multiple weighted fields", 2004) first adds the word's frequencies over
the fields, each normalized by its own field's length and weighted, then saturates once:

    tf = sum(w_f * tf_f / (1 - b + b * len_f / avglen_f))
    df = max(df_f)            idf = log(1 + (N - df + 0.5) / (df + 0.5))     (Lucene's idf)
    score = idf * tf * (k1 + 1) / (tf + k1)

The field weights w_f are the parser's field boosts (title 2, body 1); k1 = 1.2 and b = 0.75 are
the textbook defaults. ``PER_FIELD_LENGTHS = False`` switches to Lucene's CombinedFieldQuery
(one length summed over the fields, as if they were one field), kept for the benchmark. A word
typed n times in a query counts n times (query term frequency), as in Lucene. Phrases and fuzzy
words keep Whoosh's per-field scoring; a wildcard scores the sum of its words' per-field BM25.
Queries are evaluated by index/fastsearch.py, with these same formulas, wherever it can.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from math import log
from typing import Any

from whoosh import matching, query

from newsgrep.index.query.schema import SEARCH_FIELDS

K1 = 1.2
B = 0.75
PER_FIELD_LENGTHS = True  # False: one length summed over the fields (Lucene CombinedFieldQuery)
QUERY_TF = True


def idf(doc_count: int, df: int) -> float:
    """Return Lucene's BM25 idf, which never goes negative and keeps common words light."""
    return log(1 + (doc_count - df + 0.5) / (df + 0.5))


class CombinedTerm(query.CompoundQuery):
    """One word searched in title and body together, scored by BM25F; its children are the
    per-field Term queries, so code that walks a query sees ordinary terms."""

    JOINT = " OR "
    intersect_merge = False

    def normalize(self) -> Any:
        """Keep the node as it is: its children are already plain terms."""
        return self

    def _terms(self) -> list[query.Term] | None:
        subs = self.subqueries
        if not subs or not all(type(q) is query.Term for q in subs):
            return None
        return subs

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """Return a matcher over the union of the fields' postings, scored as one field."""
        terms = self._terms()
        if terms is None:  # a rewrite replaced a child: behave as a plain Or
            return query.Or(list(self.subqueries), boost=self.boost).matcher(searcher, context)
        reader = searcher.reader()
        parent = searcher.get_parent()
        parts = []
        df = 0
        for t in terms:
            field = searcher.schema[t.fieldname] if t.fieldname in searcher.schema else None
            if field is None:
                continue
            try:
                btext = field.to_bytes(t.text)
            except ValueError:
                continue
            df = max(df, parent.doc_frequency(t.fieldname, btext))
            if (t.fieldname, btext) in reader:
                parts.append((reader.postings(t.fieldname, btext), t.boost, t.fieldname))
        if not parts:
            return matching.NullMatcher()
        lengths = [(t.fieldname, t.boost) for t in terms]
        weight = idf(parent.doc_count_all(), df) * self.boost
        if PER_FIELD_LENGTHS:
            avgs = {f: parent.avg_field_length(f) or 1.0 for f, _ in lengths}
            return CombinedMatcher(parts, lengths, reader, weight, 1.0, avgs)
        avgdl = sum(w * (parent.avg_field_length(f) or 0.0) for f, w in lengths) or 1.0
        return CombinedMatcher(parts, lengths, reader, weight, avgdl)


class CombinedMatcher(matching.Matcher):
    """The union of one word's postings in several fields, scored by BM25F."""

    def __init__(self, parts: Sequence[tuple[Any, float, str]], lengths: Sequence[tuple[str, float]],
                 reader: Any, weight: float, avgdl: float,
                 avgs: dict[str, float] | None = None) -> None:
        self.parts = list(parts)
        self.lengths = list(lengths)
        self.reader = reader
        self.weight_ = weight
        self.avgdl = avgdl
        self.avgs = avgs  # per-field average lengths, or None for one summed length
        self._id: int | None = None  # the current document, once computed
        self._alive: bool | None = None  # whether any part is active, once computed

    def _active(self) -> list[Any]:
        return [m for m, _, _ in self.parts if m.is_active()]

    def is_active(self) -> bool:
        if self._alive is None:
            self._alive = any(m.is_active() for m, _, _ in self.parts)
        return self._alive

    def id(self) -> int:
        if self._id is None:
            self._id = min(m.id() for m, _, _ in self.parts if m.is_active())
        return self._id

    def next(self) -> bool:
        current = self.id()
        self._id = self._alive = None
        for m, _, _ in self.parts:
            if m.is_active() and m.id() == current:
                m.next()
        return False

    def skip_to(self, id: int) -> bool:
        self._id = self._alive = None
        for m in self._active():
            if m.id() < id:
                m.skip_to(id)
        return False

    def reset(self) -> None:
        self._id = self._alive = None
        for m, _, _ in self.parts:
            m.reset()

    def copy(self) -> CombinedMatcher:
        return CombinedMatcher([(m.copy(), w, f) for m, w, f in self.parts], self.lengths,
                               self.reader, self.weight_, self.avgdl, self.avgs)

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def children(self) -> list[Any]:
        return [m for m, _, _ in self.parts]

    def depth(self) -> int:
        return 1

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return self.weight_ * (K1 + 1)  # tf / (tf + norm) < 1

    def supports(self, astype: str) -> bool:
        return astype == "weight"

    def weight(self) -> float:
        current = self.id()
        return sum(w * m.weight() for m, w, _ in self.parts if m.is_active() and m.id() == current)

    def score(self) -> float:
        current = self.id()
        avgs = self.avgs
        if avgs is not None:
            length = self.reader.doc_field_length
            tf = 0.0
            for m, w, f in self.parts:
                if m.is_active() and m.id() == current:
                    tf += w * m.weight() / (1 - B + B * (length(current, f, 0) or 0) / avgs[f])
            return self.weight_ * tf * (K1 + 1) / (tf + K1)
        tf = self.weight()
        dl = sum(w * (self.reader.doc_field_length(current, f, 0) or 0) for f, w in self.lengths)
        norm = K1 * (1 - B + B * dl / self.avgdl)
        return self.weight_ * tf * (K1 + 1) / (tf + norm)


def _combine(node: Any) -> Any:
    """Return ``node`` as a CombinedTerm when it is one word over the search fields."""
    if type(node) is query.Or and len(node.subqueries) == len(SEARCH_FIELDS):
        subs = node.subqueries
        if all(type(q) is query.Term for q in subs) and len({q.text for q in subs}) == 1 \
                and sorted(q.fieldname for q in subs) == sorted(SEARCH_FIELDS):
            return CombinedTerm(list(subs), boost=node.boost)
    return node


def _with_query_tf(node: Any) -> Any:
    """Merge repeated words of an And/Or into one word weighted by its count."""
    if not isinstance(node, (query.And, query.Or)) or isinstance(node, CombinedTerm):
        return node
    counts = Counter(node.subqueries)
    if len(counts) == len(node.subqueries):
        return node
    merged, seen = [], set()
    for q in node.subqueries:
        if q in seen:
            continue
        seen.add(q)
        n = counts[q]
        if n > 1 and QUERY_TF and isinstance(q, CombinedTerm):
            q = CombinedTerm(list(q.subqueries), boost=q.boost * n)
        merged.append(q)
    return _keep_options(node, node.__class__(merged, boost=node.boost))


def _keep_options(old: Any, new: Any) -> Any:
    """Carry an Or's coordination settings over to its rewritten copy."""
    for attr in ("scale", "minmatch"):
        if hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))
    return new


def rank_fields_together(q: Any) -> Any:
    """Rewrite a parsed (not yet normalized) query: each plain word over title and body becomes
    one BM25F term, and a repeated word counts as often as it is typed."""

    def fix(node: Any) -> Any:
        if isinstance(node, CombinedTerm):
            return node
        node = _combine(node)
        if isinstance(node, CombinedTerm):
            return node
        if node.is_leaf():
            return node
        return _with_query_tf(_keep_options(node, node.apply(fix)))

    return fix(q)
