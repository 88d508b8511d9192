"""Plain-text output of hits for pipes: the terminal layout without colour, without rich."""

from __future__ import annotations

import os
from typing import IO

from newsgrep.hits import Hit
from newsgrep.text.clean import one_line, strip_controls


def display_path(path: str) -> str:
    """Show a path relative to the working folder when it is below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def render_hit(out: IO[str], hit: Hit) -> None:
    """Write one hit: rank and title, date · source · path, snippets."""
    meta = [hit.date[:10] if hit.date else "undated"]
    if hit.source:
        meta.append(one_line(hit.source))
    meta.append(display_path(strip_controls(hit.path)))
    lines = [f"{hit.rank:>3}. {one_line(hit.title) or '(untitled)'}", "     " + " · ".join(meta)]
    lines += [f"     … {one_line(s.text)} …" for s in hit.snippets]
    out.write("\n".join(lines) + "\n\n")
