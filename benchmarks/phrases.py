"""What issue 26's phrase change costs: the code before it and after it, measured in one run.

    python benchmarks/phrases.py                  # BBC and BBC x4, then ranking.py; writes RESULTS.md
    python benchmarks/phrases.py --copies 1       # BBC only
    python benchmarks/phrases.py --no-write       # print only

Commit 93f9464 (issue 26) keeps positions in the written-form fields `wtitle`/`wbody` (formats.Positions
instead of Existence), so that a phrase's stopwords, wildcards and fuzzy words are matched as written
at their places; it adds the fields `dtitle`/`wdtitle` for titles derived from the body and keeps
words with an inner & whole. Its parent (f85079c, ``--before``) and this checkout's HEAD (``--after``)
are each extracted with `git archive` into benchmarks/_work (git-ignored) and run in subprocesses of
this Python with PYTHONPATH at that version's src/ (the dependencies are the same).

- Indexing: `newsgrep index CORPUS -q` into a new index, end to end (process start-up included),
  ``--runs`` times per version, the versions interleaved (before, after, before, after, ...) so that
  the load of this shared machine falls on both alike; the median is shown, with the CPU seconds and
  the index's size on disk.
- Phrase latency: per query, in a warm process that opens the index once (newsgrep.api, as `newsgrep
  search` runs it: top 10 with snippets), one warm-up pass, then ``--reps`` timed passes over all the
  queries; ``--rounds`` such processes per version, interleaved, and their times pooled (p50/p95 over
  rounds x reps). Each query's article count (`search -c`) is printed for each version.
- Ranking: benchmarks/ranking.py (--no-write) on the code after (newsgrep, bm25s, tantivy) and before
  (newsgrep), compared with the figures of the ranking section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
sys.path.insert(0, str(HERE))

from speed import build_bbc, corpus_bytes, machine, write_results  # noqa: E402

BEFORE = "f85079c"  # the parent of 93f9464 (issue 26)
TOLERANCE = 0.003   # ranking unchanged within this (issue 26)

# (kind, query, --variants)
QUERIES: list[tuple[str, str, bool]] = [
    ("plain phrase", '"prime minister"', False),
    ("plain phrase", '"gordon brown"', False),
    ("stopword inside", '"secretary of state"', False),
    ("stopword inside", '"house of commons"', False),
    ("stopword inside", '"chancellor of brown"', False),
    ("stopword at an edge", '"minister for"', False),
    ("stopword at an edge", '"in britain"', False),
    ("stopwords only", '"to be"', False),
    ("wildcard inside", '"tony bla*"', False),
    ("wildcard inside", '"pri* minister"', False),
    ("--variants name", "Mohammed", True),
    ("--variants name", '"Saddam Hussein"', True),
    ("plain words (control)", "prime minister", False),
    ("plain words (control)", "election", False),
]

# Run in the measured version's Python path: open the index once, warm up, time every query.
_PROBE = r"""
import json, sys, time
from newsgrep import api
from newsgrep.errors import NewsgrepError
ix, reps, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
opts = {v: api.SearchOptions(limit=10, variants=v) for v in (False, True)}
counts = {v: api.SearchOptions(count_only=True, variants=v) for v in (False, True)}
if hasattr(api, "_searcher"):  # before the one search path: a Searcher opened once, by hand
    s = api._searcher(ix, opts[False])
    def answer(q, o):
        return api._run(s, q, o, None, close=False)
else:  # the one search path keeps the index's searcher open in the process by itself
    def answer(q, o):
        return api.search(q, ix, o)
out = {"count": {}, "ms": {}}
def run(q, v):
    return len(list(answer(q, opts[v]).hits))
live = []
for q, v in queries:
    try:
        out["count"][q] = answer(q, counts[v]).total
        run(q, v)
        live.append((q, v))
        out["ms"][q] = []
    except NewsgrepError as e:
        out["count"][q] = "error: " + str(e)
for _ in range(reps):
    for q, v in live:
        t0 = time.perf_counter()
        run(q, v)
        out["ms"][q].append((time.perf_counter() - t0) * 1000)
print(json.dumps(out))
"""


def git(*args: str) -> str:
    """Run git in this checkout; return its output."""
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout.strip()


def extract(commit: str, dest: Path) -> Path:
    """Write the src/ of ``commit`` into ``dest`` (anew); return the folder to put on PYTHONPATH."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    data = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, "src"],
                          capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=data, check=True)
    return dest / "src"


