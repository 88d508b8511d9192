"""News-agency XML: shared parsing helpers, NITF stories and Reuters RCV1 <newsitem>s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import IO, Any

from newsgrep.errors import ReadError
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import lang_code, make_article
from newsgrep.ingest.readers.stream import head_bytes, open_binary, release, text_of
from newsgrep.models import Article
from newsgrep.text.clean import one_line

_DECL = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)""")
# ISO 8601 basic format, as NITF and NewsML 1 write it: 20151210T191044Z, 20140829T105812+0000
_BASIC = re.compile(r"^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)?(Z|[+-]\d\d:?\d\d)?)?$")


def encoding_override(path: Any) -> str | None:
    """Return "utf-8" for a file that declares Latin-1 but holds UTF-8 (AFP's newer NewsML), else None."""
    head = head_bytes(path)
    m = _DECL.search(head[:200])
    if not m or m[1].lower().replace(b"_", b"-") not in (b"iso-8859-1", b"latin-1", b"latin1", b"iso-8859-15"):
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return None
        text = head[:exc.start].decode("utf-8")
    return "utf-8" if not text.isascii() else None


def iter_items(ctx: FileContext, tags: tuple[str, ...]) -> Iterator[Any]:
    """Parse an XML file as a stream and yield each element whose local name is in ``tags``,
    with namespaces stripped from its subtree; each is freed once the caller moves on."""
    import lxml.etree

    enc = encoding_override(ctx.path)
    with open_binary(ctx.path) as raw:
        stream: IO[bytes] = raw
        try:
            for _, el in lxml.etree.iterparse(stream, events=("end",), encoding=enc, huge_tree=True,
                                              recover=True, remove_comments=True, resolve_entities=False):
                if not isinstance(el.tag, str) or lxml.etree.QName(el).localname not in tags:
                    continue
                if any(isinstance(a.tag, str) and lxml.etree.QName(a).localname in tags
                       for a in el.iterancestors()):
                    continue  # an item inside an item: read with its parent
                strip_namespaces(el)
                yield el
                release(el)
        except lxml.etree.XMLSyntaxError as exc:
            raise ReadError(f"{ctx.path}: broken XML ({exc})") from exc


def strip_namespaces(el: Any) -> None:
    """Replace every tag and attribute name in a subtree by its local name."""
    for e in el.iter():
        if isinstance(e.tag, str) and "}" in e.tag:
            e.tag = e.tag.split("}", 1)[1]
        for key in list(e.attrib):
            if "}" in key:
                local = key.split("}", 1)[1]
                e.attrib[local if local != "lang" else "xml_lang"] = e.attrib.pop(key)


def basic_date(value: str | None) -> datetime | str | None:
    """Read an ISO 8601 date in basic format (20151210T191044Z) as a datetime, or pass it on."""
    if not value:
        return None
    m = _BASIC.match(value.strip())
    if not m:
        return value.strip()
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    try:
        if not m[4]:
            return datetime(y, mo, d).date().isoformat()
        dt = datetime(y, mo, d, int(m[4]), int(m[5]), int(m[6] or 0), tzinfo=timezone.utc)
    except ValueError:
        return value
    zone = m[7]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        hh, mm = int(zone[1:3]), int(zone[-2:])
        dt -= sign * timedelta(hours=hh, minutes=mm)
    return dt


def first_text(el: Any, *paths: str) -> str:
    """Return the text of the first of ``paths`` (XPath) that finds something non-empty."""
    for path in paths:
        for found in el.xpath(path):
            text = found if isinstance(found, str) else text_of(found)
            if text and text.strip():
                return one_line(text)
    return ""


def nitf_body(nitf: Any) -> str:
    """Return the text of an NITF document's body.content (or its whole body)."""
    for path in (".//body.content", ".//body"):
        found = nitf.find(path) if nitf.tag != path.strip("./") else nitf
        if found is not None:
            return text_of(found)
    return ""


def nitf_title(nitf: Any) -> str:
    """Return an NITF document's headline: <hl1> in its body, else <title> in its head."""
    return first_text(nitf, ".//hedline/hl1", ".//headline/hl1", ".//hl1", "head/title", ".//head/title")


def nitf_byline(el: Any) -> str:
    """Read an NITF byline without its title (<byttl>) glued to the name."""
    byline = el.find(".//byline")
    if byline is None:
        return ""
    persons = [one_line(text_of(p)) for p in byline.iter("person")]
    if persons:
        return ", ".join(p for p in persons if p)
    parts = [byline.text or ""] + [(c.tail or "") if c.tag == "byttl" else text_of(c) + (c.tail or "")
                                   for c in byline]
    return one_line(" ".join(parts)).removeprefix("By ").removeprefix("BY ").removeprefix("by ")


def read_nitf(ctx: FileContext) -> Iterator[Article]:
    """Read NITF stories (one per <nitf> element)."""
    for n, nitf in enumerate(iter_items(ctx, ("nitf",)), 1):
        head = nitf.find("head")
        head = head if head is not None else nitf
        doc_id = first_text(head, ".//doc-id/@id-string")
        date = first_text(head, ".//date.issue/@norm", ".//pubdata/@date.publication", ".//date.release/@norm",
                          ".//story.date/@norm")
        source = first_text(nitf, ".//doc.copyright/@holder", ".//pubdata/@name", ".//distributor",
                            ".//copyrite", ".//from-src/@src-name", ".//doc-id/@regsrc")
        lang = nitf.get("baselang") or nitf.get("xml_lang") or first_text(nitf, ".//body/@xml_lang",
                                                                           ".//@xml_lang")
        subjects = [s for s in nitf.xpath(".//tobject.subject/@tobject.subject.matter") if s.strip()]
        yield make_article(
            ctx, n, id=doc_id or None,
            title=nitf_title(nitf),
            body=nitf_body(nitf), date=ctx.date(basic_date(date), f"story {n}"), source=source,
            author=nitf_byline(nitf) or None, lang=lang_code(lang),
            extra={"dateline": first_text(nitf, ".//dateline/location", ".//dateline/text()"),
                   "subheadline": first_text(nitf, ".//hedline/hl2"),
                   "abstract": first_text(nitf, ".//abstract"), "subjects": subjects,
                   "urgency": first_text(head, ".//urgency/@ed-urg")})


def read_rcv1(ctx: FileContext) -> Iterator[Article]:
    """Read Reuters RCV1 <newsitem> files; the id is "rcv1-" and the item's itemid."""
    for n, item in enumerate(iter_items(ctx, ("newsitem",)), 1):
        codes: dict[str, list[str]] = {}
        for group in item.iter("codes"):
            kind = (group.get("class") or "").split(":")[1] if ":" in (group.get("class") or "") else "codes"
            codes.setdefault(kind, []).extend(c.get("code") for c in group.iter("code") if c.get("code"))
        dc = {d.get("element"): d.get("value") for d in item.iter("dc") if d.get("element")}
        itemid = item.get("itemid")
        yield make_article(
            ctx, n, id=f"rcv1-{itemid}" if itemid else None,
            title=first_text(item, "headline", "title"),
            body="\n\n".join(text_of(p).strip() for p in item.iter("p")),
            date=ctx.date(item.get("date") or dc.get("dc.date.published"), f"item {n}"),
            source="Reuters", author=first_text(item, "byline") or None, lang=lang_code(item.get("xml_lang")),
            extra={"dateline": first_text(item, "dateline"), "countries": codes.get("countries"),
                   "industries": codes.get("industries"), "topics": codes.get("topics"),
                   "title_with_country": first_text(item, "title")})
