"""Integration on the real BBC corpus (2,225 articles in five topic folders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import need_corpus
from newsgrep import api
from newsgrep.api import SearchOptions
from newsgrep.index.query.analysis import NewsAnalyzer


@pytest.mark.corpus
def test_prime_minister_returns_politics_first(bbc_index: Path) -> None:
    hits = list(api.search('"prime minister"', str(bbc_index)).hits)
    assert len(hits) == 10
    assert all(h.source == "politics" for h in hits[:4])
    assert sum(h.source == "politics" for h in hits) >= 8


@pytest.mark.corpus
@pytest.mark.parametrize("query", ["prime minister", "strike", "Yukos oil", '"interest rates"',
                                   "film award*", "Chelsea OR Arsenal"])
def test_every_highlight_is_a_query_word(bbc_index: Path, query: str) -> None:
    analyzer = NewsAnalyzer().chain
    words = query.replace('"', "").replace(" OR ", " ").split()
    wanted = set(analyzer.terms(" ".join(w for w in words if "*" not in w)))
    prefixes = [w.rstrip("*").lower() for w in words if w.endswith("*")]
    hits = list(api.search(query, str(bbc_index), SearchOptions(limit=20)).hits)
    assert hits
    for hit in hits:
        for s in hit.snippets:
            for a, b in s.highlights:
                word = s.text[a:b]
                terms = analyzer.terms(word)
                assert terms, word
                # a word of the query (any form of it), or a word as written that a wildcard names
                assert set(terms) <= wanted or any(word.lower().startswith(p) for p in prefixes), word


@pytest.mark.corpus
def test_count_matches_all_hits(bbc_index: Path) -> None:
    n = api.count("Yukos", str(bbc_index))
    assert n == len(list(api.search("Yukos", str(bbc_index), SearchOptions(limit=None, snippets=False)).hits))
    assert n > 5


@pytest.mark.corpus
def test_reindex_of_unchanged_corpus_reads_nothing(bbc_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsgrep.index.write.reading as reading

    def fail(*a: object, **k: object) -> None:
        raise AssertionError("a file was read again")

    monkeypatch.setattr(reading.FileReading, "__init__", fail)
    report = api.build_index([str(need_corpus("bbc"))], str(bbc_index), jobs=1,
                             exclude=["README.TXT", "SOURCE.md"])
    assert (report.files_read, report.unchanged, report.added, report.removed) == (0, 2225, 0, 0)


@pytest.mark.corpus
def test_source_and_sort_on_bbc(bbc_index: Path) -> None:
    hits = list(api.search("goal", str(bbc_index), SearchOptions(source="sport", limit=50)).hits)
    assert hits and all(h.source == "sport" for h in hits)
    assert api.count("goal", str(bbc_index), SearchOptions(source="sport")) < api.count("goal", str(bbc_index))
