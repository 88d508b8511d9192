"""Research views over an open index: timelines, keyword in context, whole articles, statistics."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from newsgrep.index.search import columns
from newsgrep.index.search.highlight import find_matches, match_spec
from newsgrep.index.search.searcher import UNDATED, Filters, Searcher
from newsgrep.models import Article, ArticleView, IndexStats, KwicLine, Timeline, TimelineRow

PERIODS = ("day", "week", "month", "year")


def _as_datetime(raw: int) -> datetime:
    from whoosh.util.times import long_to_datetime

    return long_to_datetime(raw)


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
                   author=doc.get("author"), lang=doc.get("lang"), extra=doc.get("extra"))


def timeline(s: Searcher, q: Any, filters: Filters, by: str) -> Timeline:
    """Count matching articles per period, beside all articles of the period (same filters
    but the query), from the first to the last period with a hit."""
    if by not in PERIODS:
        raise ValueError(by)
    reader = s.searcher.reader()
    dates = columns.dates(reader)
    hits = s.matching(q, filters)
    counts: Counter[str] = Counter()
    undated = 0
    starts: list[date] = []
    for d in hits:
        raw = dates[d]
        if raw >= UNDATED:
            undated += 1
            continue
        day = _as_datetime(raw).date()
        counts[period_of(day, by)] += 1
        starts.append(_period_start(day, by))
    if not starts:
        return Timeline(by, (), undated)
    base = Filters(source=filters.source)
    population = s.matching_all(base) if base.source else reader.all_doc_ids()
    totals: Counter[str] = Counter()
    for d in population:
        raw = dates[d]
        if raw < UNDATED:
            totals[period_of(_as_datetime(raw).date(), by)] += 1
    rows = []
    cur, last = min(starts), max(starts)
    while cur <= last:
        name = period_of(cur, by)
        n, total = counts.get(name, 0), totals.get(name, 0)
        rows.append(TimelineRow(name, n, total, round(n / total, 6) if total else 0.0))
        cur = _next_start(cur, by)
    return Timeline(by, tuple(rows), undated)


def kwic(s: Searcher, q: Any, filters: Filters, width: int, sort: str) -> list[KwicLine]:
    """Every occurrence of the query's words in the matching articles, with context."""
    spec = match_spec(q, s.searcher.reader())
    reader = s.searcher.reader()
    dates = columns.dates(reader)
    lines: list[tuple[Any, ...]] = []
    for d in s.matching(q, filters):
        doc = s.searcher.stored_fields(d)
        for part, text in enumerate((doc.get("title") or "", doc.get("body") or "")):
            flat = " ".join(text.split()) if "\n" in text or "  " in text else text
            for start, end in find_matches(flat, spec, s.analyzer):
                left = flat[max(0, start - width):start]
                right = flat[end:end + width]
                line = KwicLine(doc["id"], doc.get("date_text"), left, flat[start:end], right)
                lines.append((dates[d], doc["id"], part, start, line))
    if sort == "left":
        lines.sort(key=lambda t: ([w.lower() for w in reversed(t[4].left.split())], t[4].match.lower(), t[1]))
    elif sort == "right":
        lines.sort(key=lambda t: (t[4].right.lower().split(), t[4].match.lower(), t[1]))
    else:
        lines.sort(key=lambda t: (t[0], t[1], t[2], t[3]))
    return [t[4] for t in lines]


def view(s: Searcher, article_id: str, q: Any | None) -> ArticleView | None:
    """Return a whole article, with the query's words marked when a query is given."""
    doc = s.document(article_id)
    if doc is None:
        return None
    article = article_of(doc)
    if q is None:
        return ArticleView(article)
    spec = match_spec(q, s.searcher.reader())
    return ArticleView(article, tuple(find_matches(article.title, spec, s.analyzer)),
                       tuple(find_matches(article.body, spec, s.analyzer)))


def export(s: Searcher, q: Any | None, filters: Filters, sort: str) -> Iterator[Article]:
    """Yield whole records: of the matches of a query (in rank or date order), or of everything."""
    if q is None:
        from whoosh import query

        q = query.Every()
        if sort == "relevance":
            sort = "id"
    if sort == "id":
        ids = columns.ids(s.searcher.reader())
        docnums = sorted(s.matching(q, filters), key=lambda d: ids[d])
    else:
        docnums = [d for _, _, d in s.ranked(q, None, filters, sort)]
    for d in docnums:
        yield article_of(s.searcher.stored_fields(d))


def stats(s: Searcher, updated: str | None, version: str | None) -> IndexStats:
    """Describe what the index holds."""
    reader = s.searcher.reader()
    dates = columns.dates(reader)
    names = columns.byte_values(reader, "source_name")
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
    size = sum(os.path.getsize(os.path.join(root, f))
               for root, _, files in os.walk(s.index_dir) for f in files)
    return IndexStats(
        articles=n, undated=undated,
        first_date=_as_datetime(lo).date().isoformat() if lo is not None else None,
        last_date=_as_datetime(hi).date().isoformat() if hi is not None else None,
        sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        index=str(s.index_dir), size_bytes=size, updated=updated, version=version)
