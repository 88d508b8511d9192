"""Association scores of a word between a target and a reference: G², MI and log ratio.

Each compares how often a word occurs in a target (the words in the windows around a query's
mentions, or the articles that match it) with a reference (the rest of the corpus, or the articles
of another query). ``a`` is the word's count in the target, ``b`` in the reference; ``c`` and ``d``
are the sizes (numbers of words) of the target and of the reference.

- ``log_likelihood``: Dunning's G² (T. Dunning, "Accurate methods for the statistics of surprise
  and coincidence", Computational Linguistics 19(1), 1993, 61-74) over the 2x2 table of the word
  and all other words in the target and in the reference: 2 * sum(O * ln(O / E)), with each
  expected count E = row total * column total / grand total and 0 * ln 0 taken as 0. It is given a
  sign, as quanteda's ``textstat_keyness`` and Wmatrix do: negative when the word is relatively
  rarer in the target than in the reference.
- ``mutual_information``: log2 of the observed count over the expected one, the expected count
  being what the word's corpus frequency predicts for a stretch of that many words (Church and
  Hanks, "Word association norms, mutual information, and lexicography", Computational
  Linguistics 16(1), 1990, 22-29; as AntConc and CQPweb compute it for collocates).
- ``log_ratio``: Hardie's log ratio (A. Hardie, "Log Ratio: an informal introduction", ESRC Centre
  for Corpus Approaches to Social Science (CASS), 2014): the binary log of the ratio of the word's
  relative frequencies in the target and the reference, a zero count taken as 0.5.
"""

from __future__ import annotations

import math

ZERO_COUNT = 0.5  # what a zero count becomes in the log ratio (Hardie 2014)


def _o_ln_o_e(observed: float, expected: float) -> float:
    """Return O * ln(O / E), 0 when O is 0."""
    return observed * math.log(observed / expected) if observed > 0 else 0.0


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Return Dunning's G² of a word counted ``a`` times in a target of ``c`` words and ``b`` times
    in a reference of ``d`` words; negative when a / c < b / d. 0 when either side is empty."""
    n = c + d
    k = a + b
    if c <= 0 or d <= 0 or k <= 0 or k >= n:
        return 0.0
    rest = n - k
    g2 = 2.0 * (_o_ln_o_e(a, c * k / n) + _o_ln_o_e(b, d * k / n)
                + _o_ln_o_e(c - a, c * rest / n) + _o_ln_o_e(d - b, d * rest / n))
    g2 = max(g2, 0.0)  # rounding can leave a tiny negative
    return -g2 if a * d < b * c else g2


def mutual_information(observed: int, total: int, span: int, corpus: int) -> float:
    """Return log2(observed / expected): ``expected`` = total * span / corpus, the count a word
    occurring ``total`` times in a corpus of ``corpus`` words would have in ``span`` words."""
    if observed <= 0 or total <= 0 or span <= 0 or corpus <= 0:
        return 0.0
    return math.log2(observed * corpus / (total * span))


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """Return Hardie's log ratio: log2((a / c) / (b / d)), a zero count taken as 0.5."""
    if c <= 0 or d <= 0:
        return 0.0
    return math.log2(((a or ZERO_COUNT) / c) / ((b or ZERO_COUNT) / d))
