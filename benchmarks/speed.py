"""Speed of newsgrep against its peers: indexing, warm query latency, cold start-up.

    python benchmarks/speed.py            # BBC x1, x4, x16 (35,600 articles), Reuters-21578
    python benchmarks/speed.py --big      # also 200k articles (newsgrep, stock Whoosh, tantivy)
    python benchmarks/speed.py --quick    # the sample corpus only, no RESULTS.md (run by the tests)
    python benchmarks/speed.py --only "BBC x4"   # some corpora only (comma-separated), no RESULTS.md

Reuters is indexed twice by newsgrep: from its 22 original SGML files (gzipped, newsgrep's own
reader) and as JSON Lines (one file per SGML file, benchmarks/corpora.py); the peers read the JSON
Lines only, and their figures stand for both. After the table come the ratios (newsgrep against
stock Whoosh and tantivy), the cold searches and the goals of issue 29, each computed from the
figures of this run.

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


def build_reuters_sgml(dest: Path) -> Path:
    """Copy Reuters-21578's 22 SGML files (as shipped, gzipped) into a folder of their own."""
    if dest.exists():
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for sgm in sorted((CORPORA / "reuters21578").glob("reut2-*.sgm.gz")):
        shutil.copyfile(sgm, tmp / sgm.name)
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
    return cold_many({"": cmd}, repeat)[""]


