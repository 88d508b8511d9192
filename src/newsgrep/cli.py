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
variants_option = click.option("--variants", is_flag=True,
                               help="Match names in all their spellings.")
color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]),
                            default="auto", show_default=True,
                            help="Colour the output: auto means when stdout is a terminal.")


def _err(message: str) -> None:
    from newsgrep.text.clean import strip_controls

    click.echo(f"newsgrep: {strip_controls(message)}", err=True)


def _shown_path(path: str) -> str:
    """Return a path as printed by -l, with no control characters (--json keeps it exact)."""
    from newsgrep.text.clean import strip_controls

    return strip_controls(path)


def _filters(f: Any) -> Any:
    """Add the filters shared by search, export, kwic and timeline."""
    f = click.option("--source", metavar="NAME", help="Only articles of this source.")(f)
    f = click.option("--until", metavar="DATE", help="Only articles up to this date (inclusive).")(f)
    f = click.option("--since", metavar="DATE", help="Only articles from this date on: 2019, 2019-12 or 2019-12-24.")(f)
    return f


class _Command(click.Command):
    """A click command whose parser finds short options such as ``-n`` at once.

    Click's parser first looks any option up as a long one and, when that fails, builds a
    NoSuchOption error (importing difflib to suggest spellings) before it tries the short ones;
    that costs every ``newsgrep search ... -n 10`` about 1.5 ms. Short options are also entered
    in the long-option table here, which click handles the same way for ``-n 10``; attached
    values (``-n10``) and combined flags still go the short way.
    """

    def make_parser(self, ctx: click.Context) -> Any:
        parser = super().make_parser(ctx)
        long_opts, short_opts = getattr(parser, "_long_opt", None), getattr(parser, "_short_opt", None)
        if isinstance(long_opts, dict) and isinstance(short_opts, dict):
            for opt, option in short_opts.items():
                long_opts.setdefault(opt, option)
        return parser


class _Group(click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        self.bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("files · {task.fields[articles]:,} articles · "
                                       "{task.fields[mbps]:.1f} MB/s"),
                            TimeElapsedColumn(), console=self.console, transient=True)
        self.task: Any = None
        self.articles = 0
        self.size = 0
        self.started = 0.0

    def __enter__(self) -> _RichProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]

    def start(self, files: int, size: int) -> None:
        import time

        self.started = time.perf_counter()
        self.task = self.bar.add_task("index", total=files, articles=0, mbps=0.0)

    def advance(self, files: int, articles: int, size: int) -> None:
        import time

        self.articles += articles
        self.size += size
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        self.bar.update(self.task, advance=files, articles=self.articles,
                        mbps=self.size / 1e6 / elapsed)

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
@click.option("--keep-boilerplate/--drop-boilerplate", "keep_boilerplate", default=None,
              help="Keep (or drop, the default) lines that a folder's text files repeat, such "
                   "as a site's header and footer. The index remembers the choice.")
def index(paths: tuple[str, ...], index: str | None, jobs: int | None, rebuild: bool,
          field_map: tuple[str, ...], include: tuple[str, ...], exclude: tuple[str, ...],
          quiet: bool, keep_boilerplate: bool | None) -> int:
    """Index article files and folders, incrementally.

    Indexing a PATH again reads only its new and changed files and drops its files that are gone.
    """
    from newsgrep import api

    use_bar = not quiet and sys.stderr.isatty()
    with (_RichProgress() if use_bar else _QuietProgress(quiet)) as progress:
        report = api.build_index(paths, index, jobs=jobs, rebuild=rebuild, field_map=field_map,
                                 include=include, exclude=exclude, progress=progress,
                                 keep_boilerplate=keep_boilerplate)
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

def _write_hits(hits: Iterable[Any], out: IO[str], fmt: str, color: str, batch: bool = False) -> int:
    n = 0
    if fmt == "json":
        from newsgrep.render.jsonl import hit_dict, write_json

        for hit in hits:
            write_json(hit_dict(hit), out)
            n += 1
    elif fmt == "csv":
        from newsgrep.render.jsonl import CSV_HIT_COLUMNS, csv_writer, hit_row

        w = csv_writer(out)
        w.writerow(CSV_HIT_COLUMNS + (("qid",) if batch else ()))
        for hit in hits:
            w.writerow(hit_row(hit) + ([hit.qid or ""] if batch else []))
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
@click.option("--variants", is_flag=True,
              help="Find names in all their transliterated spellings (Maarat al-Numan, Ma'arrat an-Nu'man, ...).")
