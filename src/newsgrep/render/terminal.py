"""Terminal output with rich: text built from plain strings and styled by offsets, never markup."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from newsgrep.hits import Hit
from newsgrep.render.plain import meta_line
from newsgrep.text.clean import one_line, strip_controls

HIGHLIGHT = "bold red"


def snippet_text(text: str, highlights: Iterable[tuple[int, int]], style: str = HIGHLIGHT) -> Text:
    """Build a Text from plain snippet text with its highlights styled."""
    out = Text(strip_controls(text).replace("\n", " "))
    for start, end in highlights:
        out.stylize(style, start, end)
    return out


def _indented(text: Text) -> Padding:
    """Indent a block so that wrapped lines keep the indent (rich wraps at word boundaries)."""
    return Padding(text, (0, 0, 0, 5), expand=False)


def render_hit(console: Console, hit: Hit) -> None:
    """Print one hit: rank and title; date · source · id; its snippets; near-duplicates."""
    head = Text()
    head.append(f"{hit.rank:>3}. ", style="dim")
    head.append(one_line(hit.title) or "(untitled)", style="bold")
    console.print(head)
    console.print(_indented(Text(meta_line(hit), style="cyan")))
    for snip in hit.snippets:
        line = Text()
        line.append("… ", style="dim")
        line.append_text(snippet_text(snip.text, snip.highlights))
        line.append(" …", style="dim")
        console.print(_indented(line))
    if hit.duplicates:
        n = len(hit.duplicates)
        console.print(_indented(Text(f"+ {n:,} near-duplicate{'s' if n != 1 else ''}: "
                                     + ", ".join(map(one_line, hit.duplicates)), style="dim")))
    console.print()
