"""The command line, through newsgrep.cli.main in this process (conftest.newsgrep) and as a real
process (conftest.newsgrep_process): stdout and stderr apart, exit codes as grep's."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE, newsgrep, newsgrep_cmd, newsgrep_process, run_process
from newsgrep import __version__


@pytest.mark.subprocess
def test_version() -> None:
    assert __version__ in newsgrep_process("--version").out


def test_search_text_output(sample_index: Path) -> None:
    out = newsgrep("search", "Idlib", "--index", str(sample_index)).out
    assert newsgrep("search", "Idlib", "--index", str(sample_index)).err == ""
    first = out.splitlines()[0]
    assert first == "  1. 12,000 people flee Idlib amid regime, Russian attacks"
    assert "corpus/seed/000_149819f5d793fd8c.txt" in out.splitlines()[1]
    assert "\x1b[" not in out


def test_search_color_always_highlights(sample_index: Path) -> None:
    out = newsgrep("search", "Idlib", "--index", str(sample_index), "--color", "always", "-n", "1").out
    assert "\x1b[" in out
    assert "\x1b[1;31mIdlib\x1b[0m" in out


def test_json_contract(sample_index: Path) -> None:
    ran = newsgrep("search", "Idlib", "--index", str(sample_index), "--json", "--color", "always")
    assert ran.err == ""
    rows = ran.json()
    assert rows and "\x1b" not in ran.out
    for i, row in enumerate(rows, 1):
        assert list(row)[:10] == ["rank", "score", "id", "path", "title", "date", "source", "url",
                                  "snippets", "matched_terms"]
        assert row["rank"] == i
        for s in row["snippets"]:
            for a, b in s["highlights"]:
                assert s["text"][a:b].lower() == "idlib"
        assert row["matched_terms"] == ["idlib"]


def test_csv_output(sample_index: Path) -> None:
    out = newsgrep("search", "Idlib", "--index", str(sample_index), "--csv").out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["rank", "score", "id", "path", "title", "date", "source", "url", "snippet"]
    assert rows[1][4] == "12,000 people flee Idlib amid regime, Russian attacks"


def test_count_files_and_no_match(sample_index: Path) -> None:
    n = int(newsgrep("search", "Russia", "--index", str(sample_index), "-c").out)
    assert n > 1
    out = newsgrep("search", "Russia", "--index", str(sample_index), "-l").out
    assert len(out.splitlines()) == 2  # the seed file and the Wikinews CSV
    assert newsgrep("search", "zzyzxnothing", "--index", str(sample_index), "-c", status=1).out == "0\n"
    assert newsgrep("search", "zzyzxnothing", "--index", str(sample_index), status=1).out == ""


def test_limit_zero_means_all(sample_index: Path) -> None:
    out = newsgrep("search", "said", "--index", str(sample_index), "-n", "0", "--json").out
    count = newsgrep("search", "said", "--index", str(sample_index), "-c").out
    assert len(out.splitlines()) == int(count) > 10  # more than the default limit


def test_batch_carries_qid(sample_index: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.tsv"
    batch.write_text("q1\tIdlib\nq2\tMagnitogorsk explosion\nRussia\n")  # a line without a tab: qid 3
    rows = newsgrep("search", "--batch", str(batch), "--index", str(sample_index), "--json", "-n", "2").json()
    each = {qid: int(newsgrep("search", q, "--index", str(sample_index), "-c").out)
            for qid, q in (("q1", "Idlib"), ("q2", "Magnitogorsk explosion"), ("3", "Russia"))}
    assert [r["qid"] for r in rows] == [qid for qid, n in each.items() for _ in range(min(n, 2))]
    assert each["3"] >= 2  # one query fills its two rows
    assert rows[0]["qid"] == "q1" and rows[0]["title"].startswith("12,000 people flee Idlib")


@pytest.mark.subprocess
def test_errors_are_one_line_exit_2(tmp_path: Path, sample_index: Path) -> None:
    p = newsgrep_process("search", "Idlib", "--index", str(tmp_path / "none"), status=2)
    assert p.out == ""
    assert p.err.count("\n") == 1 and p.err.startswith("newsgrep: error: no index at")
    p = newsgrep_process("search", "Idlib", "--index", str(sample_index), "--since", "yesterday", status=2)
    assert p.err.startswith("newsgrep: error: ") and "bad date" in p.err and p.err.count("\n") == 1
    p = newsgrep("search", "the", "--index", str(sample_index), status=2)
    assert "no searchable words" in p.err
    p = newsgrep("index", str(tmp_path / "missing"), "--index", str(tmp_path / "ix"), status=2)
    assert "no such file or folder" in p.err
    p = newsgrep("index", str(SAMPLE), "--index", str(tmp_path / "ix2"), "--map", "nonsense", status=2)
    assert "FIELD=KEY" in p.err


@pytest.mark.subprocess
def test_debug_shows_traceback(tmp_path: Path) -> None:
    p = newsgrep_process("--debug", "search", "Idlib", "--index", str(tmp_path / "none"), status=1)
    assert "Traceback" in p.err and "no index at" in p.err


@pytest.mark.subprocess
def test_broken_pipe_exits_quietly(sample_index: Path) -> None:
    # export writes every article (far more than a pipe holds), so head's exit breaks the pipe;
    # under pipefail the pipeline's status is newsgrep's: 0, with nothing on stderr
    p = run_process(f"{' '.join(newsgrep_cmd('export', '--json', '--index', str(sample_index)))} | head -1")
    assert p.err == "" and p.out.count("\n") == 1 and json.loads(p.out)["id"]


def test_index_summary_and_exit_status(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Title A\n\nBody a.")
    (docs / "b.TXT").write_text("Title B\n\nBody b.")
    (docs / "notes.pdf").write_bytes(b"%PDF-1.4")
    (docs / ".hidden.txt").write_text("Hidden\n\nno")
    (docs / "bad.txt").write_bytes(bytes(range(256)) * 10)
    ran = newsgrep("index", str(docs), "--index", str(tmp_path / "ix"), status=2)
    out, err = ran.out, ran.err
    assert out == ""
    assert "bad.txt" in err and "binary" in err
    assert "2 added" in err and "not read (other types): 1 .pdf" in err and "1 failed" in err
    (docs / "bad.txt").unlink()
    assert "2 unchanged" in newsgrep("index", str(docs), "--index", str(tmp_path / "ix")).err
    assert newsgrep("index", str(docs), "--index", str(tmp_path / "ix"), "-q").err == ""


def test_include_exclude(tmp_path: Path) -> None:
    err = newsgrep("index", str(SAMPLE), "--index", str(tmp_path / "ix"), "--include", "*.csv").err
    assert "171 articles" in err
    assert newsgrep("search", "Idlib", "--index", str(tmp_path / "ix"), "-c", status=1).out == "0\n"


def test_env_index_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGREP_INDEX", str(tmp_path / "envix"))
    newsgrep("index", str(SAMPLE / "seed"))
    assert (tmp_path / "envix").is_dir()
    assert newsgrep("search", "Idlib", "-c").out == "1\n"


def test_remove_command(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    newsgrep("index", str(SAMPLE), "--index", ix, "--exclude", "README.md")
    assert int(newsgrep("search", "Idlib", "--index", ix, "-c").out) == 1
    assert "removed 1 article of 1 file" in newsgrep("remove", str(SAMPLE / "seed"), "--index", ix).err
    assert newsgrep("search", "Idlib", "--index", ix, "-c", status=1).out == "0\n"
    assert int(newsgrep("search", "Russia", "--index", ix, "-c").out) > 0
    # a path with no indexed articles is an error, in any spelling
    assert "nothing indexed at" in newsgrep("remove", str(SAMPLE / "seed"), "--index", ix, status=2).err
    assert "nothing indexed at" in newsgrep("remove", str(tmp_path / "nowhere"), "--index", ix, status=2).err


@pytest.mark.subprocess
def test_help_is_fast_to_import() -> None:
    code = ("import sys, newsgrep.cli; "
            "bad = [m for m in ('whoosh', 'rich', 'trafilatura') if m in sys.modules]; "
            "print(','.join(bad))")
    assert run_process([sys.executable, "-c", code], cwd=REPO).out.strip() == ""


def test_batch_csv_adds_qid_column(sample_index: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text("a\tIdlib\nb\tMagnitogorsk\n")
    out = newsgrep("search", "--batch", str(batch), "--index", str(sample_index), "--csv", "-n", "1").out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][-1] == "qid" and [r[-1] for r in rows[1:]] == ["a", "b"]
