"""Research views over an open index: timelines, keyword in context, whole articles, statistics."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from newsgrep.index.query.bound import BoundQuery
from newsgrep.index.search.columns import UNDATED
from newsgrep.index.search.highlight import FieldSpec, MatchSpec, find_matches, find_mentions
from newsgrep.index.search.searcher import Filters, Searcher
from newsgrep.index.whoosh_compat.numeric import to_datetime
from newsgrep.models import Article, ArticleView, IndexStats, KwicLine, SourceRow, Timeline, TimelineRow

PERIODS = ("day", "week", "month", "year")
BY = (*PERIODS, "source")  # what a timeline's rows can be


def period_of(when: date, by: str) -> str:
    """Name the period a date falls in: 2019, 2019-12, 2019-W52 (ISO week) or 2019-12-24."""
    if by == "year":
        return f"{when.year:04d}"
    if by == "month":
        return f"{when.year:04d}-{when.month:02d}"
    if by == "week":
        y, w, _ = when.isocalendar()
        return f"{y:04d}-W{w:02d}"
    return when.isoformat()


def _period_start(when: date, by: str) -> date:
    if by == "year":
        return date(when.year, 1, 1)
    if by == "month":
        return date(when.year, when.month, 1)
    if by == "week":
        return when - timedelta(days=when.weekday())
    return when


def _next_start(start: date, by: str) -> date:
    if by == "year":
        return date(start.year + 1, 1, 1)
    if by == "month":
        return date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start + timedelta(days=7 if by == "week" else 1)


def article_of(doc: dict[str, Any]) -> Article:
    """Rebuild an Article from an index document's stored fields."""
    return Article(id=doc["id"], path=doc["path"], title=doc.get("title") or "",
                   body=doc.get("body") or "", date=doc.get("date_text"),
                   source=doc.get("source") or None, url=doc.get("url"),
                   author=doc.get("author"), lang=doc.get("lang"), extra=doc.get("extra"),
                   title_derived=bool(doc.get("title_derived")))


def mentions(s: Searcher, doc: dict[str, Any], spec: MatchSpec) -> int:
    """Count the mentions of one article (what kwic lists for it): a phrase or a name once."""
    return sum(len(find_mentions(text, fs, s.analyzer)) for text, fs in _fields(doc, spec))


def _fields(doc: dict[str, Any], spec: MatchSpec) -> list[tuple[str, FieldSpec]]:
    """Pair an article's title and body with what the query marks in each (a derived title
    only by title:, so that its words are counted once, where the body has them)."""
    return [(doc.get("title") or "", spec.title_of(doc)), (doc.get("body") or "", spec.body)]


TimelineCounts = tuple[Counter[Any], int, Counter[Any]]


def _source_of(name: bytes | None) -> str | None:
    return name.decode("utf-8") if name else None


def timeline_counts(s: Searcher, bound: BoundQuery, filters: Filters, by: str,
                    count_mentions: bool = False, totals_always: bool = False) -> TimelineCounts:
    """Count matching articles (or mentions) by the first day of their period, the undated
    ones, and all articles of each period that pass the same filters (the query aside). By
    source: by source name (None for none), undated ones counted in too. The totals are left
    out when nothing matched, unless ``totals_always`` (a shard: other shards may have matches)."""
    if by not in BY:
        raise ValueError(by)
    dates = s.column("date")
    names = s.column("source_name") if by == "source" else None
    spec = s.spec(bound) if count_mentions else None
    counts: Counter[Any] = Counter()
    undated = 0
    for d in s.matching(bound):
        n = 1 if spec is None else mentions(s, s.reader.stored_fields(d), spec)
        raw = dates[d]
        if raw >= UNDATED:
            undated += n
        if names is not None:
            counts[_source_of(names[d])] += n
        elif raw < UNDATED:
            counts[_period_start(to_datetime(raw).date(), by)] += n
    totals: Counter[Any] = Counter()
    if counts or totals_always:
        for d in s.matching(s.everything(filters)):
            if names is not None:
                totals[_source_of(names[d])] += 1
            elif dates[d] < UNDATED:
                totals[_period_start(to_datetime(dates[d]).date(), by)] += 1
    return counts, undated, totals


def _share(n: int, total: int) -> float:
    return round(n / total, 6) if total else 0.0


def _cut(start: date, by: str, filters: Filters) -> bool:
    """Tell whether --since/--until leave out part of the period that starts on ``start``."""
    first = datetime.combine(start, time())
    after = datetime.combine(_next_start(start, by), time())
    return bool((filters.since and filters.since > first) or (filters.until and filters.until < after))


