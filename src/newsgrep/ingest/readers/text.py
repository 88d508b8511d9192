"""Plain text and Markdown articles: a title line, then the body."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsgrep.ingest.boilerplate import drop_lines
from newsgrep.ingest.dates import normalize_date
from newsgrep.ingest.interface_lines import is_interface_line
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article
from newsgrep.text.clean import clean_text, one_line

_FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_HEADER = re.compile(r"^\s*(title|date|published|source|url|link|author|byline|lang|language)\s*:\s*(.+?)\s*$",
                     re.IGNORECASE)
_HEADER_FIELDS = {"title": "title", "date": "date", "published": "date", "source": "source",
                  "url": "url", "link": "url", "author": "author", "byline": "author",
                  "lang": "lang", "language": "lang"}
_HAS_LETTER = re.compile(r"[^\W\d_]")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def date_from_name(name: str) -> str | None:
    """Find a date such as 2019-12-24 or 20191224 in a file name."""
    m = _FILE_DATE.search(name)
    return normalize_date(f"{m[1]}-{m[2]}-{m[3]}") if m else None


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split off a ``---`` front-matter block or leading ``Key: value`` header lines."""
    meta: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 60)):
            if lines[i].strip() in ("---", "..."):
                for line in lines[1:i]:
                    m = _HEADER.match(line)
                    if m:
                        meta[_HEADER_FIELDS[m[1].lower()]] = m[2].strip("\"'")
                return meta, lines[i + 1:]
        return meta, lines
    i = 0
    while i < len(lines) and i < 12:
        line = lines[i]
        if not line.strip():
            if meta:
                i += 1
                break
            i += 1
            continue
        m = _HEADER.match(line)
        if not m:
            break
        meta.setdefault(_HEADER_FIELDS[m[1].lower()], m[2])
        i += 1
    if "date" not in meta and "title" not in meta:
        return {}, lines
    return meta, lines[i:]


def content_lines(text: str) -> tuple[dict[str, str], list[str]]:
    """Clean a text file's content and split it into its header fields and its lines."""
    return _front_matter(clean_text(text).split("\n"))


def parse_text_article(text: str, ctx: FileContext, *, markdown: bool = False) -> Article:
    """Turn a text file's content into one Article."""
    meta, lines = content_lines(text)
    if ctx.boilerplate:
        lines = drop_lines(lines, ctx.boilerplate)
    title = meta.get("title", "")
    body_start = 0
    if not title:
        for i, line in enumerate(lines):
            if line.strip() and _HAS_LETTER.search(line) and not is_interface_line(line):
                title = _MD_HEADING.sub("", line) if markdown else line
                body_start = i + 1
                break
        else:
            body_start = len(lines)
    body_lines = [ln for ln in lines[body_start:] if not is_interface_line(ln)]
    date = ctx.date(meta.get("date"), "its date line") or date_from_name(ctx.path.name)
    return Article(
        id=ctx.file_id,
        path=str(ctx.path),
        title=one_line(title),
        body=clean_text("\n".join(body_lines)),
        date=date,
        source=one_line(meta.get("source", "")) or ctx.default_source,
        url=meta.get("url") or None,
        author=meta.get("author") or None,
        lang=meta.get("lang") or None,
    )


def read_text_file(ctx: FileContext) -> Iterator[Article]:
    """Read a .txt or .md file as one article."""
    yield parse_text_article(ctx.text(), ctx, markdown=ctx.kind == "md")
