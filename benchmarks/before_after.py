"""This checkout against an earlier one, in the same run: indexing time, memory and index size, and
query latency per query type, fuzzy words included; and the articles wildcard and fuzzy queries
find. Measures what a change costs (issue 12: the new house stays within run-to-run noise; issue 13:
what keeping the words as written costs).

    python benchmarks/before_after.py --before ../base     # a checkout with its own .venv

Both versions index the same corpora (BBC x16 and Reuters-21578 as JSON Lines) from the command
line, each in its own Python (``--before``'s ``.venv``), one after the other. Then each answers the
queries of benchmarks/speed_engines.py plus fuzzy words in one process with its index open (as
speed.py measures: 20 rounds, top 10, snippets for the snippets type), ``--runs`` times, the two
versions alternating (the median of the runs is shown), and counts with ``search
-c`` the articles each wildcard and fuzzy query finds: before the written forms, wildcards and
fuzzy words were expanded over the stems, so those counts differ (the regular-expression count
over the files' text is the right one; tests/test_query_language.py checks it). Written to the
before-after section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from speed import build_bbc, build_reuters, corpus_bytes, machine, run_sampled, write_results  # noqa: E402
from speed_engines import QUERIES as SPEED_QUERIES  # noqa: E402

QUERIES = {**SPEED_QUERIES,
           "fuzzy": ["Yukoss~", "goverment~", "electon~", "minster~", "Khodorkovksy~2"]}
COUNTED = ["negotiat*", "*stan", "econom*", "compan*", *QUERIES["fuzzy"]]
ROUNDS = 20

# Run in the measured version's own Python, with its own searcher (as its speed_engines.py does).
_PROBE = r"""
import json, statistics, sys, time
from pathlib import Path
ix, rounds, queries = Path(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
try:
    from newsgrep.index.search.searcher import Searcher
except ImportError:  # before the house of issue 12
    from newsgrep.index.searcher import Searcher
s = Searcher(ix)
if hasattr(s, "bind"):  # newsgrep's own query engine (issue 13)
    def run(kind, q):
        bound = s.bind(q)
        return len(list(s.hits(s.ranked(bound, 10), bound, snippets=kind == "snippets")))
else:
    def run(kind, q):
        return len(list(s.hits(s.parse(q), limit=10, snippets=kind == "snippets")))
out = {}
for kind, qs in queries.items():
    for q in qs:
        run(kind, q)
    times = []
    for _ in range(rounds):
        for q in qs:
            t0 = time.perf_counter()
            run(kind, q)
            times.append((time.perf_counter() - t0) * 1000)
    out[kind] = [statistics.median(times), statistics.quantiles(times, n=20)[-1]]
print(json.dumps(out))
"""


def measure(python: Path, corpus: Path, out: Path) -> dict[str, Any]:
    """Index ``corpus`` with the newsgrep of ``python``; time its queries; count their articles."""
    shutil.rmtree(out, ignore_errors=True)
    seconds, cpu, peak, status = run_sampled([str(python), "-m", "newsgrep", "index", str(corpus),
                                              "--index", str(out), "-q"])
    if status != 0:
        raise SystemExit(f"{python} failed to index {corpus} (exit {status})")
    counts = {}
    for q in COUNTED:
        p = subprocess.run([str(python), "-m", "newsgrep", "search", q, "-c", "--index", str(out)],
                           capture_output=True, text=True, check=False)
        counts[q] = p.stdout.strip() if p.returncode in (0, 1) else f"error: {p.stderr.strip()[:60]}"
    return {"seconds": seconds, "cpu": cpu, "rss": peak, "mb": corpus_bytes(out) / 1e6, "counts": counts,
            "python": python, "index": out, "runs": []}


def probe(r: dict[str, Any]) -> None:
    """Time the queries once more on a measured version's index (its p50 and p95 per type)."""
    p = subprocess.run([str(r["python"]), "-c", _PROBE, str(r["index"]), str(ROUNDS), json.dumps(QUERIES)],
                       capture_output=True, text=True, check=True)
    r["runs"].append(json.loads(p.stdout.strip().splitlines()[-1]))


def latency(r: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Median over the runs of each query type's p50 and p95."""
    return {k: (statistics.median(run[k][0] for run in r["runs"]), statistics.median(run[k][1] for run in r["runs"]))
            for k in QUERIES}


def _commit(repo: Path) -> str:
    p = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                       text=True, check=False)
    return p.stdout.strip() or str(repo)


def table(corpora: list[str], got: dict[tuple[str, str], dict[str, Any]], before: Path, runs: int) -> str:
    """The section: how it was run, then indexing and latency, then the counts."""
    kinds = list(QUERIES)
    lines = [f"`python benchmarks/before_after.py --before CHECKOUT` on "
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC ({machine()}); before = `{_commit(before)}` "
             f"(wildcards and fuzzy words expanded over the stems), after = `{_commit(HERE.parent)}` (over "
             "the written forms: `wtitle`/`wbody` beside the stems). Index time end to end from the files "
             "(process start-up included), peak RSS of the process tree; latency p50/p95 in ms per query "
             f"with the index open, {ROUNDS} rounds of the queries of speed_engines.py and fuzzy words "
             f"({', '.join(QUERIES['fuzzy'])}), top 10; timed {runs} times, alternating the two versions, "
             "and the median of the runs shown (latency on a shared VM varies by up to half between runs "
             "of the same code).", "",
             "| corpus | version | index s | CPU s | peak RSS MB | index MB | "
             + " | ".join(kinds) + " |", "|---|---|---:|---:|---:|---:|" + "---|" * len(kinds)]
    for name in corpora:
        for label in ("before", "after"):
            r = got[name, label]
            lat = latency(r)
            lines.append(f"| {name} | {label} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} | "
                         f"{r['mb']:.1f} | " + " | ".join(f"{lat[k][0]:.1f} / {lat[k][1]:.1f}" for k in kinds)
                         + " |")
        b, a = got[name, "before"], got[name, "after"]
        lines.append(f"| {name} | after/before | {a['seconds'] / b['seconds']:.2f} | {a['cpu'] / b['cpu']:.2f} | "
                     f"{a['rss'] / b['rss']:.2f} | {a['mb'] / b['mb']:.2f} | "
                     + " | ".join(f"{latency(a)[k][0] / latency(b)[k][0]:.2f}" for k in kinds) + " |")
    lines += ["", "Articles found (`search -c`):", "",
              "| query | " + " | ".join(f"{n} before | {n} after" for n in corpora) + " |",
              "|---|" + "---:|---:|" * len(corpora)]
    for q in COUNTED:
        cells = [got[name, label]["counts"][q] for name in corpora for label in ("before", "after")]
        lines.append(f"| `{q}` | " + " | ".join(cells) + " |")
    return "## Before and after (same run)\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    """Measure both versions on each corpus, print and record the tables."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, required=True, help="a checkout from before, with its .venv")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsgrep-before-after")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--runs", type=int, default=6, help="timing runs of each version, alternating")
    ap.add_argument("--quick", action="store_true", help="the sample corpus in corpus/ only; print only")
    args = ap.parse_args()
    before_py = args.before.resolve() / ".venv" / "bin" / "python"
    if not before_py.exists():
        raise SystemExit(f"{before_py} not found: --before needs a checkout with its own .venv")
    args.work.mkdir(parents=True, exist_ok=True)
    if args.quick:
        corpora = {"sample": HERE.parent / "corpus"}
        args.no_write = True
    else:
        corpora = {"BBC x16": build_bbc(args.work / "bbc-x16", 16), "Reuters": build_reuters(args.work / "reuters")}
    got: dict[tuple[str, str], dict[str, Any]] = {}
    for name, corpus in corpora.items():
        for label, python in (("before", before_py), ("after", Path(sys.executable))):
            print(f"{name}: {label}", file=sys.stderr, flush=True)
            got[name, label] = measure(python, corpus, args.work / f"ix-{label}-{name.split()[0].lower()}")
    for n in range(args.runs):
        print(f"timing run {n + 1} of {args.runs}", file=sys.stderr, flush=True)
        for r in got.values():
            probe(r)
    text = table(list(corpora), got, args.before, args.runs)
    print(text)
    if not args.no_write:
        write_results(text, args.results, "before-after")


if __name__ == "__main__":
    main()