def env_for(src: Path) -> dict[str, str]:
    """The environment that runs the newsgrep of ``src`` with this Python."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    env.pop("NEWSGREP_INDEX", None)
    return env


def index_once(src: Path, corpus: Path, out: Path) -> tuple[float, float]:
    """Index ``corpus`` into a new ``out`` with the newsgrep of ``src``: (wall s, CPU s of the tree)."""
    import resource

    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "newsgrep", "index", str(corpus), "--index", str(out), "-q"],
                       env=env_for(src), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"{src} failed to index {corpus} (exit {p.returncode}): {p.stderr[-500:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu


def probe(src: Path, index: Path, reps: int) -> dict[str, Any]:
    """Count and time the queries in one warm process of the newsgrep of ``src``."""
    p = subprocess.run([sys.executable, "-c", _PROBE, str(index), str(reps),
                        json.dumps([[q, v] for _, q, v in QUERIES])],
                       env=env_for(src), capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit(f"the probe of {src} failed: {p.stderr[-1000:]}")
    got: dict[str, Any] = json.loads(p.stdout.strip().splitlines()[-1])
    return got


def p95(xs: list[float]) -> float:
    """The 95th percentile of a sample."""
    return statistics.quantiles(xs, n=20)[-1]


def measure_corpus(name: str, corpus: Path, versions: dict[str, Path], work: Path,
                   runs: int, rounds: int, reps: int) -> dict[str, dict[str, Any]]:
    """Index with each version ``runs`` times and probe ``rounds`` times, interleaved."""
    got: dict[str, dict[str, Any]] = {v: {"seconds": [], "cpu": [], "mb": [], "ms": {}, "count": {}}
                                      for v in versions}
    slug = name.lower().replace(" ", "")
    for n in range(runs):
        for label, src in versions.items():
            out = work / "indexes" / f"{label}-{slug}"
            s, cpu = index_once(src, corpus, out)
            got[label]["seconds"].append(s)
            got[label]["cpu"].append(cpu)
            got[label]["mb"].append(corpus_bytes(out) / 1e6)
            print(f"{name}: index run {n + 1}/{runs}, {label}: {s:.1f} s, {got[label]['mb'][-1]:.1f} MB",
                  file=sys.stderr, flush=True)
    for n in range(rounds):
        for label, src in versions.items():
            r = probe(src, work / "indexes" / f"{label}-{slug}", reps)
            got[label]["count"] = r["count"]
            for q, ms in r["ms"].items():
                got[label]["ms"].setdefault(q, []).extend(ms)
        print(f"{name}: latency round {n + 1}/{rounds} done", file=sys.stderr, flush=True)
    return got


# --- ranking -------------------------------------------------------------------------------------

_ROW = re.compile(r"^\|\s*(scifact|cranfield)\s*\|(.*)\|\s*$")


def ranking_table(text: str) -> dict[str, dict[str, float]]:
    """Read ranking.py's table (collection -> system -> nDCG@10) out of its output or RESULTS.md."""
    out: dict[str, dict[str, float]] = {}
    systems: list[str] = []
    for line in text.splitlines():
        if line.startswith("| collection |"):
            systems = [c.strip().split()[0] for c in line.strip("| \n").split("|")[1:]]
        elif (m := _ROW.match(line)) and systems:
            cells = [c.strip() for c in m[2].split("|")]
            out[m[1]] = {s: float(c.split()[0]) for s, c in zip(systems, cells)}
    return out


def recorded_ranking(results: Path) -> dict[str, dict[str, float]]:
    """Read the figures of the ranking section's table in RESULTS.md."""
    doc = results.read_text(encoding="utf-8")
    part = doc.split("<!-- ranking:start -->", 1)[1].split("<!-- ranking:end -->", 1)[0]
    return ranking_table(part)