@click.option("--dedup", is_flag=True, help="Group near-duplicate articles (reprints); the earliest is the hit.")
@click.option("--explain", is_flag=True, help="Describe on stderr how the query was read: parsed form, terms, counts.")
@click.option("--batch", type=click.Path(), metavar="FILE",
              help="Run each line of FILE as a query: \"QID<TAB>QUERY\" or \"QUERY\".")
def search(query: str | None, index: str | None, limit: int | None, any_terms: bool,
           since: str | None, until: str | None, source: str | None, sort: str, as_json: bool,
           as_csv: bool, count_only: bool, files_only: bool, color: str, variants: bool,
           dedup: bool, explain: bool, batch: str | None) -> int:
    """Rank the articles that match a query.

    Exit status 0 when something matched, 1 when nothing did, 2 on an error.
    """
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
                             source=source, sort=sort, snippets=not (count_only or files_only),
                             variants=variants, dedup=dedup)
    if explain:
        from newsgrep.render.research import explain_text

        for _, text in queries:
            explain_text(api.explain(text, index, base), sys.stderr)
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
                out.write(_shown_path(hit.path) + "\n")
        return EXIT_MATCH if seen else EXIT_NO_MATCH
    if batch:
        hits = api.search_batch(queries, index, base, on_error=_err)
    else:
        hits = api.search(query or "", index, base)
    n = _write_hits(hits, out, fmt, color, batch=bool(batch))
    if n == 0 and fmt == "text" and not batch:
        _err("no matches")
    if variants and fmt == "text" and not batch and n:
        found = api.variant_counts(query or "", index, base)
        _err("spellings found (articles): " + ", ".join(f"{w} ({c:,})" for w, c in found))
    return EXIT_MATCH if n else EXIT_NO_MATCH


# --- research commands --------------------------------------------------------------------------

def _options(api: Any, since: str | None, until: str | None, source: str | None,
             variants: bool = False, sort: str = "relevance", limit: int | None = None) -> Any:
    return api.SearchOptions(limit=limit, since=since, until=until, source=source,
                             variants=variants, sort=sort, snippets=False)


def _format(as_json: bool, as_csv: bool) -> str:
    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other")
    return "json" if as_json else "csv" if as_csv else "text"


def _write_records(records: Iterable[Any], columns: tuple[str, ...], fmt: str) -> int:
    """Write dataclass records as JSON Lines or as CSV with a header; return how many."""
    from dataclasses import asdict

    from newsgrep.render.jsonl import csv_writer, record_row, write_json

    n = 0
    w = csv_writer(sys.stdout) if fmt == "csv" else None
    if w is not None:
        w.writerow(columns)
    for rec in records:
        row = asdict(rec)
        if w is not None:
            w.writerow(record_row(row, columns))
        else:
            write_json(row, sys.stdout)
        n += 1
    return n


def _console(color: str) -> Any:
    from newsgrep.render.terminal_choice import wants_color

    if not wants_color(sys.stdout, color):
        return None
    from newsgrep.render.terminal import make_console

    return make_console(sys.stdout, color)


@cli.command()
@click.argument("article_id", metavar="ID")
@index_option
@click.option("--query", "query", metavar="QUERY", help="Highlight this query's words.")
@click.option("--json", "as_json", is_flag=True, help="The Article record as JSON.")
@color_option
def show(article_id: str, index: str | None, query: str | None, as_json: bool, color: str) -> int:
    """Show one whole article, query words marked.

    In a terminal the article opens in a pager.
    """
    from dataclasses import asdict

    from newsgrep import api

    v = api.show(article_id, index, query)
    if v is None:
        _err(f"no article with id {article_id!r}")
        return EXIT_NO_MATCH
    if as_json:
        from newsgrep.render.jsonl import write_json

        write_json(asdict(v.article), sys.stdout)
        return EXIT_MATCH
    from newsgrep.render.research import show_text
    from newsgrep.render.terminal import make_console

    console = _console(color)
    if console is None:
        show_text(v, make_console(sys.stdout, "never"), False)
    elif sys.stdout.isatty():
        with console.pager(styles=True):
            show_text(v, console, True)
    else:
        show_text(v, console, True)
    return EXIT_MATCH


