"""Speed of newsgrep against its peers: indexing, warm query latency, cold start-up.

    python benchmarks/speed.py            # BBC x1, x4, x16 (35,600 articles), Reuters-21578
    python benchmarks/speed.py --big      # also 200k articles (newsgrep and tantivy only)
    python benchmarks/speed.py --quick    # the sample corpus only, no RESULTS.md (run by the tests)

Each engine indexes the same files from disk in a child process of its own (time end to end,
peak RSS of that process and all its children, sampled), then answers each query type in one
process with its index open. The table is printed and written to the speed section of
benchmarks/RESULTS.md with the date and the machine. Needs the `bench` extra (tantivy, psutil).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPORA = Path(os.environ.get("NEWSGREP_CORPORA", REPO.parent / "shared" / "corpora"))
ENGINES_PY = HERE / "speed_engines.py"
PEERS = ("newsgrep", "whoosh", "tantivy", "sqlite")


# --- corpora -------------------------------------------------------------------------------------

def build_bbc(dest: Path, copies: int) -> Path:
    """Copy the BBC articles ``copies`` times; copy k > 0 gets a token of its own in each text."""
    src = CORPORA / "bbc"
    if dest.exists():
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for k in range(copies):
        for f in sorted(src.glob("*/*.txt")):
            out = tmp / f"copy{k:03d}" / f.parent.name / f.name
            out.parent.mkdir(parents=True, exist_ok=True)
            data = f.read_bytes()
            if k:
                title, _, rest = data.partition(b"\n")
                data = title + b" v" + str(k).encode() + b"\n" + rest + f"\n\nvariant{k}\n".encode()
            out.write_bytes(data)
    tmp.rename(dest)
    return dest


def build_big(dest: Path, copies: int) -> Path:
    """Write the BBC articles ``copies`` times as JSON Lines (one file per copy)."""
    if dest.exists():
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    base = [(f.parent.name, f.name, f.read_bytes().decode("utf-8", "replace"))
            for f in sorted((CORPORA / "bbc").glob("*/*.txt"))]
    for k in range(copies):
        with (tmp / f"copy{k:03d}.jsonl").open("w", encoding="utf-8") as out:
            for topic, name, text in base:
                title, _, body = text.strip().partition("\n")
                rec = {"id": f"c{k}/{topic}/{name}", "title": f"{title.strip()} v{k}",
                       "body": f"{body.strip()}\n\nvariant{k}", "source": topic}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.rename(dest)
    return dest


def build_reuters(dest: Path) -> Path:
    """Convert Reuters-21578's SGML to JSON Lines (one file per SGML file), with corpora.py."""
    sys.path.insert(0, str(HERE))
    try:
        from corpora import build_reuters as build
    finally:
        sys.path.pop(0)
    return build(dest)


