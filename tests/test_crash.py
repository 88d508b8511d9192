"""Crash safety: kill -9 and Ctrl-C at several moments of a real `newsgrep index` process.

After every fault the index must hold what was committed before (nothing lost, no duplicates, the
catalog's counts matching the index), and the next run must finish with the right totals.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import Ran, need_corpus, newsgrep_cmd, newsgrep_process

TOPICS_A = ("business", "politics")   # 927 articles
TOPICS_B = ("sport", "tech")          # 912 articles


def _corpus(tmp: Path) -> tuple[Path, Path, int, int]:
    bbc = need_corpus("bbc")
    counts = []
    roots = []
    for name, topics in (("bbcA", TOPICS_A), ("bbcB", TOPICS_B)):
        root = tmp / name
        for t in topics:
            shutil.copytree(bbc / t, root / t)
        roots.append(root)
        counts.append(sum(1 for _ in root.rglob("*.txt")))
    return roots[0], roots[1], counts[0], counts[1]


SMALL_COMMITS = {"NEWSGREP_COMMIT_DOCS": "120", "NEWSGREP_COMMIT_BYTES": "250000", "PYTHONUNBUFFERED": "1"}


def _env(**extra: str) -> dict[str, str]:
    """Return this process's environment with small commits (for a Popen of our own)."""
    return {**os.environ, **SMALL_COMMITS, **extra}


def _index(*args: str, status: int = 0) -> Ran:
    """Run `newsgrep index` to the end, with small commits; fail unless it exits with ``status``."""
    return newsgrep_process("index", *args, env=SMALL_COMMITS, status=status)


def _one_article_index(tmp: Path) -> Path:
    """Index one small file; return the index folder."""
    from newsgrep import api

    corpus = tmp / "c"
    corpus.mkdir()
    (corpus / "one.txt").write_text("Floods in Idlib\n\nRain fell on Idlib.\n")
    ix = tmp / "ix"
    api.build_index([str(corpus)], str(ix))
    return ix


def _generation(ix: Path) -> int:
    gens = [int(p.name.split("_")[-1][:-4]) for p in ix.glob("_articles_*.toc")] if ix.exists() else []
    return max(gens, default=-1)


def _state(ix: Path) -> tuple[Counter[str], dict[str, int]]:
    """Return the ids in the index (with multiplicity) per path, and the catalog's counts."""
    from newsgrep.index.store.opening import open_whoosh_index as open_index

    index = open_index(ix)
    with index.searcher() as s:
        docs = [s.stored_fields(d) for d in s.reader().all_doc_ids()]
    ids = Counter(d["id"] for d in docs)
    per_path = Counter(d["path"] for d in docs)
    db = sqlite3.connect(ix / "newsgrep.sqlite")
    try:
        catalog = dict(db.execute("SELECT path, articles FROM files").fetchall())
    finally:
        db.close()
    for path, n in catalog.items():
        assert per_path[path] == n, f"catalog says {n} articles of {path}, index has {per_path[path]}"
    # Articles of files the catalog has not recorded yet: only right after a Whoosh commit
    # (killed before the catalog update); whole files, and recorded by the next run.
    for path in set(per_path) - set(catalog):
        assert per_path[path] == 1
    assert all(n == 1 for n in ids.values()), "an article is in the index twice"
    return ids, catalog


def _check_searchable(ix: Path) -> None:
    proc = newsgrep_process("search", "year", "-c", "--index", str(ix), timeout=120)
    assert "Traceback" not in proc.err and int(proc.out) > 0


