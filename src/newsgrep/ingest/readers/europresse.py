"""Europresse (Cedrom-SNi) HTML exports, new layout (<article>) and old layout (a table cell each)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import local_date, make_article
from newsgrep.ingest.readers.localdates import parse_local_date
from newsgrep.ingest.readers.stream import head_bytes, html_segments, parse_fragment, text_of
from newsgrep.models import Article
from newsgrep.text.clean import one_line

# "Numéro de document : news·20121004·PO·2040056000"
_DOC_NUMBER = re.compile(r"(?:Numéro de document|Document number)\s*:\s*(\S+)", re.IGNORECASE)
_NUMBER_DATE = re.compile(r"·(\d{4})(\d\d)(\d\d)·")
_END = re.compile(r"^(?:©|Numéro de document|Ce certificat|Document number)")


def _by_class(el: Any, name: str) -> list[Any]:
    return [e for e in el.iter() if name.lower() in (e.get("class") or "").lower().split()]


def _document(el: Any, ctx: FileContext, n: int) -> Article:
    pub = _by_class(el, "DocPublicationName")
    source = one_line(text_of(pub[0])) if pub else None
    header = ", ".join(one_line(text_of(h)).strip(" ,") for h in _by_class(el, "DocHeader"))
    heads = _by_class(el, "titreArticleVisu")
    title = one_line(text_of(heads[0])) if heads else ""
    text = text_of(el)
    number = _DOC_NUMBER.search(text)
    doc_id = number[1] if number else None
    where = f"document {n} ({doc_id or 'no number'})"
    parts = [p.strip() for p in header.split(",") if p.strip()]
    date_part = next((p for p in parts if parse_local_date(p, ("fr", "en", "de")) is not None), None)
    if date_part is None:  # weekday and date in separate spans: "jeudi", "5 octobre 2013"
        date_part = next((" ".join(parts[i:i + 2]) for i in range(len(parts))
                          if parse_local_date(" ".join(parts[i:i + 2]), ("fr", "en", "de"))), None)
    date = local_date(ctx, date_part, where, ("fr", "en", "de")) if date_part else None
    if date is None and doc_id and _NUMBER_DATE.search(doc_id):
        m = _NUMBER_DATE.search(doc_id)
        date = ctx.date(f"{m[1]}-{m[2]}-{m[3]}", where)  # type: ignore[index]
    section = parts[0] if parts and parts[0] != date_part and not parse_local_date(parts[0]) else None
    pages = next((p for p in parts if re.match(r"^p\.\s*\d", p)), None)
    author = None
    containers = _by_class(el, "docOcurrContainer")
    if containers:  # the new layout
        body = "\n\n".join(text_of(c) for c in containers)
        boxes = _by_class(el, "titreArticle")
        after = boxes[0].getnext() if boxes else None  # the author's <div> follows the headline's
        author = one_line(text_of(after)) if after is not None and after.tag == "div" else None
    else:  # the old layout: the text nodes after the headline, up to the copyright line
        lines = [one_line(ln) for ln in text.split("\n") if one_line(ln)]
        start = next((i + 1 for i, ln in enumerate(lines) if ln == title), 0)
        kept: list[str] = []
        for ln in lines[start:]:
            if _END.match(ln):
                break
            kept.append(ln)
        if len(kept) > 1 and len(kept[0].split()) <= 5 and not kept[0].endswith((".", ":", "!", "?")):
            author = kept.pop(0)
        body = "\n\n".join(kept)
    return make_article(ctx, n, id=doc_id, title=title, body=body, date=date, source=source, author=author,
                        extra={"section": section, "pages": pages})


_NEW = re.compile(r"<article\b", re.IGNORECASE)
_OLD = re.compile(r"""<span\s+class\s*=\s*["']?DocPublicationName""", re.IGNORECASE)


def read_europresse(ctx: FileContext) -> Iterator[Article]:
    """Read a Europresse HTML export, one article per <article> (new layout) or per publication
    name (old layout), piece by piece."""
    head = head_bytes(ctx.path).decode("utf-8", "replace")
    marker = _NEW if _NEW.search(head) and "DocPublicationName" in head else _OLD
    n = 0
    for piece in html_segments(ctx.path, marker):
        if not marker.match(piece):
            continue
        root = parse_fragment(piece)
        if root is None or not _by_class(root, "DocPublicationName"):
            continue
        n += 1
        yield _document(root, ctx, n)
