"""BM25F ranking over title and body: one saturation per word, query term frequency, phrases exact."""

from __future__ import annotations

from whoosh.filedb.filestore import RamStorage

from newsgrep.index.query.ranking import CombinedTerm
from newsgrep.index.query.schema import build_schema, weighting
from newsgrep.index.search.searcher import parse_query

DOCS = {
    "title-only": ("Idlib shelling resumes", "Residents fled north overnight."),
    "body-only": ("Overnight news", "Shelling in Idlib resumed overnight, residents said."),
    "neither": ("Weather", "Rain in the north."),
    "many-idlib": ("Idlib", "Idlib Idlib Idlib Idlib Idlib Idlib Idlib Idlib Idlib Idlib."),
}


def _search(text: str) -> list[tuple[str, float]]:
    schema = build_schema()
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        for doc_id, (title, body) in DOCS.items():
            w.add_document(id=doc_id, path=doc_id, title=title, body=body)
    q = parse_query(text, ix.schema, any_terms=True)
    with ix.searcher(weighting=weighting()) as s:
        return [(hit["id"], hit.score) for hit in s.search(q, limit=None)]


def test_plain_words_become_bm25f_terms_and_phrases_stay_per_field() -> None:
    q = parse_query('idlib "shelling resumes" idlib', build_schema(), any_terms=True)
    combined = [n for n in q.children() if isinstance(n, CombinedTerm)]
    assert len(combined) == 1 and combined[0].boost == 2.0  # typed twice, counts twice
    assert sorted(t.fieldname for t in combined[0].children()) == ["body", "title"]
    assert sum(1 for n in q.children() if type(n).__name__ == "Phrase") == 2


def test_title_weighs_more_and_a_word_saturates_once() -> None:
    ranked = dict(_search("idlib"))
    assert "neither" not in ranked
    assert ranked["title-only"] > ranked["body-only"]
    # eleven mentions in title and body saturate: far less than eleven times a single mention
    assert ranked["many-idlib"] < 3 * ranked["title-only"]


def test_phrase_matches_only_the_exact_words() -> None:
    ids = [doc for doc, _ in _search('"shelling resumes"')]
    assert ids == ["title-only"]