@cli.command()
@click.argument("query", required=False)
@index_option
@_filters
@variants_option
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
              help="Order of the records (without a query: by id, or by date).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one Article a line (the default).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with the Article's columns.")
def export(query: str | None, index: str | None, since: str | None, until: str | None,
           source: str | None, variants: bool, sort: str, as_json: bool, as_csv: bool) -> int:
    """Write whole records of the matches, or of all.

    Without a QUERY, every article (in id order). JSON Lines by default, or CSV.
    """

    from newsgrep import api
    from newsgrep.models import ARTICLE_FIELDS

    fmt = _format(as_json, as_csv)
    records = api.export(query, index, _options(api, since, until, source, variants, sort))
    n = _write_records(records, ARTICLE_FIELDS, "csv" if fmt == "csv" else "json")
    return EXIT_MATCH if n else EXIT_NO_MATCH


@cli.command()
@click.argument("query")
@index_option
@_filters
@variants_option
@click.option("--width", type=int, default=40, show_default=True, help="Characters of context each side.")
@click.option("--sort", type=click.Choice(["left", "right", "date"]), default="date", show_default=True,
              help="Order by the words left or right of the keyword, or by date.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: id, date, left, match, right.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV: id, date, left, match, right.")
@color_option
def kwic(query: str, index: str | None, since: str | None, until: str | None, source: str | None,
         variants: bool, width: int, sort: str, as_json: bool, as_csv: bool, color: str) -> int:
    """Every occurrence in context, keyword aligned.

    One line per occurrence of the query's words: article id, date, left context, keyword, right.
    """
    from newsgrep import api

    fmt = _format(as_json, as_csv)
    lines = api.kwic(query, index, _options(api, since, until, source, variants), width, sort)
    if fmt != "text":
        _write_records(lines, ("id", "date", "left", "match", "right"), fmt)
    else:
        from newsgrep.render.research import kwic_lines

        kwic_lines(lines, width, sys.stdout, _console(color))
    return EXIT_MATCH if lines else EXIT_NO_MATCH


@cli.command()
@click.argument("query")
@index_option
@_filters
@variants_option
@click.option("--by", type=click.Choice(["day", "week", "month", "year"]), default="month",
              show_default=True, help="Length of a period.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: period, count, total, share.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV: period, count, total, share.")
@color_option
def timeline(query: str, index: str | None, since: str | None, until: str | None,
             source: str | None, variants: bool, by: str, as_json: bool, as_csv: bool,
             color: str) -> int:
    """Matching articles per period, drawn as bars.

    Each period shows its count, the number of all its articles and the share.
    """

    from newsgrep import api

    fmt = _format(as_json, as_csv)
    tl = api.timeline(query, index, _options(api, since, until, source, variants), by)
    if fmt != "text":
        _write_records(tl.rows, ("period", "count", "total", "share"), fmt)
    else:
        from newsgrep.render.research import timeline_text

        timeline_text(tl, sys.stdout, _console(color))
    if tl.undated:
        _err(f"{tl.undated:,} undated matching article(s) left out of the timeline")
    return EXIT_MATCH if tl.rows or tl.undated else EXIT_NO_MATCH


@cli.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def stats(index: str | None, as_json: bool) -> int:
    """Describe the index: articles, dates, sources.

    Also its location, size on disk, last update and newsgrep version.
    """
    from dataclasses import asdict

    from newsgrep import api

    st = api.stats(index)
    if as_json:
        from newsgrep.render.jsonl import write_json

        write_json(asdict(st), sys.stdout)
    else:
        from newsgrep.render.research import stats_text

        stats_text(st, sys.stdout)
    return EXIT_MATCH


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
    except Exception as exc:  # a bug: report it in one line, never hide it
        if _state["debug"]:
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} "
             "(run with --debug for the traceback, and please report it)")
        sys.exit(EXIT_ERROR)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)
    sys.exit(rv if isinstance(rv, int) else 0)
