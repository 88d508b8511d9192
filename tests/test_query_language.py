"""Every documented query form gives exactly the articles its meaning names, on real corpora;
every malformed query is an error naming what is wrong and at which column."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import pytest
from oracle import Oracle, levenshtein, read_reuters

from conftest import need_corpus, newsgrep_process
from newsgrep import api
from newsgrep.api import SearchOptions
from newsgrep.errors import QueryError
from newsgrep.index.query.parse import parse
from newsgrep.index.query.syntax import Bool, DateRange, Fuzzy, Pattern, Phrase, Word

_WORDS = re.compile(r"\w+(?:['’ʼʾʿ`´]\w+)*")


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    return re.sub(r"['’ʼʾʿ`´]", "", re.sub(r"['’ʼ]s$", "", word))


def _bbc_texts() -> dict[str, str]:
    bbc = need_corpus("bbc")
    return {f"bbc/{p.relative_to(bbc).as_posix()}": p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(bbc.glob("*/*.txt"))}


@functools.cache
def _reuters_texts() -> dict[str, str]:
    """Reuters-21578's stories, read from the raw SGML by the oracle (not by newsgrep's reader)."""
    return {d.id: d.title + "\n" + d.body for d in read_reuters(need_corpus("reuters21578"))}


def _count(texts: dict[str, str], test: object) -> int:
    return sum(1 for text in texts.values() if any(test(_fold(w)) for w in _WORDS.findall(text)))  # type: ignore[operator]


def _engine(query: str, ix: Path, **kw: object) -> int:
    return api.count(query, str(ix), SearchOptions(**kw))  # type: ignore[arg-type]


# --- wildcards and fuzzy words match words as written, counted against the files' text ---------

WILDCARDS = {"negotiat*": r"negotiat.*", "*stan": r".*stan", "organi?ation*": r"organi.ation.*",
             "econ*ist": r"econ.*ist", "?ukos": r".ukos"}


@pytest.mark.corpus
@pytest.mark.parametrize("pattern", sorted(WILDCARDS))
def test_wildcards_on_bbc_equal_a_regex_count(bbc_index: Path, pattern: str) -> None:
    regex = re.compile(WILDCARDS[pattern])
    expected = _count(_bbc_texts(), regex.fullmatch)
    assert expected > 0
    assert _engine(pattern, bbc_index) == expected


@pytest.mark.corpus
def test_negotiat_star_finds_what_grep_finds(bbc_index: Path) -> None:
    """The issue's own example: grep finds 72 BBC articles with a word starting "negotiat"."""
    assert _engine("negotiat*", bbc_index) == 72


@pytest.mark.corpus
@pytest.mark.parametrize("word,dist", [("Yukoss", 1), ("Khodorkovsky", 2), ("Gazprom", 1)])
def test_fuzzy_words_on_bbc_equal_an_edit_distance_count(bbc_index: Path, word: str, dist: int) -> None:
    target = _fold(word)
    expected = _count(_bbc_texts(), lambda w: abs(len(w) - len(target)) <= dist and levenshtein(w, target) <= dist)
    assert expected > 0
    assert _engine(f"{word}~{dist}", bbc_index) == expected


@pytest.mark.corpus
@pytest.mark.parametrize("pattern", ["coff*", "*grain", "sug?r"])
def test_wildcards_on_reuters_equal_a_regex_count(reuters_index: Path, pattern: str) -> None:
    regex = re.compile(pattern.replace("*", ".*").replace("?", "."))
    assert _engine(pattern, reuters_index) == _count(_reuters_texts(), regex.fullmatch)


@pytest.mark.corpus
def test_wildcard_highlights_show_the_words_that_matched(bbc_index: Path) -> None:
    result = api.search("negotiat*", str(bbc_index), SearchOptions(limit=30))
    for hit in result.hits:
        assert hit.matched_terms and all(t.startswith("negotiat") for t in hit.matched_terms)
        for s in hit.snippets:
            assert all(s.text[a:b].lower().startswith("negotiat") for a, b in s.highlights)


# --- dates in queries mean what --since/--until mean --------------------------------------------

DATE_CASES = [
    ("date:1987-03", {"since": "1987-03", "until": "1987-03"}),
    ("date:1987-03-05", {"since": "1987-03-05", "until": "1987-03-05"}),
    ("date:[1987-03-01 to 1987-03-24]", {"since": "1987-03-01", "until": "1987-03-24"}),
    ("date:[1987-03-01 TO 1987-04]", {"since": "1987-03-01", "until": "1987-04"}),
    ("date:[1987-04 to]", {"since": "1987-04"}),
    ("date:[to 1987-03-10]", {"until": "1987-03-10"}),
    ("date:>1987-09", {"since": "1987-10"}),
    ("date:>=1987-06", {"since": "1987-06"}),
    ("date:<1987-03", {"until": "1987-02"}),
    ("date:<=1987-03-02", {"until": "1987-03-02"}),
]


@pytest.mark.corpus
@pytest.mark.parametrize("query,filters", DATE_CASES)
def test_date_queries_equal_the_filters_on_reuters(reuters_index: Path, query: str,
                                                  filters: dict[str, str]) -> None:
    by_query = {h.id for h in api.search(f"coffee {query}", str(reuters_index), SearchOptions(limit=None)).hits}
    by_filter = {h.id for h in api.search("coffee", str(reuters_index),
                                          SearchOptions(limit=None, **filters)).hits}  # type: ignore[arg-type]
    assert by_query == by_filter
    alone = _engine(query, reuters_index)
    assert alone == sum(1 for _ in api.export(None, str(reuters_index), SearchOptions(limit=None, **filters)))  # type: ignore[arg-type]


