"""collocates and keywords: counts and scores against an independent count of the raw files.

The expected answers come from tests/wordcount_reference.py, which reads BBC's .txt files and
Reuters-21578's SGML itself, tokenizes them by DESIGN.md's rules with its own code, finds the
query's mentions itself, and computes G², MI and the log ratio from the published formulas.
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from wordcount_reference import (
    Doc,
    bbc_docs,
    bbc_files,
    g2,
    log_ratio,
    reuters_docs,
    term,
    tokens,
    window_count,
    word_count,
    written,
)

from conftest import need_corpus, newsgrep, newsgrep_process
from newsgrep import api

pytestmark = pytest.mark.corpus  # BBC and Reuters-21578, counted from the raw files

TOPICS = ("politics", "tech")
FIRST = 150  # files of each topic: small indexes, quick tests


def _copy(files: list[Path], root: Path) -> Path:
    for f in files:
        (root / f.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(f, root / f.parent.name / f.name)
    return root


def _approx(x: float) -> object:
    return pytest.approx(x, rel=1e-6, abs=2e-6)


@pytest.fixture(scope="module")
def bbc_small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Doc]]:
    """The first 150 articles of two BBC topics, indexed, and read from the raw files."""
    files = bbc_files(need_corpus("bbc"), TOPICS, FIRST)
    root = _copy(files, tmp_path_factory.mktemp("bbc2") / "bbc")
    ix = tmp_path_factory.mktemp("bbc2-ix") / "index"
    api.build_index([str(root)], str(ix), jobs=1)
    return ix, bbc_docs(files)


@pytest.fixture(scope="module")
def reuters_small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Doc]]:
    """The first Reuters-21578 file (1,000 stories, 15 without a headline), indexed as it ships."""
    sgm = need_corpus("reuters21578", "reut2-000.sgm.gz")
    folder = tmp_path_factory.mktemp("reuters-raw")
    shutil.copy(sgm, folder / sgm.name)
    ix = tmp_path_factory.mktemp("reuters-ix") / "index"
    api.build_index([str(folder)], str(ix), jobs=1)
    return ix, reuters_docs(sgm)


def _matching(docs: list[Doc], stem: str) -> list[Doc]:
    return [d for d in docs if any(term(t) == stem for t in tokens(d.title) + tokens(d.body))]


def _best_forms(forms: Counter[tuple[str, str]]) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    for (s, w), n in forms.items():
        if s not in best or (-n, w) < (-best[s][0], best[s][1]):
            best[s] = (n, w)
    return {s: w for s, (_, w) in best.items()}


def _check_collocates(got: api.Collocates, docs: list[Doc], phrase: list[str] | Callable[[str], bool],
                      window: int) -> None:
    counts, forms, size, mentions = window_count(docs, phrase, window)
    totals, n = word_count(docs)
    assert (got.mentions, got.window_size, got.corpus_size, got.corpus_articles) == (mentions, size, n, len(docs))
    shown = _best_forms(forms)
    expected = {}
    for s, c in counts.items():
        t = totals[s]
        expected[shown[s]] = (c, t, g2(c, max(t - c, 0), size, n - size), math.log2(c * n / (t * size)))
    assert len(got.rows) == len(expected)
    for r in got.rows:
        c, t, ll, mi = expected[r.word]
        assert (r.count, r.total) == (c, t), r.word
        assert r.ll == _approx(ll) and r.mi == _approx(mi), r.word
    order = sorted(expected, key=lambda w: (-round(expected[w][2], 6), -expected[w][0], w))
    assert [r.word for r in got.rows] == order


def test_collocates_of_a_word_are_counted_exactly(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = bbc_small
    got = api.collocates("Blair", str(ix), limit=0)
    _check_collocates(got, docs, ["blair"], 5)
    assert got.articles == len(_matching(docs, "blair"))


def test_a_phrase_is_one_mention_and_its_words_are_not_its_collocates(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = bbc_small
    got = api.collocates('"prime minister"', str(ix), window=3, limit=0)
    _check_collocates(got, docs, ["prime", "minist"], 3)


def test_a_wildcard_s_words_are_each_a_mention(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = bbc_small
    got = api.collocates("negotiat*", str(ix), window=4, limit=0)
    _check_collocates(got, docs, lambda t: written(t).startswith("negotiat"), 4)


@pytest.mark.parametrize("query", ["Blair", '"prime minister"', "negotiat*", '"Tony Blair" OR Howard'])
def test_mentions_are_the_kwic_lines(bbc_small: tuple[Path, list[Doc]], query: str) -> None:
    ix, _ = bbc_small
    assert api.collocates(query, str(ix)).mentions == len(api.kwic(query, str(ix))) > 0


def test_min_count_and_limit(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, _ = bbc_small
    every = api.collocates("Blair", str(ix), limit=0)
    few = api.collocates("Blair", str(ix), limit=7, min_count=3)
    assert few.rows == tuple(r for r in every.rows if r.count >= 3)[:7]


def test_collocates_with_a_source_filter(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = bbc_small
    got = api.collocates("software", str(ix), api.SearchOptions(source="tech"), limit=0)
    _check_collocates(got, [d for d in docs if d.source == "tech"], ["softwar"], 5)


def _check_keywords(got: api.Keywords, target: list[Doc], reference: list[Doc], both: bool) -> None:
    counts, c = word_count(target)
    other, d = word_count(reference)
    assert (got.articles, got.size, got.reference_articles, got.reference_size) == (len(target), c, len(reference), d)
    words = set(counts) | set(other) if both else {s for s in counts if counts[s] / c > other[s] / d}
    assert len(got.rows) == len(words)
    rows = {}
    for r in got.rows:
        s = term(r.word)
        assert s is not None and s not in rows
        rows[s] = r
    for s in words:
        r = rows[s]
        a, b = counts[s], other[s]
        assert (r.count, r.other) == (a, b), s
        assert r.ll == _approx(g2(a, b, c, d)) and r.log_ratio == _approx(log_ratio(a, b, c, d)), s
    lls = [r.ll for r in got.rows]
    assert lls == sorted(lls, reverse=True)


def test_keywords_against_the_rest_of_the_corpus(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = bbc_small
    got = api.keywords("Blair", str(ix), limit=0)
    target = _matching(docs, "blair")
    _check_keywords(got, target, [d for d in docs if d not in target], both=False)
    assert got.rows[0].word == "blair" and got.rows[0].other == 0


def test_keywords_both_ways_and_against_another_query(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = bbc_small
    target, reference = _matching(docs, "blair"), _matching(docs, "howard")
    got = api.keywords("Blair", str(ix), against="Howard", both=True, limit=0)
    _check_keywords(got, target, reference, both=True)
    assert got.rows[-1].ll < 0  # the words of the reference come last


def test_keywords_with_a_source_filter(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = bbc_small
    tech = [d for d in docs if d.source == "tech"]
    target = _matching(tech, "game")
    got = api.keywords("game", str(ix), api.SearchOptions(source="tech"), limit=0)
    _check_keywords(got, target, [d for d in tech if d not in target], both=False)


def test_reuters_with_titles_derived_from_the_body(reuters_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = reuters_small
    assert sum(1 for d in docs if not d.title.strip()) == 15  # their titles are derived: counted once
    _check_collocates(api.collocates("oil", str(ix), limit=0), docs, ["oil"], 5)
    target = _matching(docs, "reserv")
    got = api.keywords("reserve", str(ix), limit=0)
    _check_keywords(got, target, [d for d in docs if d not in target], both=False)


def test_a_date_filter_that_keeps_most_articles(reuters_small: tuple[Path, list[Doc]]) -> None:
    ix, docs = reuters_small
    kept = [d for d in docs if d.date >= "1987-03-01"]
    assert len(docs) / 2 < len(kept) < len(docs)  # the corpus counted as the index's less the others
    options = api.SearchOptions(since="1987-03-01")
    _check_collocates(api.collocates("oil", str(ix), options, limit=0), kept, ["oil"], 5)
    target = _matching(kept, "oil")
    got = api.keywords("oil", str(ix), options, limit=0)
    _check_keywords(got, target, [d for d in kept if d not in target], both=False)


def test_deleted_articles_are_not_counted(tmp_path: Path) -> None:
    files = bbc_files(need_corpus("bbc"), ("politics",), FIRST)
    root = _copy(files, tmp_path / "bbc")
    ix = tmp_path / "ix"
    api.build_index([str(root)], str(ix), jobs=1)
    gone = sorted((root / "politics").glob("*.txt"))[:40]
    api.remove([str(p) for p in gone], str(ix))
    docs = [d for d in bbc_docs(files) if d.id.split("/")[1] not in {p.name for p in gone}]
    _check_collocates(api.collocates("Blair", str(ix), limit=0), docs, ["blair"], 5)
    target = _matching(docs, "blair")
    _check_keywords(api.keywords("Blair", str(ix), limit=0), target, [d for d in docs if d not in target], both=False)


def test_a_sharded_index_counts_as_one_index(bbc_small: tuple[Path, list[Doc]], tmp_path: Path) -> None:
    ix, _ = bbc_small
    root = _copy(bbc_files(need_corpus("bbc"), TOPICS, FIRST), tmp_path / "bbc")
    sharded = tmp_path / "sharded"
    api.build_index([str(root)], str(sharded), shards=3, jobs=1)
    for query in ("Blair", '"prime minister"'):
        assert api.collocates(query, str(sharded), limit=0) == api.collocates(query, str(ix), limit=0)
    opts = api.SearchOptions(source="tech")
    assert api.keywords("game", str(sharded), opts, limit=0) == api.keywords("game", str(ix), opts, limit=0)
    assert api.keywords("Blair", str(sharded), against="Howard", both=True, limit=0) == \
        api.keywords("Blair", str(ix), against="Howard", both=True, limit=0)


# --- the command line -------------------------------------------------------------------------------

def _run(args: list[str], status: int = 0) -> tuple[int, str]:
    """Run a command line through the suite's harness, which fails unless it exits with ``status``."""
    ran = newsgrep(*args, status=status)
    return ran.status, ran.out


