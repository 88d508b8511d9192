"""Ranking: BM25F over title and body, its parameters, and its formula, in one place.

BM25F (Robertson, Zaragoza and Taylor, "Simple BM25 extension to multiple weighted fields",
2004) adds a word's frequencies over the fields, each normalized by its own field's length and
weighted, then saturates once, so that a word found in the title and in the body is counted once:

    tf = sum(w_f * tf_f / (1 - b + b * len_f / avglen_f))
    idf = log(1 + (N - df + 0.5) / (df + 0.5))          (Lucene's; df the largest of the fields')
    score = idf * tf * (k1 + 1) / (tf + k1)

The field weights w_f are title 2 and body 1; k1 = 1.2 and b = 0.75 are the textbook defaults.
A term set (a wildcard, a fuzzy word or a name's spellings: several index terms standing for one
word) is scored as one word whose frequency is the sum of its terms' and whose df is the largest
of its terms'. A word typed n times in a query counts n times (query term frequency), as in
Lucene. ``RankingParams`` holds every choice; other values serve the ablations of
``benchmarks/ranking.py``. The block evaluator (``index/search/evaluator.py``) computes scores
with ``norm_table`` and ``saturate`` from here, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log


@dataclass(frozen=True)
class RankingParams:
    """Every setting of the ranking function."""

    k1: float = 1.2
    b: float = 0.75
    weights: tuple[tuple[str, float], ...] = (("title", 2.0), ("body", 1.0))
    idf: str = "lucene"                 # or "whoosh": log(N / (df + 1)) + 1
    together: bool = True               # False: each field saturated apart and summed (Whoosh)
    per_field_lengths: bool = True      # False: one length summed over the fields (Lucene's
                                        # CombinedFieldQuery)
    query_tf: bool = True               # False: a word typed twice counts once

    def weight(self, fieldname: str) -> float:
        """Return a field's weight (1 for fields other than title and body; a title derived from
        the body, which only title: searches, weighs as a title)."""
        if fieldname == "dtitle":
            fieldname = "title"
        for name, w in self.weights:
            if name == fieldname:
                return w
        return 1.0


DEFAULT_RANKING = RankingParams()


def idf(params: RankingParams, doc_count: int, df: int) -> float:
    """Return the inverse document frequency of a term found in ``df`` of ``doc_count`` articles."""
    if params.idf == "whoosh":
        return log(doc_count / (df + 1)) + 1
    return log(1 + (doc_count - df + 0.5) / (df + 0.5))


def norm_table(params: RankingParams, avg_length: float, lengths: list[int]) -> list[float]:
    """Return, per stored length byte, the length normalisation 1 - b + b * len / avglen.

    Whoosh stores a field's length in a document as one byte; ``lengths`` maps each byte to
    the length it stands for.
    """
    b = params.b
    avg = avg_length or 1.0
    return [1 - b + b * length / avg for length in lengths]


def saturate(params: RankingParams, weight: float, tf: float) -> float:
    """Return idf-weighted saturated frequency: weight * tf * (k1 + 1) / (tf + k1)."""
    k1 = params.k1
    return weight * tf * (k1 + 1) / (tf + k1)
