"""Sharded indexes, here and on a real Dask cluster (a scheduler and two workers on 127.0.0.1, each
in a process group of its own): Reuters-21578 as one JSON Lines file, written by the cluster over 4
shards, gives exactly the single index's answers; a worker killed mid-index
loses and doubles nothing; an unreachable scheduler or an unreadable shard is one error line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE, end_kept_clients, need_corpus, newsgrep, newsgrep_process
from newsgrep import api
from newsgrep.api import SearchOptions

pytestmark = pytest.mark.cluster  # a Dask cluster of worker processes: the cluster tier

pytest.importorskip("distributed", reason="the cluster extra (dask[distributed]) is not installed")
BIN = Path(sys.executable).parent

QUERIES = ["coffee", "coffee Brazil", "coffee OR cocoa", '"coffee prices"', '"quota talks"~3', "coff*",
           "*grain", "cofee~", "sugar -Cuba", "title:coffee", "date:1987-03 cocoa", "date:>1987-09 coffee",
           "source:Reuters gold", "(wheat OR corn) AND -Soviet", "+oil prices", "Gadafi~2"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # a process group of its own


def _stop(p: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait(timeout=30)


class LocalCluster:
    """A dask scheduler and workers started as processes, as on a real cluster."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler = _start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                 str(self.port), "--no-dashboard"], tmp / "scheduler.log")
        self.workers: list[subprocess.Popen[bytes]] = []

    def add_worker(self, name: str) -> subprocess.Popen[bytes]:
        p = _start([str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-nanny",  # as the README says
                    "--no-dashboard", "--name", name, "--death-timeout", "60"], self.tmp / f"{name}.log")
        self.workers.append(p)
        return p

    def wait_for(self, n: int) -> None:
        from distributed import Client

        client = Client(self.address, timeout=60, set_as_default=False)
        try:
            client.wait_for_workers(n, timeout=120)
        finally:
            client.close()

    def close(self) -> None:
        from newsgrep.cluster import disconnect

        disconnect(self.address)  # this process's client, before its scheduler goes
        for p in self.workers:
            _stop(p)
        _stop(self.scheduler)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    c = LocalCluster(tmp_path_factory.mktemp("dask"))
    try:
        c.add_worker("w1")
        c.add_worker("w2")
        c.wait_for(2)
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def reuters_one_file(reuters_jsonl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reuters-21578 as one JSON Lines file (the 22 files of conftest's conversion, in order)."""
    one = tmp_path_factory.mktemp("reuters-one") / "reuters21578.jsonl"
    with one.open("wb") as out:
        for part in sorted(reuters_jsonl.glob("*.jsonl")):
            out.write(part.read_bytes())
    return one


@pytest.fixture(scope="module")
def reuters_builds(cluster: LocalCluster, reuters_one_file: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """That file spread over 4 shards, written by the cluster's two workers; and the same file in
    one ordinary index, written meanwhile on this machine by `newsgrep index` in a process of its
    own (one file is one task: the cluster's other worker and the second core would idle)."""
    single = tmp_path_factory.mktemp("single") / "ix"
    one = subprocess.Popen([sys.executable, "-m", "newsgrep", "index", str(reuters_one_file), "--index", str(single),
                            "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ix = tmp_path_factory.mktemp("sharded") / "ix"
        report = api.build_index([str(reuters_one_file)], str(ix), shards=4, cluster=cluster.address)
        out, err = one.communicate(timeout=1200)
    finally:
        if one.poll() is None:
            one.kill()
            one.wait()
    assert one.returncode == 0, err
    assert report.ok and report.articles > 20000 and report.files_read == 1
    counts = [api.stats(str(ix / f"shard-{k:03d}")).articles for k in range(4)]
    assert min(counts) > report.articles // 5 and sum(counts) == report.articles
    assert api.stats(str(single)).articles == report.articles
    return single, ix


@pytest.fixture(scope="module")
def reuters_sharded(reuters_builds: tuple[Path, Path]) -> Path:
    """Reuters-21578 as one file over 4 shards, written by the cluster."""
    return reuters_builds[1]


@pytest.fixture(scope="module")
def reuters_single(reuters_builds: tuple[Path, Path]) -> Path:
    """The same file in one ordinary index."""
    return reuters_builds[0]


def _same(single: Path, sharded: Path, *args: str, cluster: str | None = None) -> None:
    a = newsgrep_process(*args, "--index", str(single))
    b = newsgrep_process(*args, "--index", str(sharded), *(("--cluster", cluster) if cluster else ()))
    assert a.out == b.out and a.out, args


def test_one_file_is_spread_over_every_shard_and_replaced_exactly(tmp_path: Path) -> None:
    """The sample corpus's Wikinews CSV (171 articles, one file) over 4 shards; then the file
    changed: its articles replaced in every shard, nothing doubled."""
    from conftest import SAMPLE

    data = tmp_path / "news"
    shutil.copytree(SAMPLE / "wikinews", data)
    ix = tmp_path / "ix"
    assert api.build_index([str(data)], str(ix), shards=4, jobs=1).articles == 171
    counts = [api.stats(str(ix / f"shard-{k:03d}")).articles for k in range(4)]
    assert all(c > 20 for c in counts) and sum(counts) == 171 == api.stats(str(ix)).articles
    import csv

    csv_file = next(data.glob("*.csv"))
    with csv_file.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with csv_file.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:-40])  # the last 40 records gone
    again = api.build_index([str(data)], str(ix), jobs=1)
    assert again.ok and again.updated == 1
    ids = [a.id for a in api.export(None, str(ix))]
    assert len(ids) == len(set(ids)) == api.stats(str(ix)).articles == 131


@pytest.mark.parametrize("query", QUERIES)
def test_a_local_sharded_index_answers_as_one_index(reuters_single: Path, reuters_sharded: Path, query: str) -> None:
    options = SearchOptions(limit=None)
    one = [(h.id, h.score) for h in api.search(query, str(reuters_single), options).hits]
    many = [(h.id, h.score) for h in api.search(query, str(reuters_sharded), options).hits]
    assert one == many and len(one) > 0


def test_snippets_made_ahead_or_after_the_merge_are_one_index_s(reuters_single: Path, reuters_sharded: Path) -> None:
    """With a mapper that is not this process's own (as on a cluster), each shard makes snippets
    for its first few hits in the ranking round, and a returned hit beyond those gets them from its
    shard in a second round: the hits are one index's, snippets and matched words included."""
    from newsgrep.index.search.shards import ShardedIndex, ShardRequest

    rounds: list[str] = []

    def mapper(fn: Any, calls: list[tuple[Any, ...]]) -> list[Any]:
        rounds.append(fn.__name__)
        return [fn(*args) for args in calls]

    sh = ShardedIndex(reuters_sharded, 4, mapper=mapper)
    second = 0
    for query in ("coffee", "cocoa prices", '"coffee prices"', "sugar -Cuba", "oil"):
        for limit in (1, 4, 10, 40):
            rounds.clear()
            one = [(h.id, h.score, h.title, h.snippets, h.matched_terms)
                   for h in api.search(query, str(reuters_single), SearchOptions(limit=limit)).hits]
            _, hits, _, _ = sh.query(sh.bind(query), ShardRequest(limit))
            assert [(h.id, h.score, h.title, h.snippets, h.matched_terms) for h in hits] == one, (query, limit)
            assert all(h.snippets for h in hits) and rounds[0] == "shard_query" and len(rounds) <= 2
            second += len(rounds) == 2
    assert 0 < second < 20  # both ways taken


@pytest.mark.parametrize("args", [
    ("search", "coffee", "--json", "-n", "25"), ("search", "coffee OR cocoa", "--any", "-c"),
    ("search", "coffee", "--sort", "newest", "--json"), ("search", "coffee", "--dedup", "--json", "-n", "0"),
    ("search", "coffee", "-c", "--mentions"), ("timeline", "coffee", "--json"),
    ("timeline", "cocoa", "--by", "week", "--mentions", "--json"), ("kwic", "cocoa", "--json"),
    ("export", "sugar Cuba"), ("search", "Gaddafi", "--variants", "--json", "-n", "0"),
])
def test_the_cluster_answers_as_one_index(cluster: LocalCluster, reuters_single: Path, reuters_sharded: Path,
                                          args: tuple[str, ...]) -> None:
    """Every command's output, from the command line in this process (one connection kept)."""
    one = newsgrep(*args, "--index", str(reuters_single))
    many = newsgrep(*args, "--index", str(reuters_sharded), "--cluster", cluster.address)
    assert one.out == many.out and one.out


@pytest.mark.parametrize("args", [
    ("search", "coffee", "--json", "-n", "25"), ("search", "coffee", "--dedup", "--json", "-n", "0"),
    ("timeline", "cocoa", "--json"), ("kwic", "cocoa", "--json"), ("export", "sugar Cuba"), ("stats",),
])
def test_an_ordinary_index_is_searched_on_the_cluster_as_one_shard(cluster: LocalCluster, reuters_single: Path,
                                                                   args: tuple[str, ...],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`--cluster` (or $NEWSGREP_CLUSTER set once for all) serves an ordinary index too: a worker
    searches it, and the answers are this process's."""
    from newsgrep.cluster import Cluster

    here = newsgrep(*args, "--index", str(reuters_single))
    rounds: list[list[str]] = []
    original = Cluster.map

    def recorded(self: Cluster, fn: Any, calls: list[tuple[Any, ...]], **kwargs: Any) -> list[Any]:
        rounds.append([c[0] for c in calls])
        return original(self, fn, calls, **kwargs)

    monkeypatch.setattr(Cluster, "map", recorded)
    monkeypatch.setenv("NEWSGREP_CLUSTER_KEEP", "0")
    there = newsgrep(*args, "--index", str(reuters_single), "--cluster", cluster.address)
    assert here.out == there.out and here.out
    assert rounds and all(dirs == [str(reuters_single)] for dirs in rounds)


def test_the_command_line_in_a_process_of_its_own(cluster: LocalCluster, reuters_single: Path,
                                                  reuters_sharded: Path) -> None:
    _same(reuters_single, reuters_sharded, "search", "coffee quota", "--json", cluster=cluster.address)


@pytest.mark.parametrize("query", QUERIES)
def test_the_cluster_gives_the_same_ids_order_and_scores(cluster: LocalCluster, reuters_single: Path,
                                                          reuters_sharded: Path, query: str) -> None:
    options = SearchOptions(limit=None)
    one = [(h.id, h.score) for h in api.search(query, str(reuters_single), options).hits]
    many = [(h.id, h.score) for h in api.search(query, str(reuters_sharded), options, cluster=cluster.address).hits]
    assert one == many


def test_stats_and_export_of_everything_merge(cluster: LocalCluster, reuters_single: Path,
                                              reuters_sharded: Path) -> None:
    a, b = api.stats(str(reuters_single)), api.stats(str(reuters_sharded), cluster=cluster.address)
    assert (a.articles, a.undated, a.first_date, a.last_date, a.sources) == \
        (b.articles, b.undated, b.first_date, b.last_date, b.sources)
    assert newsgrep("export", "--index", str(reuters_single)).out == \
        newsgrep("export", "--index", str(reuters_sharded), "--cluster", cluster.address).out


def _busy(cluster: LocalCluster, name: str, timeout: float = 120) -> None:
    """Wait until the named worker is running a task."""
    from distributed import Client

    client = Client(cluster.address, timeout=60, set_as_default=False)
    try:
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            names = {addr: w.get("name") for addr, w in client.scheduler_info()["workers"].items()}
            if any(names.get(addr) == name and keys for addr, keys in client.processing().items()):
                return
            time.sleep(0.1)
        raise AssertionError(f"worker {name} never got a task")
    finally:
        client.close()


def test_a_worker_killed_mid_index_loses_and_doubles_nothing(cluster: LocalCluster, tmp_path: Path) -> None:
    """SIGKILL a worker while it indexes its share: Dask runs the task again on the other one; the
    run completes with every article once, and answers as one index of the same files does."""
    bbc = need_corpus("bbc")
    data = tmp_path / "bbc"
    for topic in ("business", "politics"):
        shutil.copytree(bbc / topic, data / topic)
    ix = tmp_path / "ix"
    p = subprocess.Popen([sys.executable, "-m", "newsgrep", "index", str(data), "--index", str(ix), "--shards", "3",
                          "--cluster", cluster.address, "-q"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = cluster.workers[0]
    _busy(cluster, "w1")
    assert p.poll() is None, p.communicate()
    _stop(victim)
    out, err = p.communicate(timeout=900)
    assert p.returncode == 0, err
    ids = [json.loads(line)["id"] for line in newsgrep_process("export", "--index", str(ix)).out.splitlines()]
    assert len(ids) == len(set(ids)) == 510 + 417
    single = tmp_path / "single"
    assert api.build_index([str(data)], str(single), jobs=2).ok
    # the worker is lost between searches too: this process's client (connected before the kill)
    # runs the next searches on the one left
    for q in ("Yukos", '"prime minister"', "econom*"):
        one = [(h.id, h.score) for h in api.search(q, str(single), SearchOptions(limit=None)).hits]
        assert one == [(h.id, h.score) for h in api.search(q, str(ix), SearchOptions(limit=None)).hits]
        assert one == [(h.id, h.score) for h in api.search(q, str(ix), SearchOptions(limit=None),
                                                           cluster=cluster.address).hits]
    cluster.add_worker("w3")  # for the tests after this one


def _broken_copy(sharded: Path, tmp: Path) -> Path:
    """A copy of a sharded index whose third shard's segments are not segments."""
    broken = tmp / "broken"
    shutil.copytree(sharded, broken)
    for f in (broken / "shard-002").glob("*.seg"):
        f.write_bytes(b"not a segment")
    return broken


def _with_servers(address: str) -> Any:
    """A connection of its own to the cluster, its ShardServers placed on every worker."""
    from distributed import Client

    from newsgrep.cluster import Cluster

    c = Cluster(Client(address, timeout=60, set_as_default=False), address)
    assert c.map(len, [("placed after a first round of tasks",)]) == [35] and c.served == 0
    until = time.monotonic() + 60
    while c._ready() is None:
        assert time.monotonic() < until, "the ShardServers were never placed"
        time.sleep(0.1)
    return c


def _answers(index: Path, c: Any = None, rounds: list[str] | None = None) -> list[list[Any]]:
    """Three queries' first ten hits, with snippets (here, or in rounds on the cluster ``c``,
    each round's function named in ``rounds``)."""
    from newsgrep.index.search.shards import ShardedIndex, ShardRequest, local_map

    def on_cluster(fn: Any, calls: list[tuple[Any, ...]]) -> list[Any]:
        (rounds if rounds is not None else []).append(fn.__name__)
        return list(c.map(fn, calls))

    with ShardedIndex(index, 4, mapper=local_map if c is None else on_cluster) as sh:
        return [sh.query(sh.bind(q), ShardRequest(10, snippets=True))[1]
                for q in ("coffee", '"quota talks"~3', "coff*")]


def test_a_server_lost_between_searches_has_its_round_run_as_tasks(
        cluster: LocalCluster, reuters_sharded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rounds through the ShardServers answer as the shards do here; when a server's worker is
    killed, the next round runs as tasks on the workers left, and servers are placed on them."""
    import newsgrep.cluster

    monkeypatch.setattr(newsgrep.cluster, "SERVERS_PAUSE", 0.0)
    here = _answers(reuters_sharded)
    victim = cluster.add_worker("w4")
    cluster.wait_for(3)
    c = _with_servers(cluster.address)
    try:
        assert len(c._servers) == 3
        rounds: list[str] = []
        assert _answers(reuters_sharded, c, rounds) == here and c.served == len(rounds) >= 3
        _stop(victim)
        rounds.clear()
        assert _answers(reuters_sharded, c, rounds) == here
        until = time.monotonic() + 60
        while c._ready() is None:  # placed again, on the two workers left
            assert time.monotonic() < until, "the ShardServers were not placed again"
            c.map(len, [("a round of tasks",)])
            time.sleep(0.1)
        served, rounds = c.served, []
        assert len(c._servers) == 2 and _answers(reuters_sharded, c, rounds) == here
        assert c.served == served + len(rounds)
    finally:
        c.client.close()


def test_a_shard_error_through_a_server_is_the_tasks_error(cluster: LocalCluster, reuters_sharded: Path,
                                                          tmp_path: Path) -> None:
    from newsgrep.errors import NewsgrepError
    from newsgrep.index.query.ranking import DEFAULT_RANKING
    from newsgrep.index.search.shards import shard_stats
    from newsgrep.text.analysis import DEFAULT_ANALYSIS

    broken = _broken_copy(reuters_sharded, tmp_path)
    c = _with_servers(cluster.address)
    try:
        calls = [(str(broken / f"shard-{k:03d}"), DEFAULT_RANKING, DEFAULT_ANALYSIS) for k in range(4)]
        with pytest.raises(NewsgrepError) as through_server:
            c.map(shard_stats, calls)
        assert c.served == 1
        c.serve = False
        with pytest.raises(NewsgrepError) as as_tasks:
            c.map(shard_stats, calls)
        assert c.served == 1
        assert str(through_server.value) == str(as_tasks.value) and "shard-002" in str(as_tasks.value)
    finally:
        c.client.close()


@pytest.fixture(scope="module")
def no_dask(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a call from which Dask's package is hidden: it can only be answered by a
    kept client."""
    hidden = tmp_path_factory.mktemp("no-dask")
    (hidden / "distributed").mkdir()
    (hidden / "distributed" / "__init__.py").write_text("raise ImportError('Dask is hidden from this call')\n")
    return {"PYTHONPATH": str(hidden)}


@pytest.mark.parametrize("args", [
    ("search", "coffee quota", "--json"), ("search", "cocoa OR sugar", "-c"), ("timeline", "coffee", "--json"),
    ("kwic", "cocoa", "--json"), ("export", "sugar Cuba"),
])
def test_the_command_line_through_the_kept_client(cluster: LocalCluster, reuters_single: Path, reuters_sharded: Path,
                                                  no_dask: dict[str, str], args: tuple[str, ...]) -> None:
    """Calls after the first reach the kept client (conftest gives the session a runtime folder of
    its own), without Dask: the same output as one index."""
    newsgrep_process("stats", "--index", str(reuters_sharded), "--cluster", cluster.address)
    _kept_pid(Path(os.environ["XDG_RUNTIME_DIR"]) / "newsgrep")
    a = newsgrep_process(*args, "--index", str(reuters_single))
    b = newsgrep_process(*args, "--index", str(reuters_sharded), "--cluster", cluster.address, env=no_dask)
    assert a.out == b.out and a.out


def _kept_pid(folder: Path, timeout: float = 60) -> int:
    """The pid of the one kept client of a runtime folder, once it answers on its socket."""
    until = time.monotonic() + timeout
    while True:
        assert time.monotonic() < until, "no kept client started"
        for sock_path in folder.glob("*.sock"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                try:
                    s.connect(str(sock_path))
                except OSError:
                    continue
            (lock,) = folder.glob("*.lock")
            pid = lock.read_text().strip()
            if pid and _alive(int(pid)):
                return int(pid)
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0 if Path("/proc").exists() else True


def test_a_kept_client_answers_later_calls_without_dask_and_ends_with_its_scheduler(tmp_path: Path,
                                                                                     no_dask: dict[str, str]) -> None:
    """A scheduler and one worker of this test's own; the sample corpus's Wikinews CSV over 2 shards.
    The first call connects and starts the kept client; the next answers the same with Dask's
    package hidden from it; a kept client killed (-9) is replaced; one whose scheduler stops exits
    and removes its socket, and the call after that says the scheduler cannot be reached."""
    import tempfile

    from conftest import SAMPLE

    own = LocalCluster(tmp_path)
    runtime = Path(tempfile.mkdtemp(prefix="ng-run-"))
    try:
        own.add_worker("k1")
        own.wait_for(1)
        ix = tmp_path / "ix"
        assert api.build_index([str(SAMPLE / "wikinews")], str(ix), shards=2, jobs=1).articles == 171
        env = {"XDG_RUNTIME_DIR": str(runtime), "NEWSGREP_CLUSTER_KEEP": "120"}
        hidden = {**env, **no_dask}
        folder = runtime / "newsgrep"
        for args in (("search", "election", "--json"), ("search", "Obama OR Bush", "-c"), ("timeline", "police")):
            here = newsgrep_process(*args, "--index", str(ix))
            assert here.out
            first = newsgrep_process(*args, "--index", str(ix), "--cluster", own.address, env=env)
            assert first.out == here.out
            pid = _kept_pid(folder)
            kept = newsgrep_process(*args, "--index", str(ix), "--cluster", own.address, env=hidden)
            assert (kept.out, kept.err) == (here.out, "")
            os.kill(pid, signal.SIGKILL)  # its socket stays behind: the next call connects itself
            until = time.monotonic() + 30
            while _alive(pid):
                assert time.monotonic() < until
                time.sleep(0.05)
            newsgrep_process(*args, "--index", str(ix), "--cluster", own.address, env=hidden, status=2)
        again = newsgrep_process("search", "election", "--json", "--index", str(ix), "--cluster", own.address, env=env)
        assert again.out
        pid = _kept_pid(folder)
        assert newsgrep_process("search", "election", "--json", "--index", str(ix), "--cluster", own.address,
                                env=hidden).out == again.out
        own.close()
        until = time.monotonic() + 60
        while _alive(pid) or list(folder.glob("*.sock")):
            assert time.monotonic() < until, "the kept client outlived its scheduler"
            time.sleep(0.1)
        gone = newsgrep_process("search", "election", "--index", str(ix), "--cluster", own.address,
                                env={**env, "NEWSGREP_CLUSTER_TIMEOUT": "3"}, status=2)
        assert gone.err.count("\n") == 1 and "cannot reach" in gone.err
    finally:
        own.close()
        end_kept_clients(runtime)


def test_an_unreachable_scheduler_is_one_error_line(reuters_sharded: Path) -> None:
    started = time.monotonic()
    p = newsgrep_process("search", "coffee", "--index", str(reuters_sharded), "--cluster",
                         f"tcp://127.0.0.1:{_free_port()}", env={"NEWSGREP_CLUSTER_TIMEOUT": "3"}, status=2)
    assert p.out == "" and time.monotonic() - started < 30
    assert p.err.count("\n") == 1 and "cannot reach the Dask scheduler" in p.err and "within 3 s" in p.err


def test_relative_paths_name_the_same_folders_on_the_workers(cluster: LocalCluster, tmp_path: Path) -> None:
    """`--index ix` and the corpus named from the user's working folder: the workers, started in
    another folder (as on any cluster), write and search the folders the user meant."""
    shutil.copytree(SAMPLE / "wikinews", tmp_path / "news")
    newsgrep_process("index", "news", "--index", "ix", "--shards", "2", "--cluster", cluster.address, "-q",
                     cwd=tmp_path, env={"NEWSGREP_CLUSTER_KEEP": "0"})
    assert api.stats(str(tmp_path / "ix")).articles == 171
    for extra in ((), ("--cluster", cluster.address)):
        p = newsgrep_process("search", "election", "--index", "ix", "--json", *extra, cwd=tmp_path,
                             env={"NEWSGREP_CLUSTER_KEEP": "0"})
        assert p.err == ""
        ids = [row["id"] for row in p.json()]
        assert ids == [h.id for h in api.search("election", str(tmp_path / "ix")).hits]


def test_a_scheduler_without_workers_is_one_error_line_not_a_wait(tmp_path: Path) -> None:
    """A scheduler whose workers are not there (batch jobs still queued, or all gone) would keep a
    round's tasks waiting until NEWSGREP_CLUSTER_TASK_TIMEOUT (an hour): after
    NEWSGREP_CLUSTER_TIMEOUT seconds without a worker, searching and indexing end with one line."""
    ix = tmp_path / "ix"
    assert api.build_index([str(SAMPLE / "seed")], str(ix), shards=2).ok
    empty = LocalCluster(tmp_path)
    try:
        env = {"NEWSGREP_CLUSTER_TIMEOUT": "2", "NEWSGREP_CLUSTER_KEEP": "0"}
        for args in (("search", "Idlib", "--index", str(ix)), ("index", str(SAMPLE / "wikinews"), "--index", str(ix))):
            started = time.monotonic()
            p = newsgrep_process(*args, "--cluster", empty.address, env=env, status=2)
            assert p.out == "" and time.monotonic() - started < 60, p.err
            assert p.err.count("\n") == 1 and "has no workers" in p.err, p.err
        assert api.stats(str(ix)).articles == 1  # nothing of the failed run committed
    finally:
        empty.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's per-process /dev/fd")
def test_a_worker_that_does_not_see_the_index_says_so(cluster: LocalCluster, tmp_path: Path) -> None:
    """A folder this process sees and the workers do not (no shared filesystem): here, a path
    through this process's own file descriptor of tmp_path, /dev/fd/N, which in a worker's process
    is not that folder. The error names the folder a worker cannot see, not "no index there"."""
    from newsgrep.errors import NewsgrepError

    fd = os.open(tmp_path, os.O_RDONLY)
    high = os.dup2(fd, 987)
    os.close(fd)
    try:
        ix = f"/dev/fd/{high}/ix"
        assert api.build_index([str(SAMPLE / "seed")], ix, shards=2).ok
        with pytest.raises(NewsgrepError, match=r"does not see /dev/fd/987/ix/shard-00.: workers must see"):
            api.search("Idlib", ix, cluster=cluster.address)
        with pytest.raises(NewsgrepError, match=r"does not see /dev/fd/987/ix/shard-00.: workers must see"):
            api.build_index([str(SAMPLE / "wikinews")], ix, cluster=cluster.address)
        assert api.stats(ix).articles == 1
    finally:
        os.close(high)


def test_an_address_that_is_not_one_is_one_error_line(reuters_sharded: Path) -> None:
    for address in ("nonsense", "http://127.0.0.1:8786", "tcp://127.0.0.1:port"):
        p = newsgrep_process("search", "coffee", "--index", str(reuters_sharded), "--cluster", address,
                             env={"NEWSGREP_CLUSTER_KEEP": "0"}, status=2)
        assert p.out == ""
        assert p.err.count("\n") == 1 and f"--cluster {address!r} is not a Dask scheduler's address" in p.err


def test_an_unreadable_shard_is_an_error_not_a_partial_answer(cluster: LocalCluster, reuters_sharded: Path,
                                                              tmp_path: Path) -> None:
    broken = _broken_copy(reuters_sharded, tmp_path)
    for extra in ((), ("--cluster", cluster.address)):
        p = newsgrep_process("search", "coffee", "--index", str(broken), *extra, status=2)
        assert p.out == ""
        assert p.err.count("\n") == 1 and "newsgrep: error:" in p.err


def test_a_scheduler_without_newsgrep_is_one_error_line_saying_what_to_install(tmp_path: Path) -> None:
    """Dask's scheduler unpickles the tasks it is sent: one where newsgrep cannot be imported fails
    every round; the command line says so in one line, with what to install."""
    ix = tmp_path / "ix"
    assert api.build_index([str(SAMPLE / "seed")], str(ix), shards=2).ok
    port = _free_port()
    hidden = ("import sys; sys.modules['newsgrep'] = None; sys.argv[0] = 'dask-scheduler'; "
              "from distributed.cli.dask_scheduler import main; main()")
    scheduler = _start([sys.executable, "-c", hidden, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                       tmp_path / "scheduler.log")
    address = f"tcp://127.0.0.1:{port}"
    worker = None
    try:
        worker = _start([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                         "--death-timeout", "60"], tmp_path / "worker.log")
        p = newsgrep_process("search", "Idlib", "--index", str(ix), "--cluster", address,
                             env={"NEWSGREP_CLUSTER_KEEP": "0"}, status=2)
        assert p.out == ""
        assert p.err.count("\n") == 1 and "need the newsgrep of this client installed" in p.err, p.err
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                _stop(proc)


def test_the_shard_count_is_given_at_creation_or_with_rebuild(reuters_sharded: Path, tmp_path: Path) -> None:
    """--shards on an existing index of another count is an error (the index untouched), unless
    with --rebuild, which makes the index anew with that count: an ordinary index becomes a
    sharded one and back to another count, each answering as before."""
    from newsgrep.errors import UsageError

    with pytest.raises(UsageError, match="an index of 4 shards; --shards is given when an index is created"):
        api.build_index([str(tmp_path)], str(reuters_sharded), shards=2)
    data = tmp_path / "news"
    shutil.copytree(SAMPLE / "wikinews", data)
    ix = tmp_path / "ix"
    assert api.build_index([str(data)], str(ix), jobs=1).articles == 171
    before = [(h.id, h.score) for h in api.search("election", str(ix)).hits]
    with pytest.raises(UsageError, match="is an ordinary index; --shards"):
        api.build_index([str(data)], str(ix), shards=3, jobs=1)
    assert not (ix / "newsgrep-shards.json").exists() and api.stats(str(ix)).articles == 171
    for count in (3, 2):
        report = api.build_index([str(data)], str(ix), shards=count, rebuild=True, jobs=1)
        assert report.rebuilt and report.articles == 171
        assert json.loads((ix / "newsgrep-shards.json").read_text())["shards"] == count
        assert sorted(p.name for p in ix.glob("shard-*")) == [f"shard-{k:03d}" for k in range(count)]
        assert [(h.id, pytest.approx(h.score, abs=1e-6)) for h in api.search("election", str(ix)).hits] == before
    assert api.build_index([str(data)], str(ix), rebuild=True, jobs=1).articles == 171  # keeps the count
    assert json.loads((ix / "newsgrep-shards.json").read_text())["shards"] == 2
