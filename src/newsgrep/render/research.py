"""Rendering of the research commands: show, kwic, timeline, stats, explain."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict
from typing import IO, Any

from newsgrep.hits import Explanation
from newsgrep.models import ArticleView, IndexStats, KwicLine, SourceRow, Timeline
from newsgrep.render.output import Output
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


def display_width(text: str) -> int:
    """Return how many terminal columns a text takes (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _fit_left(text: str, width: int) -> str:
    """Keep the end of ``text`` that fits in ``width`` columns, padded on the left."""
    out, used = [], 0
    for c in reversed(text):
        w = display_width(c)
        if used + w > width:
            break
        out.append(c)
        used += w
    return " " * (width - used) + "".join(reversed(out))


def _fit_right(text: str, width: int) -> str:
    """Keep the start of ``text`` that fits in ``width`` columns."""
    out, used = [], 0
    for c in text:
        w = display_width(c)
        if used + w > width:
            break
        out.append(c)
        used += w
    return "".join(out)


def _flat(text: str) -> str:
    """Make context one line without trimming it (its spaces separate it from the keyword)."""
    return " ".join(strip_controls(text).split("\n")).replace("\t", " ")


def kwic_layout(lines: list[KwicLine], width: int, screen: int | None) -> tuple[bool, int, int]:
    """Return whether ids go on heading lines, the id column's width, and the context's width.

    Ids are never cut (each is what `show` takes). Off a terminal (``screen`` None) every line
    carries its id. On a terminal the keyword must stay on screen: when the ids do not fit beside the
    context, each id is printed on a line of its own above its lines (as ripgrep's --heading), and
    the context is narrowed if the screen is narrower still."""
    idw = max((display_width(one_line(k.id)) for k in lines), default=0)
    if screen is None or not lines:
        return False, idw, width
    matchw = max(display_width(one_line(k.match)) for k in lines)
    fixed = 10 + 2 + matchw
    if idw + 2 + fixed + 2 * width <= screen:
        return False, idw, width
    return True, 0, max(4, min(width, (screen - fixed) // 2))


def kwic_lines(lines: list[KwicLine], width: int, out: Output) -> None:
    """Print keyword-in-context lines: id and date, then the keyword aligned in one column
    (aligned by display width: a CJK character takes two columns)."""
    heading, idw, width = kwic_layout(lines, width, out.width if out.is_terminal else None)
    last: str | None = None
    for k in lines:
        kid = one_line(k.id)
        left = _fit_left(_flat(k.left), width)
        right = _fit_right(_flat(k.right), width)
        date = f"{(k.date or 'undated')[:10]:<10}  "
        if not out.rich:
            out.write(f"{kid}{' ' * (idw - display_width(kid))}  {date}{left}{one_line(k.match)}{right}\n")
            continue
        from rich.text import Text

        if heading:
            if kid != last:
                out.console().print(Text(kid, style="bold magenta" if out.color else ""), soft_wrap=True)
            last = kid
            t = Text(date, style="dim")
        else:
            t = Text(f"{kid}{' ' * (idw - display_width(kid))}  {date}", style="dim")
        t.append(left)
        t.append(one_line(k.match), style="bold red")
        t.append(right)
        # On a terminal a line longer than the screen is cut, never wrapped (the columns stay
        # aligned); coloured output into a pipe is written whole.
        out.console().print(t, overflow="crop", no_wrap=True, soft_wrap=not out.is_terminal)


def _label(row: Any) -> str:
    """Name a timeline row: its period, or its source (cut to 40 characters)."""
    if isinstance(row, SourceRow):
        name = one_line(row.source) if row.source is not None else "(no source)"
        return name if len(name) <= 40 else name[:39] + "…"
    return str(row.period)


def timeline_text(tl: Timeline, out: Output, width: int = 40) -> None:
    """Draw hits per period (or source) as horizontal bars, with counts and shares; a period cut
    by --since/--until ends with ``partial``."""
    rows: tuple[Any, ...] = tl.rows
    peak = max((r.count for r in rows), default=0) or 1
    pw = max((len(_label(r)) for r in rows), default=6)
    cw = max((len(f"{r.count:,}") for r in rows), default=1)
    what = "mentions in" if tl.mentions else "of"
    for r in rows:
        bar = BAR * round(width * r.count / peak) if r.count else ""
        tail = f" {r.count:>{cw},} {what} {r.total:,} {'articles' if tl.mentions else ''}".rstrip()
        tail += f" ({100 * r.share:.1f}%)" if not tl.mentions else f" ({r.share:.2f} per article)"
        if r.partial:
            tail += "  partial"
        label = _label(r)
        if not out.rich:
            out.write(f"{label:<{pw}} {bar:<{width}}{tail}\n")
            continue
        from rich.text import Text

        t = Text(f"{label:<{pw}} ")
        t.append(f"{bar:<{width}}", style="cyan")
        if r.partial:
            t.append(tail[:-len("  partial")])
            t.append("  partial", style="yellow")
        else:
            t.append(tail)
        out.console().print(t, no_wrap=True)


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
    shards = f" ({st.shards} shard{'s' if st.shards != 1 else ''})" if st.shards else ""
    lines.append(f"index:       {st.index}{shards}")
    lines += [f"size:        {st.size_bytes / 1e6:.1f} MB",
              f"updated:     {st.updated or '-'}", f"version:     {st.version or '-'}"]
    out.write("\n".join(lines) + "\n")


def explain_text(ex: Explanation, out: IO[str]) -> None:
    """Describe how the query was read (for a methods section)."""
    lines = [f"query:    {one_line(ex.query)}", f"mode:     {ex.mode}", f"parsed:   {one_line(ex.parsed)}",
             "words (as typed, kind, fields: index terms or written forms, articles containing each):"]
    for w in ex.words:
        lines.append(f"  {one_line(w.typed)}  [{w.kind}; {'|'.join(w.fields)}]")
        lines += [f"      {one_line(t):<30} {n:>9,}" for t, n in w.terms]
        if w.more:
            lines.append(f"      ... and {w.more:,} more")
        if not w.terms:
            lines.append("      (no word of the index)")
    lines += [f"note:     {one_line(n)}" for n in ex.notes]
    lines.append(f"matching articles: {ex.matches:,}")
    out.write("\n".join(lines) + "\n")


def explain_dict(ex: Explanation) -> dict[str, Any]:
    """Return an explanation as a JSON object."""
    return asdict(ex)
