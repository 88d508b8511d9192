"""Indexing in worker processes gives the same index as indexing in one process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import need_corpus
from newsgrep import api
from newsgrep.index.search.searcher import Searcher

QUERIES = ["government", '"prime minister"', "econom*", "oil prices", "Blair OR Brown"]


def _results(ix: Path) -> list[list[tuple[str, float]]]:
    with Searcher(ix) as s:
        return [[(h.id, h.score) for h in s.hits(s.ranked(s.bind(q), 20), None, snippets=False)]
                for q in QUERIES]


@pytest.mark.corpus
def test_workers_build_the_same_ranking_as_one_process(tmp_path: Path) -> None:
    bbc = need_corpus("bbc")
    one = api.build_index([str(bbc)], str(tmp_path / "one"), jobs=1, exclude=["README.TXT", "SOURCE.md"])
    two = api.build_index([str(bbc)], str(tmp_path / "two"), jobs=2, exclude=["README.TXT", "SOURCE.md"])
    assert one.articles == two.articles == 2225 and two.ok
    assert _results(tmp_path / "one") == _results(tmp_path / "two")


def _write_records(folder: Path, files: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        # files 10 and 50 reuse ids of files 3 and 4: the earlier file keeps them
        ids = [f"doc{n}-{k}" for k in range(3)]
        if n == 10:
            ids[1] = "doc3-1"
        if n == 50:
            ids[0] = "doc4-0"
        lines = [json.dumps({"id": i, "title": f"Story {i}", "body": f"Harbour strike day {n}"})
                 for i in ids]
        (folder / f"f{n:03d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_workers_resolve_id_collisions_and_updates_like_one_process(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _write_records(data, 80)
    reports = {j: api.build_index([str(data)], str(tmp_path / f"ix{j}"), jobs=j) for j in (1, 2)}
    for r in reports.values():
        assert r.articles == 238 and len(r.skipped) == 2
    assert [s.message for s in reports[1].skipped] == [s.message for s in reports[2].skipped]
    assert api.count("harbour", str(tmp_path / "ix2")) == 238
    with Searcher(tmp_path / "ix2") as s:
        assert s.document("doc3-1")["path"].endswith("f003.jsonl")
    for n in range(70):  # enough changed files for the workers
        (data / f"f{n:03d}.jsonl").write_text(
            json.dumps({"id": f"new{n}", "title": "Quay", "body": "Quay"}) + "\n")
    again = api.build_index([str(data)], str(tmp_path / "ix2"), jobs=2)
    assert (again.updated, again.unchanged, again.articles) == (70, 10, 70)
    assert api.count("harbour", str(tmp_path / "ix2")) == 30
    assert api.count("quay", str(tmp_path / "ix2")) == 70


@pytest.mark.parametrize("exports", [4, 1])
def test_a_few_big_files_are_shared_out_to_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   exports: int) -> None:
    """Four big export files, or one, are shared out to the worker processes by records, with
    the same articles, skips and scores as one process."""
    from newsgrep.index.write import pipeline

    data = tmp_path / "data"
    _write_records(data, 80)
    few = tmp_path / "few"
    few.mkdir()
    per = 80 // exports
    for k in range(exports):  # export files of the records of 20 (or all 80) files each
        (few / f"export{k}.jsonl").write_text("".join(
            (data / f"f{n:03d}.jsonl").read_text() for n in range(k * per, k * per + per)))
    monkeypatch.setattr(pipeline, "MIN_BYTES", 1)
    monkeypatch.setattr(pipeline, "BATCH_ARTICLES", 7)  # each file's records go to both workers
    used: list[int] = []
    real = pipeline.Workers.send

    def send(self: pipeline.Workers, articles: list) -> None:  # type: ignore[type-arg]
        used.append(self.turn)
        real(self, articles)

    monkeypatch.setattr(pipeline.Workers, "send", send)
    reports = {j: api.build_index([str(few)], str(tmp_path / f"ix{j}"), jobs=j) for j in (1, 2)}
    assert set(used) == {0, 1}  # jobs=2 only; jobs=1 writes in this process
    assert reports[1].articles == reports[2].articles == 238
    assert [s.message for s in reports[1].skipped] == [s.message for s in reports[2].skipped]
    ranked = [[(h.id, h.score) for h in api.search("harbour day", str(tmp_path / f"ix{j}"),
                                                   api.SearchOptions(limit=None)).hits] for j in (1, 2)]
    assert len(ranked[0]) == 238
    # the records skipped for their ids leave no trace in a worker's segment: the same scores
    assert ranked[0] == ranked[1]
