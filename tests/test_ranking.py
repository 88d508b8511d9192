"""BM25F ranking over title and body: one saturation per word, query term frequency, phrases exact."""

from __future__ import annotations

import math

import pytest

from newsgrep.index.query.bound import Match, Seq, Terms
from newsgrep.index.query.ranking import RankingParams
from newsgrep.index.search.searcher import Searcher
from newsgrep.index.write.memory import memory_index
from newsgrep.models import Article

DOCS = {
    "title-only": ("Idlib shelling resumes", "Residents fled north overnight."),
    "body-only": ("Overnight news", "Shelling in Idlib resumed overnight, residents said."),
    "neither": ("Weather", "Rain in the north."),
    "many-idlib": ("Idlib", "Idlib Idlib Idlib Idlib Idlib Idlib Idlib Idlib Idlib Idlib."),
}


DEFAULT = RankingParams()


def _searcher(params: RankingParams = DEFAULT) -> Searcher:
    articles = [Article(i, i, t, b) for i, (t, b) in DOCS.items()]
    return Searcher(None, params, ix=memory_index(articles))


def _search(text: str, params: RankingParams = DEFAULT) -> dict[str, float]:
    with _searcher(params) as s:
        bound = s.bind(text, any_terms=True)
        ids = s.column("id")
        return {ids[d]: v for d, v in s.scores(bound).items()}


def test_plain_words_become_one_bm25f_term_and_phrases_positions() -> None:
    with _searcher() as s:
        root = s.bind('idlib "shelling resumes" idlib', any_terms=True).root
    assert isinstance(root, Match)
    words = [n for n in root.should if isinstance(n, Terms)]
    assert len(words) == 1 and words[0].boost == 2.0  # typed twice, counts twice
    assert words[0].fields == ("title", "body") and words[0].terms == ("idlib",)
    (phrase,) = [n for n in root.should if isinstance(n, Seq)]
    assert [p.terms for p in phrase.parts] == [("shell",), ("resum",)] and phrase.offsets == (0, 1)


def test_title_weighs_more_and_a_word_saturates_once() -> None:
    ranked = _search("idlib")
    assert "neither" not in ranked
    assert ranked["title-only"] > ranked["body-only"]
    # eleven mentions in title and body saturate: far less than eleven times a single mention
    assert ranked["many-idlib"] < 3 * ranked["title-only"]


def test_bm25f_score_by_hand() -> None:
    """One document's score, computed from the formula with the index's own lengths."""
    ranked = _search("overnight")
    n, df = 4, 2  # "overnight" is in title-only (body) and body-only (title and body)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    from whoosh.util.numeric import byte_to_length, length_to_byte

    def approx(length: int) -> int:  # Whoosh stores a length as one byte
        return int(byte_to_length(length_to_byte(length)))

    title_lengths = [3, 2, 1, 1]   # terms with stopwords dropped: idlib shell resum / overnight news / ...
    body_lengths = [4, 6, 2, 10]
    avg_t, avg_b = sum(title_lengths) / n, sum(body_lengths) / n
    tf = 2.0 * 1 / (1 - 0.75 + 0.75 * approx(2) / avg_t) + 1.0 * 1 / (1 - 0.75 + 0.75 * approx(6) / avg_b)
    assert ranked["body-only"] == pytest.approx(idf * tf * 2.2 / (tf + 1.2), rel=1e-12)


def test_phrase_matches_only_the_exact_words() -> None:
    assert list(_search('"shelling resumes"')) == ["title-only"]


def test_fields_apart_is_another_ranking() -> None:
    together, apart = _search("idlib"), _search("idlib", RankingParams(together=False))
    assert together.keys() == apart.keys() and together != apart
