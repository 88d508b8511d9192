"""LexisNexis / Nexis UK HTML downloads: a flat page of <DIV>s, a document at each DOC_ID anchor."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.nexis_blocks import SEPARATOR, Block, parse_blocks
from newsgrep.ingest.readers.stream import html_elements, release, text_of
from newsgrep.models import Article

_CENTRED_CLASS = re.compile(r"\.([\w-]+)\s*\{[^}]*text-align:\s*center", re.IGNORECASE)
_ERROR_STUB = "there is an error in this document"


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _blocks(div: Any, centred_classes: set[str]) -> list[Block]:
    """Turn one field DIV into blocks: a block per paragraph, centred as its class says."""
    classes = set((div.get("class") or "").split())
    centred = bool(classes & centred_classes) or (div.get("align") or "").lower() == "center"
    if _tag(div) == "table":
        rows = ["  ".join(text_of(td).strip() for td in tr.iter("td", "th")) for tr in div.iter("tr")]
        return [Block([r for r in rows if r.strip()])] if any(r.strip() for r in rows) else []
    paragraphs = [p for p in div.iter("p")] or [div]
    out = []
    for p in paragraphs:
        lines = [ln.strip() for ln in text_of(p).split("\n") if ln.strip()]
        if lines:
            out.append(Block(lines, centred))
    return out


def read_nexis_html(ctx: FileContext) -> Iterator[Article]:
    """Read a LexisNexis HTML download, one article per document (the cover page left out)."""
    centred: set[str] = set()
    doc: list[Block] | None = None
    n = 0
    start = 0
    for el in html_elements(ctx.path):
        tag = _tag(el)
        if tag == "style":
            centred.update(_CENTRED_CLASS.findall(el.text or ""))
            continue
        parent = el.getparent()
        if parent is None or _tag(parent) != "body":
            continue
        name = el.get("name") or ""
        if tag == "a" and name.upper().startswith("DOC_ID"):
            if doc is not None:
                n += 1
                yield from _emit(doc, ctx, n, start)
            doc = []
            start += 1
        elif tag in ("div", "table", "p") and doc is not None:
            for b in _blocks(el, centred):
                if not SEPARATOR.match(b.text):
                    doc.append(b)
        release(el)
    if doc is not None:
        n += 1
        yield from _emit(doc, ctx, n, start)


def _emit(blocks: list[Block], ctx: FileContext, n: int, number: int) -> Iterator[Article]:
    where = f"document {n} (anchor {number})"
    if any(_ERROR_STUB in b.text.lower() for b in blocks[:8]):
        ctx.skip(f"{where}: LexisNexis could not export this document (its error notice stands in "
                 "for the text), skipped")
        return
    if blocks:
        yield parse_blocks(blocks, ctx, n, where)