def _run_until(args: list[str], ix: Path, moment: str, sig: int = signal.SIGKILL,
               jobs: str = "1") -> subprocess.CompletedProcess[str] | tuple[int, str]:
    """Start `newsgrep index`, wait for a moment, send a signal; return (status, stderr)."""
    watched = ix.with_name(ix.name + ".rebuild") if "--rebuild" in args else ix
    start_gen = _generation(watched)
    proc = subprocess.Popen(newsgrep_cmd("index", *args, "--index", str(ix), "--jobs", jobs, "-q"),
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    if moment == "early":
        time.sleep(0.4)
    else:
        while _generation(watched) <= max(start_gen, 0 if moment != "first-commit" else -1):
            assert proc.poll() is None, f"finished before the fault: {proc.communicate()[1]}"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        if moment == "mid-batch":
            time.sleep(0.5)
    assert proc.poll() is None, "finished before the fault"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.corpus
@pytest.mark.subprocess
def test_kill_at_several_moments_loses_nothing_committed(tmp_path: Path) -> None:
    a, b, n_a, n_b = _corpus(tmp_path / "corpus")
    ix = tmp_path / "index"
    _index(str(a), "--index", str(ix), "-q")
    before, _ = _state(ix)
    assert len(before) == n_a
    faults = [("early", "1"), ("commit", "1"), ("mid-batch", "1"), ("commit", "2"),
              ("mid-batch", "2")]
    for moment, jobs in faults:
        status, err = _run_until([str(a), str(b)], ix, moment, jobs=jobs)
        assert status == -signal.SIGKILL
        ids, _ = _state(ix)
        missing = set(before) - set(ids)
        assert not missing, f"kill -9 at {moment} (jobs {jobs}) lost {len(missing)} articles"
        _check_searchable(ix)
        before = ids
    final = _index(str(a), str(b), "--index", str(ix))
    assert "Traceback" not in final.err
    ids, catalog = _state(ix)
    assert len(ids) == n_a + n_b and sum(catalog.values()) == n_a + n_b
    assert set(catalog) == {str(p) for p in (a, b) for p in p.rglob("*.txt")}
    again = _index(str(a), str(b), "--index", str(ix))
    assert f"{n_a + n_b:,} unchanged" in again.err


@pytest.mark.corpus
@pytest.mark.subprocess
def test_ctrl_c_stops_cleanly_and_keeps_commits(tmp_path: Path) -> None:
    a, b, n_a, n_b = _corpus(tmp_path / "corpus")
    ix = tmp_path / "index"
    status, err = _run_until([str(a), str(b)], ix, "commit", sig=signal.SIGINT, jobs="2")
    assert status == 130, err
    assert "interrupted" in err and "run the same command again" in err
    assert "Traceback" not in err
    ids, catalog = _state(ix)
    assert 0 < len(ids) < n_a + n_b
    _index(str(a), str(b), "--index", str(ix), "-q")
    ids, catalog = _state(ix)
    assert len(ids) == n_a + n_b == sum(catalog.values())


@pytest.mark.corpus
@pytest.mark.subprocess
def test_killed_rebuild_leaves_the_old_index(tmp_path: Path) -> None:
    a, _, n_a, _ = _corpus(tmp_path / "corpus")
    ix = tmp_path / "index"
    _index(str(a), "--index", str(ix), "-q")
    before, _ = _state(ix)
    status, _ = _run_until([str(a), "--rebuild"], ix, "commit")
    assert status == -signal.SIGKILL
    assert _state(ix)[0] == before
    _check_searchable(ix)
    final = _index(str(a), "--index", str(ix))
    assert f"{n_a:,} unchanged" in final.err
    assert not ix.with_name("index.rebuild").exists()


def test_recover_finishes_a_swap_cut_in_half(tmp_path: Path) -> None:
    from newsgrep import api
    from newsgrep.index.store.durable import recover

    ix = _one_article_index(tmp_path)
    # killed between the two renames of a rebuild: the old index aside, the new one complete
    shutil.copytree(ix, tmp_path / "ix.rebuild")
    ix.rename(tmp_path / "ix.old")
    recover(ix)
    assert ix.exists() and not (tmp_path / "ix.old").exists()
    assert not (tmp_path / "ix.rebuild").exists()
    assert [h.id for h in api.search("Idlib", str(ix)).hits] == ["c/one.txt"]


def test_commits_are_fsynced_before_the_toc_is_visible(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgrep import api

    if not Path("/proc/self/fd").exists():
        pytest.skip("needs /proc to name the files synced")
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(5):
        (corpus / f"{i}.txt").write_text(f"Story {i}\n\nIdlib text number {i}.\n")
    events: list[tuple[str, str]] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def rename(src: str, dst: str) -> None:
        events.append(("rename", str(dst)))
        real_rename(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    ix = tmp_path / "ix"
    api.build_index([str(corpus)], str(ix), jobs=1)
    toc_renames = [i for i, (kind, p) in enumerate(events)
                   if kind == "rename" and p.endswith(".toc")]
    assert toc_renames
    last = toc_renames[-1]
    synced_before = {p for kind, p in events[:last] if kind == "fsync"}
    segments = [p for p in ix.iterdir() if p.suffix == ".seg"]
    assert segments and all(str(p) in synced_before for p in segments)
    assert str(ix) in synced_before                       # the folder, before the rename
    assert any(p.endswith(".toc." + p.split(".toc.")[-1]) for p in synced_before if ".toc." in p)
    assert ("fsync", str(ix)) in events[last + 1:]       # and after it


def test_a_search_finishes_a_swap_cut_in_half(tmp_path: Path) -> None:
    from newsgrep import api

    ix = _one_article_index(tmp_path)
    ix.rename(tmp_path / "ix.old")
    assert [h.id for h in api.search("Idlib", str(ix)).hits] == ["c/one.txt"]


def test_articles_committed_but_not_cataloged_are_not_indexed_twice(tmp_path: Path) -> None:
    """A run killed between a Whoosh commit and the catalog update (made deterministic here)."""
    from newsgrep import api

    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"{i}.txt").write_text(f"Story {i}\n\nIdlib report number {i}.\n")
    ix = tmp_path / "ix"
    assert api.build_index([str(corpus)], str(ix)).ok
    db = sqlite3.connect(ix / "newsgrep.sqlite")
    db.execute("DELETE FROM files WHERE path LIKE ?", ("%/2.txt",))
    db.commit()
    db.close()
    (corpus / "3.txt").write_text("Story 3, revised\n\nIdlib report number 3.\n")
    report = api.build_index([str(corpus)], str(ix))
    assert report.ok, report.skipped
    ids, catalog = _state(ix)
    assert sorted(ids) == [f"c/{i}.txt" for i in range(4)] and sum(catalog.values()) == 4
    assert api.count("revised", str(ix)) == 1
