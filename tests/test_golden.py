"""Golden files for the JSON contract: `search --json` output, byte for byte.

After an intended change, regenerate them with `make golden` and review the diff; the test only reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_cases import CASES, GOLDEN, portable

from conftest import newsgrep


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_output(name: str, sample_index: Path) -> None:
    got = portable(newsgrep(*CASES[name], "--index", str(sample_index)).out)
    assert got.strip(), name  # a golden file of nothing would prove nothing
    assert got == (GOLDEN / name).read_text(encoding="utf-8")
