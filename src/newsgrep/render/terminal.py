"""Terminal output with rich: text built from plain strings and styled by offsets, never markup."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.text import Text

from newsgrep.hits import Hit
from newsgrep.render.plain import display_path
from newsgrep.text.clean import one_line, strip_controls

HIGHLIGHT = "bold red"


def make_console(stream: Any, color: str, *, stderr: bool = False) -> Console:
    """Decide once whether to colour: --color always/never, else a terminal without NO_COLOR."""
    if color == "always":
        force, no_color = True, False
    elif color == "never":
        force, no_color = False, True
    else:
        is_tty = hasattr(stream, "isatty") and stream.isatty()
        force, no_color = is_tty, bool(os.environ.get("NO_COLOR")) or not is_tty
    return Console(file=stream, force_terminal=force, no_color=no_color,
                   color_system="auto" if not no_color else None, highlight=False,
                   soft_wrap=False, emoji=False, markup=False, stderr=stderr)


def snippet_text(text: str, highlights: Iterable[tuple[int, int]], style: str = HIGHLIGHT) -> Text:
    """Build a Text from plain snippet text with its highlights styled."""
    out = Text(strip_controls(text).replace("\n", " "))
    for start, end in highlights:
        out.stylize(style, start, end)
    return out


def render_hit(console: Console, hit: Hit) -> None:
    """Print one hit: rank, title, date, source, path, then its snippets."""
    head = Text()
    head.append(f"{hit.rank:>3}. ", style="dim")
    head.append(one_line(hit.title) or "(untitled)", style="bold")
    console.print(head)
    meta = Text("     ")
    meta.append(hit.date[:10] if hit.date else "undated", style="green" if hit.date else "yellow")
    if hit.source:
        meta.append(" · ")
        meta.append(one_line(hit.source), style="cyan")
    meta.append(" · ")
    meta.append(display_path(strip_controls(hit.path)), style="magenta")
    if hit.id and not hit.path.endswith(hit.id.split("/")[-1]):
        meta.append(f"  [{one_line(hit.id)}]", style="dim")
    console.print(meta)
    for snip in hit.snippets:
        line = Text()
        line.append("     … ", style="dim")
        line.append_text(snippet_text(snip.text, snip.highlights))
        line.append(" …", style="dim")
        console.print(line, overflow="fold")
    console.print()
