"""A cold `newsgrep search` loads only what it needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO

# What a piped search of plain words has no use for: the terminal renderer; Whoosh's query
# parser, query objects, searcher and highlighter (newsgrep parses and scores on its own); the
# readers' HTML extraction and encoding detection; SQLite (the settings are read from
# settings.txt); OpenSSL (MD5 comes from CPython's built-in module); the record classes of the
# other commands; what Whoosh imports only for writing; difflib (click's suggestions for a
# mistyped option); the fuzzy-word, ignore-file and cluster libraries.
NOT_NEEDED = ("rich", "whoosh.qparser", "whoosh.query", "whoosh.searching", "whoosh.highlight",
              "trafilatura", "charset_normalizer", "sqlite3", "_hashlib",
              "newsgrep.models", "tempfile", "shutil", "urllib.request", "asyncio",
              "whoosh.lang.morph_en", "whoosh.automata.lev", "difflib", "rapidfuzz", "pathspec",
              "dask", "distributed")


def _loaded_after(args: list[str]) -> list[str]:
    code = (
        "import sys, json\n"
        "from newsgrep.cli import main\n"
        f"sys.argv = ['newsgrep', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        # a module put in sys.modules to be loaded lazily (LazyLoader) and never used has not run
        f"sys.stderr.write(json.dumps([m for m in {NOT_NEEDED!r} if m in sys.modules "
        "and type(sys.modules[m]).__name__ != '_LazyModule']))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                       timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    assert p.stdout  # it did search
    return list(json.loads(p.stderr.strip().splitlines()[-1]))


def test_piped_search_imports_only_what_it_needs(sample_index: Path) -> None:
    assert _loaded_after(["search", "Idlib", "-n", "10", "--index", str(sample_index)]) == []


def test_piped_phrase_and_json_search_import_only_what_they_need(sample_index: Path) -> None:
    assert _loaded_after(["search", '"Russian attacks" Idlib', "--json", "--index", str(sample_index)]) == []
