"""The library face of newsgrep: what the CLI (and scripts) call."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsgrep.errors import UsageError

if TYPE_CHECKING:
    from newsgrep.hits import Hit
    from newsgrep.index.search.searcher import Filters
    from newsgrep.models import (
        Article,
        ArticleView,
        Explanation,
        IndexReport,
        IndexStats,
        KwicLine,
        Progress,
        Timeline,
    )


@dataclass(frozen=True)
class SearchOptions:
    """How to run a query."""

    limit: int | None = 10
    any_terms: bool = False
    since: str | None = None
    until: str | None = None
    source: str | None = None
    sort: str = "relevance"
    snippets: bool = True
    variants: bool = False
    dedup: bool = False

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


def index_dir(index: str | os.PathLike[str] | None) -> Path:
    """Resolve --index / $NEWSGREP_INDEX / the per-user default."""
    from newsgrep.index.store.location import resolve_index_dir

    return resolve_index_dir(index)


def build_index(paths: Sequence[str], index: str | None = None, *, jobs: int | None = None,
                rebuild: bool = False, field_map: Sequence[str] = (), include: Sequence[str] = (),
                exclude: Sequence[str] = (), progress: Progress | None = None,
                keep_boilerplate: bool | None = None) -> IndexReport:
    """Index files and folders into the index, incrementally (``keep_boilerplate``: keep the
    lines a folder's text files repeat; None: as this index was last told)."""
    from newsgrep.index.write.build import build_index as _build
    from newsgrep.ingest.files import resolve_paths
    from newsgrep.ingest.readers.fields import parse_field_map

    mapping = parse_field_map(list(field_map))
    roots = resolve_paths(paths)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return _build(roots, index_dir(index), jobs=jobs, rebuild=rebuild, field_map=mapping,
                  include=include, exclude=exclude, progress=progress,
                  keep_boilerplate=keep_boilerplate)


def remove(paths: Sequence[str], index: str | None = None) -> IndexReport:
    """Drop the articles of files or folders from the index."""
    from newsgrep.index.write.build import remove_paths

    return remove_paths([Path(p).expanduser().absolute() for p in paths], index_dir(index))


def search(query: str, index: str | None = None,
           options: SearchOptions = SearchOptions()) -> Iterator[Hit]:
    """Yield the ranked hits of a query."""
    from newsgrep.index.search.searcher import Searcher

    filters = options.filters()
    with Searcher(index_dir(index)) as s:
        q = s.parse(query, options.any_terms, options.variants)
        yield from s.hits(q, limit=options.limit, filters=filters, sort=options.sort,
                          snippets=options.snippets, dedup=options.dedup)


def count(query: str, index: str | None = None, options: SearchOptions = SearchOptions()) -> int:
    """Count the articles that match a query."""
    from newsgrep.index.search.searcher import Searcher

    filters = options.filters()
    with Searcher(index_dir(index)) as s:
        return s.count(s.parse(query, options.any_terms, options.variants), filters, options.dedup)


def read_batch(path: str) -> list[tuple[str, str]]:
    """Read a batch file: one query a line, ``QID<TAB>QUERY`` or ``QUERY`` (numbered from 1)."""
    from newsgrep.ingest.readers.decode import read_text

    try:
        text = read_text(Path(path))
    except Exception as exc:
        raise UsageError(f"cannot read batch file {path}: {exc}") from exc
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        qid, tab, q = line.partition("\t")
        out.append((qid.strip(), q.strip()) if tab else (str(n), line.strip()))
    return out


def search_batch(queries: Sequence[tuple[str, str]], index: str | None = None,
                 options: SearchOptions = SearchOptions(),
                 on_error: Callable[[str], None] | None = None) -> Iterator[Hit]:
    """Run many queries on one open index; each hit carries its query's id. A query that
    cannot be parsed is reported to ``on_error`` and skipped (or raised without one)."""
    from newsgrep.errors import QueryError
    from newsgrep.index.search.searcher import Searcher

    filters = options.filters()
    with Searcher(index_dir(index)) as s:
        for qid, text in queries:
            try:
                q = s.parse(text, options.any_terms, options.variants)
            except QueryError as exc:
                if on_error is None:
                    raise QueryError(f"query {qid}: {exc}") from exc
                on_error(f"query {qid}: {exc}")
                continue
            yield from s.hits(q, limit=options.limit, filters=filters, sort=options.sort,
                              snippets=options.snippets, qid=qid, dedup=options.dedup)


def show(article_id: str, index: str | None = None, query: str | None = None) -> ArticleView | None:
    """Return one whole article (None for an unknown id), the query's words marked."""
    from newsgrep.index.search.research import view
    from newsgrep.index.search.searcher import Searcher

    with Searcher(index_dir(index)) as s:
        q = s.parse(query, variants=False) if query else None
        return view(s, article_id, q)


def export(query: str | None = None, index: str | None = None,
           options: SearchOptions = SearchOptions(limit=None)) -> Iterator[Article]:
    """Yield the whole records of a query's matches, or of every article without a query."""
    from newsgrep.index.search.research import export as _export
    from newsgrep.index.search.searcher import Searcher

    filters = options.filters()
    with Searcher(index_dir(index)) as s:
        q = s.parse(query, options.any_terms, options.variants) if query else None
        yield from _export(s, q, filters, options.sort)


def kwic(query: str, index: str | None = None, options: SearchOptions = SearchOptions(),
         width: int = 40, sort: str = "date") -> list[KwicLine]:
    """Return every occurrence of the query's words in context."""
    from newsgrep.index.search.research import kwic as _kwic
    from newsgrep.index.search.searcher import Searcher

    if width < 1:
        raise UsageError("--width must be at least 1")
    if sort not in ("left", "right", "date"):
        raise UsageError(f"bad sort {sort!r}: use left, right or date")
    filters = options.filters()
    with Searcher(index_dir(index)) as s:
        return _kwic(s, s.parse(query, options.any_terms, options.variants), filters, width, sort)


def timeline(query: str, index: str | None = None, options: SearchOptions = SearchOptions(),
             by: str = "month") -> Timeline:
    """Count the articles that match a query per day, week, month or year."""
    from newsgrep.index.search.research import PERIODS
    from newsgrep.index.search.research import timeline as _timeline
    from newsgrep.index.search.searcher import Searcher

    if by not in PERIODS:
        raise UsageError(f"bad period {by!r}: use {', '.join(PERIODS)}")
    filters = options.filters()
    with Searcher(index_dir(index)) as s:
        return _timeline(s, s.parse(query, options.any_terms, options.variants), filters, by)


def stats(index: str | None = None) -> IndexStats:
    """Describe the index: articles, dates, sources, size, last update."""
    from newsgrep.index.search.research import stats as _stats
    from newsgrep.index.search.searcher import Searcher
    from newsgrep.index.store.catalog import open_catalog

    where = index_dir(index)
    with Searcher(where) as s:
        catalog = open_catalog(where)
        try:
            updated, version = catalog.get("updated"), catalog.get("version")
        finally:
            catalog.close()
        return _stats(s, updated, version)


def explain(query: str, index: str | None = None, options: SearchOptions = SearchOptions()) -> Explanation:
    """Describe how a query is read: the parsed query, its terms and their document counts."""
    from newsgrep.index.search.searcher import Searcher

    with Searcher(index_dir(index)) as s:
        q = s.parse(query, options.any_terms, options.variants)
        return s.explain(q, query, options)


def variant_counts(query: str, index: str | None = None,
                   options: SearchOptions = SearchOptions()) -> list[tuple[str, int]]:
    """Count, over all matching articles, the articles in which each matched spelling occurs."""
    from collections import Counter

    from newsgrep.index.search.highlight import find_matches, match_spec
    from newsgrep.index.search.searcher import Searcher

    filters = options.filters()
    counts: Counter[str] = Counter()
    with Searcher(index_dir(index)) as s:
        q = s.parse(query, options.any_terms, options.variants)
        spec = match_spec(q, s.searcher.reader())
        for d in s.matching(q, filters):
            doc = s.searcher.stored_fields(d)
            words: set[str] = set()
            for text in (doc.get("title") or "", doc.get("body") or ""):
                words.update(text[a:b].lower() for a, b in find_matches(text, spec, s.analyzer))
            counts.update(words)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
