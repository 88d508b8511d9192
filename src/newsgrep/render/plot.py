"""Figures of timelines, collocates and keywords, written by matplotlib (the ``[plot]`` extra).

matplotlib is imported only here, only when a figure is asked for, with its Agg backend (no
display needed). The format comes from the file's suffix: PNG, SVG or PDF. Each figure's title and
axes say the query, the filters, and what the counts mean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsgrep.errors import UsageError
from newsgrep.models import Collocates, Keywords, SourceRow, Timeline
from newsgrep.text.clean import one_line

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
INSTALL = "pip install 'newsgrep[plot]'"


def plot_format(path: str) -> str:
    """Return the figure format a file name asks for (png, svg or pdf), or raise a UsageError."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(f"--plot {path}: name a .png, .svg or .pdf file")
    return fmt


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise UsageError(f"--plot needs matplotlib, which is not installed: {INSTALL}") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str) -> None:
    fmt = plot_format(path)
    fig.tight_layout()
    try:
        fig.savefig(path, format=fmt, dpi=150, metadata={"Software": "newsgrep"} if fmt == "png" else None)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _short(text: str, most: int = 60) -> str:
    text = one_line(text)
    return text if len(text) <= most else text[:most - 1] + "…"


def _where(filters: str) -> str:
    return f" ({filters})" if filters else ""


def timeline_figure(tl: Timeline, query: str, path: str, filters: str = "") -> None:
    """Draw matching articles (or mentions) per period as bars, with the share on a second axis."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(6.0, min(16.0, 0.25 * len(tl.rows) + 4)), 4.2))
    periods = [(r.source or "(no source)") if isinstance(r, SourceRow) else r.period for r in tl.rows]
    xs = range(len(periods))
    partial = [r.partial for r in tl.rows]
    ax.bar(xs, [r.count for r in tl.rows], color=["#9dbad7" if p else "#3b75af" for p in partial])
    what = "mentions" if tl.mentions else "matching articles"
    ax.set_ylabel(f"{what} per {tl.by}")
    notes = [f"{tl.undated:,} undated left out"] if tl.undated and tl.by != "source" else []
    if any(partial):
        notes.append("pale: a period cut by the date filters (its part inside them)")
    ax.set_xlabel(tl.by + (f"  ({'; '.join(notes)})" if notes else ""))
    step = max(1, len(periods) // 24)
    ax.set_xticks(list(xs)[::step], periods[::step], rotation=60, ha="right", fontsize=8)
    share = ax.twinx()
    share.plot(xs, [r.share for r in tl.rows], color="#e1812c", marker=".", linewidth=1,
               linestyle="none" if tl.by == "source" else "-")
    unit = "source" if tl.by == "source" else "period"
    share.set_ylabel(f"mentions per article of the {unit}" if tl.mentions else f"share of the {unit}'s articles")
    share.set_ylim(bottom=0)
    ax.set_title(f"{_short(query)}: {what} per {tl.by}{_where(filters)}", fontsize=11)
    _save(fig, path)


def _bars(words: list[str], values: list[float], title: str, xlabel: str, notes: list[str], path: str) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.0, max(3.0, 0.28 * len(words) + 1.6)))
    ys = range(len(words))
    ax.barh(ys, values, color=["#3b75af" if v >= 0 else "#c44e52" for v in values])
    ax.set_yticks(list(ys), words, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.6)
    ax.margins(x=0.18)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11)
    for i, note in enumerate(notes):
        ax.annotate(note, (values[i], i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    _save(fig, path)


def collocates_figure(c: Collocates, path: str, filters: str = "") -> None:
    """Draw the collocates' log-likelihood as bars, each with its count and total."""
    _bars([one_line(r.word) for r in c.rows], [r.ll for r in c.rows],
          f"Words within {c.window} words of {_short(c.query)}{_where(filters)}\n"
          f"{c.mentions:,} mentions in {c.articles:,} articles; corpus {c.corpus_articles:,} articles",
          "log-likelihood G² (windows against the rest of the corpus); label: count in windows / total",
          [f"{r.count:,} / {r.total:,}" for r in c.rows], path)


def keywords_figure(k: Keywords, path: str, filters: str = "") -> None:
    """Draw the keywords' log-likelihood as bars, each with its count and the reference's."""
    ref = f"articles matching {_short(k.against, 30)}" if k.against else "the other articles"
    _bars([one_line(r.word) for r in k.rows], [r.ll for r in k.rows],
          f"Keywords of {_short(k.query)} against {ref}{_where(filters)}\n"
          f"{k.articles:,} articles ({k.size:,} words) vs {k.reference_articles:,} ({k.reference_size:,} words)",
          "log-likelihood G² (negative: more frequent in the reference); label: count / reference count",
          [f"{r.count:,} / {r.other:,}" for r in k.rows], path)
