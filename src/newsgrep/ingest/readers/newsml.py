"""IPTC NewsML: NewsML-G2 (newsMessage / newsItem) and the older NewsML 1.2 (NewsML / NewsItem)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from newsgrep.ingest.readers.agency_xml import basic_date, first_text, iter_items, nitf_body, nitf_byline, nitf_title
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import html_text, lang_code, make_article
from newsgrep.ingest.readers.stream import text_of
from newsgrep.models import Article
from newsgrep.text.clean import one_line


def _content_text(holder: Any) -> str:
    """The text of an inlineXML (NITF or XHTML) or inlineData (text or escaped HTML) element."""
    kind = (holder.get("contenttype") or holder.get("mimetype") or "").lower()
    if holder.tag in ("inlineData", "DataContent") and len(holder) == 0:
        data = holder.text or ""
        return html_text(data) if "<" in data else data
    for child in holder:
        if child.tag == "nitf":
            return nitf_body(child)
        if child.tag == "html":
            body = child.find("body")
            body = body if body is not None else child
            for furniture in list(body.iter("header", "footer", "aside", "nav")):  # dpa's keyword header
                if furniture.getparent() is not None:
                    furniture.getparent().remove(furniture)
            return text_of(body)
    if "css" in kind:
        return ""
    return text_of(holder)


def _g2_item(item: Any, ctx: FileContext, n: int) -> Article | None:
    if item.tag == "packageItem":
        return None  # a package lists other items; their text is in those items
    cls = first_text(item, "itemMeta/itemClass/@qcode")
    if cls and not cls.endswith(":text") and cls.split(":")[-1] not in ("text", "composite"):
        return None  # a picture, video or graphic item: no article text
    meta = item.find("contentMeta")
    meta = meta if meta is not None else item
    headline = first_text(meta, "headline[not(@role) or contains(@role, 'main')]", "headline")
    parts = [_content_text(h) for h in item.xpath(".//contentSet/inlineXML | .//contentSet/inlineData")]
    if item.tag == "contentSet":
        parts = [_content_text(h) for h in item.xpath("inlineXML | inlineData")]
    nitf = item.find(".//nitf")
    holder = first_text(item, "rightsInfo/copyrightHolder/name", "rightsInfo/copyrightHolder/@literal",
                        "itemMeta/provider/name", "itemMeta/provider/@literal")
    if not holder:
        qcode = first_text(item, "rightsInfo/copyrightHolder/@qcode", "itemMeta/provider/@qcode")
        holder = qcode.split(":")[-1] if qcode else ""
    if not holder and nitf is not None:
        holder = first_text(nitf, ".//doc.copyright/@holder", ".//from-src/@src-name", ".//doc-id/@regsrc",
                            ".//distributor")
    by = first_text(meta, "by", "creator/name", "creator/@literal")
    if not by and nitf is not None:
        by = nitf_byline(nitf)
    lang = item.get("xml_lang") or first_text(meta, "language/@tag")
    when = first_text(item, "itemMeta/firstCreated", "contentMeta/contentCreated", "itemMeta/versionCreated")
    if not headline and nitf is not None:
        headline = nitf_title(nitf)
    return make_article(
        ctx, n, id=item.get("guid") or None, title=headline, body="\n\n".join(p for p in parts if p.strip()),
        date=ctx.date(basic_date(when), f"item {n}") if when else None, source=holder,
        author=by.removeprefix("By ").removeprefix("Von ") or None, lang=lang_code(lang),
        extra={"dateline": first_text(meta, "dateline", "located/name"),
               "slugline": first_text(meta, "slugline"),
               "subjects": [one_line(s) for s in meta.xpath("subject/name/text()") if s.strip()],
               "version_created": first_text(item, "itemMeta/versionCreated"),
               "copyright": first_text(item, "rightsInfo/copyrightNotice")})


def read_newsml_g2(ctx: FileContext) -> Iterator[Article]:
    """Read a NewsML-G2 file: a newsMessage of items, a bare newsItem, or a contentSet fragment."""
    n = 0
    for item in iter_items(ctx, ("newsItem", "packageItem", "contentSet")):
        if item.tag == "contentSet" and item.getparent() is not None:
            continue
        got = _g2_item(item, ctx, n + 1)
        if got is not None:
            n += 1
            yield got


def _v1_item(item: Any, ctx: FileContext, n: int) -> Article:
    texts = []
    for content in item.iter("ContentItem"):
        mime = first_text(content, "MimeType/@FormalName", "Format/@FormalName").lower()
        media = first_text(content, "MediaType/@FormalName").lower()
        if media and media != "text" or "css" in mime:
            continue
        for data in content.iter("DataContent"):
            text = _content_text(data)
            if text.strip():
                texts.append(text)
    headline = first_text(item, ".//NewsLines/HeadLine")
    if texts and one_line(texts[0]) == headline:
        texts = texts[1:]  # the headline as its own XHTML component
    public_id = first_text(item, "Identification/NewsIdentifier/PublicIdentifier")
    when = first_text(item, "NewsManagement/FirstCreated", "NewsManagement/ThisRevisionCreated",
                      "Identification/NewsIdentifier/DateId")
    source = first_text(item, ".//NewsLines/CreditLine", ".//AdministrativeMetadata/Provider/Party/@FormalName",
                        "Identification/NewsIdentifier/ProviderId")
    lang = first_text(item, ".//DescriptiveMetadata/Language/@FormalName")
    return make_article(
        ctx, n, id=public_id or None, title=headline, body="\n\n".join(texts),
        date=ctx.date(basic_date(when), f"item {n}") if when else None, source=source,
        author=first_text(item, ".//NewsLines/ByLine").removeprefix("By ") or None,
        lang=lang_code(lang) if lang and lang != "x-default" else None,
        extra={"dateline": first_text(item, ".//NewsLines/DateLine"),
               "subheadline": first_text(item, ".//NewsLines/SubHeadLine"),
               "copyright": first_text(item, ".//NewsLines/CopyrightLine"),
               "keywords": [one_line(k) for k in item.xpath(".//NewsLines/KeywordLine/text()") if k.strip()]})


def read_newsml_1(ctx: FileContext) -> Iterator[Article]:
    """Read a NewsML 1.x file: one article per top-level NewsItem."""
    for n, item in enumerate(iter_items(ctx, ("NewsItem",)), 1):
        yield _v1_item(item, ctx, n)
