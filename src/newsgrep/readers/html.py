"""Saved web pages: the article's main text and metadata, not the page around it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from newsgrep.clean import clean_text, one_line
from newsgrep.dates import normalize_date
from newsgrep.errors import ReadError
from newsgrep.models import Article
from newsgrep.readers.base import FileContext
from newsgrep.readers.decode import decode_bytes, looks_binary


def _fallback_text(html: str) -> str:
    """Take the visible text of the page when the extractor finds no article."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several unrelated types on hopeless markup
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    return tree.text_content()


def parse_html(data: bytes, ctx: FileContext) -> Article:
    """Extract one Article from a page's bytes."""
    if looks_binary(data):
        raise ReadError(f"{ctx.path}: binary file, not a web page")
    html = decode_bytes(data, str(ctx.path))
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=True)
    meta = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = meta.get("text") or ""
    title = meta.get("title") or ""
    if text and title and text.startswith(title):
        text = text[len(title):]
    if not text.strip():
        text = _fallback_text(html)
    return Article(
        id=ctx.file_id,
        path=str(ctx.path),
        title=one_line(title),
        body=clean_text(text),
        date=normalize_date(meta.get("date")),
        source=one_line(meta.get("sitename") or meta.get("hostname") or "") or ctx.default_source,
        url=meta.get("url") or None,
        author=one_line(meta.get("author") or "") or None,
        lang=meta.get("language") or None,
    )


def read_html_file(ctx: FileContext) -> Iterator[Article]:
    """Read a .html or .htm page as one article."""
    yield parse_html(ctx.raw(), ctx)
