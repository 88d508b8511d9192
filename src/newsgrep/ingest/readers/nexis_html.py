"""LexisNexis / Nexis UK HTML downloads: a flat page of <DIV>s, a document at each DOC_ID anchor."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import make_article
from newsgrep.ingest.readers.nexis_blocks import SEPARATOR, Block, parse_blocks
from newsgrep.ingest.readers.stream import html_segments, parse_fragment, text_of
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


_MARKER = re.compile(r"""<a\s+name\s*=\s*["']?DOC_ID""", re.IGNORECASE)


def read_nexis_html(ctx: FileContext) -> Iterator[Article]:
    """Read a LexisNexis HTML download, one article per document (the cover page left out)."""
    centred: set[str] = set()
    n = 0
    for piece in html_segments(ctx.path, _MARKER):
        if not _MARKER.match(piece):  # the page head (its CSS says which classes are centred) and cover
            for style in re.findall(r"<style[^>]*>(.*?)</style>", piece, re.IGNORECASE | re.DOTALL):
                centred.update(_CENTRED_CLASS.findall(style))
            continue
        root = parse_fragment(piece)
        if root is None:
            continue
        doc: list[Block] = []
        for el in root:
            if _tag(el) in ("div", "table", "p"):
                doc.extend(b for b in _blocks(el, centred) if not SEPARATOR.match(b.text))
        n += 1
        yield from _emit(doc, ctx, n, n)


def _emit(blocks: list[Block], ctx: FileContext, n: int, number: int) -> Iterator[Article]:
    where = f"document {n} (anchor {number})"
    if any(_ERROR_STUB in b.text.lower() for b in blocks[:8]):
        # not an article, and not a failure of newsgrep's: counted with the empty records
        ctx.warn(f"{where}: LexisNexis could not export this document (its error notice stands in "
                 "for the text); counted as an empty record")
        yield make_article(ctx, n, title="", body="")
        return
    if blocks:
        yield parse_blocks(blocks, ctx, n, where)
