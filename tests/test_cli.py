"""The command line, through click's CliRunner: stdout and stderr apart, exit codes as grep's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, SAMPLE
from newsgrep import __version__
from newsgrep.cli import cli
from newsgrep.errors import NewsgrepError


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Invoke the CLI in-process; a NewsgrepError becomes its exit status and message, as
    newsgrep.cli.main makes it (any other exception fails the test)."""
    runner = CliRunner()
    result = runner.invoke(cli, list(args), catch_exceptions=True, env=env, standalone_mode=False)
    exc = result.exception
    if isinstance(exc, NewsgrepError):
        return exc.exit_code, result.stdout, result.stderr + f"newsgrep: error: {exc}\n"
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


def newsgrep(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a subprocess (exit codes, broken pipes, error lines)."""
    return subprocess.run([sys.executable, "-m", "newsgrep", *args], capture_output=True,
                          text=True, **kw)  # type: ignore[call-overload]


def test_version() -> None:
    p = newsgrep("--version")
    assert p.returncode == 0 and __version__ in p.stdout


def test_search_text_output(sample_index: Path) -> None:
    code, out, err = run("search", "Idlib", "--index", str(sample_index))
    assert code == 0 and err == ""
    first = out.splitlines()[0]
    assert first == "  1. 12,000 people flee Idlib amid regime, Russian attacks"
    assert "corpus/seed/000_149819f5d793fd8c.txt" in out.splitlines()[1]
    assert "\x1b[" not in out


def test_search_color_always_highlights(sample_index: Path) -> None:
    code, out, _ = run("search", "Idlib", "--index", str(sample_index), "--color", "always", "-n", "1")
    assert code == 0 and "\x1b[" in out
    assert "\x1b[1;31mIdlib\x1b[0m" in out


def test_json_contract(sample_index: Path) -> None:
    code, out, err = run("search", "Idlib", "--index", str(sample_index), "--json", "--color", "always")
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and "\x1b" not in out
    for i, row in enumerate(rows, 1):
        assert list(row)[:10] == ["rank", "score", "id", "path", "title", "date", "source", "url",
                                  "snippets", "matched_terms"]
        assert row["rank"] == i
        for s in row["snippets"]:
            for a, b in s["highlights"]:
                assert s["text"][a:b].lower() == "idlib"
        assert row["matched_terms"] == ["idlib"]


def test_csv_output(sample_index: Path) -> None:
    import csv
    import io

    code, out, _ = run("search", "Idlib", "--index", str(sample_index), "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert rows[0] == ["rank", "score", "id", "path", "title", "date", "source", "url", "snippet"]
    assert rows[1][4] == "12,000 people flee Idlib amid regime, Russian attacks"


def test_count_files_and_no_match(sample_index: Path) -> None:
    code, out, _ = run("search", "Russia", "--index", str(sample_index), "-c")
    n = int(out)
    assert code == 0 and n > 1
    code, out, _ = run("search", "Russia", "--index", str(sample_index), "-l")
    assert code == 0 and len(out.splitlines()) == 2  # the seed file and the Wikinews CSV
    code, out, err = run("search", "zzyzxnothing", "--index", str(sample_index), "-c")
    assert (code, out) == (1, "0\n")
    code, out, err = run("search", "zzyzxnothing", "--index", str(sample_index))
    assert (code, out) == (1, "")


def test_limit_zero_means_all(sample_index: Path) -> None:
    _, out, _ = run("search", "Russia", "--index", str(sample_index), "-n", "0", "--json")
    _, count, _ = run("search", "Russia", "--index", str(sample_index), "-c")
    assert len(out.splitlines()) == int(count)


def test_batch_carries_qid(sample_index: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.tsv"
    batch.write_text("q1\tIdlib\nq2\tMagnitogorsk explosion\nplain query Russia\n")
    code, out, _ = run("search", "--batch", str(batch), "--index", str(sample_index), "--json", "-n", "2")
    rows = [json.loads(x) for x in out.splitlines()]
    assert code == 0
    assert [r["qid"] for r in rows] == ["q1", "q2", "q2", "3", "3"][: len(rows)]
    assert rows[0]["qid"] == "q1" and rows[0]["title"].startswith("12,000 people flee Idlib")


def test_errors_are_one_line_exit_2(tmp_path: Path, sample_index: Path) -> None:
    p = newsgrep("search", "Idlib", "--index", str(tmp_path / "none"))
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("newsgrep: error: no index at")
    p = newsgrep("search", "Idlib", "--index", str(sample_index), "--since", "yesterday")
    assert p.returncode == 2 and "bad date" in p.stderr and "Traceback" not in p.stderr
    p = newsgrep("search", "the", "--index", str(sample_index))
    assert p.returncode == 2 and "no searchable words" in p.stderr
    p = newsgrep("index", str(tmp_path / "missing"), "--index", str(tmp_path / "ix"))
    assert p.returncode == 2 and "no such file or folder" in p.stderr
    p = newsgrep("index", str(SAMPLE), "--index", str(tmp_path / "ix2"), "--map", "nonsense")
    assert p.returncode == 2 and "FIELD=KEY" in p.stderr


def test_debug_shows_traceback(tmp_path: Path) -> None:
    p = newsgrep("--debug", "search", "Idlib", "--index", str(tmp_path / "none"))
    assert p.returncode != 0 and "Traceback" in p.stderr


def test_broken_pipe_exits_quietly(sample_index: Path) -> None:
    cmd = f"{sys.executable} -m newsgrep search Russia -n 0 --index {sample_index} | head -1"
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True)
    assert p.stderr == "" and p.stdout.strip()


def test_index_summary_and_exit_status(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Title A\n\nBody a.")
    (docs / "b.TXT").write_text("Title B\n\nBody b.")
    (docs / "notes.pdf").write_bytes(b"%PDF-1.4")
    (docs / ".hidden.txt").write_text("Hidden\n\nno")
    (docs / "bad.txt").write_bytes(bytes(range(256)) * 10)
    code, out, err = run("index", str(docs), "--index", str(tmp_path / "ix"))
    assert code == 2 and out == ""
    assert "bad.txt" in err and "binary" in err
    assert "2 added" in err and "not read (other types): 1 .pdf" in err and "1 failed" in err
    (docs / "bad.txt").unlink()
    code, _, err = run("index", str(docs), "--index", str(tmp_path / "ix"))
    assert code == 0 and "2 unchanged" in err
    code, _, err = run("index", str(docs), "--index", str(tmp_path / "ix"), "-q")
    assert code == 0 and err == ""


def test_include_exclude(tmp_path: Path) -> None:
    code, _, err = run("index", str(SAMPLE), "--index", str(tmp_path / "ix"), "--include", "*.csv")
    assert code == 0 and "171 articles" in err
    code, out, _ = run("search", "Idlib", "--index", str(tmp_path / "ix"), "-c")
    assert out == "0\n"


def test_env_index_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGREP_INDEX", str(tmp_path / "envix"))
    code, _, _ = run("index", str(SAMPLE / "seed"))
    assert code == 0 and (tmp_path / "envix").is_dir()
    code, out, _ = run("search", "Idlib", "-c")
    assert (code, out) == (0, "1\n")


def test_remove_command(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    run("index", str(SAMPLE), "--index", ix, "--exclude", "README.md")
    code, _, err = run("remove", str(SAMPLE / "seed"), "--index", ix)
    assert code == 0 and "removed 1 article of 1 file" in err
    assert run("search", "Idlib", "--index", ix, "-c")[1] == "0\n"
    assert int(run("search", "Russia", "--index", ix, "-c")[1]) > 0
    # a path with no indexed articles is an error, in any spelling
    code, _, err = run("remove", str(SAMPLE / "seed"), "--index", ix)
    assert code == 2 and "nothing indexed at" in err
    code, _, err = run("remove", str(tmp_path / "nowhere"), "--index", ix)
    assert code == 2 and "nothing indexed at" in err


def test_help_is_fast_to_import() -> None:
    code = ("import sys, newsgrep.cli; "
            "bad = [m for m in ('whoosh', 'rich', 'trafilatura') if m in sys.modules]; "
            "print(','.join(bad))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert p.returncode == 0 and p.stdout.strip() == ""


def test_batch_csv_adds_qid_column(sample_index: Path, tmp_path: Path) -> None:
    import csv
    import io

    batch = tmp_path / "q.txt"
    batch.write_text("a\tIdlib\nb\tMagnitogorsk\n")
    code, out, _ = run("search", "--batch", str(batch), "--index", str(sample_index), "--csv", "-n", "1")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0][-1] == "qid" and [r[-1] for r in rows[1:]] == ["a", "b"]
