"""Concurrent use: searches during an `index` run, and a second `index` on the same index."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from test_crash import SMALL_COMMITS, _corpus, _env, _generation, _index, _one_article_index, _state

from conftest import newsgrep_cmd, newsgrep_process
from newsgrep import api
from newsgrep.errors import NewsgrepError


@pytest.mark.subprocess
def test_searches_and_a_second_index_during_an_index_run(tmp_path: Path) -> None:
    a, b, n_a, n_b = _corpus(tmp_path / "corpus")
    ix = tmp_path / "index"
    first = subprocess.Popen(newsgrep_cmd("index", str(a), str(b), "--index", str(ix), "--jobs", "2", "-q"),
                             env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while _generation(ix) < 1:
        assert first.poll() is None, first.communicate()[1]
        time.sleep(0.01)
    # A second run on the same index: gives up after its timeout with one clear line ...
    impatient = newsgrep_process("index", str(a), "--index", str(ix), timeout=120, status=2,
                                 env={**SMALL_COMMITS, "NEWSGREP_LOCK_TIMEOUT": "1"}).err
    assert "waiting for another newsgrep run" in impatient
    assert "still writing" in impatient and "Traceback" not in impatient
    # ... or waits for the first one and then finds nothing left to do.
    patient = subprocess.Popen(newsgrep_cmd("index", str(a), "--index", str(ix)), env=_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    counts: list[int] = []
    failures: list[str] = []
    while first.poll() is None:
        try:
            counts.append(api.count("year", str(ix)))
            hits = list(api.search("said", str(ix), api.SearchOptions(limit=5)).hits)
            assert all(h.title for h in hits)
        except NewsgrepError as exc:  # never expected: reported below with the message
            failures.append(str(exc))
        time.sleep(0.02)
    _, err = first.communicate()
    assert first.returncode == 0, err
    out, err2 = patient.communicate(timeout=300)
    assert patient.returncode == 0, err2
    assert "waiting for another newsgrep run" in err2 and f"{n_a:,} unchanged" in err2
    assert not failures, failures[:3]
    assert len(counts) > 3 and counts == sorted(counts), "a search saw committed articles vanish"
    ids, catalog = _state(ix)
    assert len(ids) == n_a + n_b == sum(catalog.values())
    assert counts[-1] <= api.count("year", str(ix))


@pytest.mark.subprocess
def test_searches_during_a_rebuild_see_the_whole_index_throughout(tmp_path: Path) -> None:
    a, _, n_a, _ = _corpus(tmp_path / "corpus")
    ix = tmp_path / "index"
    _index(str(a), "--index", str(ix), "-q")
    expected = api.count("year", str(ix))
    rebuild = subprocess.Popen(newsgrep_cmd("index", str(a), "--rebuild", "--index", str(ix), "-q"),
                               env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[int] = []
    while rebuild.poll() is None:
        seen.append(api.count("year", str(ix)))  # raises (and fails the test) on any error
    _, err = rebuild.communicate()
    assert rebuild.returncode == 0, err
    seen.append(api.count("year", str(ix)))
    assert len(seen) > 3 and set(seen) == {expected}
    assert len(_state(ix)[0]) == n_a


def test_a_search_reads_no_table_of_contents_after_its_reader_is_open(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild may swap the folder just after a search opened its reader (CI saw the old
    table of contents gone a moment later): the search goes on with what it opened."""
    from newsgrep.index.search import searcher

    ix = _one_article_index(tmp_path)
    aside = tmp_path / "aside"
    aside.mkdir()
    opened = searcher._open

    def open_then_swap(index_dir: Path, settings: str) -> tuple[object, object]:
        got = opened(index_dir, settings)
        for toc in index_dir.glob("*.toc"):  # as a rebuild's swap leaves it, for a moment
            toc.rename(aside / toc.name)
        return got

    monkeypatch.setattr(searcher, "_open", open_then_swap)
    assert api.count("Idlib", str(ix)) == 1
    for toc in aside.iterdir():
        toc.rename(ix / toc.name)
    assert [h.title for h in api.search("rain", str(ix)).hits] == ["Floods in Idlib"]

