"""The command line: parse options, make one library call, hand the result to render/, map errors.

Nothing here parses queries, reads files or touches the index: that is newsgrep.api's work.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import click

from newsgrep import __version__
from newsgrep.errors import NewsgrepError

EXIT_MATCH, EXIT_NO_MATCH, EXIT_ERROR = 0, 1, 2
_state = {"debug": False}


def _err(message: str) -> None:
    from newsgrep.render.output import err

    err(message)


index_option = click.option("--index", "index", metavar="DIR",
                            help="Index folder (default: $NEWSGREP_INDEX, else a per-user folder).")


def _cluster_given(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A command line's process ends with its command: keep the Dask client for the next ones."""
    if value:
        from newsgrep import api

        api.keep_cluster_clients()
    return value


cluster_option = click.option("--cluster", "cluster", metavar="ADDRESS", envvar="NEWSGREP_CLUSTER",
                              callback=_cluster_given,
                              help="A Dask scheduler (tcp://host:8786) to run on; $NEWSGREP_CLUSTER. "
                                   "The client stays connected for later calls for "
                                   "$NEWSGREP_CLUSTER_KEEP seconds (600; 0: not kept).")
plot_option = click.option("--plot", metavar="FILE",
                           help="Also draw a figure into FILE (.png, .svg or .pdf; needs newsgrep[plot]).")
color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]),
                            default="auto", show_default=True,
                            help="Colour the output: auto means when stdout is a terminal.")