def cold_many(cmds: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Return the median wall time in ms of each command, stdout piped, their runs interleaved
    (so that a change in the machine's load falls on all of them alike)."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for k, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
            times[k].append((time.perf_counter() - t0) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


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

KINDS = ("term", "and", "phrase", "wildcard", "fuzzy", "variants", "dedup", "snippets")
KIND_HEADS = ("term p50/p95 ms", "AND", "phrase", "wildcard", "fuzzy word~", "--variants", "--dedup",
              "top-10 + snippets")
# Cold searches on one index: (plain, the query type it is weighed against); goal: at most 1.25x.
COLD = {"plain word": ["minister", "-c"], "fuzzy word": ["minister~", "-c"],
        "plain name": ["Blair", "-c"], "name --variants": ["Blair", "--variants", "-c"]}
# Corpora whose peers ran on another name's files (the same stories).
PEER_ROWS = {"Reuters sgml": "Reuters jsonl"}


def corpora(args: argparse.Namespace, work: Path) -> list[tuple[str, Path, tuple[str, ...]]]:
    """Return (name, folder, engines) for each corpus of this run (built when first needed)."""
    c = work / "corpora"
    if args.quick:
        quick = c / "sample"
        if not quick.exists():
            shutil.copytree(REPO / "corpus", quick, ignore=shutil.ignore_patterns("*.md"))
        return [("sample", quick, PEERS)]
    plan: list[tuple[str, Any, tuple[str, ...]]] = [
        ("BBC x1", lambda: build_bbc(c / "bbc1", 1), PEERS),
        ("BBC x4", lambda: build_bbc(c / "bbc4", 4), PEERS),
        ("Reuters jsonl", lambda: build_reuters(c / "reuters"), PEERS),
        ("Reuters sgml", lambda: build_reuters_sgml(c / "reuters-sgml"), ("newsgrep",)),
        ("BBC x16", lambda: build_bbc(c / "bbc16", 16), PEERS)]
    if args.big or args.only:
        plan.append(("BBC x90 jsonl", lambda: build_big(c / "big90", 90), ("newsgrep", "whoosh", "tantivy")))
    if args.only:
        names = {n.strip().lower() for n in args.only.split(",")}
        unknown = names - {name.lower() for name, _, _ in plan}
        if unknown:
            raise SystemExit(f"--only: no corpus {', '.join(sorted(unknown))} "
                             f"(corpora: {', '.join(name for name, _, _ in plan)})")
        plan = [p for p in plan if p[0].lower() in names]
    return [(name, build(), engines) for name, build, engines in plan]


def _cell(lat: dict[str, tuple[float, float]], kind: str) -> str:
    return f"{lat[kind][0]:.1f} / {lat[kind][1]:.1f}" if kind in lat else "—"


def table(rows: list[dict[str, Any]], startup: dict[str, float], reindex: list[tuple[str, float]],
          header: str) -> str:
    """Render the results as Markdown."""
    lines = [header, "",
             "| corpus | engine | docs | MB | index s | MB/s | CPU s | peak RSS MB | index MB | "
             + " | ".join(KIND_HEADS) + " |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|" + "---|" * len(KINDS)]
    for r in rows:
        lat = " | ".join(_cell(r["lat"], k) for k in KINDS)
        lines.append(f"| {r['corpus']} | {r['engine']} | {r['docs']:,} | {r['mb']:.1f} | "
                     f"{r['seconds']:.2f} | {r['mb'] / r['seconds']:.2f} | {r['cpu']:.2f} | {r['rss_mb']:.0f} | "
                     f"{r['index_mb']:.1f} | {lat} |")
    lines += [""] + ratio_lines(rows)
    lines += ["", "| start-up and cold searches (median of cold runs, stdout piped) | ms |", "|---|---:|"]
    lines += [f"| {k} | {v:.0f} |" for k, v in startup.items()]
    lines += ["", "| newsgrep index again, nothing changed | s |", "|---|---:|"]
    lines += [f"| {name} | {s:.2f} |" for name, s in reindex]
    return "\n".join(lines) + "\n"


def seconds_of(rows: list[dict[str, Any]], corpus: str, engine: str) -> float | None:
    """Return an engine's indexing time on a corpus (a peer's on the files it read for it)."""
    if engine != "newsgrep":
        corpus = PEER_ROWS.get(corpus, corpus)
    got = [r["seconds"] for r in rows if r["corpus"] == corpus and r["engine"] == engine]
    return got[0] if got else None


def ratio_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Say, per corpus, newsgrep's indexing speed-up over stock Whoosh and its ratio to tantivy."""
    out = ["Indexing, newsgrep against its peers (index s; goal of issue 29: at least 5x stock Whoosh;"
           " stretch: within 3x tantivy):", ""]
    for corpus in dict.fromkeys(r["corpus"] for r in rows):
        ng = seconds_of(rows, corpus, "newsgrep")
        if ng is None:
            continue
        parts = []
        wh, ta = seconds_of(rows, corpus, "whoosh"), seconds_of(rows, corpus, "tantivy")
        if wh is not None:
            parts.append(f"{wh / ng:.1f}x stock Whoosh's speed")
        if ta is not None:
            parts.append(f"{ng / ta:.1f}x tantivy's time")
        if corpus in PEER_ROWS and parts:
            parts.append(f"the peers on {PEER_ROWS[corpus]}")
        if parts:
            out.append(f"- {corpus}: newsgrep {ng:.2f} s, " + ", ".join(parts))
    sgml, jsonl = seconds_of(rows, "Reuters sgml", "newsgrep"), seconds_of(rows, "Reuters jsonl", "newsgrep")
    if sgml is not None and jsonl is not None:
        docs = {r["corpus"]: r["docs"] for r in rows if r["engine"] == "newsgrep"}
        out.append(f"- Reuters, newsgrep from the SGML files against the same stories as JSON Lines: "
                   f"{sgml:.2f} / {jsonl:.2f} s = {sgml / jsonl:.2f}x (goal at most 1.25x); articles"
                   f" {docs['Reuters sgml']:,} and {docs['Reuters jsonl']:,} (the conversion drops the"
                   f" stories with neither TITLE nor BODY)")
    return out


def goals(rows: list[dict[str, Any]], startup: dict[str, float]) -> str:
    """Check the measurable goals of issue 29 against this run's figures: a Markdown table."""
    found: list[tuple[str, str, bool | None]] = []

    def goal(text: str, figure: str | None, met: bool) -> None:
        found.append((text, figure or "not measured", met if figure else None))

    for corpus in ("BBC x4", "BBC x16", "BBC x90 jsonl"):
        ng, wh, ta = (seconds_of(rows, corpus, e) for e in ("newsgrep", "whoosh", "tantivy"))
        goal(f"indexing at least 5x stock Whoosh, {corpus}",
             f"{wh / ng:.1f}x ({ng:.1f} s against {wh:.1f} s)" if ng and wh else None,
             bool(ng and wh and wh / ng >= 5))
        goal(f"stretch, not required: within 3x tantivy, {corpus}",
             f"{ng / ta:.1f}x ({ng:.1f} s against {ta:.2f} s)" if ng and ta else None,
             bool(ng and ta and ng / ta <= 3))
    sgml, jsonl = seconds_of(rows, "Reuters sgml", "newsgrep"), seconds_of(rows, "Reuters jsonl", "newsgrep")
    goal("Reuters from its SGML files within 1.25x of the same stories as JSON Lines",
         f"{sgml / jsonl:.2f}x ({sgml:.1f} s against {jsonl:.1f} s)" if sgml and jsonl else None,
         bool(sgml and jsonl and sgml / jsonl <= 1.25))
    for corpus, size, limit in (("BBC x16", "36k", 20.0), ("BBC x90 jsonl", "200k", 50.0)):
        lat = next((r["lat"] for r in rows if r["corpus"] == corpus and r["engine"] == "newsgrep"), None)
        worst = max(lat, key=lambda k: lat[k][0]) if lat else ""
        goal(f"search p50 at most {limit:.0f} ms at {size} for every query type",
             f"slowest {worst} {lat[worst][0]:.1f} ms" if lat else None, bool(lat and lat[worst][0] <= limit))
        if size == "200k":
            goal("--dedup under 100 ms at 200k, warm (p50)",
                 f"{lat['dedup'][0]:.1f} ms" if lat and "dedup" in lat else None,
                 bool(lat and "dedup" in lat and lat["dedup"][0] < 100))
    where = next((k.rsplit("(", 1)[-1].rstrip(")") for k in startup if k.startswith("plain word")), "")
    for kind, plain in (("fuzzy word", "plain word"), ("name --variants", "plain name")):
        a, b = _cold(startup, kind), _cold(startup, plain)
        goal(f"{kind}'s cold search at most 1.25x a {plain}'s (on BBC x16)",
             f"{a / b:.2f}x ({a:.0f} against {b:.0f} ms, on {where})" if a and b else None,
             bool(a and b and a / b <= 1.25))
    a, b = _cold(startup, "newsgrep search"), _cold(startup, "bare python importing")
    goal("cold start at most 0.75x the bare imports of click, rich and Whoosh",
         f"{a / b:.2f}x ({a:.0f} against {b:.0f} ms)" if a and b else None, bool(a and b and a / b <= 0.75))
    lines = ["Goals of issue 29 (computed from the figures above):", "",
             "| goal | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {f} | {'—' if m is None else 'met' if m else 'NOT met'} |" for t, f, m in found]
    lines += ["", "Not measured here: the interrupted run (a test), ranking (benchmarks/ranking.py), the"
              " test suite on both paths."]
    return "\n".join(lines) + "\n"


def _cold(startup: dict[str, float], prefix: str) -> float | None:
    return next((v for k, v in startup.items() if k.startswith(prefix)), None)


def write_results(text: str, path: Path, section: str = "speed") -> None:
    """Replace a section of RESULTS.md (the speed section unless told), or add it at the end."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    doc = path.read_text(encoding="utf-8") if path.exists() else f"{start}\n{end}\n"
    if start not in doc:
        doc += f"\n{start}\n{end}\n"
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")


def cold_runs(ix: tuple[str, Path], cold_ix: tuple[str, Path], quick: bool) -> dict[str, float]:
    """Time start-up (on ``ix``) and the cold plain, fuzzy and --variants searches (on ``cold_ix``)."""
    compiled()
    ng = newsgrep_cmd()
    base = [sys.executable, "-c", "import click, rich.console, whoosh.index, whoosh.qparser, whoosh.highlight"]
    got = cold_many({"bare python importing click, rich.console, whoosh.index/qparser/highlight": base,
                     f'newsgrep search "prime minister" -n 10 ({ix[0]})':
                         ng + ["search", "prime minister", "-n", "10", "--index", str(ix[1])]},
                    3 if quick else 15)
    got.update(cold_many({f"{k}: newsgrep search {' '.join(q)} ({cold_ix[0]})":
                          ng + ["search", *q, "--index", str(cold_ix[1])] for k, q in COLD.items()},
                         3 if quick else 7))
    got["newsgrep --help"] = cold(ng + ["--help"], 3 if quick else 15)
    got["bare python -c pass"] = cold([sys.executable, "-c", "pass"], 3 if quick else 15)
    return got


def main() -> None:
    """Build the corpora, measure every engine on each, print and record the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the sample corpus only; RESULTS.md untouched")
    ap.add_argument("--big", action="store_true", help="also 200k articles (newsgrep, whoosh, tantivy)")
    ap.add_argument("--only", default="", help='these corpora only, e.g. "BBC x4,Reuters sgml"; '
                    "RESULTS.md untouched unless --results")
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
    newsgrep_ix: dict[str, Path] = {}
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
                newsgrep_ix[name] = out
    startup: dict[str, float] = {}
    if newsgrep_ix:
        # Start-up on the smallest index (BBC x1), cold searches on BBC x16 (issue 29); else what ran.
        small = "BBC x1" if "BBC x1" in newsgrep_ix else next(iter(newsgrep_ix))
        large = "BBC x16" if "BBC x16" in newsgrep_ix else next(
            (n for n in reversed(newsgrep_ix) if n.startswith(("BBC", "sample"))), small)
        print("start-up and cold searches ...", file=sys.stderr, flush=True)
        startup = cold_runs((small, newsgrep_ix[small]), (large, newsgrep_ix[large]), args.quick)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    how = " --big" if args.big else f' --only "{args.only}"' if args.only else " --quick" if args.quick else ""
    header = (f"Run {when} on {machine()}; `python benchmarks/speed.py{how}`."
              f" Index time is end to end from the files on disk (process start-up included);"
              f" latency is per query inside one process with the index open (newsgrep: as"
              f" `newsgrep search` runs it, without rendering), {repeat} rounds of 5 queries per type,"
              f" top 10; \"—\": the engine has no such query. Reuters sgml is newsgrep reading the 22"
              f" original .sgm.gz files (MB: gzipped); the peers read the same stories as JSON Lines"
              f" (Reuters jsonl). Fuzzy: newsgrep's `word~`, Whoosh's FuzzyTerm, tantivy's fuzzy term"
              f" query (edit distance 1, over each engine's own terms).")
    text = table(rows, startup, reindex, header) + "\n" + goals(rows, startup)
    print(text)
    target = args.results or (None if args.quick or args.only else HERE / "RESULTS.md")
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
