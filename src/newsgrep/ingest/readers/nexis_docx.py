"""Nexis Uni / Lexis Advance DOCX downloads: paragraphs of word/document.xml, read as a stream."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import Any

from newsgrep.errors import ReadError
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import lang_code, local_date, make_article, word_count
from newsgrep.ingest.readers.localdates import split_date_line
from newsgrep.ingest.readers.stream import release
from newsgrep.models import Article
from newsgrep.text.clean import one_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FIELD = re.compile(r"^([A-Z][\w-]{1,30}):[\s\u00a0]+(.*)$", re.DOTALL)
_COPYRIGHT = re.compile(r"^(?:Copyright|©|\(c\))", re.IGNORECASE)
_END = "End of Document"
# The blocks a document may have after its body (each opened by a bookmarked paragraph).
_HEADINGS = frozenset({"Body", "Classification", "Graphic", "Notes", "Correction"})
_PCT = re.compile(r"\s*\(\d{1,3}%\)")


def _paragraphs(ctx: FileContext) -> Iterator[tuple[str, bool]]:
    """Yield each paragraph's text and whether it carries a bookmark end, clearing as it goes."""
    import lxml.etree

    try:
        archive = zipfile.ZipFile(ctx.path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"{ctx.path}: not a DOCX file ({exc})") from exc
    with archive:
        try:
            stream = archive.open("word/document.xml")
        except KeyError as exc:
            raise ReadError(f"{ctx.path}: a zip file without word/document.xml, not a DOCX") from exc
        with stream:
            try:
                for _, p in lxml.etree.iterparse(stream, events=("end",), tag=f"{_W}p", huge_tree=True):
                    yield _text(p), p.find(f"{_W}bookmarkEnd") is not None
                    release(p)
            except lxml.etree.XMLSyntaxError as exc:
                raise ReadError(f"{ctx.path}: broken word/document.xml ({exc})") from exc


def _text(p: Any) -> str:
    parts = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        parts.append(el.text or "" if el.tag == f"{_W}t" else ("\t" if el.tag == f"{_W}tab" else "\n"))
    return "".join(parts)


def read_nexis_docx(ctx: FileContext) -> Iterator[Article]:
    """Read a Nexis Uni DOCX download, one article per document (the results list left out)."""
    doc: list[tuple[str, bool]] | None = None
    n = 0
    for i, (text, bookmark) in enumerate(_paragraphs(ctx), 1):
        if doc is None:
            if bookmark and not text.strip():
                doc = []
                start = i
            continue
        if text.strip() == _END:
            n += 1
            yield _document(doc, ctx, n, f"document {n} (paragraph {start})")
            doc = None
            continue
        doc.append((text, bookmark))
    if doc:
        n += 1
        ctx.warn(f"document {n} (paragraph {start}): no 'End of Document', read to the end of the file")
        yield _document(doc, ctx, n, f"document {n} (paragraph {start})")


def _document(paras: list[tuple[str, bool]], ctx: FileContext, n: int, where: str) -> Article:
    """Turn one document's paragraphs into an Article."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for text, bookmark in paras:
        stripped = text.strip()
        if not stripped:
            continue
        if (bookmark and len(stripped) < 40 and not _FIELD.match(stripped)) or stripped in _HEADINGS:
            current = stripped
            sections.setdefault(current, [])
            continue
        sections[current].append(stripped)
    head = sections.pop("")
    title = head[0] if head else ""
    source = head[1] if len(head) > 1 else None
    fields: dict[str, str] = {}
    date_text = None
    rest = head[2:]
    if rest and not _FIELD.match(rest[0]) and not _COPYRIGHT.match(rest[0]):
        line = rest.pop(0)
        got, tail = split_date_line(line)
        if got is not None:
            date_text = line[:len(line) - len(tail)] if tail else line
        else:
            fields["note"] = line  # "Correction Appended" where the date should be: undated
    for line in rest:
        m = _FIELD.match(line)
        if m:
            fields.setdefault(m[1].lower(), m[2].strip())
        elif _COPYRIGHT.match(line):
            fields.setdefault("copyright", line)
    body: list[str] = []
    for heading, lines in sections.items():
        key = heading.lower()
        for line in lines:
            m = _FIELD.match(line)
            if key == "body" and not (m and m[1].lower() in ("load-date", "correction-date")):
                body.append(line)
                continue
            if key == "body" or m:
                if m:
                    fields.setdefault(m[1].lower(), m[2].strip())
                key = "" if key == "body" else key
            elif key:
                fields[key] = (fields.get(key, "") + "\n" + line).strip()
    return _article(ctx, n, where, title, source, date_text, fields, body)


def _article(ctx: FileContext, n: int, where: str, title: str, source: str | None, date_text: str | None,
             fields: dict[str, str], body: list[str]) -> Article:
    extra: dict[str, object] = {
        "section": fields.pop("section", None),
        "length": word_count(fields.pop("length", "")),
        "load_date": local_date(ctx, fields.pop("load-date", None), where),
        "dateline": fields.pop("dateline", None),
    }
    for key in ("subject", "geographic", "organization", "company", "industry", "person", "ticker"):
        if key in fields:
            extra[key] = _PCT.sub("", one_line(fields.pop(key)))
    author = fields.pop("byline", None)
    language = fields.pop("language", None)
    fields.pop("copyright", None)
    for key, value in fields.items():
        extra.setdefault(key.replace("-", "_"), one_line(value))
    text = "\n\n".join(body)
    if not text.strip():
        text = str(extra.get("graphic") or extra.get("highlight") or "")
    return make_article(ctx, n, title=title, body=text, date=local_date(ctx, date_text, where),
                        source=source, author=author, lang=lang_code(language), extra=extra)