def timeline_of(counts: Counter[Any], undated: int, totals: Counter[Any], by: str,
                count_mentions: bool = False, filters: Filters | None = None) -> Timeline:
    """Make the timeline rows, from the first to the last period with a hit, empty ones included
    and cut ones marked partial; by source, one row per source with a hit, most first."""
    if not counts:
        return Timeline(by, (), undated, count_mentions)
    if by == "source":
        order = sorted(counts, key=lambda k: (-counts[k], k is None, k or ""))
        return Timeline(by, tuple(SourceRow(k, counts[k], totals[k], _share(counts[k], totals[k]), False, undated)
                                  for k in order), undated, count_mentions)
    rows = []
    cur, last = min(counts), max(counts)
    cut = filters or Filters()
    while cur <= last:
        n, total = counts.get(cur, 0), totals.get(cur, 0)
        rows.append(TimelineRow(period_of(cur, by), n, total, _share(n, total), _cut(cur, by, cut), undated))
        cur = _next_start(cur, by)
    return Timeline(by, tuple(rows), undated, count_mentions)


def kwic_rows(s: Searcher, bound: BoundQuery, width: int) -> list[tuple[Any, ...]]:
    """Every occurrence of the query's words in the matching articles, with context, each with
    its keys of order: (raw date, id, title or body, offset, line)."""
    spec = s.spec(bound)
    dates = s.column("date")
    rows: list[tuple[Any, ...]] = []
    for d in s.matching(bound):
        doc = s.reader.stored_fields(d)
        for part, (text, fs) in enumerate(_fields(doc, spec)):
            flat = " ".join(text.split()) if "\n" in text or "  " in text else text
            for m in find_mentions(flat, fs, s.analyzer):
                left = flat[max(0, m.start - width):m.start]
                right = flat[m.end:m.end + width]
                line = KwicLine(doc["id"], doc.get("date_text"), left, flat[m.start:m.end], right)
                rows.append((dates[d], doc["id"], part, m.start, line))
    return rows


def sort_kwic(rows: list[tuple[Any, ...]], sort: str) -> list[KwicLine]:
    """Order keyword-in-context lines: by date (then article and place), or by the words left
    of the keyword (nearest first, as concordancers do), or right of it."""
    if sort == "left":
        rows.sort(key=lambda t: ([w.lower() for w in reversed(t[4].left.split())], t[4].match.lower(), t[1]))
    elif sort == "right":
        rows.sort(key=lambda t: (t[4].right.lower().split(), t[4].match.lower(), t[1]))
    else:
        rows.sort(key=lambda t: (t[0], t[1], t[2], t[3]))
    return [t[4] for t in rows]


def view(s: Searcher, doc: dict[str, Any], bound: BoundQuery | None) -> ArticleView:
    """Return a whole article, with the query's words marked when a query is given."""
    article = article_of(doc)
    if bound is None:
        return ArticleView(article)
    spec = s.spec(bound)
    return ArticleView(article, tuple(find_matches(article.title, spec.title_of(doc), s.analyzer)),
                       tuple(find_matches(article.body, spec.body, s.analyzer)))


def merge_stats(parts: Sequence[IndexStats], index: str, size: int, updated: str | None,
                version: str | None, shards: int) -> IndexStats:
    """Describe a sharded index from its shards' descriptions (``shards``: its count, 0 for an
    ordinary index served as one shard)."""
    sources: Counter[str] = Counter()
    for p in parts:
        sources.update(p.sources)
    firsts = [p.first_date for p in parts if p.first_date]
    lasts = [p.last_date for p in parts if p.last_date]
    return IndexStats(articles=sum(p.articles for p in parts), undated=sum(p.undated for p in parts),
                      first_date=min(firsts) if firsts else None, last_date=max(lasts) if lasts else None,
                      sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
                      index=index, size_bytes=size, updated=updated, version=version, shards=shards)


def folder_size(folder: str | os.PathLike[str] | None) -> int:
    """Add up the sizes of a folder's files, below it too."""
    if folder is None:
        return 0
    return sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(folder) for f in files)


def stats(s: Searcher, updated: str | None, version: str | None) -> IndexStats:
    """Describe what the index holds."""
    reader = s.reader
    dates = s.column("date")
    names = s.column("source_name")
    n = undated = 0
    lo = hi = None
    sources: Counter[str] = Counter()
    for d in reader.all_doc_ids():
        n += 1
        raw = dates[d]
        if raw >= UNDATED:
            undated += 1
        else:
            lo = raw if lo is None or raw < lo else lo
            hi = raw if hi is None or raw > hi else hi
        name = names[d]
        sources[name.decode("utf-8") if name else "(none)"] += 1
    size = folder_size(s.index_dir)
    return IndexStats(
        articles=n, undated=undated,
        first_date=to_datetime(lo).date().isoformat() if lo is not None else None,
        last_date=to_datetime(hi).date().isoformat() if hi is not None else None,
        sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        index=str(s.index_dir), size_bytes=size, updated=updated, version=version)
