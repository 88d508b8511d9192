"""Words counted for collocates and keywords: around a query's mentions, in its matching articles,
and in the whole (filtered) corpus.

Words are counted by index term (the stem) with their written forms beside them; a stopword takes
its place in a window and counts in the sizes, but is never counted as a word; a token too long to
index (over 64 characters) is no word at all. An article's title counts unless it was derived from
the body (its words are the body's). How each part is read:

- the matching articles (and so the windows) from their stored text, tokenized again with the
  analyzer's own pattern (``findall``, in C); the mentions come from ``find_mentions``, kwic's own
  function, run on the stretches of tokens that hold the query's words (a mention never reaches
  past the longest phrase or name of the query, so cutting between stretches further apart changes
  nothing; and it is found by its tokens alone, so a stretch's tokens joined by spaces stand for
  its text), and the windows are the tokens around each mention's first and last token;
- the corpus from each segment's vocabulary: a term's total count in the title and body fields is
  in its statistics (``whoosh_compat/lexicon.py``), and the corpus size is their sum plus the
  stopwords' counts in the written-form fields. Articles that a filter leaves out, and deleted ones
  a segment still counts, are read from their stored text and taken off, or, when fewer, the
  articles kept are read and added up instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsgrep.index.query.bound import BoundQuery
from newsgrep.index.query.ranking import RankingParams
from newsgrep.index.search.highlight import FieldSpec, find_mentions
from newsgrep.index.search.searcher import Filters, Searcher
from newsgrep.index.whoosh_compat.lexicon import field_weights
from newsgrep.models import Collocate, Keyword
from newsgrep.text.analysis import TOKEN_PATTERNS, AnalysisSettings, Analyzer
from newsgrep.text.association import log_likelihood, log_ratio, mutual_information

TERM_FIELDS = ("title", "body")       # a derived title is in dtitle: its words are the body's
WRITTEN_FIELDS = ("wtitle", "wbody")  # where the stopwords are counted


@dataclass
class WordCounts:
    """Words counted in some text: per index term, its count and the counts of its written forms;
    ``size`` the words counted, stopwords included; the articles and mentions they come from."""

    counts: Counter[str] = field(default_factory=Counter)
    forms: Counter[tuple[str, str]] = field(default_factory=Counter)
    size: int = 0
    articles: int = 0
    mentions: int = 0

    def add(self, other: WordCounts) -> WordCounts:
        """Add another count to this one (the shards of one index); return self."""
        self.counts.update(other.counts)
        self.forms.update(other.forms)
        self.size += other.size
        self.articles += other.articles
        self.mentions += other.mentions
        return self

    def take(self, other: WordCounts) -> WordCounts:
        """Take off the words of articles counted in ``other`` (a part of these); return self."""
        self.counts.subtract(other.counts)
        self.counts = +self.counts
        self.size -= other.size
        self.articles -= other.articles
        return self


def resolve(raw: Counter[str], analyzer: Analyzer, forms: bool = True) -> WordCounts:
    """Turn counts of tokens as written into counts of words (index terms), with their written
    forms; stopwords only in the size."""
    out = WordCounts()
    term_of, written_of = analyzer.term, analyzer.written
    for token, n in raw.items():
        written = written_of(token)
        if not written:
            continue  # too long to index: not a word
        out.size += n
        term = term_of(token)
        if term is None:
            continue
        out.counts[term] += n
        if forms:
            out.forms[(term, written)] += n
    return out


def most_frequent_forms(forms: Counter[tuple[str, str]]) -> dict[str, str]:
    """Pick each term's most frequent written form (ties: the first in alphabetical order)."""
    best: dict[str, tuple[int, str]] = {}
    for (term, written), n in forms.items():
        got = best.get(term)
        if got is None or n > got[0] or (n == got[0] and written < got[1]):
            best[term] = (n, written)
    return {t: w for t, (_, w) in best.items()}


def _splitter(analyzer: Analyzer) -> Any:
    """Return the analyzer's token pattern, compiled as the analyzer compiles it."""
    return re.compile(TOKEN_PATTERNS[analyzer.settings.tokens], re.UNICODE)


