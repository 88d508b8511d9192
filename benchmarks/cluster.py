"""Sharded indexes and the Dask cluster against one machine: indexing throughput, query latency,
the round trip a cluster adds, and a model of 20M and 200M articles.

    python benchmarks/cluster.py            # BBC x16 (35,600 articles)
    python benchmarks/cluster.py --big      # also 200,250 articles (BBC x90 as JSON Lines)
    python benchmarks/cluster.py --search-only   # search latency again on the last run's indexes
    python benchmarks/cluster.py --interleaved 3 # BBC x4 indexed each way in turn, 3 rounds

On this machine: one index written with ``--jobs 2``; a local sharded index (4 shards, this
machine's worker processes); and a loopback Dask cluster (a scheduler and one, then two workers,
started as processes with `dask worker --no-nanny`, one thread each; two more with nannies for
comparison) writing the same 4-shard index. Then warm latency per
query type (in one process with the index open, or with the Dask client connected): one index,
the local sharded index, and the cluster (its rounds through the shard servers, and as tasks);
and the cold ``newsgrep search --cluster``. The model
is built from these figures (assumptions printed with it). Written to the cluster section of
benchmarks/RESULTS.md. Needs the bench and cluster extras.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from speed import build_bbc, build_big, corpus_bytes, machine, newsgrep_cmd, run_sampled  # noqa: E402
from speed_engines import QUERIES  # noqa: E402

SHARDS = 4
USER = " with a user's installation (a virtual environment with only `newsgrep[cluster]`, no numpy)"
ROUNDS = 20


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_bytes(proc: Any) -> int:
    """A process's peak resident memory (Linux's VmHWM), else its resident memory now."""
    try:
        with open(f"/proc/{proc.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return int(proc.memory_info().rss)


class Loopback:
    """A dask scheduler and ``workers`` workers on 127.0.0.1, each a process group of its own."""

    def __init__(self, workers: int, log: Path, nanny: bool = False) -> None:
        bin_dir = Path(sys.executable).parent
        self.address = f"tcp://127.0.0.1:{_port()}"
        self.procs = [subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                        self.address.rsplit(":", 1)[1], "--no-dashboard"],
                                       stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)]
        for k in range(workers):
            self.procs.append(subprocess.Popen([str(bin_dir / "dask"), "worker", self.address, "--nthreads", "1",
                                                "--no-dashboard", "--name", f"w{k}",
                                                *(() if nanny else ("--no-nanny",))],
                                               stdout=log.open("ab"), stderr=subprocess.STDOUT,
                                               start_new_session=True))
        from distributed import Client

        client = Client(self.address, timeout=60, set_as_default=False)
        client.wait_for_workers(workers, timeout=120)
        client.close()

    def worker_rss_mb(self) -> float:
        """The largest peak resident memory of a worker (with its children) so far."""
        import psutil

        peak = 0.0
        for p in self.procs[1:]:
            try:
                proc = psutil.Process(p.pid)
                peak = max(peak, sum(map(peak_rss_bytes, [proc, *proc.children(recursive=True)])) / 1e6)
            except psutil.Error:
                pass
        return peak

    def close(self) -> None:
        from newsgrep.cluster import disconnect

        disconnect(self.address)  # this process's client first
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=30)


def index_run(corpus: Path, out: Path, *extra: str) -> dict[str, float]:
    """Index a corpus from nothing; return seconds, CPU seconds of this side, peak RSS MB."""
    shutil.rmtree(out, ignore_errors=True)
    seconds, cpu, rss, code = run_sampled([*newsgrep_cmd(), "index", str(corpus), "--index", str(out), "-q", *extra])
    if code != 0:
        raise SystemExit(f"indexing failed: {' '.join(extra)}")
    return {"s": seconds, "cpu": cpu, "rss": rss}


def latencies(index: Path, cluster: str | None, sharded: bool, serve: bool = True) -> dict[str, tuple[float, float]]:
    """Warm latency per query type, in ms (p50, p95), with the index open (or the client connected:
    its rounds through the shard servers, or as tasks when not ``serve``)."""
    from newsgrep.index.search.searcher import Searcher
    from newsgrep.index.search.shards import ShardedIndex, ShardRequest, local_map

    if sharded:
        mapper = local_map
        if cluster:
            from newsgrep.cluster import connect

            connection = connect(cluster)
            connection.serve = serve
            mapper = connection.map
        sh = ShardedIndex(index, SHARDS, mapper=mapper)

        def run(kind: str, q: str) -> int:
            bound = sh.bind(q)
            return len(sh.query(bound, ShardRequest(10, snippets=kind == "snippets"))[1])
    else:
        s = Searcher(index)

        def run(kind: str, q: str) -> int:
            bound = s.bind(q)
            return len(list(s.hits(s.ranked(bound, 10), bound, snippets=kind == "snippets")))

    out = {}
    for kind, queries in QUERIES.items():
        for q in queries:
            run(kind, q)  # warm: the shards' searchers open on the workers
        times = []
        for _ in range(ROUNDS):
            for q in queries:
                t0 = time.perf_counter()
                run(kind, q)
                times.append((time.perf_counter() - t0) * 1000)
        out[kind] = (statistics.median(times), statistics.quantiles(times, n=20)[-1])
    return out


def search_figures(work: Path, address: str) -> tuple[dict[str, dict[str, tuple[float, float]]],
                                                    dict[str, float]]:
    """Warm latency of one index, the local sharded index and the cluster; the cold cluster search."""
    lat = {"one": latencies(work / "ix-one", None, False), "local": latencies(work / "ix-local", None, True),
           "tasks": latencies(work / "ix-cluster2", address, True, serve=False),
           "cluster": latencies(work / "ix-cluster2", address, True)}
    return lat, cold_cluster(work / "ix-cluster2", address)


def cold_cluster(index: Path, cluster: str, venv: Path | None = None) -> dict[str, float]:
    """Seconds of a new `newsgrep search --cluster` process (of ``venv``'s newsgrep if given):
    connecting itself (NEWSGREP_CLUSTER_KEEP=0, median of 5); the first call with kept clients on
    (connects, starts the kept client); later calls through the kept client (median of 10); and a
    new process searching the local sharded index, for comparison (median of 5)."""
    import tempfile

    cmd = [str(venv / "bin" / "newsgrep")] if venv else newsgrep_cmd()
    compiled(Path(str(venv / "bin" / "python")) if venv else Path(sys.executable))
    runtime = Path(tempfile.mkdtemp(prefix="ng-bench-"))

    def once(*extra: str, keep: str = "600") -> float:
        return search_seconds(cmd, index, extra, {"NEWSGREP_CLUSTER_KEEP": keep, "XDG_RUNTIME_DIR": str(runtime)})

    try:
        figures = {"connect": statistics.median(once("--cluster", cluster, keep="0") for _ in range(5)),
                   "first": once("--cluster", cluster)}
        until = time.monotonic() + 60
        while not list(runtime.glob("newsgrep/*.sock")) and time.monotonic() < until:
            time.sleep(0.1)
        figures["kept"] = statistics.median(once("--cluster", cluster) for _ in range(10))
        figures["local"] = statistics.median(once() for _ in range(5))
        return figures
    finally:
        for lock in runtime.glob("newsgrep/*.lock"):
            try:
                os.kill(int(lock.read_text()), signal.SIGTERM)
            except (ValueError, OSError):
                pass
        time.sleep(0.5)
        shutil.rmtree(runtime, ignore_errors=True)


def search_seconds(cmd: list[str], index: Path, extra: tuple[str, ...] | list[str], env: dict[str, str]) -> float:
    """Seconds of one new `newsgrep search "prime minister"` process."""
    t0 = time.perf_counter()
    subprocess.run([*cmd, "search", "prime minister", "--index", str(index), *extra],
                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True, env={**os.environ, **env})
    return time.perf_counter() - t0


def interleaved(work: Path, log: Path, results: Path, rounds: int, copies: int = 4) -> None:
    """Index BBC x``copies`` as one index, a local sharded index and on a cluster of two, one after
    another, ``rounds`` times over; time `import distributed` and a cold call that connects
    itself in each round too. This machine's speed follows its host's load, by up to three times
    within an hour: a ratio of two figures of the same round is worth more than one of two runs."""
    corpus = build_bbc(work / "corpora" / f"bbc-x{copies}", copies)
    start = machine()
    compiled(Path(sys.executable))
    rows = []
    c = Loopback(2, log)
    try:
        for r in range(rounds):
            print(f"interleaved: round {r + 1} of {rounds}", file=sys.stderr)
            one = index_run(corpus, work / "ix-i-one", "--jobs", "2")["s"]
            local = index_run(corpus, work / "ix-i-local", "--jobs", "2", "--shards", str(SHARDS))["s"]
            two = index_run(corpus, work / "ix-i-cluster2", "--shards", str(SHARDS), "--cluster", c.address)["s"]
            per = index_run(corpus, work / "ix-i-cluster2-2", "--shards", "2", "--cluster", c.address)["s"]
            imp = import_distributed(repeat=3)
            cold = statistics.median(search_seconds(newsgrep_cmd(), work / "ix-i-cluster2", ("--cluster", c.address),
                                                    {"NEWSGREP_CLUSTER_KEEP": "0"}) for _ in range(3))
            rows.append((one, local, two, per, imp, cold))
    finally:
        c.close()
    articles = len(list(corpus.rglob("*.txt")))
    lines = [f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {start}; `python benchmarks/cluster.py "
             f"--interleaved {rounds}`: BBC x{copies} ({articles:,} articles) indexed as one index (`--jobs 2`), "
             f"as a local sharded index (`--jobs 2 --shards {SHARDS}`) and on a loopback cluster of 2 workers "
             f"(`--no-nanny`) into {SHARDS} shards and into 2 (one per worker), one after another in each round; "
             "then `import distributed` (median of 3) and a cold `newsgrep search --cluster` that connects itself "
             "(NEWSGREP_CLUSTER_KEEP=0, median of 3). The ratios are throughputs of the same round (above 1: "
             "the cluster is faster).", "",
             f"| round | one index | local sharded | cluster, 2 workers, {SHARDS} shards | 2 vs one index "
             "| 2 vs local sharded | cluster, 2 workers, 2 shards | 2 vs one index | import distributed "
             "| cold call connecting itself |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for k, (one, local, two, per, imp, cold) in enumerate(rows, 1):
        lines.append(f"| {k} | {one:.1f} s | {local:.1f} s | {two:.1f} s | {one / two:.2f}x | {local / two:.2f}x "
                     f"| {per:.1f} s | {one / per:.2f}x | {imp:.2f} s | {cold:.2f} s |")
    med = [statistics.median(col) for col in zip(*rows)]
    lines.append(f"| median | {med[0]:.1f} s | {med[1]:.1f} s | {med[2]:.1f} s "
                 f"| {statistics.median(r[0] / r[2] for r in rows):.2f}x "
                 f"| {statistics.median(r[1] / r[2] for r in rows):.2f}x | {med[3]:.1f} s "
                 f"| {statistics.median(r[0] / r[3] for r in rows):.2f}x | {med[4]:.2f} s | {med[5]:.2f} s |")
    text = "\n".join(lines)
    print(text)
    _write(text, results, "cluster-interleaved", "Sharded indexes and the Dask cluster: rounds side by side")


def compiled(python: Path) -> None:
    """Have newsgrep's modules compiled to bytecode for ``python``, as installing a wheel does (an
    editable install run with PYTHONDONTWRITEBYTECODE=1, as on the machine of these runs, would
    otherwise compile every module in every process: about 0.05 s of each cold call)."""
    where = subprocess.run([str(python), "-c", "import newsgrep, os; print(os.path.dirname(newsgrep.__file__))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([str(python), "-m", "compileall", "-q", where], check=True)


def cold_sentence(cold: dict[str, float], imp: float, who: str = "") -> str:
    """What the cold-call figures say, in one paragraph."""
    return (f"Cold `newsgrep search \"prime minister\" --cluster`{who} (a new process each): "
            f"{cold['kept']:.2f} s through the kept client (median of 10; no Dask imported); "
            f"{cold['connect']:.2f} s connecting itself (NEWSGREP_CLUSTER_KEEP=0: Python, newsgrep, Dask's client, "
            f"connecting, one round; median of 5), {cold['first']:.2f} s for the first call that also starts "
            f"the kept client; the local sharded index without `--cluster`: {cold['local']:.2f} s. "
            f"`python -c \"import distributed\"` alone: {imp:.2f} s. newsgrep's modules compiled to bytecode "
            "first, as a wheel's installation does.")


def import_distributed(repeat: int = 5, venv: Path | None = None) -> float:
    python = str(venv / "bin" / "python") if venv else sys.executable
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([python, "-c", "import distributed"], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def model(rows: dict[str, Any], lat: dict[str, dict[str, dict[str, tuple[float, float]]]]) -> list[str]:
    """Project 20M and 200M articles on 8 and 64 workers from the measured figures."""
    name = "200k" if "200k" in rows else "BBC x16"
    r = rows[name]
    per_worker = r["articles"] / r["cluster2"]["s"] / 2            # articles/s of one worker
    mb_per_article = r["index_mb"] / r["articles"]
    one = lat[name]["one"]
    # the round trip: the median over query types of cluster minus local sharded on the smaller corpus
    # (on the larger, two workers searching at once beat this process's shards one after the other
    # by more than the round trip costs), never below 0
    base = lat["BBC x16"] if "BBC x16" in lat else lat[name]
    overhead = max(0.0, statistics.median([base["cluster"][k][0] - base["local"][k][0] for k in one]))
    small = lat.get("BBC x16", {}).get("one")
    lines = [
        "", "Model (from the figures above; assumptions below):", "",
        "| articles | workers | articles per shard | index size | indexing hours | memory per worker "
        "| word query p50 | phrase p50 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def per_shard_ms(kind: str, docs: float) -> float:
        # latency of one shard grows with its size: a line through the two measured sizes
        # (BBC x16 and 200k one-index figures), else proportional to the one measured
        if small is not None and name == "200k":
            x0, y0, x1, y1 = 35_600, small[kind][0], 200_250, one[kind][0]
            slope = (y1 - y0) / (x1 - x0)
            return max(y1, y0) if slope <= 0 else y0 + slope * (docs - x0)
        return one[kind][0] * docs / r["articles"]

    for total in (20_000_000, 200_000_000):
        for workers in (8, 64):
            shard = total / workers
            hours = total / (per_worker * workers) / 3600
            size = total * mb_per_article / 1e3
            lines.append(f"| {total / 1e6:.0f}M | {workers} | {shard / 1e6:.2f}M | {size:,.0f} GB "
                         f"| {hours:.1f} | {r['worker_rss']:.0f} MB | {per_shard_ms('term', shard) + overhead:,.0f} ms "
                         f"| {per_shard_ms('phrase', shard) + overhead:,.0f} ms |")
    lines += [
        "", "Assumptions: one shard per worker, each worker with its own core and the index on a shared "
        f"filesystem as fast as this machine's disk; indexing scales linearly with workers from the measured "
        f"{per_worker:,.0f} articles/s of one worker (the two-worker cluster run, halved), articles of the size "
        f"of these ({r['mb'] / r['articles'] * 1e6:,.0f} bytes); index size from the measured "
        f"{mb_per_article * 1e6:,.0f} bytes per article; memory per worker is the measured peak of a worker "
        "process while indexing (flat: workers spill postings to disk); a query's latency is that of its "
        "largest shard (all run at once) plus the measured cluster round trip "
        f"({overhead:.1f} ms: what the cluster adds on the smaller corpus, median over query types), "
        "with a shard's latency growing linearly with its size through the measured "
        "one-index figures; the client binds each query with every shard's statistics, which it reads from "
        "the shards' files (time for 64 shards not measured here). Not modelled: network file system "
        "latency, stragglers, merging 64 answers (about 1 ms for 64 x 10 hits).",
    ]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big", action="store_true", help="also 200k articles")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsgrep-cluster")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--search-only", action="store_true",
                    help="search latency again on the indexes the last run left in --work")
    ap.add_argument("--big-only", action="store_true",
                    help="only 200k articles: one index, the local sharded index and two workers (no nanny runs)")
    ap.add_argument("--client-venv", type=Path,
                    help="a virtual environment with only newsgrep[cluster] installed (a user's): the cold "
                         "search is also timed with its newsgrep (distributed imports numpy when it is there)")
    ap.add_argument("--interleaved", type=int, metavar="ROUNDS",
                    help="only BBC x4 indexed one way after another in each of ROUNDS rounds, with the cold call")
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    log = work / "dask.log"
    if args.interleaved:
        interleaved(work, log, args.results, args.interleaved)
        return
    if args.search_only:
        search_only(work, log, args.results, args.client_venv)
        return
    start = machine()
    corpora = [] if args.big_only else [("BBC x16", build_bbc(work / "corpora" / "bbc-x16", 16))]
    if args.big or args.big_only:
        corpora.append(("200k", build_big(work / "corpora" / "big", 90)))
    rows: dict[str, Any] = {}
    lat: dict[str, dict[str, dict[str, tuple[float, float]]]] = {}
    imp = 0.0
    cold: dict[str, float] = {}
    cold_user: dict[str, float] = {}
    for name, corpus in corpora:
        mb = corpus_bytes(corpus) / 1e6
        print(f"{name}: indexing locally", file=sys.stderr)
        local = index_run(corpus, work / "ix-one", "--jobs", "2")
        local_sharded = index_run(corpus, work / "ix-local", "--jobs", "2", "--shards", str(SHARDS))
        runs: dict[Any, dict[str, float]] = {}
        worker_rss = 0.0
        for workers, nanny in ((2, False),) if args.big_only else ((2, True), (1, False), (2, False)):
            print(f"{name}: indexing on a cluster of {workers}{' with nannies' if nanny else ''}", file=sys.stderr)
            c = Loopback(workers, log, nanny=nanny)
            try:
                runs[(workers, nanny)] = index_run(corpus, work / f"ix-cluster{workers}", "--shards", str(SHARDS),
                                                   "--cluster", c.address)
                if not nanny:
                    worker_rss = max(worker_rss, c.worker_rss_mb())
                if workers == 2 and not nanny:
                    print(f"{name}: latency", file=sys.stderr)
                    lat[name], cold = search_figures(work, c.address)
                    if args.client_venv:
                        cold_user = cold_cluster(work / "ix-cluster2", c.address, venv=args.client_venv)
            finally:
                c.close()
        from newsgrep import api

        articles = api.stats(str(work / "ix-one")).articles
        index_mb = sum(p.stat().st_size for p in (work / "ix-one").rglob("*") if p.is_file()) / 1e6
        rows[name] = {"mb": mb, "articles": articles, "index_mb": index_mb, "local": local,
                      "local_sharded": local_sharded, "cluster1": runs.get((1, False)), "cluster2": runs[(2, False)],
                      "nanny2": runs.get((2, True)), "worker_rss": worker_rss}
    imp = import_distributed()
    imp_user = 0.0
    if args.client_venv:
        imp_user = import_distributed(venv=args.client_venv)
    lines = [f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {start}; `python benchmarks/cluster.py"
             f"{' --big' if args.big else ''}{' --big-only' if args.big_only else ''}"
             f"{' --client-venv VENV' if args.client_venv else ''}`. Loopback Dask "
             "cluster: a scheduler and workers as processes on this machine, one thread each, started with "
             "`dask worker --no-nanny` as the README advises (one column with `dask worker`'s default nanny "
             f"process, for comparison); sharded indexes have {SHARDS} shards. Index time is end to end from "
             "the files on disk (the client's process start-up included). Last two columns: cluster of 2 "
             "against the local sharded index, then against one local index.", "",
             "| corpus | articles | MB | one index, --jobs 2 | local sharded, --jobs 2 | cluster, 1 worker "
             "| cluster, 2 workers | cluster, 2 workers with nannies | 2 vs local sharded | 2 vs one index |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows.items():
        def cell(run: dict[str, float] | None, r: dict[str, Any] = r) -> str:
            return "not run" if run is None else f"{run['s']:.1f} s ({r['articles'] / run['s']:,.0f}/s)"
        lines.append(f"| {name} | {r['articles']:,} | {r['mb']:.1f} | {cell(r['local'])} | {cell(r['local_sharded'])} "
                     f"| {cell(r['cluster1'])} | {cell(r['cluster2'])} | {cell(r['nanny2'])} "
                     f"| {r['local_sharded']['s'] / r['cluster2']['s']:.2f}x "
                     f"| {r['local']['s'] / r['cluster2']['s']:.2f}x |")
    lines += ["", f"| corpus | query | one index p50 / p95 ms | local sharded | {WARM} | added by the cluster (p50) "
              "| rounds as tasks | added |", "|---|---|---|---|---|---:|---|---:|"]
    for name, by in lat.items():
        for kind in QUERIES:
            lines.append(f"| {name} | {kind} | {latency_cells(by, kind)} |")
    lines += ["", cold_sentence(cold, imp)]
    if cold_user:
        lines += ["", cold_sentence(cold_user, imp_user, USER)]
    if args.big_only:
        section = ("cluster-200k", "Sharded indexes and the Dask cluster: 200k again")
    elif args.big:
        lines += model(rows, lat)
        section = ("cluster", "Sharded indexes and the Dask cluster")
    else:  # the --big run's section, and its model, stay
        section = ("cluster-bbc", "Sharded indexes and the Dask cluster: BBC x16 again")
    text = "\n".join(lines)
    print(text)
    _write(text, args.results, *section)


WARM = "cluster (warm client, rounds through its shard servers)"


def latency_cells(lat: dict[str, dict[str, tuple[float, float]]], kind: str) -> str:
    """A query type's cells: one index, local sharded, the cluster through its shard servers and
    what it adds to the local sharded index, the cluster's rounds as tasks and what they add."""
    o, loc, cl, tasks = (lat[k][kind] for k in ("one", "local", "cluster", "tasks"))
    return (f"{o[0]:.1f} / {o[1]:.1f} | {loc[0]:.1f} / {loc[1]:.1f} | {cl[0]:.1f} / {cl[1]:.1f} "
            f"| {cl[0] - loc[0]:+.1f} | {tasks[0]:.1f} / {tasks[1]:.1f} | {tasks[0] - loc[0]:+.1f}")


