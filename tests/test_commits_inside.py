"""Commits inside a file: a long export is committed as it is read, Ctrl-C (SIGINT to the whole
process group, as a terminal sends it) or kill -9 keeps every committed article, and the next run
reads on from there to exactly the articles of an uninterrupted run, none twice.

The articles expected are computed from the raw Reuters SGML with this file's own regexes (a
story is an article when its TEXT holds anything besides tags), not by newsgrep's reader.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import need_corpus, newsgrep_cmd, newsgrep_process

FILES = ("reut2-003.sgm.gz", "reut2-004.sgm.gz")
STORY = re.compile(r'<REUTERS [^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', re.S)
TEXT = re.compile(r"<TEXT[^>]*>(.*?)</TEXT>", re.S)
TAG = re.compile(r"<[^>]+>|&#\d+;|&\w+;")


def _expected(path: Path) -> set[str]:
    """The ids of a Reuters SGML file's stories that hold any text, read with regexes."""
    raw = gzip.open(path, "rb").read().decode("latin-1")
    ids = set()
    for newid, story in STORY.findall(raw):
        text = TEXT.search(story)
        if text and TAG.sub(" ", text.group(1)).strip():
            ids.add(f"reuters-{newid}")
    return ids


def _data(tmp: Path, names: tuple[str, ...] = FILES) -> Path:
    src = need_corpus("reuters21578")
    data = tmp / "data"
    data.mkdir()
    for name in names:
        shutil.copy2(src / name, data / name)
    return data


def _generation(ix: Path) -> int:
    gens = [int(p.name.split("_")[-1][:-4]) for p in ix.glob("_articles_*.toc")] if ix.exists() else []
    return max(gens, default=-1)


def _ids(ix: Path) -> Counter[str]:
    from newsgrep.index.store.opening import open_whoosh_index

    with open_whoosh_index(ix).searcher() as s:
        return Counter(s.stored_fields(d)["id"] for d in s.reader().all_doc_ids())


def _catalog(ix: Path) -> dict[str, tuple[int, int]]:
    db = sqlite3.connect(ix / "newsgrep.sqlite")
    try:
        return {p: (n, done) for p, n, done in db.execute("SELECT path, articles, done FROM files")}
    finally:
        db.close()


def _per_path(ix: Path) -> Counter[str]:
    from newsgrep.index.store.opening import open_whoosh_index

    with open_whoosh_index(ix).searcher() as s:
        return Counter(s.stored_fields(d)["path"] for d in s.reader().all_doc_ids())