def _texts(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield the title (unless derived from the body) and the body of an article, with their field."""
    if not doc.get("title_derived"):
        yield "title", doc.get("title") or ""
    yield "body", doc.get("body") or ""


def article_words(s: Searcher, docs: Iterable[int], forms: bool = True) -> WordCounts:
    """Count the words of articles (title unless derived, and body)."""
    findall = _splitter(s.analyzer).findall
    raw: Counter[str] = Counter()
    n = 0
    stored = s.reader.stored_fields
    for d in docs:
        for _, text in _texts(stored(d)):
            if text:
                raw.update(findall(text))
        n += 1
    out = resolve(raw, s.analyzer, forms)
    out.articles = n
    return out


# --- mentions and their windows -------------------------------------------------------------------

def _reach(spec: FieldSpec) -> int:
    """Return how many positions past its first word a mention of the query can end."""
    reach = 0
    for seq in spec.seqs:
        if seq.slop is None:
            reach = max(reach, seq.offsets[-1] if seq.offsets else 0)
        elif seq.ordered:
            reach = max(reach, seq.slop * max(0, len(seq.parts) - 1))
        else:
            reach = max(reach, seq.slop)
    return reach


def _lookups(spec: FieldSpec) -> tuple[set[str], set[str]]:
    """Return every index term and written form a word of a mention may have."""
    terms, written = set(spec.terms), set(spec.written)
    for seq in spec.seqs:
        for part in seq.parts:
            if part.written is not None:
                written.update(part.written)
            else:
                terms.update(part.terms)
    return terms, written


class _Windows:
    """Counts the tokens around each mention of a query in one field's texts."""

    def __init__(self, analyzer: Analyzer, spec: FieldSpec, window: int) -> None:
        self.analyzer, self.spec, self.window = analyzer, spec, window
        self.findall = _splitter(analyzer).findall
        self.reach = _reach(spec)
        self.terms, self.written = _lookups(spec)
        self.seen: set[str] = set()
        self.hits: set[str] = set()  # tokens (as written) that may be a word of a mention
        self.raw: Counter[str] = Counter()
        self.mentions = 0

    def _places(self, tokens: list[str]) -> list[int]:
        """Return the indexes of the tokens that may be a word of a mention, in order."""
        present = set(tokens)
        new = present - self.seen
        if new:
            term_of, written_of = self.analyzer.term, self.analyzer.written
            self.hits.update(t for t in new if term_of(t) in self.terms or written_of(t) in self.written)
            self.seen |= new
        at: list[int] = []
        for t in present & self.hits:  # list.index scans in C: a few calls per text
            i = tokens.index(t)
            while True:
                at.append(i)
                try:
                    i = tokens.index(t, i + 1)
                except ValueError:
                    break
        at.sort()
        return at

    def count(self, text: str) -> None:
        """Count the tokens within the window of each mention in ``text``."""
        if not text or not self.spec:
            return
        tokens = self.findall(text)
        at = self._places(tokens)
        if not at:
            return
        w, raw = self.window, self.raw
        first = prev = at[0]
        for i in [*at[1:], None]:
            if i is not None and i - prev <= self.reach:
                prev = i
                continue
            # the stretch's tokens, joined by spaces, are tokenized as they were in the text, and a
            # mention is found by its tokens alone (punctuation between words is ignored)
            for m in find_mentions(" ".join(tokens[first:prev + 1]), self.spec, self.analyzer):
                a, b = first + m.first, first + m.last
                raw.update(tokens[max(0, a - w):a])
                raw.update(tokens[b + 1:b + 1 + w])
                self.mentions += 1
            if i is not None:
                first = prev = i


def mention_windows(s: Searcher, bound: BoundQuery, window: int) -> WordCounts:
    """Count the words within ``window`` words of each mention of the query, in the same field
    (the mention's own words left out; a word in two windows counts twice)."""
    spec = s.spec(bound)
    counters = {f: _Windows(s.analyzer, fs, window) for f, fs in (("title", spec.title), ("body", spec.body))}
    stored = s.reader.stored_fields
    n = 0
    for d in s.matching(bound):
        for f, text in _texts(stored(d)):
            counters[f].count(text)
        n += 1
    raw = counters["title"].raw + counters["body"].raw
    out = resolve(raw, s.analyzer)
    out.articles = n
    out.mentions = sum(c.mentions for c in counters.values())
    return out


# --- the corpus -----------------------------------------------------------------------------------

def _segments(s: Searcher) -> list[tuple[Any, int]]:
    reader = s.reader
    pairs = [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())
    return [(r, off) for r, off in pairs if r.doc_count_all()]


def index_words(s: Searcher) -> WordCounts:
    """Count the words of every article the segments hold, deleted ones included, from their
    vocabularies: each term's total in titles and bodies, and the stopwords' totals."""
    out = WordCounts()
    stopwords = s.analyzer.settings.stopwords
    for seg, _ in _segments(s):
        for f in TERM_FIELDS:
            weights = field_weights(seg, f)
            out.counts.update(weights)
            out.size += sum(weights.values())
        for f in WRITTEN_FIELDS:
            out.size += sum(int(seg.frequency(f, w)) for w in stopwords if (f, w) in seg)
        out.articles += seg.doc_count_all()
    return out


def corpus_words(s: Searcher, filters: Filters, counted: tuple[set[int], WordCounts] | None = None) -> WordCounts:
    """Count the words of the live articles that pass the filters, but for those of ``counted``
    (articles among them already counted, and their counts): whichever is fewer, the articles
    wanted or the others, is read from its stored text."""
    everything = s.everything(filters)
    keep = set(s.matching(everything))
    inside, inside_words = counted if counted is not None else (set(), WordCounts())
    wanted = keep - inside
    others = [d for d in range(s.reader.doc_count_all()) if d not in keep]  # deleted ones too
    if len(wanted) <= len(others):
        return article_words(s, sorted(wanted), forms=False)
    out = index_words(s).take(article_words(s, others, forms=False)).take(inside_words)
    out.forms.clear()
    return out


def written_forms(s: Searcher, terms: Iterable[str]) -> Counter[tuple[str, str]]:
    """Count the written forms of some terms in the whole index (its written-form vocabulary):
    for a word that the counted text does not hold (a keyword with --both)."""
    wanted = set(terms)
    out: Counter[tuple[str, str]] = Counter()
    term_of = s.analyzer.term
    for seg, _ in _segments(s):
        for f in WRITTEN_FIELDS:
            for written, n in field_weights(seg, f).items():
                term = term_of(written)
                if term in wanted:
                    out[(term, written)] += n
    return out


# --- scored lists ---------------------------------------------------------------------------------

def _top(rows: list[Any], limit: int | None) -> tuple[Any, ...]:
    rows.sort(key=lambda r: (-r.ll, -r.count, r.word))
    return tuple(rows if limit is None else rows[:limit])


def collocate_rows(windows: WordCounts, corpus: WordCounts, min_count: int,
                   limit: int | None) -> tuple[Collocate, ...]:
    """Score the words of the windows against the rest of the corpus; best G² first."""
    shown = most_frequent_forms(windows.forms)
    w, n = windows.size, corpus.size
    rows = []
    for term, count in windows.counts.items():
        if count < min_count:
            continue
        total = corpus.counts.get(term, 0)
        # overlapping windows count a word twice: the rest of the corpus is never taken below 0
        rest = max(total - count, 0)
        rows.append(Collocate(shown[term], count, total, round(log_likelihood(count, rest, w, max(n - w, rest)), 6),
                              round(mutual_information(count, total, w, n), 6)))
    return _top(rows, limit)


def keyword_rows(target: WordCounts, reference: WordCounts, forms: Counter[tuple[str, str]], both: bool,
                 min_count: int, limit: int | None) -> tuple[Keyword, ...]:
    """Score the words of the matching articles against the reference; best G² first, only the
    words relatively more frequent in the matches unless ``both``. ``forms``: written forms of
    the words the matches do not hold."""
    shown = most_frequent_forms(forms)
    shown.update(most_frequent_forms(target.forms))
    c, d = target.size, reference.size
    words = set(target.counts) | set(reference.counts) if both else set(target.counts)
    rows = []
    for term in words:
        a, b = target.counts.get(term, 0), reference.counts.get(term, 0)
        if a + b < min_count or (not both and a * d <= b * c):
            continue
        rows.append(Keyword(shown.get(term, term), a, b, round(log_likelihood(a, b, c, d), 6),
                            round(log_ratio(a, b, c, d), 6)))
    ranked = _top(rows, None)
    if not both or limit is None:
        return ranked[:limit]
    # both ends: the ``limit`` words most typical of the matches, and of the reference
    over = [r for r in ranked if r.ll > 0][:limit]
    under = [r for r in ranked if r.ll <= 0]
    return (*over, *under[max(0, len(under) - limit):])


# --- per shard (in this process, or as a task on a cluster worker) -------------------------------

def shard_collocates(shard: str, bound: BoundQuery, filters: Filters, window: int, params: RankingParams,
                     analysis: AnalysisSettings) -> tuple[WordCounts, WordCounts]:
    """Count a shard's words around the mentions, and the words of its filtered articles."""
    from newsgrep.index.search.shards import shard_searcher

    s = shard_searcher(shard, params, analysis)
    return mention_windows(s, bound, window), corpus_words(s, filters)


def keyword_counts(s: Searcher, bound: BoundQuery, filters: Filters,
                   against: BoundQuery | None) -> tuple[WordCounts, WordCounts]:
    """Count the words of the matching articles, and of the reference: the articles matching
    ``against``, or else the other articles that pass the filters."""
    matches = s.matching(bound)
    target = article_words(s, matches)
    if against is not None:
        return target, article_words(s, s.matching(against), forms=False)
    return target, corpus_words(s, filters, (set(matches), target))


def shard_keywords(shard: str, bound: BoundQuery, filters: Filters, against: BoundQuery | None,
                   params: RankingParams, analysis: AnalysisSettings) -> tuple[WordCounts, WordCounts]:
    """Count a shard's words of the matching articles and of the reference."""
    from newsgrep.index.search.shards import shard_searcher

    return keyword_counts(shard_searcher(shard, params, analysis), bound, filters, against)


def shard_forms(shard: str, terms: frozenset[str], params: RankingParams,
                analysis: AnalysisSettings) -> Counter[tuple[str, str]]:
    """Count a shard's written forms of some terms."""
    from newsgrep.index.search.shards import shard_searcher

    return written_forms(shard_searcher(shard, params, analysis), terms)