def _debug_given(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        _state["debug"] = True
    return value


debug_option = click.option("--debug", is_flag=True, expose_value=False, callback=_debug_given,
                            help="Show tracebacks for errors.")
any_option = click.option("--any", "any_terms", is_flag=True,
                          help="Match any word (OR), ranked; default is all words.")
variants_option = click.option("--variants", is_flag=True,
                               help="Find names in all their spellings (Gaddafi, Qaddafi, Gadhafi, ...).")


def _filters(f: Any) -> Any:
    """Add the filters of search to a command that takes a query: --any, --since, --until,
    --source, --variants."""
    f = variants_option(f)
    f = click.option("--source", metavar="NAME", help="Only articles of this source.")(f)
    f = click.option("--until", metavar="DATE", help="Only articles up to this date (inclusive).")(f)
    f = click.option("--since", metavar="DATE",
                     help="Only articles from this date on: 2019, 2019-12 or 2019-12-24.")(f)
    f = any_option(f)
    return f


def _format(as_json: bool, as_csv: bool) -> str:
    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other")
    return "json" if as_json else "csv" if as_csv else "text"


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
    _show_notes()
    from newsgrep.api import check_settings

    check_settings()


def _say_note(note: str) -> None:
    """Say one of the library's notes on how a query was read on stderr (every command, mode)."""
    _err(f"note: {note}")


def _show_notes() -> None:
    from newsgrep.api import listen_to_notes

    listen_to_notes(_say_note)


# --- index / remove -----------------------------------------------------------------------------

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
@click.option("--no-ignore", is_flag=True,
              help="Also read README, LICENSE, ... and what .newsgrepignore/.ignore files name.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--keep-boilerplate/--drop-boilerplate", "keep_boilerplate", default=None,
              help="Keep (or drop, the default) lines that a folder's text files repeat, such "
                   "as a site's header and footer. The index remembers the choice.")
@click.option("--shards", type=int, default=None, metavar="N",
              help="Make DIR a sharded index of N shards (when it is created, or with --rebuild).")
@cluster_option
@debug_option
def index(paths: tuple[str, ...], index: str | None, jobs: int | None, rebuild: bool,
          field_map: tuple[str, ...], include: tuple[str, ...], exclude: tuple[str, ...],
          no_ignore: bool, quiet: bool, keep_boilerplate: bool | None, shards: int | None,
          cluster: str | None) -> int:
    """Index article files and folders, incrementally.

    Indexing a PATH again reads only its new and changed files and drops its files that are gone.
    """
    from newsgrep import api
    from newsgrep.render.progress import BarProgress, LineProgress
    from newsgrep.render.report import index_report

    use_bar = not quiet and sys.stderr.isatty()
    with (BarProgress() if use_bar else LineProgress(quiet)) as progress:
        report = api.build_index(paths, index, jobs=jobs, rebuild=rebuild, field_map=field_map,
                                 include=include, exclude=exclude, progress=progress,
                                 keep_boilerplate=keep_boilerplate, no_ignore=no_ignore,
                                 shards=shards, cluster=cluster)
    return EXIT_MATCH if index_report(report, quiet) else EXIT_ERROR


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@cluster_option
@debug_option
def remove(paths: tuple[str, ...], index: str | None, cluster: str | None) -> int:
    """Drop the articles of files or folders from the index."""
    from newsgrep import api
    from newsgrep.render.report import plural

    report = api.remove(paths, index, cluster=cluster)
    _err(f"removed {plural(report.articles, 'article')} of {plural(report.removed, 'file')}")
    return EXIT_MATCH


# --- search -------------------------------------------------------------------------------------

@cli.command()
@click.argument("query", required=False)
@index_option
@click.option("-n", "--limit", type=int, default=None, metavar="N",
              help="How many hits (default 10; 0 means all).")
@_filters
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one hit a line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option("-c", "--count", "count_only", is_flag=True, help="Print the number of matching articles.")
@click.option("-l", "--files-with-matches", "files_only", is_flag=True,
              help="Print each matching file's path once, in rank order.")
@click.option("-0", "--null", "null", is_flag=True, help="With -l: end each path with NUL (for xargs -0).")
@color_option
@click.option("--dedup", is_flag=True, help="Group near-duplicate articles (reprints); the earliest is the hit.")
@click.option("--explain", is_flag=True, help="Describe on stderr how the query was read: parsed form, terms, counts.")
@click.option("--mentions", is_flag=True, help="With -c: count matched words (what kwic lists), not articles.")
@click.option("--batch", type=click.Path(allow_dash=True), metavar="FILE",
              help="Run each line of FILE (- for stdin) as a query: \"QID<TAB>QUERY\" or \"QUERY\".")
@cluster_option
@debug_option
def search(query: str | None, index: str | None, limit: int | None, any_terms: bool,
           since: str | None, until: str | None, source: str | None, variants: bool, sort: str,
           as_json: bool, as_csv: bool, count_only: bool, files_only: bool, null: bool, color: str,
           dedup: bool, explain: bool, mentions: bool, batch: str | None, cluster: str | None) -> int:
    """Rank the articles that match a query.

    Exit status 0 when something matched, 1 when nothing did, 2 on an error.
    """
    from newsgrep import api
    from newsgrep.render.output import Output
    from newsgrep.render.search import Layout, write_results

    if (query is None) == (batch is None):
        raise click.UsageError("give a QUERY or --batch FILE (not both)")
    fmt = _format(as_json, as_csv)
    if count_only and files_only:
        raise click.UsageError("-c and -l exclude each other (-c counts, -l lists files)")
    if null and not files_only:
        raise click.UsageError("-0 goes with -l (paths ended with NUL)")
    if mentions and not count_only:
        raise click.UsageError("--mentions goes with -c (count mentions); kwic lists them")
    if limit is not None and limit < 0:
        raise click.UsageError("-n must be 0 (all) or more")
    if limit is None:
        limit = 0 if files_only else 10
    options = api.SearchOptions(limit=limit or None, any_terms=any_terms, since=since, until=until,
                                source=source, sort=sort, snippets=not (count_only or files_only),
                                variants=variants, dedup=dedup, explain=explain,
                                count_only=count_only, mentions=mentions)
    if batch:
        results = api.search_batch(api.read_batch(batch), index, options, cluster=cluster)
    else:
        results = iter([api.search(query or "", index, options, cluster=cluster)])
    layout = Layout(fmt, count_only, files_only, null, bool(batch), dedup)
    outcome = write_results(results, Output(sys.stdout, color), layout)
    if outcome.failed:
        return EXIT_ERROR
    return EXIT_MATCH if outcome.matched else _no_match(index, options, cluster)


# --- research commands --------------------------------------------------------------------------

def _options(any_terms: bool, since: str | None, until: str | None, source: str | None,
             variants: bool = False, sort: str = "relevance", mentions: bool = False) -> Any:
    from newsgrep import api

    return api.SearchOptions(limit=None, any_terms=any_terms, since=since, until=until, source=source,
                             variants=variants, sort=sort, snippets=False, mentions=mentions)


def _no_match(index: str | None, options: Any, cluster: str | None) -> int:
    """Say on stderr which filter names nothing in the index (an unknown source, dates no article
    has), when nothing matched; return the no-match status."""
    from newsgrep import api

    if options.source or options.since or options.until:
        for note in api.filter_notes(index, options, cluster=cluster):
            _err(note)
    return EXIT_NO_MATCH


def _write_records(records: Any, columns: tuple[str, ...], fmt: str) -> int:
    """Write dataclass records as JSON Lines or as CSV with a header; return how many."""
    from dataclasses import asdict

    from newsgrep.render.jsonl import csv_writer, record_row, write_json

    n = 0
    w = csv_writer(sys.stdout) if fmt == "csv" else None
    if w is not None:
        w.writerow(columns)
    for rec in records:
        row = rec.record() if hasattr(rec, "record") else asdict(rec)
        if w is not None:
            w.writerow(record_row(row, columns))
        else:
            write_json(row, sys.stdout)
        n += 1
    return n


@cli.command()
@click.argument("article", metavar="ID|PATH")
@index_option
@click.option("--query", "query", metavar="QUERY", help="Highlight this query's words.")
@click.option("--any", "any_terms", is_flag=True, help="Read --query as search --any does (any word).")
@click.option("--variants", is_flag=True, help="Highlight every spelling of the names in --query.")
@click.option("--json", "as_json", is_flag=True, help="The Article record as JSON.")
@click.option("--no-pager", is_flag=True, help="Print directly, never through a pager.")
@color_option
@cluster_option
@debug_option
def show(article: str, index: str | None, query: str | None, any_terms: bool, variants: bool,
         as_json: bool, no_pager: bool, color: str, cluster: str | None) -> int:
    """Show one whole article (by id, or a file's path), query words marked.

    In a terminal the article opens in a pager ($NEWSGREP_PAGER, $PAGER or less).
    """

    from newsgrep import api
    from newsgrep.render.output import Output

    if (any_terms or variants) and query is None:
        raise click.UsageError("--any and --variants go with --query (the words to mark)")
    v = api.show(article, index, query, cluster=cluster, any_terms=any_terms, variants=variants)
    if v is None:
        _err(f"no article with id or path {article!r}")
        return EXIT_NO_MATCH
    if as_json:
        from newsgrep.render.jsonl import write_json

        write_json(v.article.record(), sys.stdout)
        return EXIT_MATCH
    from newsgrep.render.research import show_text

    out = Output(sys.stdout, color)
    if out.is_terminal and not no_pager:
        import io

        from newsgrep.render.pager import page

        buf = io.StringIO()
        paged = Output(buf, "always" if out.color else "never")
        paged.is_terminal = True
        show_text(v, paged.console(), out.color)
        page(buf.getvalue())
    else:
        show_text(v, out.console(), out.color)
    return EXIT_MATCH


@cli.command()
@click.argument("query", required=False)
@index_option
@_filters
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
              help="Order of the records (without a query: by id, or by date).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one Article a line (the default).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with the Article's columns.")
