"""Saved web pages: the article's main text and metadata, not the page around it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from newsgrep.errors import ReadError
from newsgrep.ingest.dates import normalize_date
from newsgrep.ingest.interface_lines import is_interface_line
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.decode import decode_bytes, looks_binary
from newsgrep.ingest.readers.html_chunks import add_sibling_chunks
from newsgrep.ingest.readers.html_meta import PageMeta, cut_site_name, page_meta
from newsgrep.models import Article
from newsgrep.text.clean import clean_text, one_line

# trafilatura's precision mode drops the menus and teasers its default keeps, but now and then
# it cuts real paragraphs too; when it keeps less than this share of the default's text, the
# default's text is taken instead.
PRECISION_KEEPS = 0.5
_NOT_TEXT = "//script|//style|//noscript|//template|//nav|//header|//footer|//aside|//form"
# Lines that are page furniture whatever the page: a bare time stamp, a bare dash or bullet.
_JUNK_LINE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|[-–—•·|*]+)$")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Cross-links to other articles that extractors keep inside the body: "Read more: ...".
_TEASER = re.compile(r"^\[?(?:read more|related(?: post| articles?| stories| coverage)?|see also|"
                     r"also on [\w.]+|more|you may also like|recommended|watch)\b\s*[:.…]",
                     re.IGNORECASE)


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# What browsers read these labels as (the WHATWG Encoding Standard).
_BROWSER_CHARSET = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254",
                    "tis-620": "cp874", "x-sjis": "shift_jis", "gb2312": "gbk"}


def decode_page(data: bytes, name: str) -> str:
    """Decode a page: UTF-8 when it is valid UTF-8, else the charset its <meta> declares,
    else by detection."""
    import codecs

    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
        except UnicodeDecodeError:
            pass
        m = _CHARSET.search(data[:8192])
        if m:
            label = m[1].decode("ascii", "replace").lower()
            try:
                return data.decode(_BROWSER_CHARSET.get(label, label))
            except (UnicodeDecodeError, LookupError):
                pass
    return decode_bytes(data, name)


def _parse_tree(html: str) -> Any:
    """Parse a page with lxml, or return None for markup that cannot be parsed at all."""
    import lxml.etree
    import lxml.html

    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def _fallback_text(tree: Any) -> str:
    """Take the visible text of the page's article, main or body when the extractor finds none."""
    if tree is None:
        return ""
    for bad in tree.xpath(_NOT_TEXT):
        bad.drop_tree()
    for path in ("//article", "//main", "//*[@role='main']", "//body"):
        found = tree.xpath(path)
        if found:
            text = "\n".join(el.text_content() for el in found)
            if text.strip():
                return text
    return str(tree.text_content())


def _extract(html: str, with_metadata: bool = True) -> tuple[str, dict[str, Any]]:
    """Run trafilatura for the main text (precision mode, default as the check) and metadata."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    doc = trafilatura.bare_extraction(html, with_metadata=with_metadata, include_comments=False,
                                      include_tables=True, favor_precision=True)
    meta: dict[str, Any] = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    precise = meta.get("text") or ""
    default = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    text = precise if len(precise) >= PRECISION_KEEPS * len(default) else default
    return text, meta


def _tidy_body(text: str, title: str) -> str:
    """Drop a repeated headline at the top, bare time stamps and bullets, "Read more: ..."
    cross-links and interface lines."""
    lines = clean_text(text).split("\n")
    if lines and title and one_line(lines[0]).rstrip(".") == title.rstrip("."):
        lines = lines[1:]
    return clean_text("\n".join(ln for ln in lines if not _JUNK_LINE.match(ln)
                                 and not _TEASER.match(ln) and not is_interface_line(ln)))


def parse_html(data: bytes, ctx: FileContext) -> Article:
    """Extract one Article from a page's bytes."""
    return parse_page(data, name=str(ctx.path), article_id=ctx.file_id, path=str(ctx.path),
                      default_source=ctx.default_source)


def parse_page(data: bytes, *, name: str, article_id: str, path: str, url: str | None = None,
               default_source: str | None = None) -> Article:
    """Extract one Article from a page's bytes, with no file needed (a page from a web archive).

    ``url`` is where the page was fetched from, used when the page names no URL of its own.
    """
    if looks_binary(data):
        raise ReadError(f"{name}: binary file, not a web page")
    # An XHTML page's <?xml ... encoding=...?> makes lxml refuse the decoded text: drop it.
    html = _XML_DECLARATION.sub("", decode_page(data, name), count=1)
    tree = _parse_tree(html) if html.strip() else None
    own = page_meta(tree) if tree is not None else PageMeta()
    # trafilatura's own metadata (and its date guessing) only where the page's tags left a gap.
    complete = bool(own.title and own.date and own.site_name and own.author and own.url)
    text, meta = _extract(html, not complete) if tree is not None else ("", {})
    site = own.site_name or one_line(meta.get("sitename") or "") or None
    if site and site.startswith(("http://", "https://")):
        site = site.split("/")[2].removeprefix("www.")
    title = own.title or cut_site_name(meta.get("title") or own.html_title or "", site)
    if text.strip():
        text = add_sibling_chunks(tree, text)
    else:
        text = _fallback_text(tree)
    host = url.split("/")[2].removeprefix("www.") if url and url.count("/") >= 2 else None
    return Article(
        id=article_id,
        path=path,
        title=title,
        body=_tidy_body(text, title),
        date=own.date or normalize_date(meta.get("date")),
        source=site or one_line(meta.get("hostname") or "") or host or default_source,
        url=own.url or meta.get("url") or url or None,
        author=own.author or one_line(meta.get("author") or "") or None,
        lang=own.lang or meta.get("language") or None,
    )


def read_html_file(ctx: FileContext) -> Iterator[Article]:
    """Read a .html or .htm page as one article."""
    yield parse_html(ctx.raw(), ctx)
