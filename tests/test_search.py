"""Searching the library: ranking, filters, sorting, highlighting, incremental indexing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import SAMPLE
from newsgrep import api
from newsgrep.api import SearchOptions
from newsgrep.errors import IndexMissing, QueryError, UsageError
from newsgrep.index.query.analysis import NewsAnalyzer


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def small(tmp_path: Path) -> tuple[Path, Path]:
    """A made-up corpus of five short articles and its index."""
    docs = tmp_path / "news"
    write(docs / "2019-12-24-strike.txt",
          "Workers strike at port\n\nDock workers went on strike on Tuesday. The strikes spread.")
    write(docs / "2019-11-02-airstrike.txt",
          "Airstrikes hit Idlib\n\nAirstrikes hit two marketplaces in Idlib province.")
    write(docs / "2020-01-15-idlib.txt", "Idlib talks\n\nTalks on Idlib resumed in January with Turkey and Russia.")
    write(docs / "undated.txt", "Idlib undated\n\nAn undated story about Idlib and Aleppo.")
    write(docs / "other" / "2019-12-01-sport.txt", "Football final\n\nThe final ended in a draw.")
    ix = tmp_path / "ix"
    report = api.build_index([str(docs)], str(ix), jobs=1)
    assert report.ok and report.articles == 5
    return docs, ix


def ids(query: str, ix: Path, **kw: object) -> list[str]:
    return [h.id for h in api.search(query, str(ix), SearchOptions(**kw)).hits]  # type: ignore[arg-type]


def test_and_is_the_default_and_any_is_or(small: tuple[Path, Path]) -> None:
    _, ix = small
    assert ids("Idlib Aleppo", ix) == ["news/undated.txt"]
    assert set(ids("Idlib Aleppo", ix, any_terms=True)) == {
        "news/undated.txt", "news/2019-11-02-airstrike.txt", "news/2020-01-15-idlib.txt"}
    assert ids("Idlib Aleppo", ix, any_terms=True)[0] == "news/undated.txt"


def test_stemmed_forms_match_and_are_highlighted(small: tuple[Path, Path]) -> None:
    _, ix = small
    (hit,) = list(api.search("strike", str(ix)).hits)
    marked = {s.text[a:b] for s in hit.snippets for a, b in s.highlights}
    assert marked == {"strike", "strikes"}
    assert hit.matched_terms == ("strike", "strikes")


def test_date_filters_are_inclusive_and_skip_undated(small: tuple[Path, Path]) -> None:
    _, ix = small
    assert ids("Idlib", ix, until="2019-11") == ["news/2019-11-02-airstrike.txt"]
    assert ids("Idlib", ix, since="2020") == ["news/2020-01-15-idlib.txt"]
    assert sorted(ids("Idlib", ix, since="2019", until="2020-01-15")) == [
        "news/2019-11-02-airstrike.txt", "news/2020-01-15-idlib.txt"]
    with pytest.raises(UsageError):
        ids("Idlib", ix, since="last week")


def test_source_filter_and_sorting(small: tuple[Path, Path]) -> None:
    _, ix = small
    assert ids("final", ix, source="OTHER") == ["other/2019-12-01-sport.txt".join(["news/", ""])]
    assert ids("Idlib", ix, sort="newest") == [
        "news/2020-01-15-idlib.txt", "news/2019-11-02-airstrike.txt", "news/undated.txt"]
    assert ids("Idlib", ix, sort="oldest") == [
        "news/2019-11-02-airstrike.txt", "news/2020-01-15-idlib.txt", "news/undated.txt"]


def test_limit_and_count(small: tuple[Path, Path]) -> None:
    _, ix = small
    assert len(ids("Idlib", ix, limit=1)) == 1
    assert len(ids("Idlib", ix, limit=None)) == 3
    assert api.count("Idlib", str(ix)) == 3
    assert api.count("nothinglikethis", str(ix)) == 0


def test_query_language(small: tuple[Path, Path]) -> None:
    _, ix = small
    assert ids('"dock workers"', ix) == ["news/2019-12-24-strike.txt"]
    assert ids('"workers dock"', ix) == []
    assert ids('"workers strike"~2', ix) == ["news/2019-12-24-strike.txt"]
    assert ids("title:football", ix) == ["news/other/2019-12-01-sport.txt"]
    assert sorted(ids("Idl*", ix)) == sorted(ids("Idlib", ix))
    assert ids("Idlib NOT Aleppo NOT Turkey", ix) == ["news/2019-11-02-airstrike.txt"]
    assert ids("Idlb~", ix, limit=None) and set(ids("Idlb~", ix, limit=None)) == set(ids("Idlib", ix, limit=None))
    assert ids("date:2020 Idlib", ix) == ["news/2020-01-15-idlib.txt"]
    with pytest.raises(QueryError):
        ids("the", ix)


def test_ties_are_ordered_by_id(tmp_path: Path) -> None:
    docs = tmp_path / "same"
    for name in ("c.txt", "a.txt", "b.txt", "d.txt"):
        write(docs / name, "Same title\n\nIdentical body about floods.")
    ix = tmp_path / "ix"
    api.build_index([str(docs)], str(ix))
    assert ids("floods", ix) == ["same/a.txt", "same/b.txt", "same/c.txt", "same/d.txt"]
    assert ids("floods", ix, limit=2) == ["same/a.txt", "same/b.txt"]


def test_incremental_index_reads_only_changes(small: tuple[Path, Path]) -> None:
    docs, ix = small
    again = api.build_index([str(docs)], str(ix))
    assert (again.files_read, again.unchanged, again.added, again.removed) == (0, 5, 0, 0)
    write(docs / "2020-02-01-new.txt", "New Idlib story\n\nMore on Idlib.")
    target = docs / "2020-01-15-idlib.txt"
    write(target, "Idlib talks\n\nTalks on Idlib failed.")
    os.utime(target, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    (docs / "undated.txt").unlink()
    r = api.build_index([str(docs)], str(ix))
    assert (r.added, r.updated, r.removed, r.unchanged, r.files_read) == (1, 1, 1, 3, 2)
    assert sorted(ids("Idlib", ix, limit=None)) == [
        "news/2019-11-02-airstrike.txt", "news/2020-01-15-idlib.txt", "news/2020-02-01-new.txt"]
    assert ids("failed", ix) == ["news/2020-01-15-idlib.txt"]
    assert ids("resumed", ix) == []


def test_other_paths_are_never_touched(small: tuple[Path, Path], tmp_path: Path) -> None:
    docs, ix = small
    other = tmp_path / "elsewhere"
    write(other / "x.txt", "Elsewhere\n\nIdlib elsewhere.")
    api.build_index([str(other)], str(ix))
    api.build_index([str(docs / "other")], str(ix))
    assert api.count("Idlib", str(ix)) == 4
    report = api.remove([str(other)], str(ix))
    assert report.removed == 1
    assert api.count("Idlib", str(ix)) == 3


def test_rebuild_starts_over(small: tuple[Path, Path]) -> None:
    docs, ix = small
    r = api.build_index([str(docs / "other")], str(ix), rebuild=True)
    assert r.rebuilt and r.articles == 1
    assert api.count("Idlib", str(ix)) == 0
    assert not ix.with_name(ix.name + ".old").exists()


def test_id_collisions_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "a" / "one.jsonl", '{"id": "x1", "title": "First", "text": "alpha"}\n')
    write(tmp_path / "b" / "two.jsonl", '{"id": "x1", "title": "Second", "text": "beta"}\n')
    ix = tmp_path / "ix"
    r = api.build_index([str(tmp_path / "a"), str(tmp_path / "b")], str(ix))
    assert not r.ok and "already used" in r.skipped[0].message
    assert ids("alpha", ix) == ["x1"] and ids("beta", ix) == []


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="no index"):
        list(api.search("x", str(tmp_path / "nothing")).hits)


def test_changed_settings_force_a_rebuild(small: tuple[Path, Path]) -> None:
    from newsgrep.errors import IndexOutdated
    from newsgrep.index.store import catalog as store

    docs, ix = small
    current = (ix / store.SETTINGS).read_text(encoding="utf-8")
    # A search reads the settings file; an index from before it has only the catalog's.
    (ix / store.SETTINGS).write_text("schema=0;old", encoding="utf-8")
    with pytest.raises(IndexOutdated, match="rebuild"):
        list(api.search("Idlib", str(ix)).hits)
    (ix / store.SETTINGS).unlink()
    catalog = store.open_catalog(ix)
    catalog.set_many({"settings": "schema=0;old"})
    catalog.close()
    with pytest.raises(IndexOutdated, match="rebuild"):
        list(api.search("Idlib", str(ix)).hits)
    r = api.build_index([str(docs)], str(ix))
    assert r.rebuilt and r.articles == 5
    assert (ix / store.SETTINGS).read_text(encoding="utf-8") == current
    assert len(ids("Idlib", ix, limit=None)) == 3


def test_settings_file_cut_short_falls_back_to_the_catalog(small: tuple[Path, Path]) -> None:
    from newsgrep.index.store import catalog as store

    _, ix = small
    (ix / store.SETTINGS).write_text("", encoding="utf-8")  # as a crash before the data reached disk
    assert len(ids("Idlib", ix, limit=None)) == 3


def test_analyzer_keeps_news_tokens_sensible() -> None:
    a = NewsAnalyzer().chain
    assert a.terms("US sanctions in May") == ["us", "sanction", "may"]
    assert a.terms("12,000 people") == ["12000", "peopl"]
    assert a.terms("al-Assad's COVID-19") == ["al", "assad", "covid", "19"]
    assert a.terms("Maʿarrat Ma'arrat Maarrat") == ["maarrat"] * 3
    # positions keep the places of stopwords; written forms are folded, not stemmed
    assert a.positions("Bank of England") == {"bank": [0], "england": [2]}
    assert a.written_forms("Syria's Négociations") == {"syria", "negociations"}


def test_analyzers_share_their_caches_only_with_the_same_settings() -> None:
    """A worker opens one schema per shard: analyzers with equal settings share the process's
    caches (a word is learned once), and analyzers with other settings never see their answers."""
    from newsgrep.text.analysis import AnalysisSettings, Analyzer

    stemmed = NewsAnalyzer(AnalysisSettings(), "term").chain
    again = NewsAnalyzer(AnalysisSettings(), "written").chain
    plain = Analyzer(AnalysisSettings(stemmer=None))
    few_stops = Analyzer(AnalysisSettings(stopwords=frozenset({"the"})))
    assert stemmed.terms("Strikes hit the refineries of Idlib") == ["strike", "hit", "refineri", "idlib"]
    assert again._terms is stemmed._terms and again._written is stemmed._written
    assert plain._terms is not stemmed._terms
    assert plain.terms("Strikes hit the refineries of Idlib") == ["strikes", "hit", "refineries", "idlib"]
    assert few_stops.terms("Strikes hit the refineries of Idlib") == ["strike", "hit", "refineri", "of", "idlib"]
    assert stemmed.terms("Strikes of the refineries") == ["strike", "refineri"]


def test_seed_is_top_hit_for_idlib(sample_index: Path) -> None:
    hits = list(api.search("Idlib", str(sample_index)).hits)
    assert hits[0].title == "12,000 people flee Idlib amid regime, Russian attacks"
    assert hits[0].path == str(SAMPLE / "seed" / "000_149819f5d793fd8c.txt")
    for s in hits[0].snippets:
        assert s.highlights and all(s.text[a:b] == "Idlib" for a, b in s.highlights)
        assert "Search For Keyword" not in s.text and "Total Comments" not in s.text
