"""The command line: parse options, call the library, render, map errors to exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import IO, Any

import click

from newsgrep import __version__
from newsgrep.errors import NewsgrepError

EXIT_MATCH, EXIT_NO_MATCH, EXIT_ERROR = 0, 1, 2
_state = {"debug": False}

index_option = click.option("--index", "index", metavar="DIR", envvar=None,
                            help="Index folder (default: $NEWSGREP_INDEX, else a per-user folder).")
color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]),
                            default="auto", show_default=True,
                            help="Colour the output: auto means when stdout is a terminal.")


def _err(message: str) -> None:
    click.echo(f"newsgrep: {message}", err=True)


def _filters(f: Any) -> Any:
    """Add the filters shared by search, export, kwic and timeline."""
    f = click.option("--source", metavar="NAME", help="Only articles of this source.")(f)
    f = click.option("--until", metavar="DATE", help="Only articles up to this date (inclusive).")(f)
    f = click.option("--since", metavar="DATE", help="Only articles from this date on: 2019, 2019-12 or 2019-12-24.")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="newsgrep")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cli(debug: bool) -> None:
    """Keyword search for collections of news articles.

    \b
      newsgrep index ARTICLES/           build or update the index
      newsgrep search "Idlib"            ranked hits with highlighted snippets
      newsgrep search "Idlib" --json     JSON Lines for scripts
    """
    _state["debug"] = debug


# --- index / remove -----------------------------------------------------------------------------

class _RichProgress:
    """A progress bar on stderr: files, articles and MB/s."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TransferSpeedColumn)

        self.console = Console(stderr=True)
        self.bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("files · {task.fields[articles]:,} articles ·"),
                            TransferSpeedColumn(), TimeElapsedColumn(), console=self.console,
                            transient=True)
        self.task: Any = None
        self.bytes_task: Any = None
        self.articles = 0

    def __enter__(self) -> _RichProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]

    def start(self, files: int, size: int) -> None:
        self.task = self.bar.add_task("index", total=files, articles=0)

    def advance(self, files: int, articles: int, size: int) -> None:
        self.articles += articles
        self.bar.update(self.task, advance=files, articles=self.articles)

    def message(self, text: str) -> None:
        self.bar.console.print(text, markup=False, highlight=False)


class _QuietProgress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __enter__(self) -> _QuietProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def start(self, files: int, size: int) -> None:
        pass

    def advance(self, files: int, articles: int, size: int) -> None:
        pass

    def message(self, text: str) -> None:
        if not self.quiet:
            _err(text)


def _report(report: Any, quiet: bool, verb: str = "indexed") -> int:
    for w in report.warnings:
        _err(f"warning: {w.path}: {w.message}" if not w.message.startswith(w.path) else f"warning: {w.message}")
    for s in report.skipped:
        _err(f"skipped: {s.message}" if s.message.startswith(s.path) else f"skipped: {s.path}: {s.message}")
    if not quiet:
        mb = report.bytes_read / 1e6
        _err(f"{verb} {report.articles:,} articles from {report.files_read:,} files "
             f"({mb:.1f} MB) in {report.seconds:.1f} s: {report.added:,} added, "
             f"{report.updated:,} updated, {report.removed:,} removed, {report.unchanged:,} unchanged, "
             f"{report.ignored:,} ignored (other types), {len(report.skipped):,} failed"
             + (" (index rebuilt)" if report.rebuilt else ""))
    if report.skipped:
        _err(f"{len(report.skipped)} file(s) or record(s) could not be indexed; the rest was indexed")
        return EXIT_ERROR
    return 0


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@click.option("--jobs", "-j", type=int, default=None, metavar="N",
              help="Worker processes that read files (default: one per core).")
@click.option("--rebuild", is_flag=True, help="Start the index over.")
@click.option("--map", "field_map", multiple=True, metavar="FIELD=KEY",
              help="Read FIELD (title, body, date, source, url, author, id, lang) from KEY.")
@click.option("--include", multiple=True, metavar="GLOB", help="Only files matching GLOB.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files or folders matching GLOB.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def index(paths: tuple[str, ...], index: str | None, jobs: int | None, rebuild: bool,
          field_map: tuple[str, ...], include: tuple[str, ...], exclude: tuple[str, ...],
          quiet: bool) -> int:
    """Index article files and folders (again: only new and changed files are read)."""
    from newsgrep import api

    use_bar = not quiet and sys.stderr.isatty()
    with (_RichProgress() if use_bar else _QuietProgress(quiet)) as progress:
        report = api.build_index(paths, index, jobs=jobs, rebuild=rebuild, field_map=field_map,
                                 include=include, exclude=exclude, progress=progress)
    return _report(report, quiet)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
