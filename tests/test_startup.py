"""A cold `newsgrep search` loads only what it needs; the plain-words query path equals the parser."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, need_corpus
from newsgrep.index.query.ranking import rank_fields_together
from newsgrep.index.search.searcher import Searcher, _plain_words, make_parser

# What a piped search of plain words has no use for: the terminal renderer, Whoosh's query parser
# and highlighter, the readers' HTML extraction and encoding detection, SQLite (the settings are
# read from settings.txt), OpenSSL (MD5 comes from CPython's built-in module), the record classes
# of the other commands, what Whoosh imports only for writing, and difflib (click's suggestions
# for a mistyped option, which it used to build for every short option such as -n).
NOT_NEEDED = ("rich", "whoosh.qparser", "whoosh.highlight", "trafilatura", "charset_normalizer",
              "sqlite3", "_hashlib", "newsgrep.models", "tempfile", "shutil", "urllib.request",
              "asyncio", "whoosh.lang.morph_en", "whoosh.automata.lev", "difflib")


def test_piped_search_imports_only_what_it_needs(bbc_index: Path) -> None:
    code = (
        "import sys, json\n"
        "from newsgrep.cli import main\n"
        f"sys.argv = ['newsgrep', 'search', 'prime minister', '-n', '10', '--index', {str(bbc_index)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        # a module put in sys.modules to be loaded lazily (LazyLoader) and never used has not run
        f"sys.stderr.write(json.dumps([m for m in {NOT_NEEDED!r} if m in sys.modules "
        "and type(sys.modules[m]).__name__ != '_LazyModule']))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                       timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    assert "Prime minister" in p.stdout  # it did search
    assert json.loads(p.stderr.strip().splitlines()[-1]) == []


def _parsed(text: str, schema: object, any_terms: bool) -> object:
    parser = make_parser(schema, any_terms, dates="date" in text.lower())
    return rank_fields_together(parser.parse(text, normalize=False)).normalize()


def test_plain_words_build_the_parsers_query(bbc_index: Path) -> None:
    """Word runs from real articles (names, numbers, possessives, hyphens, stopwords)."""
    rng = random.Random(6)
    texts = ["prime minister", "al-Assad", "12,000 people", "Syria's army", "Ma'arrat al-Nu'man",
             "café naïve Erdoğan", "2.4 per cent", "the prime the minister", "oil oil prices"]
    for f in sorted(need_corpus("bbc").glob("*/*.txt"))[::25]:
        words = f.read_text(encoding="utf-8", errors="replace").split()
        for i in range(0, min(len(words), 120), 11):
            texts.append(" ".join(words[i:i + rng.randint(1, 5)]))
    taken = 0
    with Searcher(bbc_index) as s:
        schema = s.ix.schema
        for text in texts:
            for any_terms in (False, True):
                q = _plain_words(text, schema, any_terms)
                if q is not None:
                    taken += 1
                    assert q == _parsed(text, schema, any_terms), text
    assert taken > 600


@pytest.mark.parametrize("text", ['"prime minister"', "econom*", "title:oil", "oil -gas",
                                  "oil AND gas", "U.S.", "the", "(oil)", "oil~", "oil^2"])
def test_other_queries_go_to_the_parser(bbc_index: Path, text: str) -> None:
    with Searcher(bbc_index) as s:
        assert _plain_words(text, s.ix.schema, False) is None
