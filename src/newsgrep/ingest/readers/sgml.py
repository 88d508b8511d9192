"""SGML collections: <DOC> records (LDC Gigaword, TREC newswire) and Reuters-21578 <REUTERS> stories.

These files are not well-formed XML (no root element, SGML entities), so records are cut out of
the line stream between their opening and closing tags and read with regular expressions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime, timezone

from newsgrep.ingest.dates import iso_datetime
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import local_date, make_article
from newsgrep.ingest.readers.stream import iter_lines
from newsgrep.models import Article
from newsgrep.text.clean import one_line

_OPEN = re.compile(r"<(DOC|REUTERS)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')
_GIGAWORD_ID = re.compile(r"^([A-Z]{3})_([A-Z]{3})_(\d{4})(\d\d)(\d\d)\.\d+$")
# LDC's source codes in Gigaword document ids.
LDC_SOURCES = {"NYT": "New York Times News Service", "APW": "Associated Press Worldstream",
               "AFP": "Agence France-Presse", "XIN": "Xinhua News Agency",
               "LTW": "Los Angeles Times/Washington Post Newswire", "CNA": "Central News Agency of Taiwan",
               "WPB": "Washington Post/Bloomberg Newswire"}
_LANGS = {"ENG": "en", "SPA": "es", "FRE": "fr", "ARB": "ar", "CMN": "zh"}
_REUTERS_DATE = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{4})\s+(\d+):(\d\d):(\d\d)")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_SIGN_OFF = re.compile(r"\s*\bReuter\s*$", re.IGNORECASE)


def _element(record: str, tag: str) -> str | None:
    m = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", record, re.IGNORECASE | re.DOTALL)
    return m[1] if m else None


def _text(markup: str | None) -> str:
    """Plain text of an SGML fragment: tags dropped, <P> as paragraph breaks, entities decoded."""
    if not markup:
        return ""
    text = re.sub(r"</?P\b[^>]*>", "\n\n", markup, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"&#(\d+);", lambda m: chr(int(m[1])) if int(m[1]) >= 32 else "", text)
    return html.unescape(text)


def _records(ctx: FileContext) -> Iterator[tuple[int, str, str, str]]:
    """Yield (line, tag, attributes, record text) for each record, one at a time."""
    buf: list[str] = []
    tag = attrs = ""
    start = opened = 0
    for lineno, line in enumerate(iter_lines(ctx.path), 1):
        if not buf:
            m = _OPEN.search(line)
            if not m:
                continue
            tag, attrs, start = m[1].upper(), m[2], lineno
            opened += 1
            line = line[m.end():]
            buf.append("")
        close = re.search(rf"</{tag}>", line, re.IGNORECASE)
        if close:
            buf.append(line[:close.start()])
            yield start, tag, attrs, "\n".join(buf)
            buf = []
            rest = line[close.end():]
            if _OPEN.search(rest):
                ctx.warn(f"line {lineno}: a record starts on the line where another ends; it is not read")
        else:
            buf.append(line)
    if buf:
        ctx.skip(f"record {opened} (line {start}): <{tag}> is never closed; skipped")


def read_sgml(ctx: FileContext) -> Iterator[Article]:
    """Read an SGML collection file, one article per <DOC> or <REUTERS> record."""
    n = 0
    for start, tag, attrs, record in _records(ctx):
        n += 1
        attr = {k.upper(): v for k, v in _ATTR.findall(attrs)}
        if tag == "REUTERS":
            yield _reuters(record, attr, ctx, n, start)
        else:
            yield _doc(record, attr, ctx, n, start)


def _doc(record: str, attr: dict[str, str], ctx: FileContext, n: int, start: int) -> Article:
    doc_id = one_line(attr.get("ID") or _text(_element(record, "DOCNO")))
    where = f"record {n} (line {start})"
    source = lang = None
    date = None
    m = _GIGAWORD_ID.match(doc_id)
    if m:
        source = LDC_SOURCES.get(m[1], m[1])
        lang = _LANGS.get(m[2])
        date = ctx.date(f"{m[3]}-{m[4]}-{m[5]}", where)
    when = _element(record, "DATE_TIME") or _element(record, "DATE")
    if date is None and when:
        date = local_date(ctx, one_line(_text(when)), where)
    text = _element(record, "TEXT")
    body = _text(text if text is not None else record)
    title = one_line(_text(_element(record, "HEADLINE") or _element(record, "HEAD") or _element(record, "TITLE")))
    return make_article(ctx, n, id=doc_id or None, title=title, body=body, date=date,
                        source=source or one_line(_text(_element(record, "SOURCE"))) or None,
                        author=one_line(_text(_element(record, "BYLINE"))) or None, lang=lang,
                        extra={"type": attr.get("TYPE"), "dateline": one_line(_text(_element(record, "DATELINE")))})


def _reuters(record: str, attr: dict[str, str], ctx: FileContext, n: int, start: int) -> Article:
    where = f"story {n} (line {start}, NEWID {attr.get('NEWID')})"
    date = None
    raw_date = one_line(_text(_element(record, "DATE")))
    m = _REUTERS_DATE.search(raw_date)
    if m and m[2] in _MONTHS:
        try:
            date = iso_datetime(datetime(int(m[3]), _MONTHS.index(m[2]) + 1, int(m[1]), int(m[4]), int(m[5]),
                                         int(m[6]), tzinfo=timezone.utc))
        except ValueError:  # a junk time ("605:12:19.12"): the day alone
            date = ctx.date(f"{m[3]}-{_MONTHS.index(m[2]) + 1:02d}-{int(m[1]):02d}", where)
            ctx.warn(f"{where}: the time in {raw_date!r} cannot be read; the day alone is kept")
    if date is None and raw_date:
        ctx.warn(f"{where}: cannot read the date {raw_date!r}; the story is undated")
    text = _element(record, "TEXT") or ""
    body = _element(text, "BODY")
    if body is None and 'TYPE="UNPROC"' in record.upper():
        body = re.sub(r"<[^>]+>.*?</[^>]+>", "", text, flags=re.DOTALL)  # unprocessed: the text itself
    lists = {k.lower(): re.findall(r"<D>(.*?)</D>", _element(record, k) or "")
             for k in ("TOPICS", "PLACES", "PEOPLE", "ORGS", "EXCHANGES")}
    return make_article(
        ctx, n, id=f"reuters-{attr['NEWID']}" if attr.get("NEWID") else None,
        title=one_line(_text(_element(text, "TITLE"))), body=_SIGN_OFF.sub("", _text(body)), date=date,
        source="Reuters", lang="en",
        extra={"dateline": one_line(_text(_element(text, "DATELINE"))).rstrip(" -"), **lists,
               "lewis_split": attr.get("LEWISSPLIT"), "type": attr.get("TYPE")})