@cluster_option
@debug_option
def export(query: str | None, index: str | None, any_terms: bool, since: str | None,
           until: str | None, source: str | None, variants: bool, sort: str, as_json: bool,
           as_csv: bool, cluster: str | None) -> int:
    """Write whole records of the matches, or of all.

    Without a QUERY, every article (in id order). JSON Lines by default, or CSV.
    """
    from newsgrep import api
    from newsgrep.models import ARTICLE_FIELDS

    fmt = _format(as_json, as_csv)
    if any_terms and query is None:
        raise click.UsageError("--any goes with a QUERY")
    options = _options(any_terms, since, until, source, variants, sort)
    records = api.export(query, index, options, cluster=cluster)
    n = _write_records(records, ARTICLE_FIELDS, "csv" if fmt == "csv" else "json")
    return EXIT_MATCH if n else _no_match(index, options, cluster)


@cli.command()
@click.argument("query")
@index_option
@_filters
@click.option("--width", type=int, default=40, show_default=True, help="Characters of context each side.")
@click.option("--sort", type=click.Choice(["left", "right", "date"]), default="date", show_default=True,
              help="Order by the words left or right of the keyword, or by date.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: id, date, left, match, right.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV: id, date, left, match, right.")
@color_option
@cluster_option
@debug_option
def kwic(query: str, index: str | None, any_terms: bool, since: str | None, until: str | None,
         source: str | None, variants: bool, width: int, sort: str, as_json: bool, as_csv: bool,
         color: str, cluster: str | None) -> int:
    """Every occurrence in context, keyword aligned.

    One line per occurrence of the query's words: article id, date, left context, keyword, right.
    """
    from newsgrep import api
    from newsgrep.render.output import Output

    fmt = _format(as_json, as_csv)
    options = _options(any_terms, since, until, source, variants)
    lines = api.kwic(query, index, options, width, sort, cluster=cluster)
    if fmt != "text":
        _write_records(lines, ("id", "date", "left", "match", "right"), fmt)
    else:
        from newsgrep.render.research import kwic_lines

        kwic_lines(lines, width, Output(sys.stdout, color))
    return EXIT_MATCH if lines else _no_match(index, options, cluster)