def test_json_and_csv_carry_the_contract_keys(bbc_small: tuple[Path, list[Doc]]) -> None:
    ix, _ = bbc_small
    code, out = _run(["collocates", "Blair", "--index", str(ix), "--json", "-n", "3"])
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(lines) == 3 and list(lines[0]) == ["word", "count", "total", "ll", "mi"]
    assert lines == [{k: getattr(r, k) for k in lines[0]} for r in api.collocates("Blair", str(ix), limit=3).rows]
    code, out = _run(["keywords", "Blair", "--index", str(ix), "--csv"])
    rows = out.splitlines()
    assert code == 0 and rows[0] == "word,count,other,ll,log_ratio" and len(rows) == 21
    code, out = _run(["collocates", "Blair", "--index", str(ix), "-n", "5"])
    assert code == 0 and "tony" in out and "mentions of Blair" in out
    code, out = _run(["collocates", "Zzyzzyva", "--index", str(ix)], status=1)
    assert out == ""


def test_errors_are_one_line(bbc_small: tuple[Path, list[Doc]], tmp_path: Path) -> None:
    ix, _ = bbc_small
    for args, said in ((["collocates", "Blair", "--window", "0"], "--window"),
                       (["keywords", "Blair", "--plot", str(tmp_path / "k.bmp")], ".png, .svg or .pdf"),
                       (["keywords", "Blair", "-n", "-1"], "-n"),
                       (["keywords", "Blair", "--against", "Zzyzzyva"], "--against Zzyzzyva")):
        ran = newsgrep_process(*args, "--index", str(ix), status=2)
        assert ran.out == ""
        assert ran.err.startswith("newsgrep: error:") and said in ran.err
        assert len(ran.err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["collocates", "Blair"], ["keywords", "Blair", "--both"],
                                     ["timeline", "Blair", "--by", "year"]])
