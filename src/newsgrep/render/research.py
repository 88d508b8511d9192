"""Rendering of the research commands: show, kwic, timeline, stats, explain."""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, Any

from newsgrep.models import ArticleView, Explanation, IndexStats, KwicLine, Timeline
from newsgrep.render.plain import display_path
from newsgrep.text.clean import one_line, strip_controls

BAR = "█"


def _styled(text: str, spans: Any, color: bool, style: str = "bold red") -> Any:
    from rich.text import Text

    out = Text(strip_controls(text))
    if color:
        for a, b in spans:
            out.stylize(style, a, b)
    return out


def show_text(v: ArticleView, console: Any, color: bool) -> None:
    """Print a whole article: header lines, then the body with the query's words marked."""
    from rich.text import Text

    a = v.article
    console.print(_styled(one_line(a.title) if "\n" not in a.title else a.title,
                          v.title_highlights, color, "bold red"), style="bold")
    for label, value in (("date", a.date or "undated"), ("source", a.source), ("author", a.author),
                         ("url", a.url), ("path", display_path(a.path)), ("id", a.id)):
        if value:
            line = Text(f"{label:>7}: ", style="dim")
            line.append(strip_controls(str(value)))
            console.print(line)
    console.print()
    console.print(_styled(a.body, v.body_highlights, color))


def _flat(text: str) -> str:
    """Make context one line without trimming it (its spaces separate it from the keyword)."""
    return " ".join(strip_controls(text).split("\n")).replace("\t", " ")


def kwic_lines(lines: list[KwicLine], width: int, out: IO[str] | None, console: Any) -> None:
    """Print keyword-in-context lines: id and date, then the keyword centred and aligned."""
    from rich.text import Text

    idw = min(40, max((len(k.id) for k in lines), default=0))
    for k in lines:
        left = _flat(k.left)[-width:].rjust(width)
        right = _flat(k.right)[:width]
        head = f"{k.id[-idw:]:<{idw}}  {(k.date or 'undated')[:10]:<10}  "
        if console is None:
            assert out is not None
            out.write(f"{head}{left}{one_line(k.match)}{right}\n")
        else:
            t = Text(head, style="dim")
            t.append(left)
            t.append(one_line(k.match), style="bold red")
            t.append(right)
            console.print(t, overflow="crop", no_wrap=True)


def timeline_text(tl: Timeline, out: IO[str] | None, console: Any, width: int = 40) -> None:
    """Draw hits per period as horizontal bars, with counts and shares."""
    from rich.text import Text

    peak = max((r.count for r in tl.rows), default=0) or 1
    pw = max((len(r.period) for r in tl.rows), default=6)
    cw = max((len(f"{r.count:,}") for r in tl.rows), default=1)
    for r in tl.rows:
        bar = BAR * round(width * r.count / peak) if r.count else ""
        tail = f" {r.count:>{cw},} of {r.total:,} ({100 * r.share:.1f}%)"
        if console is None:
            assert out is not None
            out.write(f"{r.period:<{pw}} {bar:<{width}}{tail}\n")
        else:
            t = Text(f"{r.period:<{pw}} ")
            t.append(f"{bar:<{width}}", style="cyan")
            t.append(tail)
            console.print(t, no_wrap=True)


def stats_text(st: IndexStats, out: IO[str]) -> None:
    """Print what the index holds."""
    lines = [
        f"articles:    {st.articles:,}",
        f"undated:     {st.undated:,}",
        f"dates:       {st.first_date or '-'} to {st.last_date or '-'}",
        f"sources:     {len(st.sources):,}",
    ]
    lines += [f"  {n:>9,}  {one_line(name)}" for name, n in list(st.sources.items())[:20]]
    if len(st.sources) > 20:
        lines.append(f"  ... and {len(st.sources) - 20:,} more (--json lists all)")
    lines += [f"index:       {st.index}", f"size:        {st.size_bytes / 1e6:.1f} MB",
              f"updated:     {st.updated or '-'}", f"version:     {st.version or '-'}"]
    out.write("\n".join(lines) + "\n")


def explain_text(ex: Explanation, out: IO[str]) -> None:
    """Describe how the query was read (for a methods section)."""
    lines = [f"query:    {ex.query}", f"mode:     {ex.mode}", f"parsed:   {ex.parsed}",
             "terms (field, index term, articles containing it):"]
    lines += [f"  {f:<6} {t:<30} {n:>9,}" for f, t, n in ex.terms]
    lines.append(f"matching articles: {ex.matches:,}")
    out.write("\n".join(lines) + "\n")


def explain_dict(ex: Explanation) -> dict[str, Any]:
    """Return an explanation as a JSON object."""
    d = asdict(ex)
    d["terms"] = [{"field": f, "term": t, "articles": n} for f, t, n in ex.terms]
    return d
