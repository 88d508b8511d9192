"""Shared fixtures: the real corpora in ../shared/corpora, and indexes built from them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("NEWSGREP_CORPORA", REPO.parent / "shared" / "corpora"))
SAMPLE = REPO / "corpus"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Byte-compile newsgrep once, as installing a wheel does: the tests start hundreds of
    `python -m newsgrep` processes, and with PYTHONDONTWRITEBYTECODE set (as CI images often do)
    each would compile every module it imports again (0.2 s a process)."""
    import compileall

    compileall.compile_dir(str(REPO / "src" / "newsgrep"), quiet=1)


@pytest.fixture(scope="session", autouse=True)
def _runtime_folder() -> Iterator[None]:
    """A runtime folder of the session's own, for the kept Dask clients its `--cluster` calls start
    (newsgrep.cluster.keep): never the user's; those still running at the end are stopped."""
    import tempfile

    before = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(tempfile.mkdtemp(prefix="ng-run-"))  # short: a socket's path is at most ~100 bytes
    os.environ["XDG_RUNTIME_DIR"] = str(folder)
    yield
    end_kept_clients(folder)
    if before is None:
        os.environ.pop("XDG_RUNTIME_DIR", None)
    else:
        os.environ["XDG_RUNTIME_DIR"] = before


def end_kept_clients(runtime: Path) -> None:
    """Stop the kept clients of a runtime folder (their pids are in their lock files); remove it."""
    import shutil
    import signal

    for lock in runtime.glob("newsgrep/*.lock"):
        try:
            os.kill(int(lock.read_text()), signal.SIGTERM)
        except (ValueError, OSError):
            pass
    shutil.rmtree(runtime, ignore_errors=True)


CORPUS_FIXTURES = frozenset({"bbc_index", "reuters_jsonl", "reuters_index"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses an index of a real corpus is in the corpus tier, marked or not."""
    for item in items:
        if CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.corpus)


def need_corpus(*parts: str) -> Path:
    """Return a path in ../shared/corpora; skip (or, in CI, fail) when it is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        message = f"real corpus not found at {path} (clone with ../shared beside the repo)"
        if os.environ.get("NEWSGREP_REQUIRE_CORPORA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def _no_user_index(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's own default index from a test."""
    monkeypatch.setenv("NEWSGREP_INDEX", str(tmp_path_factory.mktemp("default-index") / "ix"))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="session")
def bbc_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the BBC corpus (2,225 articles), built once per test session."""
    from newsgrep import api

    bbc = need_corpus("bbc")
    ix = tmp_path_factory.mktemp("bbc") / "index"
    report = api.build_index([str(bbc)], str(ix), exclude=["README.TXT", "SOURCE.md"])
    assert report.ok and report.articles == 2225
    return ix


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the sample corpus in corpus/ (the seed and 171 Wikinews articles)."""
    from newsgrep import api

    ix = tmp_path_factory.mktemp("sample") / "index"
    report = api.build_index([str(SAMPLE)], str(ix), exclude=["README.md"])
    assert report.ok and report.articles == 172
    return ix


@pytest.fixture(scope="session")
def reuters_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reuters-21578 as JSON Lines (one file per SGML file), converted by the benchmarks' helper:
    input for tests of sharding and clusters, which need records in files of a chosen size, not
    for tests of reading Reuters (reuters_index reads the SGML with newsgrep's own reader)."""
    need_corpus("reuters21578")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from corpora import build_reuters
    finally:
        sys.path.pop(0)
    return build_reuters(tmp_path_factory.mktemp("reuters") / "reuters")


@pytest.fixture(scope="session")
def reuters_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of Reuters-21578, read from its SGML files by newsgrep's own reader."""
    from newsgrep import api

    folder = need_corpus("reuters21578")
    ix = tmp_path_factory.mktemp("reuters-ix") / "index"
    report = api.build_index([str(folder)], str(ix), include=["reut2-*.sgm.gz"])
    assert report.ok and report.articles > 20000
    return ix


class Ran(NamedTuple):
    """What a command line did: its exit status, standard output and standard error."""

    status: int
    out: str
    err: str

    def json(self) -> list[Any]:
        """Return stdout's JSON Lines."""
        return [json.loads(line) for line in self.out.splitlines()]


ANY = -1  # a status for calls whose test checks the status itself (several are right, or it compares runs)


def _expect(what: str, ran: Ran, status: int) -> Ran:
    """Fail the test, showing stdout and stderr, unless the run ended with ``status`` (any status
    with ANY); an "internal error" line fails whatever the status."""
    if (status != ANY and ran.status != status) or "internal error" in ran.err:
        pytest.fail(f"{what}: exit status {ran.status}, expected {status}\n"
                    f"--- stdout ---\n{ran.out[-4000:]}\n--- stderr ---\n{ran.err[-4000:]}", pytrace=False)
    return ran


def newsgrep(*args: str, status: int = 0, env: dict[str, str] | None = None, input: str | None = None) -> Ran:
    """Run a newsgrep command line in this process through ``newsgrep.cli.main`` (the one place
    errors become exit statuses and error lines); fail unless it exits with ``status``.

    As httpie's ``http()`` helper: every call states the status it expects (0 by default), and an
    "internal error" line always fails, whatever the status."""
    from click.testing import CliRunner

    from newsgrep.cli import main

    runner = CliRunner()
    code = 0
    with runner.isolation(input=input, env=env) as streams:
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
    out, err = streams[0].getvalue(), streams[1].getvalue()
    ran = Ran(code, out.decode(errors="replace"), err.decode(errors="replace"))
    return _expect(f"newsgrep {' '.join(args)}", ran, status)


def newsgrep_cmd(*args: str) -> list[str]:
    """Return the argument list that runs the real entry point, ``python -m newsgrep``."""
    return [sys.executable, "-m", "newsgrep", *args]


def run_process(cmd: list[str] | str, status: int = 0, env: dict[str, str] | None = None,
                input: str | None = None, cwd: Path | None = None, timeout: float = 600) -> Ran:
    """Run a command in a subprocess (a string runs in ``bash -o pipefail``), with ``env`` added to
    this process's environment; fail unless it exits with ``status`` (stdout and stderr shown)."""
    argv = ["bash", "-o", "pipefail", "-c", cmd] if isinstance(cmd, str) else cmd
    p = subprocess.run(argv, capture_output=True, text=True, input=input, cwd=cwd, timeout=timeout,
                       env={**os.environ, **(env or {})}, check=False)
    return _expect(" ".join(argv), Ran(p.returncode, p.stdout, p.stderr), status)


def newsgrep_process(*args: str, status: int = 0, env: dict[str, str] | None = None, input: str | None = None,
                     cwd: Path | None = None, timeout: float = 600) -> Ran:
    """Run ``python -m newsgrep ARGS`` in a subprocess; fail unless it exits with ``status``."""
    return run_process(newsgrep_cmd(*args), status, env, input, cwd, timeout)