@pytest.mark.corpus
def test_coffee_after_september_is_not_every_coffee_story(reuters_index: Path) -> None:
    coffee = Oracle(read_reuters(need_corpus("reuters21578")))
    assert 0 < _engine("coffee date:>1987-09", reuters_index) == coffee.count("coffee date:>1987-09")
    assert _engine("coffee date:>1987-09", reuters_index) < _engine("coffee", reuters_index) == coffee.count("coffee")


def test_a_date_range_on_the_sample_corpus(sample_index: Path) -> None:
    assert _engine("date:[2019-12-01 to 2019-12-24]", sample_index) == 6
    assert _engine("date:2019-12", sample_index) == 8
    assert _engine("date:>2019-12", sample_index) == 0  # from 1 January 2020 on: none


# --- minus, plus, NOT ---------------------------------------------------------------------------

@pytest.mark.corpus
@pytest.mark.parametrize("any_terms", [False, True])
def test_minus_is_not(bbc_index: Path, any_terms: bool) -> None:
    every = SearchOptions(limit=None, any_terms=any_terms)
    minus = {h.id for h in api.search("Yukos -Putin", str(bbc_index), every).hits}
    not_ = {h.id for h in api.search("Yukos NOT Putin", str(bbc_index), every).hits}
    both = {h.id for h in api.search("Yukos Putin", str(bbc_index), SearchOptions(limit=None)).hits}
    yukos = {h.id for h in api.search("Yukos", str(bbc_index), SearchOptions(limit=None)).hits}
    assert minus == not_ == yukos - both and both and minus


@pytest.mark.corpus
def test_plus_requires_a_word_with_any(bbc_index: Path) -> None:
    anyq = {h.id for h in api.search("Yukos +Gazprom", str(bbc_index), SearchOptions(limit=None, any_terms=True)).hits}
    gazprom = {h.id for h in api.search("Gazprom", str(bbc_index), SearchOptions(limit=None)).hits}
    assert anyq == gazprom


# --- the syntax tree --------------------------------------------------------------------------

def test_operators_bind_as_documented() -> None:
    a, b, c = Word("a", None, 1), Word("b", None, 3), Word("c", None, 8)
    assert parse("a b OR c") == Bool(must=(a, Bool(should=(b, c))))
    assert parse("a AND b OR c") == Bool(should=(Bool(must=(a, Word("b", None, 7))), Word("c", None, 12)))
    assert parse("a -b", any_terms=True) == Bool(should=(Word("a", None, 1),), must_not=(Word("b", None, 4),))
    assert parse("+a b", any_terms=True) == Bool(must=(Word("a", None, 2),), should=(Word("b", None, 4),))
    assert parse('title:"x y"~3') == Phrase("x y", "title", 7, 3)
    assert parse("negotiat*") == Pattern("negotiat*", None, 1)
    assert parse("Yukoss~2") == Fuzzy("Yukoss", 2, None, 1)
    assert isinstance(parse("date:[2019 to 2020-02]"), DateRange)


MALFORMED = {
    '"unclosed': ("quote is not closed", 1),
    "(coffee OR": ("OR has nothing after it", 9),
    "(coffee": ("( is not closed", 1),
    "coffee)": (") has no ( before it", 7),
    "title:": ("title: has nothing after it", 1),
    "title: oil": ("title: has nothing after it", 1),
    "foo:bar": ("unknown field 'foo': the fields are title, body, source, author, date", 1),
    "coffee AND": ("AND has nothing after it", 8),
    "AND coffee": ("AND has nothing before it", 1),
    "coffee OR OR tea": ("OR has nothing after it", 8),
    "coffee NOT": ("NOT has nothing after it", 8),
    "coffee -": ("'-' has nothing after it", 8),
    "date:notadate": ("invalid date 'notadate' is not a date", 6),
    "date:2019-13": ("there is no month 13", 6),
    "date:2019-02-30": ("there is no day 30 in 2019-02", 6),
    "date:[2019 to": ("[ is not closed", 6),
    "date:[2020 to 2019]": ("ends before it starts", 6),
    "date:[2019]": ("date:[A to B]", 6),
    "oil~3": ("~1 or ~2 edits", 1),
    "oil^2": ("boosts (^) are not supported", 1),
    '""': ("empty quotes", 1),
    "()": ("empty parentheses", 2),
    "*": ("a wildcard needs a letter or digit", 1),
    "al-*": ("a wildcard word is one word", 1),
}


@pytest.mark.parametrize("text", sorted(MALFORMED))
def test_malformed_queries_are_errors_with_their_column(sample_index: Path, text: str) -> None:
    what, col = MALFORMED[text]
    with pytest.raises(QueryError) as exc:
        api.search(text, str(sample_index))
    assert what in str(exc.value) and f"(column {col})" in str(exc.value)


@pytest.mark.subprocess
def test_malformed_query_on_the_command_line_exits_2_with_one_line(sample_index: Path) -> None:
    p = newsgrep_process("search", "(coffee OR", "--index", str(sample_index), timeout=60, status=2)
    assert p.out == ""
    assert p.err.strip().splitlines() == ["newsgrep: error: OR has nothing after it (column 9)"]


def test_stopwords_only_is_an_error(sample_index: Path) -> None:
    with pytest.raises(QueryError, match="no searchable words"):
        api.search("the of", str(sample_index))
