"""The block evaluator (index/fastsearch.py) scores exactly what Whoosh's matchers score."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from whoosh import query

from conftest import need_corpus
from newsgrep import api
from newsgrep.errors import UnsafeIndex
from newsgrep.index.search.evaluator import FastEvaluator, positions
from newsgrep.index.search.searcher import Filters, Searcher

# Plain words (BM25F), AND and OR, phrases (stopwords inside, three words, in the title), field
# terms, negations.
EXACT = [
    "government", "oil prices", "blair brown election", "blair OR brown OR election",
    '"prime minister"', '"bank of england"', '"chief executive officer"', '"interest rates" rise',
    'title:"prime minister"', "title:oil", "oil -gas", "oil NOT gas", "the oil",
    "yukos khodorkovsky", "zzzqqq", "(oil OR gas) prices -opec",
]


def _whoosh(s: Searcher, q: query.Query) -> dict[int, float]:
    return {d: float(score) for score, d in s.searcher.search(q, limit=None).top_n}


def _same(fast: dict[int, float] | None, slow: dict[int, float]) -> None:
    assert fast is not None
    assert fast.keys() == slow.keys()
    for d, score in slow.items():
        assert fast[d] == pytest.approx(score, rel=1e-12), d


@pytest.mark.parametrize("text", EXACT)
def test_scores_match_whoosh(bbc_index: Path, text: str) -> None:
    with Searcher(bbc_index) as s:
        q = s.parse(text)
        if type(q) is query.And and any(type(c) is query.Not for c in q.subqueries):
            # Whoosh adds 1.0 to every match for each NOT clause; the evaluator adds nothing.
            fast = FastEvaluator(s.searcher).scores(q)
            slow = {d: v - 1.0 for d, v in _whoosh(s, q).items()}
            _same(fast, slow)
            return
        _same(FastEvaluator(s.searcher).scores(q), _whoosh(s, q))


@pytest.mark.parametrize("text", ["econom*", "govern*", "title:econom*", "invest* bank"])
def test_patterns_sum_the_bm25_of_their_words(bbc_index: Path, text: str) -> None:
    """A wildcard scores as an OR of its words, each with the field's boost, on any index size
    (Whoosh switches to constant scores on indexes under 5,000 documents)."""
    with Searcher(bbc_index) as s:
        q = s.parse(text)
        reader = s.searcher.reader()

        def spelled(node: query.Query) -> query.Query:
            if isinstance(node, query.PatternQuery):
                words = sorted({w for leaf, _ in reader.leaf_readers() for w in node._btexts(leaf)})
                return query.Or([query.Term(node.fieldname, w, boost=node.boost) for w in words])
            return node

        fast = FastEvaluator(s.searcher).scores(q)
        slow = _whoosh(s, q.accept(spelled))
        assert fast is not None and fast.keys() == slow.keys() and len(fast) > 20
        for d, score in slow.items():
            assert fast[d] == pytest.approx(score, rel=1e-9)


def test_deleted_and_changed_articles_across_segments(tmp_path: Path) -> None:
    """Segments with deleted documents (files changed and removed after the first run)."""
    bbc = need_corpus("bbc")
    data = tmp_path / "data"
    for topic in ("business", "politics"):
        shutil.copytree(bbc / topic, data / topic)
    ix = tmp_path / "ix"
    assert api.build_index([str(data)], str(ix)).ok
    changed = sorted((data / "business").glob("*.txt"))[:40]
    for f in changed[:20]:
        f.write_text(f.read_text(encoding="utf-8") + "\nOil prices rose again.\n", encoding="utf-8")
    for f in changed[20:]:
        f.unlink()
    assert api.build_index([str(data)], str(ix)).ok
    with Searcher(ix) as s:
        reader = s.searcher.reader()
        assert reader.has_deletions() and not reader.is_atomic()
        for text in ("oil prices", '"oil prices"', "government", "econom* -tax"):
            q = s.parse(text)
            fast = FastEvaluator(s.searcher).scores(q)
            if "*" in text:
                assert fast is not None and fast.keys() == _whoosh(s, q).keys()
            else:
                _same(fast, _whoosh(s, q))
        deleted = {d for d in range(reader.doc_count_all()) if reader.is_deleted(d)}
        assert deleted and not deleted & set(FastEvaluator(s.searcher).scores(s.parse("oil")) or {})


def test_other_queries_fall_back_to_whoosh(bbc_index: Path) -> None:
    with Searcher(bbc_index) as s:
        fe = FastEvaluator(s.searcher)
        for text in ['"prime minister"~3', "govenment~", "NOT oil"]:
            q = s.parse(text)
            assert fe.scores(q) is None
            hits = list(s.hits(q, limit=5, snippets=False))
            assert hits, text


def test_search_results_and_filters(bbc_index: Path) -> None:
    """Searcher's ranked results, counts and filters through the evaluator agree with Whoosh."""
    with Searcher(bbc_index) as s:
        q = s.parse("oil prices")
        ranked = s.ranked(q, 10, Filters(), "relevance")
        ids = s._column("id")
        slow = sorted(((sc, ids[d], d) for d, sc in _whoosh(s, q).items()), key=lambda t: (-t[0], t[1]))
        assert ranked == slow[:10]
        assert s.count(q) == len(slow)
        business = s.ranked(q, None, Filters(source="business"), "relevance")
        assert 0 < len(business) < len(slow)
        assert all(s.searcher.stored_fields(d)["source"] == "business" for _, _, d in business)


def test_positions_never_run_code() -> None:
    assert positions(b"\x00\x00\x00\x03" + pickle.dumps([3, 2, 5], 2)[:-1]) == [3, 5, 10]

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("ran",))

    with pytest.raises(UnsafeIndex):
        positions(b"\x00\x00\x00\x01" + pickle.dumps([Boom()], 2))


@pytest.mark.parametrize("text", ['"prime minister"', '"minister prime"', '"interest rates" rise',
                                  '"oil prices" OR "gas prices"', 'blair -"prime minister"',
                                  '"chief executive" OR title:"chief executive"', "oil prices"])
@pytest.mark.parametrize("limit", [1, 10, 200])
def test_lazy_top_equals_exact_ranking(bbc_index: Path, text: str, limit: int) -> None:
    """Checking phrase positions only for the best candidates gives the exact top ``limit``."""
    from newsgrep.index.search.searcher import _top

    with Searcher(bbc_index) as s:
        q = s.parse(text)
        fe = FastEvaluator(s.searcher)
        exact = fe.scores(q)
        best = fe.top(q, limit)
        assert exact is not None and best is not None
        assert all(exact[d] == v for v, d in best)
        ids = s._column("id")
        assert _top({d: v for v, d in best}, ids, limit) == _top(exact, ids, limit)
        assert len(exact) > 0 or text == '"minister prime"'  # candidates, none in that order