def run_ranking(src: Path, systems: str) -> dict[str, dict[str, float]]:
    """Run benchmarks/ranking.py (--no-write) with the newsgrep of ``src``: its table."""
    p = subprocess.run([sys.executable, str(HERE / "ranking.py"), "--no-write", "--systems", systems],
                       env=env_for(src), capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit(f"ranking.py failed with {src}: {p.stderr[-1000:]}")
    return ranking_table(p.stdout)


# --- the report ----------------------------------------------------------------------------------

def cost_table(corpora: list[str], got: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Indexing time, CPU and index size per corpus and version, and after/before."""
    lines = ["| corpus | version | index s (median) | index s (runs) | CPU s (median) | index MB |",
             "|---|---|---:|---|---:|---:|"]
    for name in corpora:
        med = {}
        for label in ("before", "after"):
            r = got[name][label]
            med[label] = (statistics.median(r["seconds"]), statistics.median(r["cpu"]), r["mb"][-1])
            runs = ", ".join(f"{s:.1f}" for s in r["seconds"])
            lines.append(f"| {name} | {label} | {med[label][0]:.1f} | {runs} | {med[label][1]:.1f} | "
                         f"{med[label][2]:.1f} |")
        b, a = med["before"], med["after"]
        lines.append(f"| {name} | after/before | {a[0] / b[0]:.2f} | | {a[1] / b[1]:.2f} | {a[2] / b[2]:.2f} |")
    return lines


def latency_table(corpora: list[str], got: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Per query: articles found and p50/p95 ms, before and after, per corpus."""
    head = "| kind | query | " + " | ".join(
        f"{n} articles before | after | p50/p95 ms before | after | p50 after/before" for n in corpora) + " |"
    lines = [head, "|---|---|" + "---:|---:|---|---|---:|" * len(corpora)]
    for kind, q, variants in QUERIES:
        cells = []
        for name in corpora:
            lat = {}
            for label in ("before", "after"):
                ms = got[name][label]["ms"].get(q)
                lat[label] = (statistics.median(ms), p95(ms)) if ms else None
            count = {label: got[name][label]["count"].get(q, "-") for label in ("before", "after")}
            count = {k: ("error" if str(v).startswith("error") else str(v)) for k, v in count.items()}
            fmt = {k: f"{v[0]:.1f} / {v[1]:.1f}" if v else "-" for k, v in lat.items()}
            ratio = (f"{lat['after'][0] / lat['before'][0]:.2f}" if lat["after"] and lat["before"]
                     and count["before"] == count["after"] else "- (count changed)")
            cells.append(f"{count['before']} | {count['after']} | {fmt['before']} | {fmt['after']} | {ratio}")
        shown = f"`{q}`" + (" --variants" if variants else "")
        lines.append(f"| {kind} | {shown} | " + " | ".join(cells) + " |")
    return lines


def changes(corpora: list[str], got: dict[str, dict[str, dict[str, Any]]]) -> str:
    """Say which queries' counts changed and why, and which did not."""
    changed: list[str] = []
    same: list[str] = []
    for _, q, _ in QUERIES:
        pairs = [(str(got[n]["before"]["count"].get(q)), str(got[n]["after"]["count"].get(q))) for n in corpora]
        (same if all(b == a for b, a in pairs) else changed).append(f"`{q}`")
    return ("Counts that changed: " + (", ".join(changed) or "none") + ". Unchanged: " + (", ".join(same) or "none")
            + ". The old code dropped a phrase's stopwords (at an edge the phrase became its other words; "
            "inside, the stopword matched any word: `\"chancellor of brown\"` found \"Chancellor Gordon "
            "Brown\"), refused a phrase of stopwords only (`\"to be\"`: error, no searchable words; only the "
            "new code answers it, so it has no before timing), and read a wildcard inside quotes as a plain "
            "word (`\"tony bla*\"` searched `bla`: 0 articles); only the new code answers these right.")


def ranking_lines(recorded: dict[str, dict[str, float]], after: dict[str, dict[str, float]],
                  before: dict[str, dict[str, float]]) -> tuple[list[str], bool]:
    """Compare newsgrep's nDCG@10 with RESULTS.md's ranking table; say whether it is within TOLERANCE."""
    lines = ["| collection | RESULTS.md (ranking section) | before, this run | after, this run | "
             "after - RESULTS.md | within 0.003 | bm25s / tantivy, this run |",
             "|---|---:|---:|---:|---:|---|---|"]
    ok = True
    for coll in ("scifact", "cranfield"):
        ref = recorded.get(coll, {}).get("newsgrep")
        new = after.get(coll, {}).get("newsgrep")
        old = before.get(coll, {}).get("newsgrep")
        if ref is None or new is None:
            ok = False
            lines.append(f"| {coll} | {ref} | {old} | {new} | - | not measured | - |")
            continue
        within = abs(new - ref) <= TOLERANCE
        ok = ok and within
        peers = " / ".join(f"{after[coll][s]:.4f}" for s in ("bm25s", "tantivy") if s in after[coll])
        lines.append(f"| {coll} | {ref:.4f} | {old:.4f} | {new:.4f} | {new - ref:+.4f} | "
                     f"{'yes' if within else 'NO'} | {peers} |" if old is not None else
                     f"| {coll} | {ref:.4f} | - | {new:.4f} | {new - ref:+.4f} | {'yes' if within else 'NO'} | "
                     f"{peers} |")
    return lines, ok


def main() -> None:
    """Extract both versions, measure them on each corpus, run ranking.py, print and record."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default=BEFORE, help="the commit before the change (default %(default)s)")
    ap.add_argument("--after", default="HEAD", help="the commit after it (default HEAD)")
    ap.add_argument("--copies", default="1,4", help="BBC copies to measure, comma-separated (default 1,4)")
    ap.add_argument("--runs", type=int, default=3, help="indexing runs per version (median shown)")
    ap.add_argument("--rounds", type=int, default=3, help="warm processes per version for latency")
    ap.add_argument("--reps", type=int, default=10, help="timed passes over the queries per process")
    ap.add_argument("--no-ranking", action="store_true", help="skip benchmarks/ranking.py")
    ap.add_argument("--work", type=Path, default=HERE / "_work" / "phrases")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    started = datetime.now(timezone.utc)
    host = machine()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    commits = {"before": git("rev-parse", "--short", args.before), "after": git("rev-parse", "--short", args.after)}
    versions = {label: extract(c, work / f"src-{label}") for label, c in commits.items()}
    got: dict[str, dict[str, dict[str, Any]]] = {}
    for k in (int(c) for c in args.copies.split(",")):
        name = "BBC" if k == 1 else f"BBC x{k}"
        corpus = build_bbc(work / "corpora" / f"bbc{k}", k)
        got[name] = measure_corpus(name, corpus, versions, work, args.runs, args.rounds, args.reps)
    corpora = list(got)
    rank_text: list[str] = []
    if not args.no_ranking:
        print("ranking.py: after (newsgrep, bm25s, tantivy) ...", file=sys.stderr, flush=True)
        after = run_ranking(versions["after"], "newsgrep,bm25s,tantivy")
        print("ranking.py: before (newsgrep) ...", file=sys.stderr, flush=True)
        before = run_ranking(versions["before"], "newsgrep")
        lines, ok = ranking_lines(recorded_ranking(args.results), after, before)
        rank_text = ["", "Ranking: `python benchmarks/ranking.py --no-write` run in this run with each version's "
                     "src/ (all 300 SciFact and 225 Cranfield queries; peers on the after run only); the "
                     "reference is the newsgrep column of the ranking section's table above. nDCG@10 on SciFact "
                     f"and Cranfield {'is' if ok else 'is NOT'} unchanged within {TOLERANCE}.", "", *lines]
    reps = args.rounds * args.reps
    text = "\n".join([
        "## Phrases as written (issue 26): before and after in one run", "",
        f"`python benchmarks/phrases.py{' --copies ' + args.copies if args.copies != '1,4' else ''}` on "
        f"{started:%Y-%m-%d %H:%M} UTC ({host}); before = `{commits['before']}`, after = `{commits['after']}` "
        "(`wtitle`/`wbody` keep positions, `dtitle`/`wdtitle` for derived titles, & words whole). Each "
        "version's src/ from `git archive`, run by the same Python and dependencies. Index: `newsgrep index "
        f"CORPUS -q` into a new index, end to end, {args.runs} runs per version interleaved before/after "
        "(the machine is shared with other engineers' work: the runs are listed), default --jobs; index MB on disk "
        "after the last run. Latency: per query, top 10 with snippets through newsgrep.api in a warm process (index "
        f"opened once, one warm-up pass), {args.rounds} processes per version interleaved x {args.reps} "
        f"passes = {reps} timings per query; p50 / p95 in ms. Articles: `search -c` of each version; the "
        "p50 ratio is shown where both versions found the same articles (else they did different work).", "",
        *cost_table(corpora, got), "",
        *latency_table(corpora, got), "",
        changes(corpora, got),
        *rank_text])
    text += "\n"
    print(text)
    if not args.no_write:
        write_results(text, args.results, "phrases")
        print(f"wrote the phrases section of {args.results}", file=sys.stderr)


if __name__ == "__main__":
    main()
