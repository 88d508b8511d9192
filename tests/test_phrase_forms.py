"""Issue 26's rules in the forms its own cases do not name, each answer computed here from the raw
files with a tokenizer of this file's own (DESIGN.md "Query language"), never newsgrep's analysis:
a phrase is one mention per occurrence (kwic, --mentions) with the whole phrase as the match;
titles derived from the body (Reuters stories without a headline) are the body's first line,
found by title:, and counted once; query words that lose symbols are said on stderr; --explain
shows how each form was read."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
import Stemmer

from conftest import ANY, REPO, need_corpus, newsgrep, newsgrep_process
from newsgrep import api
from newsgrep.api import SearchOptions

pytestmark = [pytest.mark.corpus, pytest.mark.subprocess]  # Reuters-21578; real newsgrep processes

# DESIGN.md: numbers keep inner . and , ; words keep inner apostrophes and &; other punctuation splits
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['’ʼ&]\w+)*")
_STOP = frozenset("a an and are as at be but by for if in into is it no not of on or such that the their "
                  "then there these they this to was will with".split())
_STEM = Stemmer.Stemmer("english")


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    word = re.sub(r"['’ʼ]s$", "", word)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", word):
        word = word.replace(",", "")
    return re.sub(r"['’ʼ]", "", word)


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of every word of a text."""
    return [(m.start(), m.end(), _fold(m.group())) for m in _TOKEN.finditer(text)]


def _stem(word: str) -> str:
    return word if word[:1].isdigit() else _STEM.stemWord(word)


