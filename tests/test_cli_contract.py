"""The command-line contract, through newsgrep.cli.main (its error mapping included): one-line
errors, deep nesting, the `-- -word` form, --debug anywhere, the filters and --any on every
command that takes a query, --batch -, filters that name nothing, environment variables, the run
lock's file."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ANY, SAMPLE, newsgrep
from newsgrep import api
from newsgrep.cli import main
from newsgrep.errors import IndexMissing

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def ng() -> Run:
    """Run a command line through the suite's harness (conftest.newsgrep); return its exit status,
    stdout and stderr, which each test checks (an internal error fails at once)."""

    def run(*args: str) -> tuple[int, str, str]:
        ran = newsgrep(*args, status=ANY, input=_stdin())
        return ran.status, ran.out, ran.err

    return run


def _stdin() -> str | None:
    """What a test put on stdin (monkeypatched), for the harness to feed the command line."""
    import sys

    return sys.stdin.getvalue() if isinstance(sys.stdin, io.StringIO) else None


def _one_error_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("newsgrep: error: "), err
    assert "Usage:" not in err and "Try " not in err and "Traceback" not in err
    return err


def _raw_sample() -> list[str]:
    """The text of every sample article, read from the raw files, accents dropped (Erdoğan)."""
    import unicodedata

    with (SAMPLE / "wikinews" / "wikinews_2019.csv").open(encoding="utf-8", newline="") as f:
        texts = [row["title"] + "\n" + row["text"] for row in csv.DictReader(f)]
    texts.append(next((SAMPLE / "seed").glob("*.txt")).read_text(encoding="utf-8"))
    return ["".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c)) for t in texts]


# --- nesting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "column"), [
    ("(" * 101 + "Idlib" + ")" * 101, 101),
    ("NOT " * 101 + "Idlib", 401),
    ("NOT " * 5000 + "Idlib", 401),
    ("(NOT " * 51 + "Idlib" + ")" * 51, 251),
    ("title:" + "(" * 101 + "Idlib" + ")" * 101, 107),
    ("-" + "(" * 101 + "Idlib" + ")" * 101, 102),
    ("(" * 20000, 101),
    ("Idlib OR " + "(" * 60 + "NOT " * 41 + "Aleppo" + ")" * 60, 10 + 60 + 40 * 4),
])
def test_nesting_deeper_than_100_levels_is_a_malformed_query(ng: Run, sample_index: Path, query: str,
                                                             column: int) -> None:
    ix = ["--index", str(sample_index)]
    seed = str(next((SAMPLE / "seed").glob("*.txt")))
    for args in (["search", "-c", *ix, "--", query], ["kwic", *ix, "--", query], ["timeline", *ix, "--", query],
                 ["export", *ix, "--", query], ["show", seed, "--no-pager", *ix, "--query", query]):
        code, out, err = ng(*args)
        assert (code, out) == (2, ""), (args[0], err)
        assert _one_error_line(err).endswith(f"nests deeper than 100 levels (parentheses and NOTs) (column {column})\n")


@pytest.mark.parametrize("query", [
    "(" * 100 + "Idlib" + ")" * 100,
    "NOT " * 100 + "Idlib",
    "(NOT " * 50 + "Idlib" + ")" * 50,
    "title:" + "(" * 100 + "Idlib" + ")" * 100,
])
def test_nesting_of_100_levels_is_searched(ng: Run, sample_index: Path, query: str) -> None:
    idlib = sum(bool(re.search(r"\bidlib\b", t, re.I)) for t in _raw_sample())
    assert idlib == 1
    code, out, err = ng("search", "-c", "--explain", "--index", str(sample_index), "--", query)
    assert (code, out) == (0, "1\n") and "matching articles: 1" in err
    for cmd in ("kwic", "timeline"):
        code, out, err = ng(cmd, "--mentions" if cmd == "timeline" else "--json", "--index", str(sample_index),
                            "--", query)
        assert code in (0, 1) and "error" not in err  # (a doubly negated word is not a mention)
    seed = next((SAMPLE / "seed").glob("*.txt"))
    assert ng("show", str(seed), "--no-pager", "--index", str(sample_index), "--query", query)[0] == 0


# --- usage errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "says"), [
    (["search", "Idlib", "--nope"], "no such option '--nope'"),
    (["search", "Idlib", "-n", "x"], "'x' is not a valid integer"),
    (["search", "Idlib", "--sort", "best"], "'best' is not one of 'relevance', 'newest', 'oldest'"),
    (["timeline", "Idlib", "--by", "decade"], "'decade' is not one of"),
    (["kwic"], "missing argument 'QUERY'"),
    (["show"], "missing argument 'ID|PATH'"),
    (["nosuchcommand"], "no such command 'nosuchcommand'"),
    (["search", "Idlib", "--json", "--csv"], "--json and --csv exclude each other"),
    (["search"], "give a QUERY or --batch FILE"),
])
def test_usage_errors_are_one_line(ng: Run, sample_index: Path, args: list[str], says: str) -> None:
    code, out, err = ng(*args, "--index", str(sample_index))
    assert (code, out) == (2, "")
    assert says in _one_error_line(err)


@pytest.mark.parametrize("command", ["search", "export", "kwic", "timeline"])
def test_a_query_read_as_options_names_the_double_dash_form(ng: Run, sample_index: Path, command: str) -> None:
    code, out, err = ng(command, "-Putin", "--index", str(sample_index))
    assert (code, out) == (2, "")
    assert _one_error_line(err).rstrip().endswith(f": newsgrep {command} -- -Putin")
    code, out, err = ng(command, "--index", str(sample_index), "-Putin Russia")
    assert code == 2 and _one_error_line(err).rstrip().endswith(f"newsgrep {command} -- '-Putin Russia'")


def test_the_double_dash_form_searches_every_article_without_the_word(ng: Run, sample_index: Path) -> None:
    texts = _raw_sample()
    without = sum(not re.search(r"\bputin\b", t, re.I) for t in texts)
    assert 0 < without < len(texts)
    assert ng("search", "-c", "--index", str(sample_index), "--", "-Putin") == (0, f"{without}\n", "")
    code, out, _ = ng("export", "--index", str(sample_index), "--", "-Putin")
    assert code == 0 and len(out.splitlines()) == without


# --- --debug anywhere, --batch - -------------------------------------------------------------------

@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_command_shows_the_exception(where: str, tmp_path: Path) -> None:
    args = ["search", "Idlib", "--index", str(tmp_path / "none")]
    with pytest.raises(IndexMissing):
        main(["--debug", *args] if where == "before" else [*args, "--debug"])


def test_without_debug_the_same_error_is_one_line(ng: Run, tmp_path: Path) -> None:
    code, _, err = ng("search", "Idlib", "--index", str(tmp_path / "none"))
    assert code == 2 and "no index at" in _one_error_line(err)


def test_batch_dash_reads_the_queries_from_stdin(ng: Run, sample_index: Path, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    queries = "a\tIdlib\n# a comment\nb\tRussia\nMagnitogorsk\n"
    batch = tmp_path / "q.tsv"
    batch.write_text(queries, encoding="utf-8")
    from_file = ng("search", "--batch", str(batch), "-c", "--index", str(sample_index))
    monkeypatch.setattr("sys.stdin", io.StringIO(queries))
    from_stdin = ng("search", "--batch", "-", "-c", "--index", str(sample_index))
    assert from_stdin == from_file and from_stdin[0] == 0
    assert [line.split("\t")[0] for line in from_stdin[1].splitlines()] == ["a", "b", "4"]


# --- the filters and --any on every command that takes a query ---------------------------------

@pytest.mark.parametrize("filters", [
    ["--any"], ["--since", "2019-03", "--until", "2019-09"], ["--source", "wikinews"], ["--variants"],
    ["--any", "--source", "seed"],
])
def test_every_query_command_takes_the_filters_of_search(ng: Run, sample_index: Path, filters: list[str]) -> None:
    ix = ["--index", str(sample_index)]
    query = "Russia Putin"
    code, out, _ = ng("search", query, "-c", *filters, *ix)
    n = int(out)
    assert n > 0
    code, out, _ = ng("export", query, *filters, *ix)
    assert code == (0 if n else 1) and len(out.splitlines()) == n
    code, out, _ = ng("kwic", query, "--json", *filters, *ix)
    assert code == (0 if n else 1) and len({line.split('"')[3] for line in out.splitlines()}) == n
    code, out, err = ng("timeline", query, "--by", "source", "--json", *filters, *ix)
    assert code == (0 if n else 1) and sum(int(x) for x in re.findall(r'"count": (\d+)', out)) == n


def test_any_widens_each_command_as_it_widens_search(ng: Run, sample_index: Path) -> None:
    texts = _raw_sample()
    both = sum(bool(re.search(r"\bputin\b", t, re.I) and re.search(r"\berdogan\b", t, re.I)) for t in texts)
    either = sum(bool(re.search(r"\bputin\b|\berdogan\b", t, re.I)) for t in texts)
    assert both < either
    ix = ["--index", str(sample_index)]
    for extra, n in (([], both), (["--any"], either)):
        assert ng("search", "Putin Erdogan", "-c", *extra, *ix)[1] == f"{n}\n"
        assert len(ng("export", "Putin Erdogan", *extra, *ix)[1].splitlines()) == n


def test_show_reads_its_query_with_variants_and_any(ng: Run, sample_index: Path) -> None:
    seed = str(next((SAMPLE / "seed").glob("*.txt")))
    idlib = len(re.findall(r"\bidlib\b", Path(seed).read_text(encoding="utf-8"), re.I))
    ix = ["--color", "always", "--no-pager", "--index", str(sample_index)]
    code, out, _ = ng("show", seed, "--query", "Idleb", *ix)
    assert code == 0 and "\x1b[1;31m" not in out
    code, out, _ = ng("show", seed, "--query", "Idleb", "--variants", *ix)
    assert code == 0 and out.count("\x1b[1;31mIdlib\x1b[0m") == idlib > 1
    code, out, _ = ng("show", seed, "--query", "Idlib OR Timbuktu", "--any", *ix)
    assert code == 0 and out.count("\x1b[1;31mIdlib\x1b[0m") == idlib
    code, _, err = ng("show", seed, "--any", "--index", str(sample_index))
    assert code == 2 and "--query" in _one_error_line(err)


# --- filters that name nothing ---------------------------------------------------------------------

def test_an_unknown_source_is_said_with_similar_or_common_ones(ng: Run, sample_index: Path) -> None:
    code, out, err = ng("search", "Russia", "--source", "wiki", "--index", str(sample_index))
    assert (code, out) == (1, "")
    assert "no article has the source 'wiki'; similar sources: 'wikinews'" in err
    code, out, err = ng("kwic", "Russia", "--source", "polit", "--index", str(sample_index))
    assert code == 1 and "no article has the source 'polit'; the most common sources: 'wikinews', 'seed'" in err
    code, _, err = ng("search", "Russia", "--source", "WikiNews", "-c", "--index", str(sample_index))
    assert code == 0 and "source" not in err  # the name is matched without regard to case


def test_a_date_filter_on_an_index_without_dates_is_said(ng: Run, tmp_path: Path, sample_index: Path) -> None:
    ix = tmp_path / "seed"
    assert api.build_index([str(SAMPLE / "seed")], str(ix)).articles == 1
    for cmd in ("search", "export", "timeline", "kwic"):
        code, out, err = ng(cmd, "Idlib", "--since", "2019", "--index", str(ix))
        assert (code, out) == (1, "") and "no article in the index has a date" in err, cmd
    code, _, err = ng("search", "Russia", "--since", "2021-01", "--index", str(sample_index))
    assert code == 1 and "the index's dates run from 2019-01-04 to 2019-12-30" in err
    code, _, err = ng("search", "Timbuktu", "--since", "2019-02", "--index", str(sample_index))
    assert code == 1 and "date" not in err  # the filter names dates the index has: nothing to say


# --- environment variables ---------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value"), [
    ("NEWSGREP_COMMIT_DOCS", "abc"), ("NEWSGREP_COMMIT_DOCS", "0"), ("NEWSGREP_COMMIT_BYTES", "1.5"),
    ("NEWSGREP_LOCK_TIMEOUT", "soon"), ("NEWSGREP_LOCK_TIMEOUT", "-1"), ("NEWSGREP_CLUSTER_KEEP", "10m"),
    ("NEWSGREP_CLUSTER_TIMEOUT", "0"), ("NEWSGREP_CLUSTER_TASK_TIMEOUT", "inf"), ("NEWSGREP_PURE_PYTHON", "yes"),
])
def test_a_malformed_environment_variable_is_one_line_naming_it(ng: Run, tmp_path: Path, name: str, value: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    for args in (["index", str(SAMPLE / "seed"), "-q"], ["search", "Idlib"]):
        code, out, err = ng(*args, "--index", str(tmp_path / "ix"))
        assert (code, out) == (2, "")
        assert _one_error_line(err).startswith(f"newsgrep: error: {name} must be a ")
        assert repr(value) in err and "internal error" not in err


def test_the_settings_are_read_in_one_place() -> None:
    src = Path(__file__).resolve().parent.parent / "src" / "newsgrep"
    readers = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                     if re.search(r"""environ(?:\.get)?\(?\[?["']NEWSGREP_""", p.read_text(encoding="utf-8")))
    assert readers == ["settings.py"]


# --- the run lock's file -------------------------------------------------------------------------

def test_no_lock_file_is_left_beside_the_index(ng: Run, tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    assert ng("index", str(SAMPLE / "seed"), "-q", "--index", str(ix))[0] == 0
    assert ng("remove", str(SAMPLE / "seed"), "--index", str(ix))[0] == 0
    assert ng("index", str(SAMPLE / "seed"), "-q", "--rebuild", "--index", str(ix))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix"]


def _hold_in_turn(index_dir: str, marker: str, rounds: int) -> int:
    """Take the run lock ``rounds`` times; count the times another holder was inside with us."""
    import time

    from newsgrep.index.store.lock import run_lock

    clashes = 0
    for _ in range(rounds):
        with run_lock(Path(index_dir), 30.0, lambda _: None):
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                clashes += 1
                continue
            time.sleep(0.001)
            os.close(fd)
            os.unlink(marker)
    return clashes


def test_the_lock_is_exclusive_while_its_file_comes_and_goes(tmp_path: Path) -> None:
    """Holders remove the lock file as they let go: waiters that locked a removed file must not
    count as holders, whatever the interleaving (six processes, 150 turns each)."""
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(6) as pool:
        clashes = pool.starmap(_hold_in_turn, [(str(tmp_path / "ix"), str(tmp_path / "inside"), 150)] * 6)
    assert clashes == [0] * 6
    assert not (tmp_path / "ix.lock").exists() and not (tmp_path / "inside").exists()


def test_a_second_writer_still_waits_for_the_first(tmp_path: Path) -> None:
    from newsgrep.errors import IndexLocked
    from newsgrep.index.store.lock import run_lock

    said: list[str] = []
    ctx = multiprocessing.get_context("fork")
    ready, done = ctx.Event(), ctx.Event()

    def hold() -> None:
        with run_lock(tmp_path / "ix", 5.0, said.append):
            ready.set()
            done.wait(30)

    holder = ctx.Process(target=hold)
    holder.start()
    try:
        assert ready.wait(30)
        assert (tmp_path / "ix.lock").exists()
        with pytest.raises(IndexLocked), run_lock(tmp_path / "ix", 0.5, said.append):
            pass
        assert said and "waiting for another newsgrep run" in said[0]
    finally:
        done.set()
        holder.join(30)
    with run_lock(tmp_path / "ix", 5.0, said.append):
        assert (tmp_path / "ix.lock").exists()
    assert not (tmp_path / "ix.lock").exists()
