"""Issue 26's phrases, symbols and counts on the whole BBC corpus, each expected answer computed by
the oracle (tests/oracle.py) from the raw files, never typed in; and more forms of each rule that
the issue does not list."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import Oracle, fold, read_bbc, term, tokens

from conftest import need_corpus, newsgrep
from newsgrep import api

pytestmark = pytest.mark.corpus

@pytest.fixture(scope="module")
def bbc_oracle() -> Oracle:
    return Oracle(read_bbc(need_corpus("bbc")))


@pytest.mark.parametrize("query", [
    # the cases
    '"tony bla*"',
    '"gordon br?wn"',
    '"pri* minister"',
    '"minister for"',
    '"in britain"',
    '"secretary of state for"',
    '"chancellor of brown"',
    "AT&T",
    # more forms of each rule
    '"to be"',                  # stopwords only
    '"of the"',
    '"gordon brwn~"',           # a fuzzy word in a phrase
    '"tony blaire~ said"',
    '"*ony blair"',             # a wildcard at the first place
    '"chancellor gordon br*"',  # ... at the last place
    '"prime min?ster tony"',    # ... in the middle
    'title:"to be"',            # a phrase in title:, stopwords only
    'body:"minister for"',
    "M&S",
    "P&O OR AT&T",
    '"prime minister"', 'title:"prime minister"', '"gordon brown"', '"chancellor gordon brown"',
])
def test_a_phrase_finds_the_articles_that_hold_it(bbc_index: Path, bbc_oracle: Oracle, query: str) -> None:
    expected = bbc_oracle.count(query)
    assert api.count(query, str(bbc_index)) == expected


@pytest.mark.parametrize("query", ["AT&T", '"tony bla*"', '"minister for"'])
def test_the_command_line_counts_the_same(bbc_index: Path, bbc_oracle: Oracle, query: str) -> None:
    out = newsgrep("search", query, "-c", "--index", str(bbc_index), status=0 if bbc_oracle.count(query) else 1).out
    assert int(out) == bbc_oracle.count(query)


@pytest.mark.parametrize("phrase", ["prime minister",
                                    "gordon brown",
                                    "minister for"])
def test_mentions_of_a_phrase_are_its_occurrences(bbc_index: Path, bbc_oracle: Oracle, phrase: str) -> None:
    expected = bbc_oracle.phrase_occurrences(phrase)
    out = newsgrep("search", f'"{phrase}"', "-c", "--mentions", "--index", str(bbc_index)).out
    assert int(out) == expected


@pytest.mark.parametrize("phrase", ["prime minister",
                                    "tony blair"])
def test_kwic_lists_each_occurrence_once_with_the_whole_phrase(bbc_index: Path, bbc_oracle: Oracle,
                                                              phrase: str) -> None:
    rows = newsgrep("kwic", f'"{phrase}"', "--json", "--index", str(bbc_index)).json()
    assert len(rows) == bbc_oracle.phrase_occurrences(phrase)
    assert all([term(fold(t)) for t in tokens(r["match"])] == [term(w) for w in phrase.split()]
               for r in rows), rows[:3]