@cli.command()
@click.argument("query")
@index_option
@_filters
@click.option("--by", type=click.Choice(["day", "week", "month", "year", "source"]), default="month",
              show_default=True, help="Length of a period, or a row per source.")
@click.option("--mentions", is_flag=True, help="Count matched words (what kwic lists), not articles.")
@click.option("--json", "as_json", is_flag=True,
              help="JSON Lines: period (or source), count, total, share, partial, undated.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV: period (or source), count, total, share, partial, undated.")
@plot_option
@color_option
@cluster_option
@debug_option
def timeline(query: str, index: str | None, any_terms: bool, since: str | None, until: str | None,
             source: str | None, variants: bool, by: str, mentions: bool, as_json: bool,
             as_csv: bool, plot: str | None, color: str, cluster: str | None) -> int:
    """Matching articles (or mentions) per period, or per source, drawn as bars.

    Each row shows its count, the number of all its articles that pass the filters and the
    share; a period cut by --since/--until counts only its part inside them and is marked partial.
    """
    from newsgrep import api
    from newsgrep.render.output import Output

    fmt = _format(as_json, as_csv)
    _plot_format(plot)
    options = _options(any_terms, since, until, source, variants, mentions=mentions)
    tl = api.timeline(query, index, options, by, cluster=cluster)
    if plot:
        from newsgrep.render.plot import timeline_figure
        from newsgrep.render.wordlists import describe_filters

        timeline_figure(tl, query, plot, describe_filters(since, until, source, any_terms, variants))
    if fmt != "text":
        key = "source" if by == "source" else "period"
        _write_records(tl.rows, (key, "count", "total", "share", "partial", "undated"), fmt)
    else:
        from newsgrep.render.research import timeline_text

        timeline_text(tl, Output(sys.stdout, color))
    if tl.undated and by != "source":
        what = "mention" if tl.mentions else "matching article"
        _err(f"{tl.undated:,} undated {what}{'s' if tl.undated != 1 else ''} left out of the timeline")
    return EXIT_MATCH if tl.rows or tl.undated else _no_match(index, options, cluster)


