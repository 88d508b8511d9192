"""Plain-text output of hits for pipes: the terminal layout without colour and without rich."""

from __future__ import annotations

import os
from typing import IO

from newsgrep.hits import Hit
from newsgrep.text.clean import one_line, strip_controls

INDENT = "     "


def display_path(path: str) -> str:
    """Show a path relative to the working folder when it is below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def meta_line(hit: Hit) -> str:
    """Say a hit's date, source and id (what `show` takes), and its file when the id does not."""
    meta = [hit.date[:10] if hit.date else "undated"]
    if hit.source:
        meta.append(one_line(hit.source))
    meta.append(one_line(hit.id))
    file_part = hit.id.split("#", 1)[0]
    if not file_part or not hit.path.replace(os.sep, "/").endswith(file_part):
        meta.append(display_path(strip_controls(hit.path)))
    return " · ".join(meta)


def render_hit(out: IO[str], hit: Hit) -> None:
    """Write one hit: rank and title; date · source · id; snippets; near-duplicates."""
    lines = [f"{hit.rank:>3}. {one_line(hit.title) or '(untitled)'}", INDENT + meta_line(hit)]
    lines += [f"{INDENT}… {one_line(s.text)} …" for s in hit.snippets]
    if hit.duplicates:
        lines.append(f"{INDENT}+ {len(hit.duplicates):,} near-duplicate"
                     f"{'s' if len(hit.duplicates) != 1 else ''}: " + ", ".join(map(one_line, hit.duplicates)))
    out.write("\n".join(lines) + "\n\n")
