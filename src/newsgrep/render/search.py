"""Search results to stdout in the format asked for; what a query found beyond hits to stderr."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsgrep.hits import SearchResult
from newsgrep.render.output import Output, err
from newsgrep.text.clean import one_line, strip_controls


@dataclass(frozen=True)
class Layout:
    """How results are written: text, json or csv; counts only; file paths only."""

    fmt: str = "text"
    count_only: bool = False
    files_only: bool = False
    null: bool = False
    batch: bool = False
    dedup: bool = False


@dataclass
class Outcome:
    """What the results came to: whether anything matched, whether a query failed."""

    matched: bool = False
    failed: bool = False


def _stderr_notes(result: SearchResult, layout: Layout) -> None:
    """Say on stderr how the query was read (--explain) and the spellings it used (--variants)."""
    who = f"query {result.qid}: " if layout.batch else ""
    if result.explanation is not None:
        import sys

        from newsgrep.render.research import explain_text

        if layout.batch:
            err(f"{who}{result.query}")
        explain_text(result.explanation, sys.stderr)
    if result.spellings:
        err(f"{who}spellings found (articles): "
            + ", ".join(f"{one_line(w)} ({n:,})" for w, n in result.spellings))


def write_results(results: Iterable[SearchResult], out: Output, layout: Layout) -> Outcome:
    """Write every result; return whether anything matched and whether any query failed."""
    outcome = Outcome()
    csv_out = None
    seen_paths: set[str] = set()
    for result in results:
        if result.error is not None:
            err(f"query {result.qid}: {result.error}")
            outcome.failed = True
            continue
        _stderr_notes(result, layout)
        if layout.count_only:
            out.write(f"{result.qid}\t{result.total}\n" if layout.batch else f"{result.total}\n")
            outcome.matched |= result.total > 0
            continue
        if layout.files_only:
            end = "\0" if layout.null else "\n"
            for hit in result.hits:
                outcome.matched = True
                if hit.path not in seen_paths:
                    seen_paths.add(hit.path)
                    out.write((hit.path if layout.null else strip_controls(hit.path)) + end)
            continue
        if layout.fmt == "json":
            from newsgrep.render.jsonl import hit_dict, write_json

            for hit in result.hits:
                write_json(hit_dict(hit), out.stream)
                outcome.matched = True
        elif layout.fmt == "csv":
            from newsgrep.render.jsonl import CSV_HIT_COLUMNS, csv_writer, hit_row

            if csv_out is None:
                csv_out = csv_writer(out.stream)
                csv_out.writerow(CSV_HIT_COLUMNS + (("qid",) if layout.batch else ())
                                 + (("duplicates",) if layout.dedup else ()))
            for hit in result.hits:
                row = hit_row(hit) + ([hit.qid or ""] if layout.batch else [])
                if layout.dedup:
                    row.append(";".join(hit.duplicates or ()))
                csv_out.writerow(row)
                outcome.matched = True
        else:
            outcome.matched |= _write_text(result, out, layout)
    return outcome


def _write_text(result: SearchResult, out: Output, layout: Layout) -> bool:
    """Write hits for people: under a header per query in a batch; say when there are none."""
    if layout.batch:
        head = f"== {result.qid}: {one_line(result.query)}"
        if out.rich:
            from rich.text import Text

            out.console().print(Text(head, style="bold"))
        else:
            out.write(head + "\n")
    n = 0
    if out.rich:
        from newsgrep.render.terminal import render_hit

        console = out.console()
        for hit in result.hits:
            render_hit(console, hit)
            n += 1
    else:
        from newsgrep.render.plain import render_hit as plain_hit

        for hit in result.hits:
            plain_hit(out.stream, hit)
            n += 1
    if n == 0:
        if layout.batch:
            out.write("     (no matching article)\n\n")
        else:
            err("no matches")
    return n > 0
