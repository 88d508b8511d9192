"""Factiva (Dow Jones) saved pages: the article view and the "plus indexing" table view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import lang_code, local_date, make_article, word_count
from newsgrep.ingest.readers.stream import html_segments, parse_fragment, text_of
from newsgrep.models import Article
from newsgrep.text.clean import one_line

_ARTICLE_CLASS = re.compile(r"^([a-z]+)Article$")
_DOCUMENT = re.compile(r"^\S+\s+([A-Za-z0-9]{15,40})$")  # "Document IINM000020171113edbd0000d", "文件 ..."
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
_COPYRIGHT = re.compile(r"^(?:\(c\)|©|copyright)", re.IGNORECASE)
_CODE = re.compile(r"^[A-Z0-9]{1,12}$")


def header_fields(lines: list[str], ctx: FileContext, where: str) -> dict[str, Any]:
    """Read the unlabelled header that follows a Factiva word count: date, [time], source name,
    source code, [edition, page], language, copyright."""
    out: dict[str, Any] = {}
    if not lines:
        return out
    out["date_text"] = lines[0]
    i = 1
    if i < len(lines) and _TIME.match(lines[i]):
        out["date_text"] += " " + lines[i]
        i += 1
    if i < len(lines):
        out["source"] = lines[i]
        i += 1
    if i < len(lines) and _CODE.match(lines[i]):
        out["source_code"] = lines[i]
        i += 1
    other = []
    while i < len(lines):
        line = lines[i]
        i += 1
        if _COPYRIGHT.match(line):
            out["copyright"] = line
            break
        if "lang" not in out and lang_code(line):
            out["lang"] = lang_code(line)
            continue
        other.append(line)
    out.update(_edition_fields(other))
    return out


_PAGES = re.compile(r"^[A-Z]{0,2}\d{1,4}[A-Z]?(?:\s*[-,–]\s*[A-Z]{0,2}\d{1,4}[A-Z]?)*$")
_ISSUE = re.compile(r"\b(?:Volume|Vol\.|Issue|Number|No\.|ISSN)\b", re.IGNORECASE)
_NOTICE = re.compile(r"^(?:Quelle|Source|www\.)|All rights reserved|\[http", re.IGNORECASE)
_LANG_NAME = re.compile(r"文(?:\(.*\))?$")  # 中文(繁體), 芬蘭文: languages in the Chinese interface


def _edition_fields(other: list[str]) -> dict[str, str]:
    """Sort the header lines between source code and language into pages ("14", "4,5", "B5",
    "45-61"), issue (volume, issue, ISSN) and edition ("Late Edition - Final", "1; National")."""
    out: dict[str, str] = {}
    pages = next((x for x in reversed(other) if _PAGES.match(x)), None)
    issue = [x for x in other if _ISSUE.search(x)]
    edition = [x for x in other if x is not pages and x not in issue and not _NOTICE.search(x)
               and not _LANG_NAME.search(x)]
    if pages:
        out["pages"] = pages
    if issue:
        out["issue"] = "; ".join(issue)
    if edition:
        out["edition"] = "; ".join(edition)
    return out


# The one-line header of blog entries: "WSJ Blogs, 11:02, 2 December 2019, 665 words, By WSJ Staff, (English)"
_ONE_LINE = re.compile(r"^(?P<source>[^,]{2,80}?),\s+(?:(?P<time>\d{1,2}:\d{2}),\s+)?"
                       r"(?P<date>[^,]{4,30}(?:,\s*\d{4})?),"
                       r"\s+(?P<wc>\d[\d.,]*\s*\w+)(?:,\s+(?P<by>[^()]+?))?,?\s+\((?P<lang>[^()]{2,40})\)\s*$")


def one_line_header(line: str) -> dict[str, Any] | None:
    """Read the header Factiva writes on one comma-separated line for blog entries, or None."""
    m = _ONE_LINE.match(line.strip())
    if not m or word_count(m["wc"]) is None:
        return None
    by = (m["by"] or "").strip()
    for prefix in ("By ", "BY ", "Von ", "Par ", "Por ", "Door "):
        by = by.removeprefix(prefix)
    return {"source": m["source"].strip(), "date_text": f"{m['date']} {m['time'] or ''}".strip(),
            "length": word_count(m["wc"]), "author": by or None, "lang": lang_code(m["lang"])}


def _article_view(div: Any, ctx: FileContext, n: int, outer_id: str | None) -> Article:
    lang = None
    m = _ARTICLE_CLASS.match((div.get("class") or "").split()[-1])
    if m:
        lang = {"zhcn": "zh", "zhtw": "zh"}.get(m[1], m[1])
    headline = ""
    hd = div.find(".//*[@id='hd']")
    if hd is not None:
        headline = one_line(text_of(hd))
    author = None
    pre: list[str] = []
    post: list[str] = []
    seen_wc = None
    for child in div:
        if child.tag != "div" or child.get("id") == "hd":
            continue
        text = one_line(text_of(child))
        if not text:
            continue
        if "author" in (child.get("class") or ""):
            author = text.removeprefix("By ").removeprefix("Von ").removeprefix("Par ")
        elif seen_wc is None and word_count(text) is not None:
            seen_wc = word_count(text)
        elif seen_wc is None and (one := one_line_header(text)) is not None:
            seen_wc = one["length"]
            author = author or one["author"]
            post = [one["date_text"], one["source"]] + ([one["lang"]] if one["lang"] else [])
        elif seen_wc is None:
            pre.append(text)
        else:
            post.append(text)
    paragraphs = [text_of(p).strip() for p in div.iter("p") if "articleParagraph" in (p.get("class") or "")]
    an = outer_id
    for p in div.iter("p"):
        found = _DOCUMENT.match(one_line(text_of(p)))
        if found and not (p.get("class") or ""):
            an = found[1]
    where = f"article {n} ({an or 'no document number'})"
    head = header_fields(post, ctx, where)
    return make_article(ctx, n, id=an, title=headline, body="\n\n".join(p for p in paragraphs if p),
                        date=local_date(ctx, head.get("date_text"), where), source=head.get("source"),
                        author=author, lang=lang or head.get("lang"),
                        extra={"section": "; ".join(pre) or None, "length": seen_wc,
                               "source_code": head.get("source_code"), "edition": head.get("edition"),
                               "pages": head.get("pages"), "issue": head.get("issue")})


def _table_view(div: Any, ctx: FileContext, n: int) -> Article:
    fields: dict[str, Any] = {}
    for tr in div.iter("tr"):
        cells = tr.findall("td")
        if len(cells) < 2 or "index" not in (cells[0].get("class") or ""):
            continue
        code = one_line(text_of(cells[0]))
        if code in ("LP", "TD"):
            fields[code] = [text_of(p).strip() for p in cells[1].iter("p")] or [text_of(cells[1]).strip()]
        else:
            fields[code] = one_line(text_of(cells[1]))
    an_text = fields.get("AN", "")
    found = _DOCUMENT.match(an_text)
    an = found[1] if found else an_text or None
    where = f"article {n} ({an or 'no document number'})"
    date_text = fields.get("PD")
    if date_text and fields.get("ET"):
        date_text = f"{date_text} {fields['ET']}"
    body = "\n\n".join([*fields.get("LP", []), *fields.get("TD", [])])
    return make_article(ctx, n, id=an, title=fields.get("HD", ""), body=body,
                        date=local_date(ctx, date_text, where), source=fields.get("SN"),
                        author=fields.get("BY"), lang=lang_code(fields.get("LA")),
                        extra={"section": fields.get("SE"), "length": word_count(fields.get("WC", "")),
                               "source_code": fields.get("SC"), "subjects": fields.get("NS"),
                               "regions": fields.get("RE"), "industries": fields.get("IN"),
                               "companies": fields.get("CO"), "publisher": fields.get("PUB"),
                               "edition": fields.get("ED"), "pages": fields.get("PG"), "issue": fields.get("VOL")})


# Each article's own <div class="article xxArticle"> (the outer <div class="article"> has no language class).
_MARKER = re.compile(r"""<div\b[^>]*\bclass\s*=\s*["']article\s+[a-z]+Article""", re.IGNORECASE)


def read_factiva_html(ctx: FileContext) -> Iterator[Article]:
    """Read a saved Factiva page, one article per <div class="article xxArticle">, piece by piece."""
    n = 0
    for piece in html_segments(ctx.path, _MARKER):
        if not _MARKER.match(piece):
            continue  # the page before the first article
        root = parse_fragment(piece)
        divs = root.iter("div") if root is not None else iter(())
        div = next((d for d in divs if any(_ARTICLE_CLASS.match(c) for c in (d.get("class") or "").split())), None)
        if div is None:
            continue
        n += 1
        if div.find(".//td[@class='index']") is not None:
            yield _table_view(div, ctx, n)
        else:
            yield _article_view(div, ctx, n, None)
