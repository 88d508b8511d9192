"""The golden files' cases, and their regeneration: `make golden` (never a test, never a variable).

    python tests/golden_cases.py     # rewrite tests/golden/* from this checkout's output
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GOLDEN = HERE / "golden"

# file name -> the command line (its --index added)
CASES: dict[str, list[str]] = {
    "search-idlib.jsonl": ["search", "Idlib", "--json"],
    "search-explosion-any.jsonl": ["search", "gas explosion apartment", "--any", "-n", "3", "--json"],
}


def portable(out: str) -> str:
    """Write the checkout's own path as <repo>, so that the files hold in any clone."""
    return out.replace(str(REPO), "<repo>")


def regenerate() -> None:
    """Index the sample corpus afresh and write every case's output to its golden file."""
    sys.path.insert(0, str(HERE))
    from conftest import SAMPLE, newsgrep
    from newsgrep import api

    with tempfile.TemporaryDirectory() as tmp:
        ix = str(Path(tmp) / "index")
        assert api.build_index([str(SAMPLE)], ix, exclude=["README.md"]).ok
        for name, args in CASES.items():
            (GOLDEN / name).write_text(portable(newsgrep(*args, "--index", ix).out), encoding="utf-8")
            print(f"wrote {GOLDEN / name}")


if __name__ == "__main__":
    regenerate()
