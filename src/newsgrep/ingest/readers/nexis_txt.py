"""LexisNexis Academic / Nexis plain-text downloads: "N of M DOCUMENTS", many articles per file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.nexis_blocks import SEPARATOR, Block, parse_blocks
from newsgrep.ingest.readers.stream import iter_lines
from newsgrep.models import Article

# A field of a LexisNexis document in any interface: what tells a download without separators.
_FIELD = re.compile(r"^(?:LENGTH|LÄNGE|LONGUEUR|LENGTE|LONGITUD|LÆNGDE|LOAD-DATE|PUBLICATION-TYPE|"
                    r"LANGUAGE|SPRACHE|LANGUE|TAAL):", re.MULTILINE)
_CENTRED = 5  # header lines are centred: this many leading spaces or more


def sniff(head: str) -> bool:
    """Tell whether the start of a text file is a LexisNexis download."""
    lines = head.splitlines()[:400]
    if any(SEPARATOR.match(ln) for ln in lines):
        return True
    return len(set(m[0] for m in _FIELD.finditer(head))) >= 2


def blocks_of(lines: list[str]) -> list[Block]:
    """Split a document's lines into blocks at blank lines; centred blocks are marked."""
    out: list[Block] = []
    cur: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            cur.append(line.expandtabs())
        elif cur:
            centred = any(len(ln) - len(ln.lstrip()) >= _CENTRED for ln in cur)
            out.append(Block(cur, centred))
            cur = []
    return out


def read_nexis_txt(ctx: FileContext) -> Iterator[Article]:
    """Read a LexisNexis TXT download, one article per "N of M DOCUMENTS" (the cover page left out)."""
    doc: list[str] = []
    start = 1
    n = 0
    separated = False
    for lineno, line in enumerate(iter_lines(ctx.path), 1):
        if SEPARATOR.match(line):
            if separated:
                n += 1
                yield parse_blocks(blocks_of(doc), ctx, n, f"document {n} (line {start})")
            separated = True
            doc = []
            start = lineno
            continue
        doc.append(line.lstrip("\ufeff"))
    if doc and (separated or any(ln.strip() for ln in doc)):
        n += 1
        yield parse_blocks(blocks_of(doc), ctx, n, f"document {n} (line {start})")
