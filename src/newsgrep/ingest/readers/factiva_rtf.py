"""Factiva RTF downloads (article display): a headline list, then articles each closed by
"Document <accession number>", then a search summary."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import local_date, make_article, word_count
from newsgrep.ingest.readers.factiva_html import header_fields, one_line_header
from newsgrep.ingest.readers.rtf import rtf_lines
from newsgrep.models import Article
from newsgrep.text.clean import one_line

_DOCUMENT = re.compile(r"^\s*(?:Document|Dokument|Documento|文件|문서)\s+([A-Za-z0-9]{15,40})\s*$")
_BULLET = re.compile(r"^\s*•\s*(.+)$")
_REPRINT = re.compile(r"^License this article from Dow Jones Reprint Service", re.IGNORECASE)
_COPYRIGHT_LINE = re.compile(r"^\s*(?:\(c\)|©|copyright)", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:By|Von|Par|Por|Door)\s+\S", re.IGNORECASE)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def split_pre(pre: list[str], listed: str | None) -> tuple[str | None, str, str | None]:
    """Tell section, headline and byline apart in the lines above the word count, using the
    download's headline list where it has one."""
    if listed:
        want = _key(listed.removesuffix("...").removesuffix("…"))
        for i in range(len(pre)):
            got = _key(pre[i])
            if got and (want.startswith(got) or got.startswith(want)):  # the list cuts long headlines
                j = i + 1
                while j < len(pre) and want.startswith(_key(" ".join(pre[i:j + 1]))):
                    j += 1
                return (" ".join(pre[:i]) or None, " ".join(pre[i:j]), " ".join(pre[j:]) or None)
    byline = None
    if len(pre) > 1 and (_BYLINE.match(pre[-1]) or (len(pre[-1].split()) <= 5 and pre[-1].isupper())):
        byline = pre.pop()
    section = pre.pop(0) if len(pre) > 1 and len(pre[0].split()) <= 3 else None
    return section, " ".join(pre), byline


def _article(lines: list[str], listed: str | None, an: str, ctx: FileContext, n: int) -> Article | None:
    where = f"article {n} (Document {an})"
    text = [ln.strip() for ln in lines]
    w = next((i for i, ln in enumerate(text) if word_count(ln) is not None), None)
    if w is None:
        return _one_line_article(text, listed, an, ctx, n, where)
    pre = [ln for ln in text[:w] if ln and not _BULLET.match(ln)]
    post: list[str] = []
    i = w + 1
    while i < len(text) and text[i]:
        post.append(text[i])
        i += 1
    head = header_fields(post, ctx, where)
    section, title, byline = split_pre(pre, listed)
    body = "\n".join(ln for ln in text[i:] if not _REPRINT.match(ln))
    return make_article(ctx, n, id=an, title=title, body=body, date=local_date(ctx, head.get("date_text"), where),
                        source=head.get("source"),
                        author=(byline or "").removeprefix("By ").removeprefix("BY ") or None,
                        lang=head.get("lang"),
                        extra={"section": section, "length": word_count(text[w]),
                               "source_code": head.get("source_code"), "edition": head.get("edition"),
                               "pages": head.get("pages"), "issue": head.get("issue")})


def _one_line_article(text: list[str], listed: str | None, an: str, ctx: FileContext, n: int,
                      where: str) -> Article | None:
    """Read an entry whose header is one comma-separated line (the blog form)."""
    h = next((i for i, ln in enumerate(text) if one_line_header(ln) is not None), None)
    if h is None:
        ctx.skip(f"{where}: no word count line, so no header to read; skipped")
        return None
    head = one_line_header(text[h]) or {}
    pre = [ln for ln in text[:h] if ln and not _BULLET.match(ln)]
    section, title, byline = split_pre(pre, listed)
    rest = text[h + 1:]
    if rest and _COPYRIGHT_LINE.match(rest[0] if rest[0] else (rest[1] if len(rest) > 1 else "")):
        rest = rest[1:] if rest[0] else rest[2:]
    body = "\n".join(ln for ln in rest if not _REPRINT.match(ln))
    return make_article(ctx, n, id=an, title=title, body=body, date=local_date(ctx, head.get("date_text"), where),
                        source=head.get("source"), author=head.get("author") or byline, lang=head.get("lang"),
                        extra={"section": section, "length": head.get("length")})


def read_factiva_rtf(ctx: FileContext) -> Iterator[Article]:
    """Read a Factiva RTF download, one article per "Document ..." line."""
    listed: list[str] = []
    lines: list[str] = []
    n = 0
    for line in rtf_lines(ctx.path):
        m = _DOCUMENT.match(line)
        if m:
            n += 1
            got = _article(lines, listed[n - 1] if n <= len(listed) else None, m[1], ctx, n)
            if got is not None:
                yield got
            lines = []
            continue
        if n == 0:
            b = _BULLET.match(line)
            if b:
                listed.append(one_line(b[1]))
                continue
        lines.append(line)
