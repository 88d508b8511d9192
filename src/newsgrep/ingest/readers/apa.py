"""APA (Austria Presse Agentur) exports: DeFacto print view (HTML) and OnlineManager (RTF); and RTF
files of no known export, read as one text article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import local_date, make_article
from newsgrep.ingest.readers.rtf import rtf_lines
from newsgrep.ingest.readers.stream import html_segments, parse_fragment, text_of
from newsgrep.models import Article
from newsgrep.text.clean import one_line

# "NÖ Nachrichten" Nr. 14/2013 vom 02.04.2013 Seite: 23   /   "Kurier" vom 23.10.2017 Seite 14
# Cafe Puls News 08:00 vom 02.04.2013 08.00 Uhr   (a broadcast: the source is not quoted)
# "Kurier.at" gefunden am 28.12.2017 10:36 Uhr   (the online form: a quoted source, found at a time)
SOURCE_LINE = re.compile(r'^\s*(?:"([^"]+)"|(\S[^"]{0,80}?))\s*(?:Nr\.\s*([\w/.-]+)\s*)?'
                         r'(?:vom|(?<=")\s*(gefunden\s+am))\s+(\d{1,2}\.\d{1,2}\.\d{4})'
                         r'(?:\s+(\d{1,2}[.:]\d{2})\s*Uhr)?(?:\s+(?:Seite:?|S\.)\s*([\w-]+))?\s*(.*)$')
_RULE = re.compile(r"^\s*_{10,}\s*$")  # the line between the online form's articles
_DISCLAIMER = "Der gegenständliche Text ist eine Abschrift"
_ENTRY = re.compile(r"""<div\s+class\s*=\s*["']?eintrag""", re.IGNORECASE)
_SECTION = re.compile(r"^\s*Ressort:\s*(.*)$")


def _is_kicker(line: str) -> bool:
    """Tell an edition or kicker line ("Abend, Abend", "Kompakt", "Bgld, Ktn, Wi", "KOLUMNE") from a headline."""
    parts = [p.strip() for p in line.split(",")]
    return not line.endswith((".", "!", "?", ":", "«", '"')) and all(len(p.split()) <= 2 for p in parts) \
        and (len(parts) > 1 or len(line.split()) <= 2)


def _entry(lines: list[str], ctx: FileContext, n: int) -> Article | None:
    """Turn an entry's lines (source line first) into an Article."""
    m = SOURCE_LINE.match(lines[0])
    if not m:
        return None
    rest = [ln.strip() for ln in lines[1:] if not _RULE.match(ln)]
    section = None
    if m[8]:
        found = _SECTION.match(m[8])
        section = found[1] if found else None
    if rest and _SECTION.match(rest[0]):
        section = _SECTION.match(rest[0])[1]  # type: ignore[index]
        rest = rest[1:]
    paragraphs = [p for p in "\n".join(rest).split("\n\n") if p.strip()]
    kickers = []
    while len(paragraphs) > 2 and _is_kicker(one_line(paragraphs[0])):
        kickers.append(one_line(paragraphs.pop(0)))  # edition and kicker lines above the headline
    if len(paragraphs) > 2 and paragraphs[0].rstrip().endswith("...") \
            and one_line(paragraphs[1]).startswith(one_line(paragraphs[0]).rstrip(". ")):
        paragraphs.pop(0)  # "Der Bundespräsident..." above "Der Bundespräsident"
    title = one_line(paragraphs[0]) if paragraphs else ""
    body = "\n\n".join(paragraphs[1:])
    if title.endswith(("...", "…")) and body.startswith(title.rstrip(".…").rstrip()):
        title = ""  # a headline that is the body's first words cut short: the body gives a better one
    return _make(ctx, n, m, title, body, section, "; ".join(kickers) or None)


def _make(ctx: FileContext, n: int, m: re.Match[str], title: str, body: str, section: str | None,
          kicker: str | None = None) -> Article:
    body = body.split(_DISCLAIMER)[0]  # APA's note under broadcast transcripts
    when = f"{m[5]} {m[6].replace('.', ':')}" if m[6] else m[5]
    return make_article(ctx, n, title=title, body=body, date=local_date(ctx, when, f"entry {n}"),
                        source=m[1] or m[2], lang="de",
                        extra={"section": section, "kicker": kicker, "issue": m[3], "pages": m[7]})


def read_apa_rtf(ctx: FileContext) -> Iterator[Article]:
    """Read an APA OnlineManager RTF export: an article at each '"Source" vom DD.MM.YYYY' line."""
    lines: list[str] = []
    n = 0
    for line in rtf_lines(ctx.path):
        if SOURCE_LINE.match(line):
            if lines:
                n += 1
                got = _entry(lines, ctx, n)
                if got is not None:
                    yield got
            lines = [line]
        elif lines:
            lines.append(line)
    if lines:
        n += 1
        got = _entry(lines, ctx, n)
        if got is not None:
            yield got


def read_apa_html(ctx: FileContext) -> Iterator[Article]:
    """Read an APA-DeFacto print view, one article per <div class="eintrag">."""
    n = 0
    for piece in html_segments(ctx.path, _ENTRY):
        root = parse_fragment(piece) if _ENTRY.match(piece) else None
        el = next((d for d in root.iter("div") if "eintrag" in (d.get("class") or "").split()), None) \
            if root is not None else None
        if el is None:
            continue
        n += 1
        yield from _defacto(el, ctx, n)


def _defacto(div: Any, ctx: FileContext, n: int) -> Iterator[Article]:
    pre = div.find("pre")
    head = one_line(text_of(pre)) if pre is not None else ""
    h3 = div.find("h3")
    title = one_line(text_of(h3)) if h3 is not None else ""
    parts: list[str] = []
    for child in div:
        if child is pre or child is h3 or child.tag == "img":
            if child.tail and child.tail.strip() and child is not h3:
                parts.append(child.tail)
            elif child is h3 and child.tail and child.tail.strip():
                parts.append(child.tail)
            continue
        parts.append(text_of(child) + (child.tail or ""))
    body = "\n\n".join(p.strip() for p in parts if p.strip())
    m = SOURCE_LINE.match(head)
    if not m:
        ctx.skip(f"entry {n}: no source and date line; skipped")
        return
    if title.endswith(("...", "…")) and one_line(body).startswith(title.rstrip(".…").rstrip()):
        title = ""
    section = _SECTION.match(m[8])[1] if m[8] and _SECTION.match(m[8]) else None  # type: ignore[index]
    yield _make(ctx, n, m, title, body, section)


def read_rtf_text(ctx: FileContext) -> Iterator[Article]:
    """Read an RTF file of no known export as one text article."""
    from newsgrep.ingest.readers.text import parse_text_article

    yield parse_text_article("\n".join(rtf_lines(ctx.path)), ctx)
