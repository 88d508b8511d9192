"""A sharded index on this machine (no Dask): shards that no article went to, and searchers kept
open in a process while the index is rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, newsgrep
from newsgrep import api


@pytest.fixture(scope="module")
def seed_indexes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed article (one, dated by its file name) as one index, and over 4 shards: three of
    them hold no article."""
    tmp = tmp_path_factory.mktemp("seed")
    one, sharded = tmp / "one", tmp / "sharded"
    seed = tmp / "seed"
    seed.mkdir()
    shutil.copy(SAMPLE / "seed" / "000_149819f5d793fd8c.txt", seed / "2019-12-24-idlib.txt")
    assert api.build_index([str(seed)], str(one)).articles == 1
    assert api.build_index([str(seed)], str(sharded), shards=4).articles == 1
    empty = [d for d in sorted(sharded.glob("shard-*")) if api.stats(str(d)).articles == 0]
    assert len(empty) == 3
    return one, sharded


@pytest.mark.parametrize("args", [
    ("search", "Idlib", "--json"), ("search", "Idlib", "-c"), ("search", "Idlib OR Aleppo", "--any", "--json"),
    ('search', '"Russian attacks"', "--json"), ("search", "Idl*", "--json"), ("search", "Idlib~1", "--json"),
    ("search", "Idlib", "--sort", "newest", "--json"), ("search", "Idlib", "--dedup", "--json"),
    ("search", "Idlib", "--variants", "--json"), ("search", "Idlib", "-c", "--mentions"),
    ("search", "Timbuktu", "--json"), ("timeline", "Idlib", "--json"), ("kwic", "Idlib", "--json"),
    ("export",), ("export", "Idlib"),
])
def test_shards_without_articles_answer_as_one_index(seed_indexes: tuple[Path, Path], args: tuple[str, ...]) -> None:
    one, sharded = seed_indexes
    status = 1 if "Timbuktu" in args else 0
    expected = newsgrep(*args, "--index", str(one), status=status)
    assert newsgrep(*args, "--index", str(sharded), status=status) == expected
    assert bool(expected.out) == (status == 0)  # every answer but Timbuktu's has something to compare


def test_stats_of_shards_without_articles(seed_indexes: tuple[Path, Path]) -> None:
    a, b = (api.stats(str(ix)) for ix in seed_indexes)
    assert (a.articles, a.undated, a.first_date, a.last_date, a.sources) == \
        (b.articles, b.undated, b.first_date, b.last_date, b.sources) and a.articles == 1


def test_stats_says_how_many_shards_and_its_json_keeps_the_contracts_keys(seed_indexes: tuple[Path, Path]) -> None:
    import json

    from newsgrep.models import STATS_KEYS

    one, sharded = seed_indexes
    for ix, line in ((one, f"index:       {one}\n"), (sharded, f"index:       {sharded} (4 shards)\n")):
        out = newsgrep("stats", "--index", str(ix)).out
        assert line in out and out.count(" shards)") == (ix == sharded)
        out = newsgrep("stats", "--json", "--index", str(ix)).out
        assert tuple(json.loads(out)) == STATS_KEYS == (
            "articles", "undated", "first_date", "last_date", "sources", "index", "size_bytes", "updated",
            "version")


def test_a_searcher_kept_open_in_a_process_sees_a_rebuilt_sharded_index(tmp_path: Path) -> None:
    """A process keeps each shard's searcher open between searches (a cluster worker, a program):
    after a rebuild swapped new folders in, with tables of contents of the generations of the old
    ones, it answers from the new index, not from the files it still holds open."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus, ignore=shutil.ignore_patterns("README.md"))
    ix = tmp_path / "ix"
    assert api.build_index([str(corpus)], str(ix), shards=2).articles == 172
    generations = sorted(str(p.relative_to(ix)) for p in ix.glob("shard-*/*.toc"))
    idlib = api.count("Idlib", str(ix))
    assert idlib >= 1 and api.count("Zanzibar", str(ix)) == 0
    seed = next((corpus / "seed").glob("*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8").replace("Idlib", "Zanzibar"), encoding="utf-8")
    assert api.build_index([str(corpus)], str(ix), shards=2, rebuild=True).articles == 172
    assert sorted(str(p.relative_to(ix)) for p in ix.glob("shard-*/*.toc")) == generations
    assert api.count("Zanzibar", str(ix)) == 1 and api.count("Idlib", str(ix)) == idlib - 1


def test_a_cluster_commits_a_batch_per_two_workers_worth_of_files() -> None:
    """On a cluster each task writes a segment into every shard: a batch grows with the workers,
    each worker getting what one of two local worker processes gets."""
    from newsgrep.cluster.write import DaskRunner

    class Workers:
        def __init__(self, n: int) -> None:
            self.n = n

        def worker_count(self) -> int:
            return self.n

    for n, times in ((1, 1), (2, 1), (3, 1), (8, 4), (64, 32)):
        assert DaskRunner(Workers(n)).batch_bytes(128 << 20) == times * (128 << 20)  # type: ignore[arg-type]
