"""A cold `newsgrep search` loads only what it needs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_process

# What a piped search of plain words has no use for: the terminal renderer; Whoosh's query
# parser, query objects, searcher and highlighter (newsgrep parses and scores on its own); the
# readers' HTML extraction and encoding detection; SQLite (the settings are read from
# settings.txt); OpenSSL (MD5 comes from CPython's built-in module); the record classes of the
# other commands; what Whoosh imports only for writing; difflib (click's suggestions for a
# mistyped option); the fuzzy-word, ignore-file and cluster libraries; the compiled core of indexing.
NOT_NEEDED = ("rich", "whoosh.qparser", "whoosh.query", "whoosh.searching", "whoosh.highlight",
              "trafilatura", "charset_normalizer", "sqlite3", "_hashlib",
              "newsgrep.models", "tempfile", "shutil", "urllib.request", "asyncio",
              "whoosh.lang.morph_en", "whoosh.automata.lev", "difflib", "rapidfuzz", "pathspec",
              "dask", "distributed", "newsgrep._core", "logging")


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
    p = run_process([sys.executable, "-c", code], cwd=REPO, timeout=120)
    assert p.out  # it did search
    return list(json.loads(p.err.strip().splitlines()[-1]))


@pytest.mark.subprocess
def test_piped_search_imports_only_what_it_needs(sample_index: Path) -> None:
    assert _loaded_after(["search", "Idlib", "-n", "10", "--index", str(sample_index)]) == []


@pytest.mark.subprocess
def test_piped_phrase_and_json_search_import_only_what_they_need(sample_index: Path) -> None:
    assert _loaded_after(["search", '"Russian attacks" Idlib', "--json", "--index", str(sample_index)]) == []


@pytest.mark.subprocess
def test_a_command_line_process_spares_its_last_collections(sample_index: Path) -> None:
    """The command line, as a process's entry point, moves its objects out of the collector's
    reach as it ends (the interpreter's final collections would find nothing to free); called
    with arguments from a program, it leaves the program's collector alone."""
    import gc

    code = ("import atexit, gc, sys\n"
            "from newsgrep.cli import main\n"
            "atexit.register(lambda: sys.stderr.write(f'frozen {gc.get_freeze_count()}'))\n"
            f"sys.argv = ['newsgrep', 'search', 'Idlib', '--index', {str(sample_index)!r}]\n"
            "main()\n")
    p = run_process([sys.executable, "-c", code], cwd=REPO, timeout=120)
    assert "Idlib" in p.out
    assert int(p.err.rsplit("frozen ", 1)[1]) > 10_000
    from newsgrep.cli import main

    before = gc.get_freeze_count()
    try:
        main(["search", "Idlib", "--index", str(sample_index)])
    except SystemExit as exc:
        assert exc.code == 0
    assert gc.get_freeze_count() == before
