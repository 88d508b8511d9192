"""A web page's own metadata: Open Graph and article meta tags, JSON-LD, canonical link."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newsgrep.ingest.dates import normalize_date
from newsgrep.text.clean import one_line

_ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "blogposting", "report",
                  "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                  "webpage", "liveblogposting", "socialmediaposting", "scholarlyarticle")
# "Headline | Site", "Headline - Site", "Site: Headline" and the like.
_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•:»]|::)\s+")
_SITE_PREFIX = re.compile(r"^([^:]{1,60}):\s+(\S.*)$")


@dataclass
class PageMeta:
    """What a page says about itself, each field None when it does not say."""

    title: str | None = None
    site_name: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    lang: str | None = None
    html_title: str | None = None


def _unescape(text: str) -> str:
    """Decode entities a site escaped twice ("&amp;#8220;" arrives as "&#8220;")."""
    if "&" in text:
        import html

        return html.unescape(text)
    return text


def _meta_content(tree: Any) -> dict[str, str]:
    """Map lower-cased meta property/name/itemprop keys to their first non-empty content."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        value = el.get("content")
        if key and value and value.strip():
            out.setdefault(key.strip().lower(), _unescape(value.strip()))
    return out


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Yield every JSON-LD object of the page, @graph members and nested lists included."""
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text.strip().rstrip(";"))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
                yield item


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    return [str(x).lower() for x in (t if isinstance(t, list) else [t]) if x]


def _name(value: Any) -> str | None:
    """Take a name from a JSON-LD value: a string, a {name: ...} object, or a list of them."""
    if isinstance(value, str):
        return one_line(_unescape(value)) or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _article_ld(tree: Any) -> dict[str, Any]:
    """Return the JSON-LD object that describes the article, or an empty dict."""
    best: dict[str, Any] = {}
    for obj in _json_ld_objects(tree):
        types = _types(obj)
        described = any(t in _ARTICLE_TYPES for t in types) and (
            obj.get("headline") or obj.get("datePublished"))
        if described and (not best or ("webpage" in _types(best) and "webpage" not in types)):
            best = obj
    return best


def _publisher_ld(tree: Any, article: dict[str, Any]) -> str | None:
    name = _name(article.get("publisher"))
    if name:
        return name
    for obj in _json_ld_objects(tree):
        if any(t in ("organization", "newsmediaorganization", "website") for t in _types(obj)):
            found = _name(obj.get("name"))
            if found:
                return found
    return None


def cut_site_name(title: str, site: str | None) -> str:
    """Cut a site's name off a page title: "Headline | Site", "Headline - Site", "Site: Headline"."""
    title = one_line(title)
    site_key = _key(site or "")
    prefixed = _SITE_PREFIX.match(title)
    if site_key and prefixed and _key(prefixed[1]) == site_key:
        return prefixed[2]
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site_key:
        if _key(parts[-1]) and (_key(parts[-1]) in site_key or site_key in _key(parts[-1])):
            return _join_back(title, parts[:-1])
        if _key(parts[0]) and (_key(parts[0]) in site_key or site_key in _key(parts[0])):
            return _join_back(title, parts[1:])
    return title


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower().removeprefix("www.")).removesuffix("com")


def _join_back(title: str, parts: list[str]) -> str:
    """Return the span of ``title`` that the kept parts cover, separators inside kept as written."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(parts)


def page_meta(tree: Any) -> PageMeta:
    """Read a parsed page's own metadata: meta tags, JSON-LD, canonical link, <title>."""
    meta = _meta_content(tree)
    ld = _article_ld(tree)
    out = PageMeta()
    site = (meta.get("og:site_name") or meta.get("application-name")
            or _publisher_ld(tree, ld) or meta.get("twitter:site", "").lstrip("@") or None)
    if site:
        # "Site | Slogan | Site" and "@handle" name the site by their first part.
        out.site_name = one_line(_SEPARATORS.split(one_line(site))[0]).lstrip("@") or None
    titles = [_name(ld.get("headline")),
              meta.get("og:title"), meta.get("twitter:title"), meta.get("title")]
    title_el = tree.find(".//title")
    if title_el is not None and title_el.text_content():
        out.html_title = one_line(_unescape(title_el.text_content()))
    for t in titles:
        if t and one_line(t):
            out.title = cut_site_name(t, out.site_name)
            break
    for value in (meta.get("article:published_time"), ld.get("datePublished"),
                  meta.get("og:published_time"), meta.get("datepublished"),
                  meta.get("pubdate"), meta.get("publishdate"), meta.get("date"),
                  meta.get("dc.date.issued"), meta.get("dcterms.created"), meta.get("dc.date"),
                  meta.get("sailthru.date"), ld.get("dateCreated")):
        date = normalize_date(value) if isinstance(value, str) else None
        if date:
            out.date = date
            break
    author = _name(ld.get("author")) or meta.get("author") or meta.get("article:author") \
        or meta.get("byl") or meta.get("sailthru.author")
    if author and not author.startswith(("http://", "https://")):
        out.author = one_line(author.removeprefix("By ").removeprefix("by "))
    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    url = canonical or meta.get("og:url") or (ld.get("url") if isinstance(ld.get("url"), str) else None)
    out.url = url if url and url.startswith(("http://", "https://")) else None
    lang = tree.get("lang") or meta.get("og:locale") or meta.get("content-language")
    out.lang = lang.replace("_", "-").split("-")[0].lower() if lang else None
    return out