def search_only(work: Path, log: Path, results: Path, client_venv: Path | None = None) -> None:
    """Measure search latency again on the last run's indexes (after a change to searching)."""
    from newsgrep import api

    if not all((work / name).is_dir() for name in ("ix-one", "ix-local", "ix-cluster2")):
        raise SystemExit(f"no indexes of an earlier run in {work}: run without --search-only first")
    start = machine()
    cold_user: dict[str, float] = {}
    c = Loopback(2, log)
    try:
        lat, cold = search_figures(work, c.address)
        if client_venv:
            cold_user = cold_cluster(work / "ix-cluster2", c.address, venv=client_venv)
    finally:
        c.close()
    articles = api.stats(str(work / "ix-one")).articles
    lines = [f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {start}; `python benchmarks/cluster.py "
             f"--search-only`: search latency again on the indexes of the last full run ({articles:,} "
             "articles), with the searching code of this checkout; a loopback cluster of 2 workers "
             "(`dask worker --no-nanny`, one thread each).", "",
             f"| query | one index p50 / p95 ms | local sharded | {WARM} | added by the cluster (p50) "
             "| rounds as tasks | added |", "|---|---|---|---|---:|---|---:|"]
    for kind in QUERIES:
        lines.append(f"| {kind} | {latency_cells(lat, kind)} |")
    lines += ["", cold_sentence(cold, import_distributed())]
    if cold_user:
        lines += ["", cold_sentence(cold_user, import_distributed(venv=client_venv), USER)]
    text = "\n".join(lines)
    print(text)
    _write(text, results, "cluster-search", "Sharded search latency, measured again")


def _write(text: str, path: Path, section: str = "cluster",
           title: str = "Sharded indexes and the Dask cluster") -> None:
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    body = f"{start}\n## {title}\n\n{text}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in old:
        new = old[: old.index(start)] + body + old[old.index(end) + len(end):]
    else:
        new = old.rstrip() + "\n\n" + body + "\n"
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
