"""IPTC ninjs ("News in JSON") items, versions 1.x to 3.0: one article per item."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from newsgrep.errors import ReadError
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import html_text, lang_code, make_article
from newsgrep.models import Article


def sniff(head: str) -> bool:
    """Tell whether a JSON file is a ninjs item (or a list of them) from its first bytes."""
    low = head[:8192]
    ident = '"uri"' in low or '"guid"' in low
    shaped = any(k in low for k in ('"headlines"', '"bodies"', '"versionCreated"', '"versioncreated"',
                                    '"body_html"', '"pubStatus"', '"pubstatus"'))
    return ident and shaped


def _first(values: Any, role: str | None = None) -> Mapping[str, Any] | None:
    if not isinstance(values, list):
        return None
    items = [v for v in values if isinstance(v, Mapping)]
    for v in items:
        if role is None or v.get("role") in (role, None):
            return v
    return items[0] if items else None


def _value_text(item: Mapping[str, Any] | None) -> str:
    if not item:
        return ""
    value = str(item.get("value") or "")
    kind = str(item.get("contentType") or item.get("contenttype") or "")
    return html_text(value) if "html" in kind or value.lstrip().startswith("<") else value


def _names(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    return [str(v.get("name") or v.get("literal")) for v in values
            if isinstance(v, Mapping) and (v.get("name") or v.get("literal"))]


def item_article(item: Mapping[str, Any], ctx: FileContext, n: int) -> Article:
    """Turn one ninjs item into an Article."""
    g = item.get
    title = g("headline") or _value_text(_first(g("headlines"), "main"))
    body = _value_text(_first(g("bodies"), "html") or _first(g("bodies")))
    if not body:
        body = html_text(g("body_html")) or str(g("body_text") or "")
    lead = _value_text(_first(g("descriptions"))) or str(g("description_text") or "")
    if not body:
        body = lead  # an item with a lead only (NTB's "descriptions", no "bodies")
    when = g("firstCreated") or g("firstcreated") or g("versionCreated") or g("versioncreated")
    source = g("source") if isinstance(g("source"), str) else None
    holder = g("copyrightHolder") or g("copyrightholder")
    by = g("by") or g("byline")
    if isinstance(by, list):
        by = ", ".join(_names(by))
    located = g("located") or ", ".join(_names(g("places")))
    return make_article(
        ctx, n, id=str(g("uri") or g("guid") or "") or None, title=str(title or ""), body=body,
        date=ctx.date(when, f"item {n}"), source=source or holder or _provider(item),
        author=str(by or "").removeprefix("By ").removeprefix("Von ") or None,
        url=next((str(link.get("href")) for link in g("links") or [] if isinstance(link, Mapping)
                  and link.get("rel") in ("canonical", "self") and link.get("href")), None),
        lang=lang_code(str(g("language") or "")),
        extra={"subjects": _names(g("subjects") or g("subject")), "located": located or None,
               "slugline": g("slugline"), "lead": lead if lead and lead != body else None,
               "version_created": g("versionCreated") or g("versioncreated"), "urgency": g("urgency"),
               "copyright": g("copyrightNotice") or None})


def _provider(item: Mapping[str, Any]) -> str | None:
    uri = str(item.get("uri") or item.get("guid") or "")
    parts = uri.split(":")
    if uri.startswith("urn:newsml:") and len(parts) > 2:  # urn:newsml:dpa.com:... -> dpa.com
        return parts[2]
    if uri.startswith(("http://", "https://")):  # http://www.businesswire.com/news/... -> businesswire.com
        return uri.split("/")[2].removeprefix("www.")
    return None


def read_ninjs(ctx: FileContext) -> Iterator[Article]:
    """Read a ninjs file: one item, or a list of items."""
    try:
        data = json.loads(ctx.text())
    except json.JSONDecodeError as exc:
        raise ReadError(f"{ctx.path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    items = data if isinstance(data, list) else [data]
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            ctx.skip(f"item {n}: not an object, skipped")
            continue
        yield item_article(item, ctx, n if len(items) > 1 else 1)
