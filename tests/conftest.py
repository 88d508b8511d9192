"""Shared fixtures: the real corpora in ../shared/corpora, and indexes built from them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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
    """A folder with Reuters-21578 as JSON Lines (one file per SGML file, so that worker processes
    share them out), converted from its SGML by the benchmark helper: the stories with a title or
    a body."""
    import sys

    need_corpus("reuters21578")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from corpora import build_reuters
    finally:
        sys.path.pop(0)
    return build_reuters(tmp_path_factory.mktemp("reuters") / "reuters")


@pytest.fixture(scope="session")
def reuters_index(reuters_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of Reuters-21578 (the JSON Lines conversion)."""
    from newsgrep import api

    ix = tmp_path_factory.mktemp("reuters-ix") / "index"
    report = api.build_index([str(reuters_jsonl)], str(ix))
    assert report.ok and report.articles > 20000
    return ix


def cli_run(args: list[str]) -> tuple[int, str]:
    """Run a command line in this process; return its exit status and standard output."""
    from click.testing import CliRunner

    from newsgrep.cli import cli

    result = CliRunner().invoke(cli, args, catch_exceptions=False, standalone_mode=False)
    return (result.return_value if isinstance(result.return_value, int) else result.exit_code), result.stdout
