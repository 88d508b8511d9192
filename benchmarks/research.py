"""Speed of collocates and keywords on BBC x16 (35,600 articles), for queries matching ~5,000.

    python benchmarks/research.py                 # builds and indexes BBC x16 once, under --work
    python benchmarks/research.py --repeat 5

Each command runs as a user runs it: a new `newsgrep` process, stdout piped, the index and the
operating system's file cache warm (one run first, not counted); the median wall time and the
median CPU time (user + system, which a busy machine inflates less) are reported, with the
in-process time of the library call (`api.collocates`, `api.keywords`, the index opened already).
The table goes to stdout and into benchmarks/RESULTS.md (section "research"), with the machine
and the date.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from speed import build_bbc, machine, newsgrep_cmd, run_sampled, write_results  # noqa: E402

QUERIES = ("film", "minister", '"prime minister"')  # 4,608, 5,712 and 2,000-odd articles of BBC x16
COMMANDS = (("collocates", ()), ("keywords", ()), ("collocates", ("--source", "politics")),
            ("keywords", ("--against", "government")))


def index(corpus: Path, out: Path) -> tuple[float, int]:
    """Index the corpus once (or reuse it); return the seconds it took (0 when reused) and its size."""
    seconds = 0.0
    if not out.exists():
        seconds, _, _, status = run_sampled(newsgrep_cmd() + ["index", str(corpus), "--index", str(out), "-q"])
        if status:
            raise SystemExit(f"indexing {corpus} failed")
    return seconds, sum(f.stat().st_size for f in out.rglob("*") if f.is_file())


def count(out: Path, query: str, extra: tuple[str, ...]) -> int:
    """Count the articles a query matches (within a --source filter)."""
    source = list(extra) if extra[:1] == ("--source",) else []
    proc = subprocess.run(newsgrep_cmd() + ["search", query, "-c", "--index", str(out), *source],
                          capture_output=True, text=True, check=False)
    return int(proc.stdout.strip() or 0)


def in_process(out: Path, command: str, query: str, extra: tuple[str, ...]) -> float:
    """Time the library call in this process, its index already opened by a first call."""
    from newsgrep import api

    options = api.SearchOptions(source=extra[1]) if extra[:1] == ("--source",) else api.SearchOptions()
    against = extra[1] if extra[:1] == ("--against",) else None

    def call() -> None:
        if command == "collocates":
            api.collocates(query, str(out), options)
        else:
            api.keywords(query, str(out), options, against=against)

    call()
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def main() -> None:
    """Build the corpus, time each command on each query, print and record the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsgrep-speed")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each command (after one warm-up)")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args()
    corpus = build_bbc(args.work / "corpora" / "bbc16", 16)
    out = args.work / "indexes" / "newsgrep-bbc16"
    seconds, size = index(corpus, out)
    rows = []
    for query in QUERIES:
        for command, extra in COMMANDS:
            matches = count(out, query, extra)
            cmd = newsgrep_cmd() + [command, query, "--index", str(out), *extra]
            run_sampled(cmd)  # warm-up
            runs = [run_sampled(cmd) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rows.append((command, " ".join(extra) or "-", query, matches, wall, cpu,
                         in_process(out, command, query, extra), max(r[2] for r in runs)))
            print(f"{command} {query} {' '.join(extra)}: {wall:.2f} s", file=sys.stderr, flush=True)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Run {when} on {machine()}; `python benchmarks/research.py --repeat {args.repeat}`. BBC x16 "
             f"(35,600 articles; index {size / 1e6:.0f} MB{f', built in {seconds:.0f} s' if seconds else ''}). "
             "A new process per command, stdout piped, caches warm; medians.", "",
             "| command | options | query | matching articles | wall s | CPU s | in-process s | peak RSS MB |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {c} | {o} | `{q}` | {m:,} | {w:.2f} | {cpu:.2f} | {ip:.2f} | {rss:.0f} |"
              for c, o, q, m, w, cpu, ip, rss in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    write_results(text, args.results, section="research")


if __name__ == "__main__":
    main()
