"""The summary of an index or remove run, on stderr: counts that add up, plurals right."""

from __future__ import annotations

from newsgrep.models import IndexReport
from newsgrep.render.output import err


def plural(n: int, word: str, words: str | None = None) -> str:
    """Say a count with its noun: 1 article, 2 articles."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def _listing(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most:,} more" if len(names) > most else "")


def problems(report: IndexReport) -> None:
    """Name every warning and every skipped file or record, one line each."""
    for w in report.warnings:
        err(f"warning: {w.message}" if w.message.startswith(w.path) else f"warning: {w.path}: {w.message}")
    for s in report.skipped:
        err(f"skipped: {s.message}" if s.message.startswith(s.path) else f"skipped: {s.path}: {s.message}")


def summary(report: IndexReport, verb: str = "indexed") -> str:
    """Say what a run did, in one line."""
    mb = report.bytes_read / 1e6
    parts = [f"{verb} {plural(report.articles, 'article')} from {plural(report.files_read, 'file')} "
             f"({mb:.1f} MB) in {report.seconds:.1f} s: {report.added:,} added, "
             f"{report.updated:,} updated, {report.removed:,} removed, {report.unchanged:,} unchanged"]
    if report.not_articles:
        parts.append(f"skipped {plural(len(report.not_articles), 'file')} that "
                     f"{'is' if len(report.not_articles) == 1 else 'are'} not articles "
                     f"({_listing(report.not_articles)}; --no-ignore reads them)")
    if report.excluded:
        parts.append(f"{plural(report.excluded, 'file')} excluded")
    if report.other_types:
        kinds = sorted(report.other_types.items(), key=lambda kv: (-kv[1], kv[0]))
        parts.append("not read (other types): " + ", ".join(f"{n:,} {suffix}" for suffix, n in kinds))
    if report.empty:
        parts.append(f"{plural(report.empty, 'record')} with no title and no text")
    parts.append(f"{len(report.skipped):,} failed" + (" (index rebuilt)" if report.rebuilt else ""))
    return "; ".join(parts)


def index_report(report: IndexReport, quiet: bool, verb: str = "indexed") -> bool:
    """Print the problems and (unless quiet) the summary; tell whether everything went in."""
    problems(report)
    if not quiet:
        err(summary(report, verb))
    if report.skipped:
        err(f"{plural(len(report.skipped), 'file or record', 'files or records')} could not be "
            "indexed; the rest was indexed")
        return False
    return True