def _plot_format(plot: str | None) -> None:
    """Refuse a --plot file of an unknown kind before any work is done."""
    if plot:
        from newsgrep.render.plot import plot_format

        plot_format(plot)


def _research_options(f: Any) -> Any:
    """Add the options that collocates and keywords share: filters, modes, formats, plot."""
    for option in (debug_option, cluster_option, color_option, plot_option,
                   click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row."),
                   click.option("--json", "as_json", is_flag=True, help="JSON Lines, one word a line."),
                   click.option("-n", "--limit", type=int, default=20, show_default=True, metavar="N",
                                help="How many words (0 means all)."),
                   _filters, index_option):
        f = option(f)
    return f


@cli.command()
@click.argument("query")
@click.option("--window", type=int, default=5, show_default=True, metavar="N",
              help="Words to each side of a mention.")
@click.option("--min-count", type=int, default=1, show_default=True, metavar="N",
              help="Only words found at least N times in the windows.")
@_research_options
def collocates(query: str, window: int, min_count: int, index: str | None, since: str | None,
               until: str | None, source: str | None, any_terms: bool, variants: bool, limit: int,
               as_json: bool, as_csv: bool, plot: str | None, color: str, cluster: str | None) -> int:
    """The words near the query's mentions, scored.

    For each word within N words of a mention (in the same field): its count in the windows, its
    total in the filtered corpus, log-likelihood (G²) and mutual information; by G².
    """
    from newsgrep import api
    from newsgrep.render import wordlists

    fmt = _format(as_json, as_csv)
    _plot_format(plot)
    options = _options(any_terms, since, until, source, variants)
    got = api.collocates(query, index, options, window=window, limit=limit, min_count=min_count, cluster=cluster)
    filters = wordlists.describe_filters(since, until, source, any_terms, variants)
    if not got.mentions:
        return _no_match(index, options, cluster)
    return _word_list(got, "collocates", filters, fmt, plot, color)


@cli.command()
@click.argument("query")
@click.option("--against", metavar="QUERY2", help="Compare with the articles matching QUERY2 (default: "
                                                  "the other articles that pass the filters).")
@click.option("--both", is_flag=True, help="Also list the words more frequent in the reference (G² < 0).")
@click.option("--min-count", type=int, default=1, show_default=True, metavar="N",
              help="Only words found at least N times in the matches and the reference together.")
@_research_options
def keywords(query: str, against: str | None, both: bool, min_count: int, index: str | None,
             since: str | None, until: str | None, source: str | None, any_terms: bool, variants: bool,
             limit: int, as_json: bool, as_csv: bool, plot: str | None, color: str, cluster: str | None) -> int:
    """The words that mark the matching articles, scored.

    Per word: its count in the matching articles, in the reference, log-likelihood (G²) and
    log ratio; by G².
    """
    from newsgrep import api
    from newsgrep.render import wordlists

    fmt = _format(as_json, as_csv)
    _plot_format(plot)
    options = _options(any_terms, since, until, source, variants)
    got = api.keywords(query, index, options, against=against, limit=limit, both=both, min_count=min_count,
                       cluster=cluster)
    filters = wordlists.describe_filters(since, until, source, any_terms, variants)
    if not got.articles:
        return _no_match(index, options, cluster)
    return _word_list(got, "keywords", filters, fmt, plot, color)


def _word_list(got: Any, kind: str, filters: str, fmt: str, plot: str | None, color: str) -> int:
    """Draw the figure when asked, and write a scored word list (collocates or keywords)."""
    from newsgrep.render import wordlists
    from newsgrep.render.output import Output

    collocates = kind == "collocates"
    if plot:
        from newsgrep.render import plot as figures

        (figures.collocates_figure if collocates else figures.keywords_figure)(got, plot, filters)
    keys = wordlists.COLLOCATE_KEYS if collocates else wordlists.KEYWORD_KEYS
    if fmt != "text":
        wordlists.write_records(got.rows, keys, fmt, sys.stdout)
    else:
        caption = (wordlists.collocates_caption if collocates else wordlists.keywords_caption)(got, filters)
        wordlists.word_table(got.rows, keys, caption, Output(sys.stdout, color))
    return EXIT_MATCH if got.rows else EXIT_NO_MATCH


