"""The speed benchmark's quick mode runs end to end, so that the benchmark cannot rot."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import REPO, run_process


@pytest.mark.subprocess
def test_quick_benchmark_measures_every_engine(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# r\n\n<!-- speed:start -->\nSTALE-TABLE\n<!-- speed:end -->\n\nafter\n")
    engines = "newsgrep,whoosh,sqlite"
    out = run_process([sys.executable, str(REPO / "benchmarks" / "speed.py"), "--quick", "--engines", engines,
                       "--work", str(tmp_path / "work"), "--results", str(results), "--repeat", "1"], timeout=300).out
    rows = [line for line in out.splitlines()
            if line.startswith("| sample |") and line.count("|") > 4]
    assert [r.split("|")[2].strip() for r in rows] == engines.split(",")
    for r in rows:
        assert r.split("|")[3].strip() == "172"  # every engine indexed all the sample articles
    written = results.read_text()
    assert "STALE-TABLE" not in written and written.endswith("<!-- speed:end -->\n\nafter\n")
    assert "newsgrep search" in written and "nothing changed" in written