def remove(paths: tuple[str, ...], index: str | None) -> int:
    """Drop the articles of files or folders from the index."""
    from newsgrep import api

    report = api.remove(paths, index)
    _err(f"removed the articles of {report.removed:,} files")
    return 0 if report.removed else EXIT_NO_MATCH


# --- search -------------------------------------------------------------------------------------

def _write_hits(hits: Iterable[Any], out: IO[str], fmt: str, color: str) -> int:
    n = 0
    if fmt == "json":
        from newsgrep.render.jsonl import hit_dict, write_json

        for hit in hits:
            write_json(hit_dict(hit), out)
            n += 1
    elif fmt == "csv":
        from newsgrep.render.jsonl import CSV_HIT_COLUMNS, csv_writer, hit_row

        w = csv_writer(out)
        w.writerow(CSV_HIT_COLUMNS + (("qid",) if False else ()))
        for hit in hits:
            w.writerow(hit_row(hit))
            n += 1
    else:
        from newsgrep.render.terminal_choice import wants_color

        if wants_color(out, color):
            from newsgrep.render.terminal import make_console, render_hit

            console = make_console(out, color)
            for hit in hits:
                render_hit(console, hit)
                n += 1
        else:
            from newsgrep.render import plain

            for hit in hits:
                plain.render_hit(out, hit)
                n += 1
    return n


@cli.command()
@click.argument("query", required=False)
@index_option
@click.option("-n", "--limit", type=int, default=None, metavar="N",
              help="How many hits (default 10; 0 means all).")
@click.option("--any", "any_terms", is_flag=True, help="Match any word (OR), ranked; default is all words.")
@_filters
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one hit a line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option("-c", "--count", "count_only", is_flag=True, help="Print the number of matching articles.")
@click.option("-l", "--files-with-matches", "files_only", is_flag=True,
              help="Print each matching file's path once, in rank order.")
@color_option
@click.option("--batch", type=click.Path(), metavar="FILE",
              help="Run each line of FILE as a query: \"QID<TAB>QUERY\" or \"QUERY\".")
def search(query: str | None, index: str | None, limit: int | None, any_terms: bool,
           since: str | None, until: str | None, source: str | None, sort: str, as_json: bool,
           as_csv: bool, count_only: bool, files_only: bool, color: str, batch: str | None) -> int:
    """Search the index; exit 0 when something matched, 1 when nothing did."""
    from newsgrep import api

    if (query is None) == (batch is None):
        raise click.UsageError("give a QUERY or --batch FILE (not both)")
    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other")
    if limit is not None and limit < 0:
        raise click.UsageError("-n must be 0 (all) or more")
    if limit is None:
        limit = 0 if files_only else 10
    fmt = "json" if as_json else "csv" if as_csv else "text"
    out = sys.stdout
    queries = api.read_batch(batch) if batch else [("", query or "")]
    base = api.SearchOptions(limit=limit or None, any_terms=any_terms, since=since, until=until,
                             source=source, sort=sort, snippets=not (count_only or files_only))
    if count_only:
        total = 0
        for qid, text in queries:
            n = api.count(text, index, base)
            total += n
            out.write(f"{qid}\t{n}\n" if batch else f"{n}\n")
        return EXIT_MATCH if total else EXIT_NO_MATCH
    if files_only:
        seen: set[str] = set()
        hits = api.search_batch(queries, index, base, on_error=_err) if batch else api.search(
            query or "", index, base)
        for hit in hits:
            if hit.path not in seen:
                seen.add(hit.path)
                out.write(hit.path + "\n")
        return EXIT_MATCH if seen else EXIT_NO_MATCH
    if batch:
        hits = api.search_batch(queries, index, base, on_error=_err)
    else:
        hits = api.search(query or "", index, base)
    n = _write_hits(hits, out, fmt, color)
    if n == 0 and fmt == "text" and not batch:
        _err("no matches")
    return EXIT_MATCH if n else EXIT_NO_MATCH


# --- entry point --------------------------------------------------------------------------------

def _quiet_broken_pipe() -> None:
    """Point stdout at /dev/null so that the exit flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its status."""
    try:
        rv = cli.main(args=argv, prog_name="newsgrep", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        _err("interrupted")
        sys.exit(130)
    except NewsgrepError as exc:
        if _state["debug"]:
            raise
        _err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)
    sys.exit(rv if isinstance(rv, int) else 0)