def corpus_bytes(root: Path) -> int:
    """Return the size of the files under a folder."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


# --- measuring -----------------------------------------------------------------------------------

def run_sampled(cmd: list[str]) -> tuple[float, float, float, int]:
    """Run a command; return (seconds, CPU seconds, peak RSS MB, of it and its children; status)."""
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(err[-2000:])
    return seconds, cpu, peak / 1e6, proc.returncode


def newsgrep_cmd() -> list[str]:
    """Return the command that runs newsgrep from this Python."""
    script = Path(sys.executable).parent / "newsgrep"
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsgrep"]


def index_engine(engine: str, corpus: Path, out: Path) -> dict[str, Any]:
    """Index a corpus with one engine in a child process."""
    shutil.rmtree(out, ignore_errors=True)
    if engine == "newsgrep":
        cmd = newsgrep_cmd() + ["index", str(corpus), "--index", str(out), "-q"]
    else:
        cmd = [sys.executable, str(ENGINES_PY), "index", engine, str(corpus), str(out)]
    seconds, cpu, peak, status = run_sampled(cmd)
    if status != 0:
        raise SystemExit(f"{engine} failed to index {corpus} (exit {status})")
    size = corpus_bytes(out)
    return {"seconds": seconds, "cpu": cpu, "rss_mb": peak, "index_mb": size / 1e6}


def query_engine(engine: str, out: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Measure warm latency per query type: (p50, p95) in ms."""
    proc = subprocess.run([sys.executable, str(ENGINES_PY), "query", engine, str(out), str(repeat)],
                          capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    return {k: (statistics.median(v), statistics.quantiles(v, n=20)[-1]) for k, v in got.items()}


def cold(cmd: list[str], repeat: int) -> float:
    """Return the median wall time in ms of a command, stdout piped."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def compiled() -> None:
    """Byte-compile newsgrep's modules, as installing a wheel does.

    The bare-import baseline reads its libraries' bytecode, which pip wrote at install; an
    editable install of newsgrep run with PYTHONDONTWRITEBYTECODE (as here and in many CI and
    container setups) would otherwise compile every newsgrep module from source on each run.
    """
    import compileall

    import newsgrep

    compileall.compile_dir(str(Path(newsgrep.__file__).parent), quiet=1)


def machine() -> str:
    """Describe the machine: CPU model, cores, RAM, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        ram = f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    except ImportError:
        ram = "RAM unknown"
    load = f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") else ""
    return f"{cpu}, {os.cpu_count()} cores, {ram}, Python {platform.python_version()}{load}"


# --- the run -------------------------------------------------------------------------------------

def corpora(args: argparse.Namespace, work: Path) -> list[tuple[str, Path, tuple[str, ...]]]:
    """Return (name, folder, engines) for each corpus of this run."""
    if args.quick:
        quick = work / "corpora" / "sample"
        if not quick.exists():
            shutil.copytree(REPO / "corpus", quick, ignore=shutil.ignore_patterns("*.md"))
        return [("sample", quick, PEERS)]
    got = [("BBC x1", build_bbc(work / "corpora" / "bbc1", 1), PEERS),
           ("BBC x4", build_bbc(work / "corpora" / "bbc4", 4), PEERS),
           ("Reuters", build_reuters(work / "corpora" / "reuters"), PEERS),
           ("BBC x16", build_bbc(work / "corpora" / "bbc16", 16), PEERS)]
    if args.big:
        got.append(("BBC x90 jsonl", build_big(work / "corpora" / "big90", 90), ("newsgrep", "tantivy")))
    return got


def table(rows: list[dict[str, Any]], startup: dict[str, float], reindex: list[tuple[str, float]],
          header: str) -> str:
    """Render the results as Markdown."""
    lines = [header, "",
             "| corpus | engine | docs | MB | index s | MB/s | CPU s | peak RSS MB | index MB |"
             " term p50/p95 ms | AND | phrase | wildcard | top-10 + snippets |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|---|"]
    for r in rows:
        lat = " | ".join(f"{r['lat'][k][0]:.1f} / {r['lat'][k][1]:.1f}" if k in r["lat"] else "-"
                         for k in ("term", "and", "phrase", "wildcard", "snippets"))
        lines.append(f"| {r['corpus']} | {r['engine']} | {r['docs']:,} | {r['mb']:.1f} | "
                     f"{r['seconds']:.2f} | {r['mb'] / r['seconds']:.2f} | {r['cpu']:.2f} | {r['rss_mb']:.0f} | "
                     f"{r['index_mb']:.1f} | {lat} |")
    lines += ["", "| start-up (median of cold runs, stdout piped) | ms |", "|---|---:|"]
    lines += [f"| {k} | {v:.0f} |" for k, v in startup.items()]
    lines += ["", "| newsgrep index again, nothing changed | s |", "|---|---:|"]
    lines += [f"| {name} | {s:.2f} |" for name, s in reindex]
    return "\n".join(lines) + "\n"


def write_results(text: str, path: Path, section: str = "speed") -> None:
    """Replace a section of RESULTS.md (the speed section unless told), or add it at the end."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    doc = path.read_text(encoding="utf-8") if path.exists() else f"{start}\n{end}\n"
    if start not in doc:
        doc += f"\n{start}\n{end}\n"
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")


def main() -> None:
    """Build the corpora, measure every engine on each, print and record the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the sample corpus only; RESULTS.md untouched")
    ap.add_argument("--big", action="store_true", help="also 200k articles (newsgrep, tantivy)")
    ap.add_argument("--engines", default=",".join(PEERS), help="comma-separated subset of engines")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsgrep-speed")
    ap.add_argument("--repeat", type=int, default=None, help="rounds of each query set")
    ap.add_argument("--results", type=Path, default=None, help="write the table here (default RESULTS.md)")
    args = ap.parse_args()
    wanted = set(args.engines.split(","))
    try:
        import tantivy  # noqa: F401  (only whether it is there)
    except ImportError:
        print("tantivy not installed (pip install -e '.[bench]'): left out", file=sys.stderr)
        wanted.discard("tantivy")
    repeat = args.repeat or (3 if args.quick else 20)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    reindex: list[tuple[str, float]] = []
    bbc_ix: Path | None = None
    for name, folder, engines in corpora(args, work):
        mb = corpus_bytes(folder) / 1e6
        for engine in (e for e in engines if e in wanted):
            out = work / "indexes" / f"{engine}-{folder.name}"
            print(f"{name}: {engine} indexing ...", file=sys.stderr, flush=True)
            got = index_engine(engine, folder, out)
            docs = _doc_count(engine, out)
            lat = query_engine(engine, out, repeat if docs < 100_000 else max(3, repeat // 4))
            rows.append({"corpus": name, "engine": engine, "docs": docs, "mb": mb, "lat": lat, **got})
            print(f"  {got['seconds']:.2f} s, {got['rss_mb']:.0f} MB RSS, " + ", ".join(
                f"{k} {v[0]:.1f} ms" for k, v in lat.items()), file=sys.stderr, flush=True)
            if engine == "newsgrep":
                s, _, _, _ = run_sampled(newsgrep_cmd() + ["index", str(folder), "--index", str(out), "-q"])
                reindex.append((name, s))
                if name in ("BBC x1", "sample"):
                    bbc_ix = out
    startup: dict[str, float] = {}
    if bbc_ix is not None and "newsgrep" in wanted:
        n = 3 if args.quick else 15
        compiled()
        base = [sys.executable, "-c", "import click, rich.console, whoosh.index, whoosh.qparser, "
                "whoosh.highlight"]
        startup["bare python importing click, rich.console, whoosh.index/qparser/highlight"] = cold(base, n)
        startup['newsgrep search "prime minister" -n 10'] = cold(
            newsgrep_cmd() + ["search", "prime minister", "-n", "10", "--index", str(bbc_ix)], n)
        startup["newsgrep --help"] = cold(newsgrep_cmd() + ["--help"], n)
        startup["bare python -c pass"] = cold([sys.executable, "-c", "pass"], n)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"Run {when} on {machine()}; `python benchmarks/speed.py{' --big' if args.big else ''}`."
              f" Index time is end to end from the files on disk (process start-up included);"
              f" latency is per query inside one process with the index open, {repeat} rounds of"
              f" 5 queries per type, top 10.")
    text = table(rows, startup, reindex, header)
    print(text)
    target = args.results or (None if args.quick else HERE / "RESULTS.md")
    if target is not None:
        write_results(text, target)


def _doc_count(engine: str, out: Path) -> int:
    """Count the documents an engine indexed."""
    code = {
        "newsgrep": "from newsgrep.index.store.opening import open_whoosh_index as o; "
                    "print(o(p).doc_count())",
        "whoosh": "from whoosh import index; print(index.open_dir(str(p)).doc_count())",
        "tantivy": "import tantivy; i = tantivy.Index.open(str(p)); i.reload(); "
                   "print(i.searcher().num_docs)",
        "sqlite": "import sqlite3; print(sqlite3.connect(p / 'fts.sqlite')"
                  ".execute('select count(*) from docs').fetchone()[0])",
    }[engine]
    proc = subprocess.run([sys.executable, "-c", f"from pathlib import Path; p = Path({str(out)!r}); {code}"],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout.strip())


if __name__ == "__main__":
    main()
