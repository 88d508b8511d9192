"""Rendering of word lists (collocates, keywords): a terminal table, JSON Lines, CSV."""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, Any

from newsgrep.models import Collocates, Keywords
from newsgrep.render.output import Output
from newsgrep.text.clean import one_line

COLLOCATE_KEYS = ("word", "count", "total", "ll", "mi")
KEYWORD_KEYS = ("word", "count", "other", "ll", "log_ratio")


def describe_filters(since: str | None, until: str | None, source: str | None, any_terms: bool = False,
                     variants: bool = False) -> str:
    """Say the filters and modes of a command in a few words ("" for none)."""
    parts = []
    if since or until:
        parts.append(f"{since or '...'} to {until or '...'}")
    if source:
        parts.append(f"source {source}")
    if any_terms:
        parts.append("any word")
    if variants:
        parts.append("spelling variants")
    return ", ".join(parts)


def _n(count: int, noun: str) -> str:
    """Write a count with its noun, singular for one: "1 article", "2,225 articles"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def collocates_caption(c: Collocates, filters: str = "") -> str:
    """Say what a collocate list counted."""
    where = f"{_n(c.corpus_articles, 'article')}{f' ({filters})' if filters else ''}, {_n(c.corpus_size, 'word')}"
    return (f"{_n(c.mentions, 'mention')} of {one_line(c.query)} in {_n(c.articles, 'article')}; "
            f"{_n(c.window, 'word')} each side: {_n(c.window_size, 'word')} in the windows; corpus: {where}")


def keywords_caption(k: Keywords, filters: str = "") -> str:
    """Say what a keyword list compared."""
    ref = f"the {_n(k.reference_articles, 'article')} matching {one_line(k.against)}" if k.against else \
        f"the other {_n(k.reference_articles, 'article')}"
    return (f"{_n(k.articles, 'article')} matching {one_line(k.query)} ({_n(k.size, 'word')}) against {ref} "
            f"({_n(k.reference_size, 'word')}){f'; {filters}' if filters else ''}")


def write_records(rows: Any, keys: tuple[str, ...], fmt: str, out: IO[str]) -> None:
    """Write rows as JSON Lines, or as CSV with a header."""
    from newsgrep.render.jsonl import csv_writer, record_row, write_json

    if fmt == "csv":
        w = csv_writer(out)
        w.writerow(keys)
        for r in rows:
            w.writerow(record_row(asdict(r), keys))
        return
    for r in rows:
        write_json(asdict(r), out)


def word_table(rows: Any, keys: tuple[str, ...], caption: str, out: Output) -> None:
    """Print rows as a table under a line saying what was counted."""
    heads = {"word": "word", "count": "count", "total": "total", "other": "other", "ll": "G²", "mi": "MI",
             "log_ratio": "log ratio"}
    cells = [[one_line(r.word)] + [_number(getattr(r, k)) for k in keys[1:]] for r in rows]
    if not out.rich:
        widths = [max([len(heads[k])] + [len(row[i]) for row in cells]) for i, k in enumerate(keys)]
        out.write(caption + "\n")
        line = [heads[keys[0]].ljust(widths[0])] + [heads[k].rjust(w) for k, w in zip(keys[1:], widths[1:])]
        out.write("  ".join(line).rstrip() + "\n")
        for row in cells:
            out.write("  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])])
                      .rstrip() + "\n")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(caption=Text(caption), caption_justify="left", box=None, header_style="bold",
                  pad_edge=False)
    table.add_column(heads[keys[0]], style="bold cyan" if out.color else "")
    for k in keys[1:]:
        table.add_column(heads[k], justify="right")
    for row in cells:
        table.add_row(*(Text(c) for c in row))
    out.console().print(table)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"
