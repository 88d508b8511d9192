"""Searching an index, sharded or not: exactly the answers one index of the same articles gives.

Every search goes this one way (``newsgrep.api``): an ordinary index is a sharded index of one
shard, searched in this process, whose hits are made as they are read.

A query is bound once, by the client, against every shard's vocabulary and statistics together
(the shards' files are read where they lie: a Whoosh MultiReader over the shards' readers), so
that wildcards expand alike everywhere and every shard scores with the whole collection's article
count, document frequencies and field lengths. Each shard then evaluates the bound query on its
own segments (``shard_*`` functions: plain functions of picklable values, run in this process or
as Dask tasks on a cluster), and the client merges: hits by score then id (each shard sends every
hit that can rank in the first ``limit``, ties included; only the hits returned get snippets, from
their shards after the merge), counts, timelines, keyword lines, spellings and statistics by adding
them up.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgrep.hits import Hit
from newsgrep.index.query.bind import bind
from newsgrep.index.query.bound import BoundQuery
from newsgrep.index.query.ranking import DEFAULT_RANKING, RankingParams
from newsgrep.index.search.searcher import Filters, Searcher, order_key
from newsgrep.index.store.opening import folder_identity
from newsgrep.index.store.shards import shard_dirs
from newsgrep.text.analysis import DEFAULT_ANALYSIS, AnalysisSettings

if TYPE_CHECKING:  # the record classes of the other commands: a search does not load them
    from newsgrep.models import Article, IndexStats

Mapper = Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]


def local_map(fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
    """Run each call in this process, in order."""
    return [fn(*args) for args in calls]


# --- what a shard does (runs where the shard is searched: here, or on a cluster worker) --------

_OPEN: dict[tuple[str, RankingParams, AnalysisSettings], tuple[Searcher, tuple[int, ...] | None]] = {}


_PINNED: dict[tuple[str, RankingParams, AnalysisSettings], Searcher] = {}


def shard_searcher(shard: str, params: RankingParams, analysis: AnalysisSettings) -> Searcher:
    """Return an open searcher of a shard, kept while the shard is unchanged (a worker keeps it
    between queries); opened again after the shard's index has been written to or rebuilt."""
    key = (shard, params, analysis)
    pinned = _PINNED.get(key)
    if pinned is not None:  # opened for the ShardedIndex being searched here: one view throughout
        return pinned
    # the folder at the path, taken before opening (a change made while it opens is seen next time):
    # a rebuild swaps in another, whose tables of contents may have the generations of the old one's
    folder = folder_identity(Path(shard), changes=True)
    kept = _OPEN.get(key)
    if kept is not None:
        s, opened = kept
        try:
            current = opened == folder and s.ix.latest_generation() == s.reader.generation()
        except (OSError, AttributeError):
            current = False
        if current:
            return s
        s.close()
        del _OPEN[key]
    s = Searcher(Path(shard), params, analysis)
    _OPEN[key] = (s, folder)
    return s


@dataclass(frozen=True)
class Group:
    """Near-duplicates across shards: the article that stands for them, and where it is."""

    score: float
    id: str
    shard: int
    duplicates: tuple[str, ...]


@dataclass(frozen=True)
class ShardRequest:
    """What the client asks of each shard for one query."""

    limit: int | None
    sort: str = "relevance"
    snippets: bool = True
    dedup: bool = False
    mentions: bool = False
    variants: bool = False
    qid: str | None = None
    count: bool = False  # count every match (else only the first ``limit`` are scored, as one index does)
    snippets_for: int | None = None  # with ``snippets``: make them for this many first hits only (None: all)
    lazy: bool = False  # make the hits as they are read (one shard searched in this process)

    def scores_all(self) -> bool:
        """Tell whether each shard must score every match, not only those that can rank."""
        return self.count or self.mentions or self.variants or self.dedup or self.limit is None \
            or self.sort != "relevance"


@dataclass
class ShardAnswer:
    """What a shard found for a query."""

    total: int = 0
    mentions: int = 0
    hits: Iterable[tuple[tuple[Any, ...], Hit]] = field(default_factory=list)   # (merge key, hit)
    ranked: int = 0  # how many hits there are
    groups: list[tuple[float, str, int, bytes]] = field(default_factory=list)  # dedup: score, id, date, sketch
    spellings: Counter[str] = field(default_factory=Counter)