def test_plots_are_written_in_each_format(bbc_small: tuple[Path, list[Doc]], tmp_path: Path,
                                          command: list[str]) -> None:
    ix, _ = bbc_small
    for suffix in (".png", ".svg", ".pdf"):
        out = tmp_path / f"figure{suffix}"
        code, _ = _run([*command, "--index", str(ix), "--plot", str(out), "--json"])
        assert code == 0
        data = out.read_bytes()
        if suffix == ".png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", data[16:24])
            assert width > 300 and height > 300
        elif suffix == ".svg":
            root = ElementTree.fromstring(data)
            assert root.tag.endswith("svg")
            assert "Blair" in "".join(root.itertext()) or b"Blair" in data or b"<path" in data
        else:
            assert data[:5] == b"%PDF-" and len(data) > 1000


def test_without_matplotlib_plot_names_the_extra(bbc_small: tuple[Path, list[Doc]], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:

    ix, _ = bbc_small
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    _, err = newsgrep("collocates", "Blair", "--index", str(ix), "--plot", str(tmp_path / "c.png"), status=2)[1:]
    assert err.startswith("newsgrep: error: --plot needs matplotlib") and err.count("\n") == 1
    assert "pip install 'newsgrep[plot]'" in err
    assert not (tmp_path / "c.png").exists()