@cli.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@cluster_option
@debug_option
def stats(index: str | None, as_json: bool, cluster: str | None) -> int:
    """Describe the index: articles, dates, sources.

    Also its location, size on disk, last update and newsgrep version.
    """
    from newsgrep import api

    st = api.stats(index, cluster=cluster)
    if as_json:
        from newsgrep.render.jsonl import write_json

        write_json(st.record(), sys.stdout)
    else:
        from newsgrep.render.research import stats_text

        stats_text(st, sys.stdout)
    return EXIT_MATCH


# --- entry point --------------------------------------------------------------------------------

class _StdoutClosed(Exception):
    """The reader of stdout went away (``| head``): not an error (click would exit 1 on EPIPE)."""


class _Stdout:
    """stdout, with a closed pipe raised as _StdoutClosed so that it reaches main() whole."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            raise _StdoutClosed from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise _StdoutClosed from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _quiet_broken_pipe() -> None:
    """Point stdout at /dev/null so that the exit flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _usage_message(exc: click.ClickException, args: list[str]) -> str:
    """Say a usage error in one line: click's message, or, for a query that the option parser
    took for options (``search -Putin``), the ``-- -Putin`` form that searches it."""
    message = exc.format_message()
    if isinstance(exc, click.NoSuchOption):
        form = _query_form(exc, args)
        if form:
            return form
    return message[:1].lower() + message[1:] if message[1:2].islower() else message


def _query_form(exc: click.NoSuchOption, args: list[str]) -> str | None:
    """Name the ``COMMAND -- -word`` form for the argument that click read as options, if the
    command takes a query and that argument is one."""
    ctx = exc.ctx
    if ctx is None or exc.option_name.startswith("--") or not any(
            isinstance(p, click.Argument) and p.name == "query" for p in ctx.command.params):
        return None
    import shlex

    known = {o for p in ctx.command.params for o in (*p.opts, *p.secondary_opts)}
    letter = exc.option_name[1:2]
    for arg in args:
        if arg == "--":
            break
        if arg.startswith("-") and not arg.startswith("--") and arg not in known and letter in arg[1:]:
            return (f"{arg} is read as options (there is no option {exc.option_name}); to search for "
                    f"a query that starts with -, put it last, after --: {ctx.command_path} -- {shlex.quote(arg)}")
    return None


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its status: the one place errors become exit codes."""
    try:
        _main(argv)
    finally:
        if argv is None:  # this process ends here: spare its last collections (see below)
            _ending()


def _ending() -> None:
    """Move every object to the collector's permanent generation before the interpreter ends.

    The interpreter's finalisation runs full collections over everything still alive, which is
    every module imported: 0.13-0.15 s after Dask's import (a cold ``--cluster`` call), which
    nothing needs, since the memory is returned with the process. atexit handlers, buffered
    output and open files are finished as before."""
    gc.freeze()


def _main(argv: list[str] | None) -> None:
    if not isinstance(sys.stdout, _Stdout):
        sys.stdout = _Stdout(sys.stdout)
    try:
        rv = cli.main(args=argv, prog_name="newsgrep", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
            exc.show()  # a bare `newsgrep` or `newsgrep search`: the help, not an error line
        else:
            _err(f"error: {_usage_message(exc, sys.argv[1:] if argv is None else argv)}")
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        _err("interrupted")
        sys.exit(130)
    except NewsgrepError as exc:
        if _state["debug"]:
            raise
        _err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except (BrokenPipeError, _StdoutClosed):
        _quiet_broken_pipe()
        sys.exit(EXIT_MATCH)
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
    except (BrokenPipeError, _StdoutClosed):
        _quiet_broken_pipe()
        sys.exit(EXIT_MATCH)
    sys.exit(rv if isinstance(rv, int) else 0)