def shard_query(shard: str, bound: BoundQuery, request: ShardRequest, params: RankingParams,
                analysis: AnalysisSettings) -> ShardAnswer:
    """Evaluate a bound query on one shard: its count and the hits that can rank in the first
    ``limit`` of the whole collection (ties included), in merge order."""
    s = shard_searcher(shard, params, analysis)
    out = ShardAnswer()
    ids, dates = s.column("id"), s.column("date")
    scores = s.scores(bound) if request.scores_all() else None
    if scores is not None:
        out.total = len(scores)
        if request.mentions:
            from newsgrep.index.search.research import mentions

            marks = s.spec(bound)
            out.mentions = sum(mentions(s, s.reader.stored_fields(d), marks) for d in scores)
        if request.variants:
            out.spellings = s.spellings(bound, set(scores))
        if request.dedup:
            docs = sorted(scores)  # each column read a segment at a time, not a document at a time
            out.groups = list(zip(map(scores.__getitem__, docs), ids.many(docs), dates.many(docs),
                                  s.column("minhash").many(docs)))
            return out
    if request.limit == 0:
        return out
    # without ``scores``, phrase positions are read only until the shard's first ``limit`` are settled
    ranked = s.ranked(bound, request.limit, request.sort, scores=scores)
    spec = s.spec(bound) if request.snippets else None

    def hits() -> Iterator[tuple[tuple[Any, ...], Hit]]:
        for i, r in enumerate(ranked):
            made = request.snippets_for is None or i < request.snippets_for
            hit = s.hit(0, r.score, r.docnum, spec if made else None, request.qid)
            yield order_key(request.sort, r.score, r.id, dates[r.docnum]), hit

    out.ranked = len(ranked)
    out.hits = hits() if request.lazy else list(hits())
    return out


