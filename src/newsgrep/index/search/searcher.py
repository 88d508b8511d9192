"""Searching: parse the query, rank, filter, sort, and turn hits into plain records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgrep.errors import QueryError, UsageError
from newsgrep.hits import Hit
from newsgrep.index.query.schema import SEARCH_FIELDS, TITLE_BOOST, weighting
from newsgrep.index.search import columns
from newsgrep.index.search.columns import UNDATED
from newsgrep.index.search.highlight import find_matches, make_snippets, match_spec, matched_words
from newsgrep.index.store.opening import check_current, during_swap

if TYPE_CHECKING:
    from newsgrep.models import Explanation

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Filters:
    """Restrictions on which articles may match."""

    since: datetime | None = None
    until: datetime | None = None  # exclusive
    source: str | None = None

    def query(self) -> Any:
        """Return the Whoosh filter query, or None."""
        from whoosh import query

        parts: list[Any] = []
        if self.since or self.until:
            end = self.until - timedelta(microseconds=1) if self.until else None
            parts.append(query.DateRange("date", self.since, end))
        if self.source:
            parts.append(query.Term("source_key", self.source.lower()))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else query.And(parts)


_PARSERS: dict[tuple[int, bool, bool], tuple[Any, Any]] = {}


def make_parser(schema: Any, any_terms: bool = False, dates: bool = True) -> Any:
    """Return the query parser: Whoosh's language over title and body, AND unless --any.

    Parsers are kept per schema and mode; ``dates=False`` leaves out the date parser (slow to
    build), which only reads ``date:`` terms.
    """
    key = (id(schema), any_terms, dates)
    kept = _PARSERS.get(key)
    if kept is not None and kept[0] is schema:
        return kept[1]
    from whoosh import qparser

    group = qparser.OrGroup if any_terms else qparser.AndGroup
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, group=group,
                                      fieldboosts={"title": TITLE_BOOST, "body": 1.0})
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    if dates:
        from whoosh.qparser.dateparse import DateParserPlugin

        parser.add_plugin(DateParserPlugin(free=False))
    _PARSERS[key] = (schema, parser)
    return parser


def _errors(q: Any) -> list[str]:
    from whoosh import query

    found = []
    for node in q.all_parts() if hasattr(q, "all_parts") else [q]:
        if isinstance(node, query.qcore._NullQuery):
            continue
        if type(node).__name__ == "ErrorQuery":
            found.append(str(getattr(node, "msg", "unparseable part")))
    if type(q).__name__ == "ErrorQuery":
        found.append(str(getattr(q, "msg", "unparseable part")))
    return found


def _fold_patterns(q: Any, analyzer: Any) -> Any:
    """Fold wildcard and prefix words the way indexed words are folded.

    The index holds stems, so a prefix is also cut to its stem when that is shorter:
    ``negotiat*`` looks for ``negoti*`` and finds negotiation, negotiators, negotiating.
    """
    from whoosh import query

    from newsgrep.index.query.analysis import fold

    def fix(node: Any) -> Any:
        if isinstance(node, query.FuzzyTerm) and node.fieldname in SEARCH_FIELDS:
            word = analyzer.term(node.text) or fold(node.text)
            return query.FuzzyTerm(node.fieldname, word, boost=node.boost, maxdist=node.maxdist,
                                   prefixlength=node.prefixlength)
        if isinstance(node, query.Prefix) and node.fieldname in SEARCH_FIELDS:
            word = fold(node.text)
            stem = analyzer.term(word) or word
            if len(stem) < len(word) and word.startswith(stem):
                word = stem
            return query.Prefix(node.fieldname, word, boost=node.boost)
        if isinstance(node, query.Wildcard) and node.fieldname in SEARCH_FIELDS:
            return query.Wildcard(node.fieldname, node.text.lower(), boost=node.boost)
        return node

    return q.accept(fix)


# A query of plain words: each starts and ends with a letter or digit, with only apostrophes,
# hyphens, dots and commas inside ("Syria's", "al-Assad", "12,000", "U.S"), and none is an
# operator. Anything else (quotes, wildcards, fields, brackets, +/-, ~, ^) goes to the parser.
_PLAIN_WORD = re.compile(r"[^\W_](?:[\w'’.,-]*[^\W_])?")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


def _plain_words(text: str, schema: Any, any_terms: bool) -> Any:
    """Build the query Whoosh's parser would for plain words, without loading the parser
    (about 6 ms of a cold search); None for any other query. Tests compare the two."""
    words = text.split()
    if not all(_PLAIN_WORD.fullmatch(w) and w not in _OPERATORS for w in words):
        return None
    from whoosh import query

    from newsgrep.index.query.ranking import rank_fields_together

    parts = []
    for word in words:
        terms = schema["body"].analyzer.terms(word)
        if not terms:
            continue  # a stopword
        if len(terms) == 1:
            fields = [query.Term(f, terms[0], boost=TITLE_BOOST if f == "title" else 1.0)
                      for f in SEARCH_FIELDS]
        else:  # a hyphenated word: the parser makes a phrase of its parts
            fields = [query.Phrase(f, terms, boost=TITLE_BOOST if f == "title" else 1.0)
                      for f in SEARCH_FIELDS]
        parts.append(query.Or(fields))
    if not parts:
        return None  # only stopwords: the parser says so
    return rank_fields_together((query.Or if any_terms else query.And)(parts)).normalize()


def parse_query(text: str, schema: Any, any_terms: bool = False) -> Any:
    """Parse a query string, raising QueryError for what Whoosh cannot make sense of."""
    from whoosh import query

    from newsgrep.index.query.ranking import rank_fields_together

    if not text or not text.strip():
        raise QueryError("empty query")
    simple = _plain_words(text, schema, any_terms)
    if simple is not None:
        return simple
    parser = make_parser(schema, any_terms, dates="date" in text.lower())
    try:
        q = rank_fields_together(parser.parse(text, normalize=False)).normalize()
    except Exception as exc:  # whoosh raises assorted types for malformed syntax
        raise QueryError(f"cannot parse query {text!r}: {exc}") from exc
    errors = _errors(q)
    if errors:
        raise QueryError(f"cannot parse query {text!r}: {errors[0]}")
    if q is query.NullQuery or isinstance(q, query.qcore._NullQuery):
        raise QueryError(f"query {text!r} has no searchable words (only stopwords?)")
    return _fold_patterns(q, schema["body"].analyzer)


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


def _open(index_dir: Path) -> tuple[Any, Any]:
    """Open an index and a Whoosh searcher on it (every segment file opened)."""
    from whoosh.filedb.filestore import FileStorage

    from newsgrep.index.query.schema import analysis_settings
    from newsgrep.index.store.location import INDEX_NAME
    from newsgrep.index.whoosh_compat.pickles import open_index

    check_current(index_dir, analysis_settings())
    ix = open_index(FileStorage(str(index_dir)), index_dir, INDEX_NAME)
    return ix, ix.searcher(weighting=weighting())


class Searcher:
    """An open index, ready for any number of queries."""

    def __init__(self, index_dir: Path) -> None:
        from newsgrep.index.query.schema import news_analyzer

        self.index_dir = index_dir
        self.ix, self.searcher = during_swap(index_dir, _open)
        self.analyzer = news_analyzer()
        self._columns: dict[str, Any] = {}
        self._fast: Any = None
        self._allowed: dict[Any, frozenset[int]] = {}

    def _column(self, name: str) -> Any:
        """Return a column of the open index (id, date, or bytes), read once per Searcher."""
        got = self._columns.get(name)
        if got is None:
            reader = self.searcher.reader()
            got = (columns.ids(reader) if name == "id" else columns.dates(reader) if name == "date"
                   else columns.byte_values(reader, name))
            self._columns[name] = got
        return got

    def _evaluator(self) -> Any:
        if self._fast is None:
            from newsgrep.index.search.evaluator import FastEvaluator

            self._fast = FastEvaluator(self.searcher)
        return self._fast

    def _passing(self, fq: Any) -> frozenset[int] | None:
        """Return the documents that pass a filter query (kept per Searcher), or None."""
        if fq is None:
            return None
        allowed = self._allowed.get(fq)
        if allowed is None:
            allowed = self._allowed[fq] = frozenset(self.searcher.docs_for_query(fq))
        return allowed

    def _scores(self, q: Any, fq: Any) -> dict[int, float] | None:
        """Score every match with the block evaluator (fastsearch.py), or None where it cannot."""
        scores = self._evaluator().scores(q)
        allowed = self._passing(fq)
        if scores is None or allowed is None:
            return scores
        return {d: s for d, s in scores.items() if d in allowed}

    def close(self) -> None:
        """Release the index."""
        self.searcher.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def parse(self, text: str, any_terms: bool = False, variants: bool = False) -> Any:
        """Parse a query for this index; with ``variants``, names match their other spellings."""
        if not variants:
            return parse_query(text, self.ix.schema, any_terms)
        from newsgrep.index.query.variants import expand, quote_names

        return expand(parse_query(quote_names(text), self.ix.schema, any_terms),
                      self.searcher.reader())

    def matching(self, q: Any, filters: Filters = Filters()) -> list[int]:
        """Return the numbers of every matching document, unranked."""
        scores = self._scores(q, filters.query())
        if scores is not None:
            return sorted(scores)
        results = self.searcher.search(q, limit=None, scored=False, filter=filters.query())
        return sorted(results.docs())

    def matching_all(self, filters: Filters) -> list[int]:
        """Return every document that passes the filters, whatever it says."""
        from whoosh import query

        return self.matching(query.Every(), filters)

    def ranked(self, q: Any, limit: int | None, filters: Filters, sort: str) -> list[tuple[float, str, int]]:
        """Return (score, id, docnum) of matches in rank or date order."""
        if sort == "relevance":
            return self._ranked(q, limit, filters.query())
        return self._by_date(q, limit, filters.query(), newest=sort == "newest")

    def groups(self, ranked: list[tuple[float, str, int]]) -> list[tuple[float, str, int, list[int]]]:
        """Group near-duplicate hits: the earliest article of a group stands for it, at the
        rank of its best-scoring member; the others are listed with it."""
        from newsgrep.text.dedup import group

        sketches = self._column("minhash")
        dates = self._column("date")
        by_doc = {d: (s, i) for s, i, d in ranked}
        order = sorted(by_doc, key=lambda d: (dates[d], by_doc[d][1]))
        grouped = group({d: sketches[d] for d in by_doc}, order)
        out = []
        for rep, members in grouped.items():
            best = max(by_doc[m][0] for m in members)
            out.append((best, by_doc[rep][1], rep, [m for m in members if m != rep]))
        out.sort(key=lambda t: (-t[0], t[1]))
        return out

    def count(self, q: Any, filters: Filters = Filters(), dedup: bool = False) -> int:
        """Count every matching article (or, with ``dedup``, every group of near-duplicates)."""
        if dedup:
            return len(self.groups(self._ranked(q, None, filters.query())))
        scores = self._scores(q, filters.query())
        if scores is not None:
            return len(scores)
        results = self.searcher.search(q, limit=None, scored=False, filter=filters.query())
        return len(results)

    def _ranked(self, q: Any, limit: int | None, fq: Any) -> list[tuple[float, str, int]]:
        """Return (score, id, docnum) of the top ``limit``, ties broken by id."""
        ids = self._column("id")
        if limit is not None:
            best = self._evaluator().top(q, limit, self._passing(fq))
            scores = None if best is None else {d: s for s, d in best}
        else:
            scores = self._scores(q, fq)
        if scores is not None:
            return _top(scores, ids, limit)
        if limit is None:
            res = self.searcher.search(q, limit=None, filter=fq)
            top = [(float(s), ids[d], d) for s, d in res.top_n]
        else:
            # Fetch a margin beyond ``limit`` so that articles tied with the last one shown are
            # usually all in the first pass (reprints and copies tie); widen only if not.
            k = max(4 * limit, 40) + 1
            while True:
                res = self.searcher.search(q, limit=k, filter=fq)
                top = [(float(s), ids[d], d) for s, d in res.top_n]
                if len(top) < k or top[-1][0] < top[limit - 1][0]:
                    break
                k *= 4
        top.sort(key=lambda t: (-t[0], t[1]))
        return top if limit is None else top[:limit]

    def _by_date(self, q: Any, limit: int | None, fq: Any, newest: bool) -> list[tuple[float, str, int]]:
        """Return matches in date order, undated last, ties broken by id."""
        scores = self._scores(q, fq)
        if scores is None:
            res = self.searcher.search(q, limit=None, filter=fq)
            scores = {d: float(s) for s, d in res.top_n}
        ids = self._column("id")
        dates = self._column("date")
        dated: list[tuple[int, str, int, float]] = []
        undated: list[tuple[int, str, int, float]] = []
        for d, s in scores.items():
            when = dates[d]  # microseconds since year 1; a missing date reads as 2**64 - 1
            (dated if when < UNDATED else undated).append((when, ids[d], d, s))
        dated.sort(key=lambda t: t[1])
        dated.sort(key=lambda t: t[0], reverse=newest)
        undated.sort(key=lambda t: t[1])
        out = [(s, i, d) for _, i, d, s in dated + undated]
        return out if limit is None else out[:limit]

    def hits(self, q: Any, *, limit: int | None = 10, filters: Filters = Filters(),
             sort: str = "relevance", snippets: bool = True, qid: str | None = None,
             dedup: bool = False) -> Iterator[Hit]:
        """Run a parsed query and yield its hits in order."""
        if sort not in SORTS:
            raise UsageError(f"bad sort {sort!r}: use one of {', '.join(SORTS)}")
        fq = filters.query()
        dupes: dict[int, list[int]] = {}
        if dedup:
            grouped = self.groups(self._ranked(q, None, fq))
            dupes = {rep: others for _, _, rep, others in grouped}
            ranked = [(s, i, d) for s, i, d, _ in grouped]
            if sort != "relevance":
                keep = set(dupes)
                ranked = [r for r in self._by_date(q, None, fq, sort == "newest") if r[2] in keep]
            ranked = ranked if limit is None else ranked[:limit]
        elif sort == "relevance":
            ranked = self._ranked(q, limit, fq)
        else:
            ranked = self._by_date(q, limit, fq, newest=sort == "newest")
        spec = match_spec(q, self.searcher.reader()) if snippets else None
        ids = self._column("id")
        for rank, (score, _id, docnum) in enumerate(ranked, 1):
            hit = self._hit(rank, score, docnum, spec, qid)
            if dedup:
                hit = replace(hit, duplicates=tuple(ids[d] for d in dupes.get(docnum, [])))
            yield hit

    def _hit(self, rank: int, score: float, docnum: int, spec: Any, qid: str | None) -> Hit:
        doc = self.searcher.stored_fields(docnum)
        snippets: tuple[Any, ...] = ()
        terms: tuple[str, ...] = ()
        if spec is not None:
            title, body = doc.get("title") or "", doc.get("body") or ""
            t_spans = find_matches(title, spec, self.analyzer)
            b_spans = find_matches(body, spec, self.analyzer)
            snippets = tuple(make_snippets(body, b_spans))
            terms = tuple(matched_words([title, body], [t_spans, b_spans]))
        return Hit(rank=rank, score=round(score, 6), id=doc["id"], path=doc["path"],
                   title=doc.get("title") or "", date=doc.get("date_text"),
                   source=doc.get("source") or None, url=doc.get("url"), snippets=snippets,
                   matched_terms=terms, qid=qid)

    def explain(self, q: Any, text: str, options: Any) -> Explanation:
        """Describe a parsed query: its form, its expanded terms with document counts."""
        from newsgrep.models import Explanation

        reader = self.searcher.reader()
        terms = set()
        for fieldname, term in q.iter_all_terms(phrases=True):
            terms.add((fieldname, term))
        for leaf in q.leaves():
            try:
                terms.update(leaf.expanded_terms(reader))
            except Exception:  # a leaf that cannot expand (e.g. a range) is shown as parsed
                continue
        rows = []
        for fieldname, term in sorted(terms, key=lambda t: (t[0], str(t[1]))):
            word = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            try:
                df = reader.doc_frequency(fieldname, term)
            except Exception:  # non-text fields (dates) have no simple term statistics
                df = 0
            rows.append((fieldname, word, int(df)))
        mode = ("any word (OR)" if options.any_terms else "all words (AND)") + (
            ", spelling variants" if options.variants else "")
        return Explanation(query=text, parsed=str(q), mode=mode, terms=tuple(rows),
                           matches=self.count(q, options.filters(), options.dedup))

    def document(self, article_id: str) -> dict[str, Any] | None:
        """Return the stored fields of one article, or None."""
        docnum = self.searcher.document_number(id=article_id)
        return None if docnum is None else dict(self.searcher.stored_fields(docnum))
