"""Score newsgrep's HTML bodies on the Article Extraction Benchmark, beside trafilatura.

    python benchmarks/extraction.py            # all 181 pages, writes benchmarks/RESULTS.md
    python benchmarks/extraction.py --quick    # the first 15 pages, prints only

Scoring is the benchmark's own (scrapinghub/article-extraction-benchmark, evaluate.py): 4-token
shingles of ``\\w+`` tokens; per page true/false positives and negatives counted over shingle
multisets and normalised by their sum; precision averaged over pages with any predicted shingle,
recall over pages with any true shingle; F1 of the two averages.

newsgrep's bodies are read through the real path (newsgrep.ingest.readers on each .html.gz file);
trafilatura runs as the benchmark runs it: ``trafilatura.extract(html, include_comments=False)``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = Path(os.environ.get("NEWSGREP_CORPORA", REPO.parent / "shared" / "corpora")) / \
    "html" / "article-extraction-benchmark"
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- extraction:start -->", "<!-- extraction:end -->"
QUICK_PAGES = 15

TpFpFn = tuple[float, float, float]
_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Count the n-token shingles of a text, as the benchmark does."""
    tokens = _TOKEN.findall(text or "")
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i:i + n])
        if shingle:
            out[shingle] += 1
    return out


def match(true: str | None, pred: str | None) -> TpFpFn:
    """Return one page's TP, FP and FN over shingles, normalised by their sum."""
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics(scores: Sequence[TpFpFn]) -> dict[str, float]:
    """Average precision and recall over pages, then take F1 of the two averages."""
    precision = statistics.mean([_precision(*s) for s in scores if s[0] + s[1] > 0])
    recall = statistics.mean([_recall(*s) for s in scores if s[0] + s[2] > 0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def newsgrep_body(path: Path) -> str:
    """Read a page through newsgrep's readers and return its body."""
    from newsgrep.ingest.readers import kind_of, read_articles
    from newsgrep.ingest.readers.base import FileContext

    kind = kind_of(path)
    assert kind == "html", path
    articles = list(read_articles(FileContext(path, path.name, kind)))
    return articles[0].body if articles else ""


def trafilatura_body(path: Path) -> str:
    """Extract a page's text with trafilatura's plain extract(), as the benchmark runs it."""
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    with gzip.open(path, "rt", encoding="utf8") as f:
        html = f.read()
    return trafilatura.extract(html, include_comments=False) or ""


def _run_page(path: Path) -> tuple[str, str, float, str, float]:
    t0 = time.perf_counter()
    ours = newsgrep_body(path)
    t1 = time.perf_counter()
    theirs = trafilatura_body(path)
    t2 = time.perf_counter()
    return path.name.split(".")[0], ours, t1 - t0, theirs, t2 - t1


def run(data: Path, limit: int | None = None, jobs: int = 1) -> dict[str, object]:
    """Extract every page both ways and score both against the ground truth."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf8"))
    pages = sorted((data / "html").glob("*.html.gz"))
    if limit:
        pages = pages[:limit]
    mapper: Callable[..., object]
    if jobs > 1:
        pool = ProcessPoolExecutor(max_workers=jobs)
        mapper = pool.map
    else:
        pool = None
        mapper = map
    rows = list(mapper(_run_page, pages))  # type: ignore[call-overload]
    if pool is not None:
        pool.shutdown()
    ours_scores, theirs_scores, per_page = [], [], []
    ours_time = theirs_time = 0.0
    for key, ours, t_ours, theirs, t_theirs in rows:
        true = truth[key].get("articleBody", "")
        a, b = match(true, ours), match(true, theirs)
        ours_scores.append(a)
        theirs_scores.append(b)
        per_page.append((key, a, b))
        ours_time += t_ours
        theirs_time += t_theirs
    return {"pages": len(pages), "newsgrep": metrics(ours_scores),
            "trafilatura": metrics(theirs_scores), "per_page": per_page,
            "seconds": {"newsgrep": ours_time, "trafilatura": theirs_time}}


def index_bodies(data: Path, jobs: int) -> dict[str, str]:
    """Index the pages with ``newsgrep index`` (the library call) and export every record."""
    import tempfile

    from newsgrep import api

    with tempfile.TemporaryDirectory(prefix="newsgrep-extraction-") as tmp:
        report = api.build_index([str(data / "html")], str(Path(tmp) / "ix"), jobs=jobs)
        if not report.ok:
            raise SystemExit(f"indexing failed: {report.skipped[:3]}")
        return {Path(a.path).name.split(".")[0]: a.body for a in api.export(None, str(Path(tmp) / "ix"))}


def check_index(data: Path, jobs: int) -> str:
    """Check that the indexed and exported bodies are the reader's, page for page."""
    bodies = index_bodies(data, jobs)
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf8"))
    scores = [match(truth[k].get("articleBody", ""), bodies.get(k, "")) for k in truth]
    m = metrics(scores)
    return (f"`newsgrep index` + `export`: {len(bodies)} records of {len(truth)} pages; "
            f"exported bodies score precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
            f"F1 {m['f1']:.3f}.")


def _versions() -> tuple[str, str]:
    from importlib.metadata import version

    return version("newsgrep"), version("trafilatura")


def table(result: dict[str, object]) -> str:
    """Format the scores as a Markdown table."""
    ours_v, traf_v = _versions()
    secs = result["seconds"]
    assert isinstance(secs, dict)
    lines = ["| extractor | precision | recall | F1 | s/page |", "|---|---|---|---|---|"]
    for name, label in (("newsgrep", f"newsgrep {ours_v} (HTML reader)"),
                        ("trafilatura", f"trafilatura {traf_v} `extract()`")):
        m = result[name]
        assert isinstance(m, dict)
        per = secs[name] / max(1, int(result["pages"]))  # type: ignore[call-overload]
        lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
                     f"| {per:.3f} |")
    return "\n".join(lines)


def section(result: dict[str, object], command: str, index_line: str = "") -> str:
    """Build the RESULTS.md section for this run."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, " \
              f"{platform.system()}"
    return "\n".join([
        "## Article extraction (HTML bodies)",
        "",
        f"`{command}` on {when} ({machine}).",
        (f"{result['pages']} pages of the Zyte/Scrapinghub Article Extraction Benchmark "
         "(`../shared/corpora/html/article-extraction-benchmark/`), scored as its `evaluate.py` "
         "does: 4-token shingles of `\\w+` tokens, per-page TP/FP/FN normalised by their sum, "
         "precision and recall averaged over pages, F1 of the two averages. Both extractors ran "
         "in the same run; newsgrep's bodies come through `newsgrep.ingest.readers` on each `.html.gz` "
         "file."),
        "Published for this benchmark: trafilatura 2.0.0 F1 0.958, rs_trafilatura 0.970.",
        ("newsgrep's reader runs trafilatura in precision mode (its default output when precision "
         "mode keeps less than half of it), puts back article chunks that the page template split "
         "into sibling containers, and drops bare time-stamp and bullet lines, 'Read more: ...' "
         "cross-links and interface lines. s/page: wall time "
         "of one page's extraction in a worker process (both timed in the same process)."),
        "",
        table(result),
        *(["", index_line] if index_line else []),
    ])


def write_results(text: str, path: Path = RESULTS) -> None:
    """Replace the extraction section of RESULTS.md, leaving the others alone."""
    old = path.read_text(encoding="utf8")
    i, j = old.find(START), old.find(END)
    if i < 0 or j < i:
        new = old.rstrip("\n") + f"\n\n{START}\n{text}\n{END}\n"
    else:
        new = old[:i + len(START)] + "\n" + text + "\n" + old[j:]
    path.write_text(new, encoding="utf8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print (and, for a full run, record) the scores."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--quick", action="store_true", help=f"only the first {QUICK_PAGES} pages")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages newsgrep scores worst")
    ap.add_argument("--no-index", action="store_true",
                    help="skip the check through `newsgrep index` and `export`")
    args = ap.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found at {args.data}", file=sys.stderr)
        return 2
    result = run(args.data, QUICK_PAGES if args.quick else None, args.jobs)
    print(table(result))
    if args.worst:
        per_page = result["per_page"]
        assert isinstance(per_page, list)
        for key, a, b in sorted(per_page, key=lambda r: r[1][0])[:args.worst]:
            print(f"{key[:12]}  newsgrep tp/fp/fn={a[0]:.2f}/{a[1]:.2f}/{a[2]:.2f}  "
                  f"trafilatura={b[0]:.2f}/{b[1]:.2f}/{b[2]:.2f}")
    index_line = ""
    if not args.quick and not args.no_index:
        index_line = check_index(args.data, args.jobs)
        print(index_line)
    if not args.quick and not args.no_write:
        command = "python benchmarks/extraction.py"
        write_results(section(result, command, index_line))
        print(f"wrote the extraction section of {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
