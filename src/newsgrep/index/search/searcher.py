"""Searching one open index: parse and bind a query, rank, filter, sort, group, make hits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from newsgrep.errors import UsageError
from newsgrep.hits import Hit
from newsgrep.index.query.bind import bind
from newsgrep.index.query.bound import Bound, BoundQuery, Dates, Every, Exact, Match
from newsgrep.index.query.parse import parse
from newsgrep.index.query.ranking import DEFAULT_RANKING, RankingParams
from newsgrep.index.query.schema import analysis_settings, index_analysis
from newsgrep.index.query.syntax import Node
from newsgrep.index.search import columns
from newsgrep.index.search.columns import UNDATED
from newsgrep.index.search.evaluator import Evaluator
from newsgrep.index.search.highlight import MatchSpec, find_matches, make_snippets, match_spec, matched_words
from newsgrep.index.store.opening import check_current, during_swap
from newsgrep.text.analysis import DEFAULT_ANALYSIS, AnalysisSettings, Analyzer

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Filters:
    """Restrictions on which articles may match: dates (until exclusive) and a source."""

    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None

    def nodes(self) -> tuple[Bound, ...]:
        """Return the filters as query clauses that every match must pass."""
        out: list[Bound] = []
        if self.since or self.until:
            out.append(Dates(self.since, self.until, "--since/--until"))
        if self.source:
            out.append(Exact("source_key", (self.source.lower(),), f"--source {self.source}"))
        return tuple(out)


@dataclass(frozen=True)
class Ranked:
    """One ranked match: its score, id and document number."""

    score: float
    id: str
    docnum: int


def _open(index_dir: Path, settings: str) -> tuple[Any, Any]:
    """Open an index built with these analysis settings, and a reader on it (every segment
    file opened)."""
    from whoosh.filedb.filestore import FileStorage

    from newsgrep.index.store.location import INDEX_NAME
    from newsgrep.index.whoosh_compat.pickles import open_index, open_reader

    check_current(index_dir, settings)
    ix = open_index(FileStorage(str(index_dir)), index_dir, INDEX_NAME)
    return ix, open_reader(ix, index_dir)


def order_key(sort: str, score: float, article_id: str, raw_date: int) -> tuple[Any, ...]:
    """The one order of matches: by score, best first (``relevance``), or by date (``newest``,
    ``oldest``; undated last); ties by id, so that output is stable. A sharded index merges its
    shards' matches by the same key."""
    if sort == "relevance":
        return (-score, article_id)
    dated = raw_date < UNDATED
    return (not dated, (-raw_date if sort == "newest" else raw_date) if dated else 0, article_id)


def _top(scores: dict[int, float], ids: Any, limit: int | None) -> list[tuple[float, str, int]]:
    """Return (score, id, docnum) of the best ``limit`` scores, ties broken by id.

    Every article tied with the last one shown is considered, so that which of several
    reprints is shown does not depend on the order of the index.
    """
    if limit is not None and limit <= 0:
        return []
    if limit is not None and len(scores) > limit:
        from heapq import nlargest

        floor = nlargest(limit, scores.values())[-1]
        chosen = [(s, ids[d], d) for d, s in scores.items() if s >= floor]
    else:
        chosen = [(s, ids[d], d) for d, s in scores.items()]
    chosen.sort(key=lambda t: (-t[0], t[1]))
    return chosen if limit is None else chosen[:limit]


