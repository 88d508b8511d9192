"""Article bodies that a page template splits into several containers, put back together."""

from __future__ import annotations

import re
from typing import Any

_SPACES = re.compile(r"\s+")
_OUTSIDE = {"nav", "aside", "footer", "header", "form", "figure", "figcaption", "blockquote"}


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _signature(el: Any) -> tuple[str, str] | None:
    """Name a container by its tag and classes; None for one without classes."""
    cls = _norm(el.get("class") or "")
    return (el.tag, cls) if cls else None


def _outside_article(el: Any) -> bool:
    return any(a.tag in _OUTSIDE for a in el.iterancestors())


def add_sibling_chunks(tree: Any, text: str) -> str:
    """Add the paragraphs of containers that repeat, by tag and class, the article's containers.

    News templates cut a long article into chunks (``<div class="article__body">`` ... an ad ...
    ``<div class="article__body">``), and extractors that take the best-scoring container keep
    only the first chunk. A paragraph is added back when its container has the same tag and
    classes as a container the extracted text came from, but is a different element; paragraphs
    the extractor dropped from its own containers stay dropped.
    """
    if tree is None or not text:
        return text
    lines = [_norm(ln) for ln in text.split("\n") if ln.strip()]
    kept = set(lines)
    paragraphs = [p for p in tree.iter("p") if not _outside_article(p)]
    containers: set[Any] = set()
    for p in paragraphs:
        if _norm(p.text_content()) in kept:
            parent = p.getparent()
            if parent is not None:
                containers.add(parent)
    signatures = {s for s in (_signature(c) for c in containers) if s}
    if not signatures:
        return text
    added: dict[str, list[str]] = {}
    last_kept: str | None = None
    for p in paragraphs:
        norm = _norm(p.text_content())
        if not norm:
            continue
        if norm in kept:
            last_kept = norm
            continue
        parent = p.getparent()
        if parent is None or parent in containers or _signature(parent) not in signatures:
            continue
        if last_kept is None:
            continue
        added.setdefault(last_kept, []).append(norm)
    if not added:
        return text
    out: list[str] = []
    seen: set[str] = set()
    for line in lines:
        out.append(line)
        if line in added and line not in seen:
            seen.add(line)
            out.extend(added[line])
    return "\n".join(out)
