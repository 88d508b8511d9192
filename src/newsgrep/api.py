"""The library face of newsgrep: one function per command, returning records (newsgrep.models).

    from newsgrep import api
    result = api.search("Idlib", options=api.SearchOptions(limit=20))
    for hit in result.hits:
        print(hit.rank, hit.title)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgrep.errors import NewsgrepError, QueryError, UsageError
from newsgrep.hits import SearchResult

if TYPE_CHECKING:
    from newsgrep.index.query.ranking import RankingParams
    from newsgrep.index.search.searcher import Filters, Searcher
    from newsgrep.index.search.shards import ShardedIndex
    from newsgrep.models import (
        Article,
        ArticleView,
        Collocates,
        IndexReport,
        IndexStats,
        Keywords,
        KwicLine,
        Progress,
        Timeline,
    )
    from newsgrep.text.analysis import AnalysisSettings


@dataclass(frozen=True)
class SearchOptions:
    """How to run a query (the filters and modes of ``search``, ``kwic``, ``timeline``, ``export``)."""

    limit: int | None = 10            # None: all
    any_terms: bool = False
    since: str | None = None
    until: str | None = None
    source: str | None = None
    sort: str = "relevance"
    snippets: bool = True
    variants: bool = False
    dedup: bool = False
    explain: bool = False
    count_only: bool = False          # count the matches; make no hits
    mentions: bool = False            # count matched words (what kwic lists), not articles
    ranking: RankingParams | None = field(default=None, compare=False)
    analysis: AnalysisSettings | None = field(default=None, compare=False)

    def filters(self) -> Filters:
        """Turn the option strings into a filter."""
        from newsgrep.index.search.searcher import Filters

        if self.since or self.until:
            from newsgrep.ingest.dates import parse_cli_date
        since = parse_cli_date(self.since, end=False) if self.since else None
        until = parse_cli_date(self.until, end=True) if self.until else None
        if since and until and since >= until:
            raise UsageError(f"--since {self.since} is after --until {self.until}")
        return Filters(since=since, until=until, source=self.source)

    def mode(self) -> str:
        """Describe the query mode in words (for --explain)."""
        return ("any word (OR), ranked" if self.any_terms else "all words (AND)") + (
            ", spelling variants" if self.variants else "")


def listen_to_notes(listener: Callable[[str], None]) -> None:
    """Have ``listener`` called with each note on how a query was read when it is not as typed
    ("C++ is searched as C"), from now on."""
    from newsgrep import notes

    notes.listen(listener)


def index_dir(index: str | os.PathLike[str] | None) -> Path:
    """Resolve --index / $NEWSGREP_INDEX / the per-user default."""
    from newsgrep.index.store.location import resolve_index_dir

    return resolve_index_dir(index)


def _settings(options: SearchOptions) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if options.ranking is not None:
        kwargs["params"] = options.ranking
    if options.analysis is not None:
        kwargs["analysis"] = options.analysis
    return kwargs


def _open(index: str | None, options: SearchOptions, cluster: str | None) -> ShardedIndex:
    """Open an index for searching: every search goes one way, through a ShardedIndex (an
    ordinary index is a sharded index of one shard), here or on a Dask cluster when ``cluster``
    names one (so $NEWSGREP_CLUSTER serves every index)."""
    from newsgrep.index.search.shards import Mapper, ShardedIndex, local_map
    from newsgrep.index.store.opening import await_swap
    from newsgrep.index.store.shards import shard_count

    where = index_dir(index)
    await_swap(where)  # before the manifest is read: a rebuild's swap under way, or cut in half
    mapper: Mapper = local_map
    if cluster:
        from newsgrep.cluster import mapper as cluster_mapper

        mapper = cluster_mapper(cluster)
    return ShardedIndex(where, shard_count(where), mapper=mapper, **_settings(options))


def check_settings() -> None:
    """Check every NEWSGREP_* environment variable; a malformed one is a UsageError naming it."""
    from newsgrep.settings import check

    check()


def keep_cluster_clients(seconds: float | None = None) -> None:
    """Have this process's ``cluster=`` calls reach, and start, kept Dask clients (newsgrep.cluster.keep)
    that wait ``seconds`` (default $NEWSGREP_CLUSTER_KEEP, else 600; 0: none) for their next call:
    what a command line wants, whose process ends with its command."""
    from newsgrep.cluster import keep_clients
    from newsgrep.cluster.keep import keep_seconds

    keep_clients(keep_seconds() if seconds is None else seconds)


# --- index / remove ------------------------------------------------------------------------------

def build_index(paths: Sequence[str], index: str | None = None, *, jobs: int | None = None,
                rebuild: bool = False, field_map: Sequence[str] = (), include: Sequence[str] = (),
                exclude: Sequence[str] = (), progress: Progress | None = None,
                keep_boilerplate: bool | None = None, no_ignore: bool = False,
                analysis: AnalysisSettings | None = None, shards: int | None = None,
                cluster: str | None = None) -> IndexReport:
    """Index files and folders into the index, incrementally (``keep_boilerplate``: keep the
    lines a folder's text files repeat; None: as this index was last told)."""
    from newsgrep.index.write.build import build_index as _build
    from newsgrep.ingest.files import resolve_paths
    from newsgrep.ingest.readers.fields import parse_field_map

    mapping = parse_field_map(list(field_map))
    roots = resolve_paths(paths)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if shards is not None and shards < 1:
        raise UsageError("--shards must be at least 1")
    kwargs: dict[str, Any] = {} if analysis is None else {"analysis": analysis}
    if cluster:
        from newsgrep.cluster import connect

        kwargs["runner"] = connect(cluster).runner()
    return _build(roots, index_dir(index), jobs=jobs, rebuild=rebuild, field_map=mapping,
                  include=include, exclude=exclude, progress=progress,
                  keep_boilerplate=keep_boilerplate, no_ignore=no_ignore, shards=shards, **kwargs)


def remove(paths: Sequence[str], index: str | None = None, cluster: str | None = None) -> IndexReport:
    """Drop the articles of files or folders from the index (any spelling of their paths); a
    path with no indexed articles is an error."""
    from newsgrep.index.write.build import remove_paths

    return remove_paths([Path(p).expanduser().absolute() for p in paths], index_dir(index))


# --- search --------------------------------------------------------------------------------------

def _ordered(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """List spellings by how many articles hold them, most first."""
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def search(query: str, index: str | None = None, options: SearchOptions = SearchOptions(),
           cluster: str | None = None) -> SearchResult:
    """Run a query: its hits, count, spellings and explanation."""
    with _open(index, options, cluster) as sh:
        return _run(sh, query, options, None)


def count(query: str, index: str | None = None, options: SearchOptions = SearchOptions()) -> int:
    """Count the articles (or groups, or mentions) that match a query."""
    from dataclasses import replace

    return search(query, index, replace(options, count_only=True)).total


def _run(sh: ShardedIndex, text: str, options: SearchOptions, qid: str | None) -> SearchResult:
    """Run one query on every shard and merge: the answer one index of the same articles gives."""
    from newsgrep.index.search.shards import ShardRequest

    bound = sh.bind(text, options.any_terms, options.variants, options.filters())
    limit = 0 if options.count_only else options.limit
    request = ShardRequest(limit, options.sort, options.snippets, options.dedup, options.mentions,
                           options.variants, qid, count=options.count_only or options.explain)
    total, hits, spellings, mentions = sh.query(bound, request)
    if options.mentions:
        total = mentions
    explanation = None
    if options.explain:
        from newsgrep.index.search.explain import explain

        explanation = explain(sh.local, bound, options.mode(), total)
    return SearchResult(text, total, hits, qid, spellings if options.variants else (), explanation)


def read_batch(path: str) -> list[tuple[str, str]]:
    """Read a batch file (``-``: standard input): one query a line, ``QID<TAB>QUERY`` or
    ``QUERY`` (numbered by line); blank lines and lines starting with ``#`` are skipped."""
    from newsgrep.ingest.readers.decode import read_text

    try:
        text = sys.stdin.read() if path == "-" else read_text(Path(path))
    except (NewsgrepError, OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read batch file {path}: {exc}") from exc
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        qid, tab, q = line.partition("\t")
        out.append((qid.strip(), q.strip()) if tab else (str(n), line.strip()))
    return out


def search_batch(queries: Sequence[tuple[str, str]], index: str | None = None,
                 options: SearchOptions = SearchOptions(),
                 cluster: str | None = None) -> Iterator[SearchResult]:
    """Run many queries on one open index, in order. A query that cannot be read gives a result
    with its ``error`` and no hits; read each result's hits before asking for the next."""
    with _open(index, options, cluster) as sh:
        for qid, text in queries:
            try:
                yield _run(sh, text, options, qid)
            except QueryError as exc:
                yield SearchResult(text, 0, (), qid, error=str(exc))


# --- reading, counting, exporting ----------------------------------------------------------------

def show(article: str, index: str | None = None, query: str | None = None,
         cluster: str | None = None, any_terms: bool = False, variants: bool = False) -> ArticleView | None:
    """Return one whole article by id, or by the path of a file that holds one article (None
    when there is no such article); the query's words marked (``any_terms``, ``variants``: read
    the query as search's --any and --variants do)."""
    from newsgrep.index.search.research import view

    with _open(index, SearchOptions(), cluster) as sh:
        doc = sh.document(article) or _by_path(sh.local, article)
        if doc is None:
            return None
        return view(sh.local[0], doc, sh.bind(query, any_terms, variants) if query else None)


def _by_path(searchers: Sequence[Searcher], article: str) -> dict[str, Any] | None:
    """Find the one article of a file given by path (any spelling of it), in one index or in
    every shard of a sharded one."""
    p = Path(article).expanduser()
    if not p.exists():
        return None
    found: list[tuple[Searcher, int]] = []
    for spelling in dict.fromkeys((os.path.realpath(p), str(p.absolute()))):
        found = [(s, d) for s in searchers for d in s.documents_of(spelling)]
        if found:
            break
    if not found:
        return None
    if len(found) > 1:
        shown = ", ".join(sorted(s.column("id")[d] for s, d in found)[:5])
        raise UsageError(f"{article} holds {len(found):,} articles; show one by its id "
                         f"({shown}{', ...' if len(found) > 5 else ''})")
    s, d = found[0]
    return dict(s.reader.stored_fields(d))


def export(query: str | None = None, index: str | None = None,
           options: SearchOptions = SearchOptions(limit=None),
           cluster: str | None = None) -> Iterator[Article]:
    """Yield the whole records of a query's matches, or of every article without a query
    (in id order, or by date with --sort)."""
    by_id = query is None and options.sort == "relevance"
    with _open(index, options, cluster) as sh:
        filters = options.filters()
        bound = sh.bind(query, options.any_terms, options.variants, filters) if query else \
            sh.everything(filters)
        yield from sh.records(bound, options.sort, by_id)


def kwic(query: str, index: str | None = None, options: SearchOptions = SearchOptions(),
         width: int = 40, sort: str = "date", cluster: str | None = None) -> list[KwicLine]:
    """Return every occurrence of the query's words in context."""
    from newsgrep.index.search.research import sort_kwic

    if width < 1:
        raise UsageError("--width must be at least 1")
    if sort not in ("left", "right", "date"):
        raise UsageError(f"bad sort {sort!r}: use left, right or date")
    with _open(index, options, cluster) as sh:
        bound = sh.bind(query, options.any_terms, options.variants, options.filters())
        return sort_kwic(sh.kwic(bound, width), sort)


def timeline(query: str, index: str | None = None, options: SearchOptions = SearchOptions(),
             by: str = "month", cluster: str | None = None) -> Timeline:
    """Count the articles (or, with mentions, the matched words) per day, week, month or year,
    or per source; a period cut by the date filters counts only its part inside them."""
    from newsgrep.index.search.research import BY, timeline_of

    if by not in BY:
        raise UsageError(f"bad period {by!r}: use {', '.join(BY)}")
    with _open(index, options, cluster) as sh:
        filters = options.filters()
        bound = sh.bind(query, options.any_terms, options.variants, filters)
        counts, undated, totals = sh.timeline(bound, filters, by, options.mentions)
        return timeline_of(counts, undated, totals, by, options.mentions, filters)


def filter_notes(index: str | None = None, options: SearchOptions = SearchOptions(),
                 cluster: str | None = None) -> tuple[str, ...]:
    """Say which filters of ``options`` name nothing in the index: a source no article has (with
    similar or the most common ones), dates on an index without dated articles or outside its
    dates. Costs a count per filter; a scan of the index only when one names nothing."""
    import difflib

    from newsgrep.index.search.searcher import Filters

    filters = options.filters()
    named_nothing = [f for f in (Filters(source=filters.source) if filters.source else None,
                                 Filters(since=filters.since, until=filters.until)
                                 if filters.since or filters.until else None)
                     if f is not None and not _passing(index, f, cluster)]
    if not named_nothing:
        return ()
    st = stats(index, cluster)
    notes = []
    if any(f.source for f in named_nothing) and options.source:
        names = {name.lower(): name for name in st.sources if name != "(none)"}
        close = [names[k] for k in difflib.get_close_matches(options.source.lower(), list(names), 5, 0.5)]
        close += [n for n in names.values() if options.source.lower() in n.lower() and n not in close]
        which = "similar sources" if close else "the most common sources"
        shown = (close or list(names.values()))[:5]
        notes.append(f"no article has the source {options.source!r}" + (
            f"; {which}: {', '.join(repr(n) for n in shown)}" if shown else "; no article has a source"))
    if any(f.since or f.until for f in named_nothing):
        if st.first_date is None or st.last_date is None:
            notes.append("no article in the index has a date, so --since/--until match nothing")
        else:
            notes.append(f"no article is dated inside --since/--until: the index's dates run from "
                         f"{st.first_date} to {st.last_date}")
    return tuple(notes)


def _passing(index: str | None, filters: Filters, cluster: str | None) -> int:
    """Count the articles that pass filters, whatever they say."""
    from newsgrep.index.search.shards import ShardRequest

    with _open(index, SearchOptions(), cluster) as sh:
        return sh.query(sh.everything(filters), ShardRequest(0, count=True))[0]


def collocates(query: str, index: str | None = None, options: SearchOptions = SearchOptions(),
               window: int = 5, limit: int = 20, min_count: int = 1,
               cluster: str | None = None) -> Collocates:
    """Return the words within ``window`` words of the query's mentions, scored against the rest
    of the filtered corpus (``limit`` 0: all)."""
    from newsgrep.index.search.collocates import collocate_rows, shard_collocates
    from newsgrep.models import Collocates

    if window < 1:
        raise UsageError("--window must be at least 1")
    _check_list(limit, min_count)
    filters = options.filters()
    with _open(index, options, cluster) as sh:
        bound = sh.bind(query, options.any_terms, options.variants, filters)
        parts = sh.each(shard_collocates, bound, filters, window)
    windows, corpus = _added(p[0] for p in parts), _added(p[1] for p in parts)
    rows = collocate_rows(windows, corpus, min_count, limit or None)
    return Collocates(query, window, rows, windows.mentions, windows.articles, windows.size, corpus.size,
                      corpus.articles)


def keywords(query: str, index: str | None = None, options: SearchOptions = SearchOptions(),
             against: str | None = None, limit: int = 20, both: bool = False, min_count: int = 1,
             cluster: str | None = None) -> Keywords:
    """Return the words that mark the query's matching articles against the other articles that
    pass the filters, or against those matching ``against`` (``limit`` 0: all)."""
    from collections import Counter

    from newsgrep.index.search.collocates import keyword_rows, shard_forms, shard_keywords
    from newsgrep.models import Keywords

    _check_list(limit, min_count)
    filters = options.filters()
    forms: Counter[tuple[str, str]] = Counter()
    with _open(index, options, cluster) as sh:
        bound = sh.bind(query, options.any_terms, options.variants, filters)
        other = sh.bind(against, options.any_terms, options.variants, filters) if against else None
        parts = sh.each(shard_keywords, bound, filters, other)
        target, reference = _added(p[0] for p in parts), _added(p[1] for p in parts)
        if both and (missing := frozenset(reference.counts) - frozenset(target.counts)):
            for got in sh.each(shard_forms, missing):
                forms.update(got)
    if target.articles and not reference.size:
        if against:
            raise UsageError(f"no article that passes the filters matches --against {against}: nothing to "
                             "compare with")
        raise UsageError("every article that passes the filters matches the query: nothing is left to "
                         "compare with (name a reference with --against, or narrow the filters)")
    rows = keyword_rows(target, reference, forms, both, min_count, limit or None)
    return Keywords(query, against, rows, target.articles, target.size, reference.articles, reference.size)


def _check_list(limit: int, min_count: int) -> None:
    if limit < 0:
        raise UsageError("-n must be 0 (all) or more")
    if min_count < 1:
        raise UsageError("--min-count must be at least 1")


def _added(parts: Iterator[Any]) -> Any:
    """Add up the word counts of every shard."""
    from newsgrep.index.search.collocates import WordCounts

    out = WordCounts()
    for p in parts:
        out.add(p)
    return out


def stats(index: str | None = None, cluster: str | None = None) -> IndexStats:
    """Describe the index: articles, dates, sources, size, last update."""
    from newsgrep.index.search.research import folder_size, merge_stats
    from newsgrep.index.store.catalog import open_catalog

    where = index_dir(index)
    with _open(index, SearchOptions(), cluster) as sh:  # checks that there is a current index
        catalog = open_catalog(where)
        try:
            updated, version = catalog.get("updated"), catalog.get("version")
        finally:
            catalog.close()
        return merge_stats(sh.stats(), str(where), folder_size(where), updated, version, sh.shards)