def _phrase_spans(text: str, phrase: list[str]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of a phrase (folded, stemmed words; stopwords as
    written) in a text."""
    words = _words(text)
    want = [w if w in _STOP else _stem(w) for w in phrase]
    got = [w if w in _STOP else _stem(w) for _, _, w in words]
    n = len(want)
    return [(words[i][0], words[i + n - 1][1]) for i in range(len(words) - n + 1) if got[i:i + n] == want]


# --- a phrase is one mention per occurrence ------------------------------------------------------

def _sample_texts() -> dict[str, tuple[str, str]]:
    """Every article of the sample corpus's Wikinews CSV files: id -> (title, text)."""
    out = {}
    for f in sorted((REPO / "corpus" / "wikinews").glob("*.csv")):
        rows = list(csv.DictReader(io.StringIO(f.read_text(encoding="utf-8"))))
        for n, row in enumerate(rows, 1):
            out[f"corpus/wikinews/{f.name}#{n}"] = (row["title"], row["text"])
    return out


@pytest.mark.parametrize("phrase", ["prime minister", "minister of", "of the", "in the world"])
def test_phrase_mentions_and_kwic_once_per_occurrence(sample_index: Path, phrase: str) -> None:
    texts = _sample_texts()
    expected = {aid: len(_phrase_spans(title, phrase.split())) + len(_phrase_spans(body, phrase.split()))
                for aid, (title, body) in texts.items()}
    expected = {k: v for k, v in expected.items() if v}
    ix = str(sample_index)
    wiki = SearchOptions(limit=None, source=None)
    lines = [ln for ln in api.kwic(f'"{phrase}"', ix, wiki, width=10) if ln.id.startswith("corpus/wikinews/")]
    per_article: dict[str, int] = {}
    for ln in lines:
        per_article[ln.id] = per_article.get(ln.id, 0) + 1
        # the whole phrase is the match, whatever stands between its words
        assert [_stem(_fold(w)) for w in _TOKEN.findall(ln.match)] == [_stem(w) for w in phrase.split()]
    assert per_article == expected
    seed_lines = len(api.kwic(f'"{phrase}"', ix, wiki, width=10)) - len(lines)
    total = api.count(f'"{phrase}"', ix, SearchOptions(mentions=True))
    assert total == sum(expected.values()) + seed_lines


def test_word_inside_a_phrase_is_not_counted_again(sample_index: Path) -> None:
    """A query's word that is part of one of its phrases' occurrences is that mention, not one more."""
    texts = _sample_texts()
    phrase = ["prime", "minister"]
    expected = 0
    for title, body in texts.values():
        for text in (title, body):
            spans = _phrase_spans(text, phrase)
            inside = {s for a, b in spans for s in range(a, b)}
            alone = [w for w in _words(text) if _stem(w[2]) == _stem("minister") and w[0] not in inside]
            expected += len(spans) + len(alone)
    only_wiki = SearchOptions(mentions=True, source=None)
    got = sum(1 for ln in api.kwic('"prime minister" OR minister', str(sample_index), only_wiki, width=5)
              if ln.id.startswith("corpus/wikinews/"))
    assert got == expected


# --- titles derived from the body ------------------------------------------------------------------

def _reuters_stories(path: Path) -> list[dict[str, str]]:
    """Stories of one Reuters-21578 SGML file, read with regular expressions of this test's own."""
    raw = gzip.open(path).read().decode("latin-1")
    out = []
    for rec in re.findall(r"<REUTERS(.*?)</REUTERS>", raw, re.S):
        newid = re.search(r'NEWID="(\d+)"', rec)
        text = re.search(r"<TEXT[^>]*>(.*?)</TEXT>", rec, re.S)
        body = re.search(r"<BODY>(.*?)</BODY>", text[1] if text else "", re.S)
        title = re.search(r"<TITLE>(.*?)</TITLE>", text[1] if text else "", re.S)
        if newid is None:
            continue
        if body is None and text is not None and 'TYPE="UNPROC"' in rec:
            plain = re.sub(r"<[^>]+>.*?</[^>]+>", "", text[1], flags=re.S)
        else:
            plain = body[1] if body else ""
        plain = html.unescape(re.sub(r"<[^>]+>", " ", plain))
        plain = re.sub(r"\s*\bReuter\s*$", "", plain)
        out.append({"id": f"reuters-{newid[1]}", "title": html.unescape(title[1]) if title else "",
                    "body": plain})
    return out


@pytest.fixture(scope="module")
def reuters_one(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    """An index of one Reuters SGML file (about 1,000 stories), and its stories read raw."""
    sgm = need_corpus("reuters21578", "reut2-000.sgm.gz")
    ix = tmp_path_factory.mktemp("reut0") / "ix"
    report = api.build_index([str(sgm)], str(ix))
    assert report.articles > 900
    return ix, _reuters_stories(sgm)


def test_derived_title_is_the_first_line(reuters_one: tuple[Path, list[dict[str, str]]]) -> None:
    ix, stories = reuters_one
    untitled = {s["id"]: s for s in stories if not s["title"].strip() and s["body"].strip()}
    assert len(untitled) >= 10
    exported = {a.id: a for a in api.export(None, str(ix))}
    for aid, story in untitled.items():
        first = next(ln for ln in story["body"].split("\n") if ln.strip())
        first = " ".join(first.split())
        assert len(first) <= 150  # Reuters' lines are short: the first line is the title
        assert exported[aid].title == first, aid
        assert exported[aid].title_derived


def test_derived_title_found_by_title_and_counted_once(reuters_one: tuple[Path, list[dict[str, str]]]) -> None:
    ix, stories = reuters_one
    untitled = [s for s in stories if not s["title"].strip() and s["body"].strip()]
    checked = 0
    for story in untitled:
        first = " ".join(next(ln for ln in story["body"].split("\n") if ln.strip()).split())
        words = [w for _, _, w in _words(first) if w.isalpha() and len(w) > 3 and w not in _STOP]
        if not words:
            continue
        word = words[0]
        # title: finds the story by its derived title
        found = {h.id for h in api.search(f"title:{word}", str(ix), SearchOptions(limit=None)).hits}
        assert story["id"] in found
        # a plain word counts the title's words once, where the body has them
        lines = [ln for ln in api.kwic(word, str(ix), SearchOptions(), width=5) if ln.id == story["id"]]
        in_body = sum(1 for _, _, w in _words(story["body"]) if _stem(w) == _stem(word))
        assert len(lines) == in_body, (story["id"], word)
        checked += 1
    assert checked >= 10


def test_title_query_on_derived_title_lists_the_title_once(reuters_one: tuple[Path, list[dict[str, str]]]) -> None:
    ix, stories = reuters_one
    story = next(s for s in stories if not s["title"].strip() and "FEDERAL" in s["body"][:60].upper())
    lines = [ln for ln in api.kwic("title:federal", str(ix), SearchOptions(), width=5) if ln.id == story["id"]]
    first = next(ln for ln in story["body"].split("\n") if ln.strip())
    assert len(lines) == sum(1 for _, _, w in _words(first) if w == "federal")


# --- symbols, & words, explain ------------------------------------------------------------------------

def _cli(*args: str) -> tuple[int, str, str]:
    """Run a real newsgrep process (stderr as a user sees it) through the suite's harness."""
    ran = newsgrep_process(*args, status=ANY)
    return ran.status, ran.out, ran.err


@pytest.mark.parametrize("query, shown, symbols", [
    ("C++", "C", '"+"'), ("C#", "C", '"#"'), ('"C++ code"', "C", '"+"'), ("5%", "5", '"%"'),
])
def test_symbols_dropped_from_a_query_word_are_said(sample_index: Path, query: str, shown: str,
                                                    symbols: str) -> None:
    code, _, err = _cli("search", query, "--index", str(sample_index), "-c")
    assert code in (0, 1)
    notes = [ln for ln in err.splitlines() if ln.startswith("newsgrep: note: ")]
    assert len(notes) == 1
    assert f"is searched as {shown}:" in notes[0] and symbols in notes[0]


def test_symbol_alone_is_said_and_left_out(sample_index: Path) -> None:
    code, out, err = _cli("search", "Idlib #", "--index", str(sample_index), "-c", "--any")
    assert "# is not a word and is left out" in err
    assert out.strip() == str(api.count("Idlib", str(sample_index)))


def test_no_note_for_plain_words_and_inner_ampersand(sample_index: Path) -> None:
    _, _, err = _cli("search", "AT&T Idlib al-Assad 12,000", "--index", str(sample_index), "-c", "--any")
    assert "note:" not in err


def test_explain_shows_each_form(sample_index: Path) -> None:
    code, _, err = _cli("search", '"people of Idlib" "Idl?b province" "Idlibb~ city"', "--any", "--explain",
                        "--index", str(sample_index), "-c")
    assert code in (0, 1)
    assert "[stopword; title|body]" in err     # "of", matched as written at its place
    assert "[wildcard; title|body]" in err     # Idl?b, expanded over the written forms
    assert "[fuzzy; title|body]" in err
    assert "matched as written at their places" in err


def test_jsonl_keys_unchanged_by_derived_titles(reuters_one: tuple[Path, list[dict[str, str]]]) -> None:
    """show --json and export keep the Article record's keys: title_derived is not one of them."""
    ix, stories = reuters_one
    story = next(s for s in stories if not s["title"].strip() and s["body"].strip())
    code, out, _ = _cli("show", story["id"], "--index", str(ix), "--json")
    assert code == 0
    assert list(json.loads(out)) == ["id", "path", "title", "body", "date", "source", "url", "author", "lang",
                                     "extra"]


@pytest.mark.parametrize("query", ['author:"j* smith"', 'author:zz*', 'source:"zz* seed"', 'source:"se*"',
                                   'title:"zzq* idlib"', '"zzq* idlib"', 'author:"smith~"', 'source:"seed~"'])
def test_wildcards_and_fuzzy_words_in_every_field_phrase(sample_index: Path, query: str) -> None:
    """A wildcard or fuzzy word in a phrase of any field, matching words or none, is an answer
    (in source: and author:, whose terms are written forms), never an internal error."""
    ran = newsgrep("search", query, "-c", "--index", str(sample_index), status=ANY)
    assert ran.status in (0, 1) and ran.err == ""
    seed = sum(1 for p in (REPO / "corpus" / "seed").glob("*.txt"))
    if query == 'source:"se*"':
        assert ran.out == f"{seed}\n"
    elif "zz" in query or "smith" in query or "j*" in query:
        assert ran.out == "0\n"
