"""The ranking benchmark: its quick mode runs end to end, and its measures are computed right."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from conftest import need_corpus, run_process

REPO = Path(__file__).resolve().parent.parent


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("ranking_bench", REPO / "benchmarks" / "ranking.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["ranking_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_ndcg_is_computed_as_trec_eval_does() -> None:
    bench = _bench()
    qrels = {"q1": {"a": 2, "b": 1, "z": 0}, "q2": {"c": 1}, "q3": {"d": 1}}
    run = {"q1": ["b", "x", "a"], "q2": ["c"]}  # q3 has no hits: it scores 0
    q1 = (1 + 2 / math.log2(4)) / (2 + 1 / math.log2(3))
    assert bench.ndcg_at_10(run, qrels) == pytest.approx((q1 + 1 + 0) / 3)
    assert bench.reduce_query("p53-dependent (DNA) repair_x: 12,000?") == "p53 dependent DNA repair x 12 000"


@pytest.mark.corpus
def test_cranfield_conversion_keeps_every_document_and_grades() -> None:
    bench = _bench()
    coll = bench.load_cranfield(need_corpus("ir", "cranfield"))
    assert len(coll.docs) == 1400 and len(coll.queries) == 225 and len(coll.qrels) == 225
    assert sum(1 for _, _, text in coll.docs if not text) == 2
    assert coll.docs[0][1].startswith("experimental investigation of the aerodynamics")
    assert coll.queries["3"].startswith("what problems of heat conduction")  # cran.qry's .I 004
    gains = [g for rel in coll.qrels.values() for g in rel.values()]
    assert len(gains) == 1837 and sorted(set(gains)) == [0, 1, 2, 3, 4] and gains.count(0) == 225


@pytest.mark.corpus
@pytest.mark.subprocess
def test_quick_benchmark_runs_end_to_end() -> None:
    need_corpus("ir", "scifact")
    systems = ["newsgrep"] + [s for s in ("bm25s", "tantivy") if importlib.util.find_spec(s)]
    before = (REPO / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    out = run_process([sys.executable, str(REPO / "benchmarks" / "ranking.py"), "--quick",
                       "--systems", ",".join(systems)], timeout=600).out
    row = next(line for line in out.splitlines() if line.startswith("| scifact (quick"))
    scores = [float(cell.split()[0]) for cell in row.strip("|").split("|")[1:]]
    assert len(scores) == len(systems) and all(0 < s <= 1 for s in scores)
    assert scores[0] > 0.5  # newsgrep ranks the judged abstracts near the top of the slice
    assert (REPO / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8") == before