def speculative_snippets(limit: int | None, shards: int) -> int | None:
    """How many of its first hits each shard makes snippets for, on a cluster, in the same round as
    the ranking: its even share of the ``limit`` returned, and two more. A returned hit beyond that
    gets its snippets in a second round (for ``-n 10`` on 4 shards, when one shard holds 6 of the
    10, about one query in thirteen if the hits fall evenly); so most queries take one round trip
    and the shards make about twice the snippets shown, not ``limit`` times the shards."""
    if limit is None:
        return None
    return min(limit, -(-limit // max(1, shards)) + 2)


def shard_hits(shard: str, bound: BoundQuery, wanted: list[tuple[float, str, tuple[str, ...] | None]],
               snippets: bool, qid: str | None, params: RankingParams,
               analysis: AnalysisSettings) -> list[Hit]:
    """Make the hits of chosen articles of a shard (after --dedup grouping across shards, or with
    their snippets once the merge has chosen them)."""
    s = shard_searcher(shard, params, analysis)
    spec = s.spec(bound) if snippets else None
    out = []
    for score, article_id, dupes in wanted:
        docs = s.evaluator.docs_with("id", [article_id])[article_id]
        if docs:
            out.append(replace(s.hit(0, score, min(docs), spec, qid), duplicates=dupes))
    return out


def shard_timeline(shard: str, bound: BoundQuery, filters: Filters, by: str, mentions: bool,
                   params: RankingParams, analysis: AnalysisSettings) -> tuple[Counter[Any], int, Counter[Any]]:
    """Count a shard's matches (or mentions) per period or source, its undated ones, and all its
    articles per period or source (within the filters)."""
    from newsgrep.index.search.research import timeline_counts

    return timeline_counts(shard_searcher(shard, params, analysis), bound, filters, by, mentions, totals_always=True)


def shard_kwic(shard: str, bound: BoundQuery, width: int, params: RankingParams,
               analysis: AnalysisSettings) -> list[tuple[Any, ...]]:
    """Return a shard's keyword-in-context lines with their date order keys."""
    from newsgrep.index.search.research import kwic_rows

    return kwic_rows(shard_searcher(shard, params, analysis), bound, width)


def shard_records(shard: str, bound: BoundQuery, sort: str, by_id: bool, params: RankingParams,
                  analysis: AnalysisSettings) -> list[tuple[tuple[Any, ...], int]]:
    """Return a shard's matches as (merge key, document number), for export."""
    s = shard_searcher(shard, params, analysis)
    ids, dates = s.column("id"), s.column("date")
    scores = s.scores(bound)
    if by_id:
        return [((ids[d],), d) for d in scores]
    return [(order_key(sort, v, ids[d], dates[d]), d) for d, v in scores.items()]


def shard_stats(shard: str, params: RankingParams, analysis: AnalysisSettings) -> IndexStats:
    """Describe one shard."""
    from newsgrep.index.search.research import stats

    return stats(shard_searcher(shard, params, analysis), None, None)


# --- the client ----------------------------------------------------------------------------------

class ShardedIndex:
    """A sharded index seen from the client: one binder over every shard, and the merges."""

    def __init__(self, index_dir: Path, shards: int | None, params: RankingParams = DEFAULT_RANKING,
                 analysis: AnalysisSettings = DEFAULT_ANALYSIS, mapper: Mapper = local_map) -> None:
        from newsgrep.index.query.schema import analysis_settings
        from newsgrep.index.store.opening import check_current, during_swap

        self.index_dir = index_dir
        # shards None: an ordinary index, which is its only shard (searched on a cluster's worker)
        self.shards = shards or 0  # the manifest's count; 0 for an ordinary index
        self.dirs = [str(d) for d in shard_dirs(index_dir, shards)] if shards else [str(index_dir)]
        self.params, self.analysis, self.map = params, analysis, mapper
        settings = analysis_settings(analysis)

        def open_shards(folder: Path) -> list[Searcher]:
            check_current(folder, settings)
            return [shard_searcher(d, params, analysis) for d in self.dirs]

        # a rebuild's swap under way waited for (one cut in half finished), and the shards opened
        # again when a swap happens while they open: statistics and stored fields are read here
        self.local = during_swap(index_dir, open_shards)
        # searched here, each shard is the one just opened until close(), even if a rebuild
        # swaps its folder meanwhile (a search goes on with what it opened, as one index does)
        self._pinned = [(d, params, analysis) for d in self.dirs] if mapper is local_map else []
        for key, searcher in zip(self._pinned, self.local):
            _PINNED[key] = searcher
        if len(self.local) == 1:
            self.reader = self.local[0].reader
        else:
            from whoosh.reading import MultiReader

            self.reader = MultiReader([s.reader for s in self.local])
        self.analyzer = self.local[0].analyzer

    def close(self) -> None:
        """Let go of the shards (their searchers stay open for the next query of this process)."""
        for key, searcher in zip(self._pinned, self.local):
            if _PINNED.get(key) is searcher:
                del _PINNED[key]
        self._pinned = []

    def __enter__(self) -> ShardedIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def bind(self, text: str, any_terms: bool = False, variants: bool = False,
             filters: Filters | None = None) -> BoundQuery:
        """Parse and bind a query with the statistics of every shard together."""
        first = self.local[0]
        node = first.syntax(text, any_terms, variants)
        bound = bind(node, text, self.reader, self.analyzer, self.params, variants)
        return first.filtered(bound, filters or Filters())

    def everything(self, filters: Filters | None = None) -> BoundQuery:
        """Return the query every article matches (within the filters)."""
        every = replace(self.local[0].everything(), doc_count=self.reader.doc_count_all())
        return self.local[0].filtered(every, filters or Filters())

    def _each(self, fn: Callable[..., Any], *args: Any) -> list[Any]:
        return self.map(fn, [(d, *args, self.params, self.analysis) for d in self.dirs])

    def each(self, fn: Callable[..., Any], *args: Any) -> list[Any]:
        """Run ``fn(shard, *args, params, analysis)`` for every shard (here or on the cluster)."""
        return self._each(fn, *args)

    def query(self, bound: BoundQuery,
              request: ShardRequest) -> tuple[int, Iterable[Hit], tuple[tuple[str, int], ...], int]:
        """Run a query on every shard; return (count, hits in order, spellings, mentions); the
        count is that of the hits returned unless ``request.count``, as for one index.

        Here, only the hits that are returned get snippets, made after the merge. On a cluster each
        shard makes them for its first few hits in the same round (``speculative_snippets``), and
        a returned hit beyond those gets them from its shard in a second round."""
        # several shards: only the hits returned get snippets (one shard returns all it ranks)
        later = request.snippets and not request.dedup and request.limit != 0 and len(self.dirs) > 1
        lazy = self.map is local_map and len(self.dirs) == 1 and not request.dedup
        if later and self.map is not local_map:
            ask = replace(request, snippets_for=speculative_snippets(request.limit, len(self.dirs)))
        else:
            ask = replace(request, snippets=False) if later else replace(request, lazy=lazy)
        answers: list[ShardAnswer] = self._each(shard_query, bound, ask)
        spellings: Counter[str] = Counter()
        for a in answers:
            spellings.update(a.spellings)
        spelled = tuple(sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0])))  # most first
        mentions = sum(a.mentions for a in answers)
        if lazy:  # one shard here: its hits, made as they are read
            only = answers[0]
            ranked = (replace(h, rank=i) for i, (_, h) in enumerate(only.hits, 1))
            return (only.total if request.scores_all() else only.ranked), ranked, spelled, mentions
        if request.dedup:
            groups = self._groups(answers)
            return len(groups), self._dedup(bound, answers, groups, request), spelled, mentions
        merged = heapq.merge(*([(key, k, n, h) for n, (key, h) in enumerate(a.hits)] for k, a in enumerate(answers)),
                             key=lambda t: t[0])
        chosen = [(k, n, h) for i, (_, k, n, h) in enumerate(merged, 1)
                  if request.limit is None or i <= request.limit]
        if later:  # those made without snippets (n: the hit's place in its shard's answer)
            lacking = [(k, h) for k, n, h in chosen
                       if not ask.snippets or (ask.snippets_for is not None and n >= ask.snippets_for)]
            if lacking:
                made = self._with_snippets(bound, lacking, request.qid)
                chosen = [(k, n, made.get(h.id, h)) for k, n, h in chosen]
        hits = [replace(h, rank=i) for i, (_, _, h) in enumerate(chosen, 1)]
        total = sum(a.total for a in answers) if request.scores_all() else len(hits)
        return total, hits, spelled, mentions

    def _with_snippets(self, bound: BoundQuery, chosen: list[tuple[int, Hit]], qid: str | None) -> dict[str, Hit]:
        """Make hits of each shard again, with their snippets; by id."""
        wanted: dict[int, list[tuple[float, str, tuple[str, ...] | None]]] = {}
        for k, h in chosen:
            wanted.setdefault(k, []).append((h.score, h.id, h.duplicates))
        calls = [(self.dirs[k], bound, w, True, qid, self.params, self.analysis) for k, w in wanted.items()]
        return {h.id: h for hits in self.map(shard_hits, calls) for h in hits}

    @staticmethod
    def _groups(answers: Sequence[ShardAnswer]) -> list[Group]:
        """Group near-duplicates across shards as one index would (text.dedup.group)."""
        from newsgrep.text.dedup import group

        members = [(k, m) for k, a in enumerate(answers) for m in a.groups]  # (shard, member)
        ranks = [(m[2], m[1]) for _, m in members]  # date, then id
        order = sorted(range(len(members)), key=ranks.__getitem__)
        grouped = group(dict(enumerate(m[3] for _, m in members)), order)
        out = []
        for rep, keys in grouped.items():
            best = max(members[i][1][0] for i in keys)
            out.append(Group(best, members[rep][1][1], members[rep][0],
                             tuple(members[i][1][1] for i in keys if i != rep)))
        out.sort(key=lambda g: (-g.score, g.id))
        return out

    def _dedup(self, bound: BoundQuery, answers: Sequence[ShardAnswer], groups: list[Group],
               request: ShardRequest) -> list[Hit]:
        if request.sort != "relevance":
            when = {m[1]: m[2] for a in answers for m in a.groups}
            groups.sort(key=lambda r: order_key(request.sort, r.score, r.id, when[r.id]))
        chosen = groups if request.limit is None else groups[:request.limit]
        if request.limit == 0:
            return []
        wanted: dict[int, list[tuple[float, str, tuple[str, ...]]]] = {}
        for g in chosen:
            wanted.setdefault(g.shard, []).append((g.score, g.id, g.duplicates))
        calls = [(self.dirs[k], bound, w, request.snippets, request.qid, self.params, self.analysis)
                 for k, w in wanted.items()]
        made = {h.id: h for hits in self.map(shard_hits, calls) for h in hits}
        return [replace(made[g.id], rank=i) for i, g in enumerate(chosen, 1) if g.id in made]

    def timeline(self, bound: BoundQuery, filters: Filters, by: str,
                 mentions: bool) -> tuple[Counter[Any], int, Counter[Any]]:
        """Add up every shard's counts per period or source."""
        counts: Counter[Any] = Counter()
        totals: Counter[Any] = Counter()
        undated = 0
        for c, u, t in self._each(shard_timeline, bound, filters, by, mentions):
            counts.update(c)
            totals.update(t)
            undated += u
        return counts, undated, totals

    def kwic(self, bound: BoundQuery, width: int) -> list[tuple[Any, ...]]:
        """Gather every shard's keyword-in-context lines."""
        return [row for rows in self._each(shard_kwic, bound, width) for row in rows]

    def records(self, bound: BoundQuery, sort: str, by_id: bool) -> Iterator[Article]:
        """Yield the matches' whole records in id, rank or date order, read from the shards here."""
        from newsgrep.index.search.research import article_of

        lists = self._each(shard_records, bound, sort, by_id)
        keyed = [(key, k, d) for k, rows in enumerate(lists) for key, d in rows]
        keyed.sort(key=lambda t: t[0])
        for _, k, d in keyed:
            yield article_of(self.local[k].reader.stored_fields(d))

    def document(self, article_id: str) -> dict[str, Any] | None:
        """Return the stored fields of one article, from whichever shard holds it."""
        for s in self.local:
            doc = s.document(article_id)
            if doc is not None:
                return doc
        return None

    def stats(self) -> list[IndexStats]:
        """Describe every shard."""
        return list(self._each(shard_stats))