def _interrupt(data: Path, ix: Path, sig: int, jobs: str, commits: int) -> tuple[int, str]:
    """Run `newsgrep index` with a commit every 150 articles; once ``commits`` commits are made,
    send ``sig`` to its whole process group (workers included)."""
    env = {**os.environ, "NEWSGREP_COMMIT_DOCS": "150", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(newsgrep_cmd("index", str(data), "--index", str(ix), "--jobs", jobs),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while _generation(ix) < commits:
        assert proc.poll() is None, f"finished before the interruption: {proc.communicate()[1]}"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.corpus
@pytest.mark.subprocess
@pytest.mark.parametrize(("sig", "jobs"), [(signal.SIGINT, "1"), (signal.SIGINT, "2"),
                                           (signal.SIGKILL, "2")])
def test_an_interrupted_file_keeps_its_commits_and_the_next_run_reads_on(
        tmp_path: Path, sig: int, jobs: str) -> None:
    data = _data(tmp_path)
    expected = set().union(*(_expected(data / n) for n in FILES))
    ix = tmp_path / "ix"
    status, err = _interrupt(data, ix, sig, jobs, commits=3)  # inside the first file
    if sig == signal.SIGINT:
        assert status == 130, err
        assert "interrupted" in err and "Traceback" not in err and "Exception ignored" not in err
    else:
        assert status == -signal.SIGKILL
    kept = _ids(ix)
    assert all(n == 1 for n in kept.values()), "an article is in the index twice"
    assert set(kept) <= expected and 150 <= len(kept) < len(expected)
    catalog = _catalog(ix)
    per_path = _per_path(ix)
    for path, (n, _) in catalog.items():  # the catalog never claims what is not committed ...
        # ... and lags behind only when killed between a commit and its catalog update
        assert per_path[path] == n if sig == signal.SIGINT else per_path[path] >= n
    if sig == signal.SIGINT:  # stopped between commits: a file is recorded as read in part
        assert any(done >= 0 for _, done in catalog.values()), catalog

    again = newsgrep_process("index", str(data), "--index", str(ix), "-q")
    assert "Traceback" not in again.err
    final = _ids(ix)
    assert set(final) == expected and all(n == 1 for n in final.values())
    catalog = _catalog(ix)
    assert all(done == -1 for _, done in catalog.values())
    assert sum(n for n, _ in catalog.values()) == len(expected)
    whole = tmp_path / "whole"  # the same files indexed without a stop: the same answers
    newsgrep_process("index", str(data), "--index", str(whole), "-q")
    for query in ("oil", "bank rate", '"money supply"', "Japan"):
        if sig == signal.SIGINT:  # the same articles in the same segments' statistics
            got = newsgrep_process("search", query, "--json", "-n", "20", "--index", str(ix)).out
            want = newsgrep_process("search", query, "--json", "-n", "20", "--index", str(whole)).out
            assert [(r["id"], r["score"]) for r in map(_json, got.splitlines())] == \
                   [(r["id"], r["score"]) for r in map(_json, want.splitlines())]
        else:  # a file whose catalog record lagged its commit was read again: its old articles
            # are deleted, but stay in Whoosh's term statistics until their segment is merged
            got = newsgrep_process("search", query, "-c", "--index", str(ix)).out
            assert got == newsgrep_process("search", query, "-c", "--index", str(whole)).out
    assert "2 unchanged" in newsgrep_process("index", str(data), "--index", str(ix)).err


def _json(line: str) -> dict[str, object]:
    import json

    out: dict[str, object] = json.loads(line)
    return out


@pytest.mark.corpus
@pytest.mark.subprocess
def test_a_file_changed_after_a_stop_inside_it_is_read_whole_again(tmp_path: Path) -> None:
    data = _data(tmp_path)
    ix = tmp_path / "ix"
    status, err = _interrupt(data, ix, signal.SIGINT, "2", commits=2)
    assert status == 130, err
    partial = [p for p, (_, done) in _catalog(ix).items() if done >= 0]
    assert partial
    src = need_corpus("reuters21578")
    for path in partial:  # another file's stories under the same name
        shutil.copy(src / "reut2-010.sgm.gz", path)
    newsgrep_process("index", str(data), "--index", str(ix), "-q")
    expected = set().union(*(_expected(p) for p in sorted(data.iterdir())))
    final = _ids(ix)
    assert set(final) == expected and all(n == 1 for n in final.values())


@pytest.mark.corpus
def test_commits_come_every_so_many_articles_and_seconds_inside_one_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgrep import api

    data = _data(tmp_path, FILES[:1])
    n = len(_expected(data / FILES[0]))
    monkeypatch.setenv("NEWSGREP_COMMIT_DOCS", "100")
    api.build_index([str(data)], str(tmp_path / "by-count"), jobs=1)
    assert _generation(tmp_path / "by-count") >= n // 100  # the first TOC is generation 0
    monkeypatch.setenv("NEWSGREP_COMMIT_DOCS", "1000000")
    monkeypatch.setenv("NEWSGREP_COMMIT_SECONDS", "50")
    from newsgrep.index.write import session

    class Clock:  # a second passes each time the run looks at the clock (once an article)
        now = 0.0

        def monotonic(self) -> float:
            self.now += 1.0
            return self.now

    monkeypatch.setattr(session, "time", Clock())
    api.build_index([str(data)], str(tmp_path / "by-time"), jobs=1)
    assert _generation(tmp_path / "by-time") >= n // 50
    assert set(_ids(tmp_path / "by-time")) == _expected(data / FILES[0])


@pytest.mark.corpus
def test_progress_moves_by_articles_and_bytes_inside_a_file(tmp_path: Path) -> None:
    from newsgrep import api

    data = _data(tmp_path, FILES[:1])

    class Recording:
        def __init__(self) -> None:
            self.calls: list[tuple[int, int, int]] = []

        def start(self, files: int, size: int) -> None:
            self.total = (files, size)

        def advance(self, files: int, articles: int, size: int) -> None:
            self.calls.append((files, articles, size))

        def message(self, text: str) -> None:
            pass

    progress = Recording()
    report = api.build_index([str(data)], str(tmp_path / "ix"), jobs=1, progress=progress)
    size = (data / FILES[0]).stat().st_size
    assert progress.total == (1, size)
    inside = [c for c in progress.calls if c[0] == 0]
    assert len(inside) == report.articles == len(_expected(data / FILES[0]))
    assert sum(c[2] for c in inside) > size // 2  # bytes move before the file's end ...
    assert sum(c[2] for c in progress.calls) == size  # ... and add up to the file's size
    assert progress.calls[-1][0] == 1