class Searcher:
    """An open index, ready for any number of queries."""

    def __init__(self, index_dir: Path | None, params: RankingParams = DEFAULT_RANKING,
                 analysis: AnalysisSettings = DEFAULT_ANALYSIS, ix: Any = None) -> None:
        """Open the index in ``index_dir`` (or use ``ix``, an open Whoosh index: one in memory)."""
        self.index_dir = index_dir
        self.params = params
        if ix is not None:
            self.ix, self.reader = ix, ix.reader()
        else:
            assert index_dir is not None
            settings = analysis_settings(analysis)
            self.ix, self.reader = during_swap(index_dir, lambda d: _open(d, settings))
        # The reader's schema: the one of the table of contents it opened. ``self.ix.schema``
        # would read the folder's table of contents again, which a rebuild may have swapped.
        self.analysis = index_analysis(self.reader.schema)
        self.analyzer = Analyzer(self.analysis)
        self.evaluator = Evaluator(self.reader, params)
        self._columns: dict[str, Any] = {}

    def close(self) -> None:
        """Release the index."""
        self.reader.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def column(self, name: str) -> Any:
        """Return a column of the open index (id, date, or bytes), read once per Searcher."""
        got = self._columns.get(name)
        if got is None:
            reader = self.reader
            got = (columns.ids(reader) if name == "id" else columns.dates(reader) if name == "date"
                   else columns.byte_values(reader, name))
            self._columns[name] = got
        return got

    # --- queries ---------------------------------------------------------------------------------

    def syntax(self, text: str, any_terms: bool = False, variants: bool = False) -> Node:
        """Parse a query (names with a hyphenated article quoted first, with ``variants``)."""
        if variants:
            from newsgrep.text.names import quote_names

            text = quote_names(text)
        return parse(text, any_terms)

    def bind(self, text: str, any_terms: bool = False, variants: bool = False,
             filters: Filters = Filters(), stats_reader: Any = None) -> BoundQuery:
        """Parse and bind a query, with the filters as clauses every match must pass.

        ``stats_reader`` gives the vocabulary and statistics (every shard's, for a sharded
        index); by default this index's own.
        """
        node = self.syntax(text, any_terms, variants)
        bound = bind(node, text, stats_reader or self.reader, self.analyzer, self.params, variants)
        return self.filtered(bound, filters)

    def everything(self, filters: Filters = Filters()) -> BoundQuery:
        """Return the query that every article matches (within the filters)."""
        return self.filtered(BoundQuery(Every(), "", {}, int(self.reader.doc_count_all())), filters)

    @staticmethod
    def filtered(bound: BoundQuery, filters: Filters) -> BoundQuery:
        """Add filter clauses to a bound query."""
        extra = filters.nodes()
        if not extra:
            return bound
        return replace(bound, root=Match(must=(bound.root, *extra)))

    # --- matching and ranking --------------------------------------------------------------------

    def scores(self, bound: BoundQuery) -> dict[int, float]:
        """Return {document number: score} of every matching article."""
        return self.evaluator.scores(bound)

    def matching(self, bound: BoundQuery) -> list[int]:
        """Return the numbers of every matching document, in index order."""
        return sorted(self.evaluator.scores(bound))

    def ranked(self, bound: BoundQuery, limit: int | None, sort: str = "relevance",
               scores: dict[int, float] | None = None) -> list[Ranked]:
        """Return matches in rank or date order (ties by id; ``order_key``).
        ``scores``: every match's score, when already computed."""
        if sort not in SORTS:
            raise UsageError(f"bad sort {sort!r}: use one of {', '.join(SORTS)}")
        ids = self.column("id")
        if sort != "relevance":
            scores = self.evaluator.scores(bound) if scores is None else scores
            dates = self.column("date")
            out = [Ranked(v, ids[d], d) for d, v in scores.items()]
            out.sort(key=lambda r: order_key(sort, r.score, r.id, dates[r.docnum]))
            return out if limit is None else out[:limit]
        if scores is None:
            scores = self.evaluator.scores(bound) if limit is None else \
                {d: v for v, d in self.evaluator.top(bound, limit)}
        return [Ranked(v, i, d) for v, i, d in _top(scores, ids, limit)]

    # --- hits --------------------------------------------------------------------------------------

    def spec(self, bound: BoundQuery) -> MatchSpec:
        """Return what the query marks in titles and bodies."""
        return match_spec(bound.root)

    def hits(self, ranked: Sequence[Ranked], bound: BoundQuery | None, *, snippets: bool = True,
             qid: str | None = None) -> Iterator[Hit]:
        """Turn ranked matches into hits, with snippets and matched words when asked."""
        spec = self.spec(bound) if snippets and bound is not None else None
        for rank, r in enumerate(ranked, 1):
            yield self.hit(rank, r.score, r.docnum, spec, qid)

    def hit(self, rank: int, score: float, docnum: int, spec: MatchSpec | None,
            qid: str | None = None) -> Hit:
        """Make one hit from a stored document."""
        doc = self.reader.stored_fields(docnum)
        snips: tuple[Any, ...] = ()
        terms: tuple[str, ...] = ()
        if spec is not None:
            title, body = doc.get("title") or "", doc.get("body") or ""
            t_spans = find_matches(title, spec.title_of(doc), self.analyzer)
            b_spans = find_matches(body, spec.body, self.analyzer)
            snips = tuple(make_snippets(body, b_spans))
            terms = tuple(matched_words([title, body], [t_spans, b_spans]))
        return Hit(rank=rank, score=round(score, 6), id=doc["id"], path=doc["path"],
                   title=doc.get("title") or "", date=doc.get("date_text"),
                   source=doc.get("source") or None, url=doc.get("url"), snippets=snips,
                   matched_terms=terms, qid=qid)

    def spellings(self, bound: BoundQuery, matches: set[int]) -> Counter[str]:
        """Count, among the matches, the articles in which each spelling of a --variants word
        occurs (as written)."""
        from newsgrep.index.query.bound import Terms, positive_leaves

        counts: Counter[str] = Counter()
        for leaf in positive_leaves(bound.root):
            for t in [leaf] if isinstance(leaf, Terms) else list(getattr(leaf, "parts", ())):
                if t.kind != "variants" or not t.written:
                    continue
                for word in t.written:
                    docs: set[int] = set()
                    for f in t.wfields:
                        docs |= self.evaluator.docs_with(f, [word])[word]
                    n = len(docs & matches)
                    if n:
                        counts[word] = max(counts[word], n)
        return counts

    def document(self, article_id: str) -> dict[str, Any] | None:
        """Return the stored fields of one article, or None."""
        found = self.evaluator.docs_with("id", [article_id]).get(article_id)
        if not found:
            return None
        return dict(self.reader.stored_fields(min(found)))

    def documents_of(self, path: str) -> list[int]:
        """Return the live documents read from a file."""
        return sorted(self.evaluator.docs_with("path", [path]).get(path, set()))
