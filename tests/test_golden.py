"""Golden files for the JSON contract: `search --json` output, byte for byte.

Regenerate after an intended change with: UPDATE_GOLDEN=1 make test
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from conftest import REPO
from newsgrep.cli import cli

GOLDEN = Path(__file__).parent / "golden"


def check(name: str, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    got = result.stdout.replace(str(REPO), "<repo>")
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def test_search_idlib_json(sample_index: Path) -> None:
    check("search-idlib.jsonl", ["search", "Idlib", "--json", "--index", str(sample_index)])


def test_search_any_json(sample_index: Path) -> None:
    check("search-explosion-any.jsonl",
          ["search", "gas explosion apartment", "--any", "-n", "3", "--json", "--index", str(sample_index)])
