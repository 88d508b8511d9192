"""Telling a file's format from its first bytes, whatever its name says.

Each export, agency and structured format newsgrep reads has marks of its own near the start: a
magic number (DOCX's ZIP, ``{\\rtf``, ``WARC/``), a root element (NITF, NewsML, RCV1, Factiva
XML, ``<DOC>``), the page structure of an export's saved HTML, a JSON shape, the control bytes of
wire text, the separators of a Nexis download. Never words an article could contain.
"""

from __future__ import annotations

import json
import re

# Formats a content mark names beyond doubt; "html", "json" and "jsonl" are shapes a plain text
# or table file could start with by chance, so a .csv or .md file is only read as the strong ones.
WEAK = frozenset({"html", "json", "jsonl"})

_XML_ROOT = re.compile(r"<(?!\?|!)([\w:.-]+)")
_PROLOGUE = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL | re.IGNORECASE)
_HTML_ROOTS = frozenset({"html", "head", "body", "meta", "title", "div", "table", "p", "span", "a", "b", "i",
                         "em", "strong", "br", "hr", "img", "ul", "ol", "li", "dl", "tr", "td", "form", "input",
                         "iframe", "style", "script", "link", "base", "noscript", "h1", "h2", "h3", "h4", "h5",
                         "h6", "article", "section", "header", "footer", "nav", "main", "aside", "figure",
                         "blockquote", "pre", "font", "center"})
_APA_ONLINE = re.compile(r'"[^"\\]{1,80}" gefunden am \d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2} Uhr')
_MAIL_HEADER = re.compile(r"^(?:Received|From|Return-Path|Message-ID|MIME-Version|Delivered-To|"
                          r"X-[\w-]+|Date|Subject|To):", re.IGNORECASE)


def root_element(head: str) -> str:
    """Name the first element of a markup file, without its namespace prefix ('' if none)."""
    m = _XML_ROOT.search(_PROLOGUE.sub("", head))
    return m[1].split(":")[-1] if m else ""


def xml_format(head: str) -> str | None:
    """Name the news format of an XML file by its root element, or None."""
    root = root_element(head)
    if root == "nitf":
        return "nitf"
    if root == "newsitem":
        return "rcv1"
    if root == "NewsML":
        return "newsml-1"
    if root in ("newsMessage", "newsItem", "packageItem", "contentSet", "knowledgeItem", "conceptItem"):
        return "newsml-g2"
    if root in ("PPSResponse", "ppsArticleResponse", "ppsarticleResultSet", "ppsarticle") or (
            root.lower() not in _HTML_ROOTS and head.lstrip("\ufeff \t\r\n").startswith("<?xml")
            and "factiva" in head[:2000]):
        return "factiva-xml"
    if root.upper() in ("DOC", "DOCS", "DOCSTREAM", "REUTERS", "FILE", "TEXT"):
        return "sgml"
    return None


def html_export(head: str) -> str | None:
    """Name the export a saved HTML page comes from by its page structure, or None for a web page."""
    low = head.lower()
    if "factivaexception" in low or 'class="articleparagraph' in low or "factivalogo" in low:
        return "factiva-html"
    if re.search(r'name="?doc_id', low) or re.search(r"\b\d+ of \d+ DOCUMENTS\b", head):
        return "nexis-html"
    if "docpublicationname" in low or "europresse.com/docviewer" in low:
        return "europresse"
    if "docid_mstar" in low or "proquest.com/docview" in low:
        return "proquest-html"
    if 'class="eintrag"' in low and "defacto" in low:
        return "apa-html"
    return None


def rtf_format(head: str) -> str:
    """Name the export an RTF file comes from: APA OnlineManager, Factiva, or plain RTF."""
    low = head.lower()
    if "aomweb" in low or "apa-onlinemanager" in low or _APA_ONLINE.search(head):
        return "apa-rtf"
    return "factiva-rtf" if ("factiva" in low or "dow jones" in low) else "rtf"


def json_format(text: str) -> str | None:
    """Name the JSON shape of a text: ninjs, the TREC Washington Post lines, JSON Lines or JSON."""
    from newsgrep.ingest.readers.ninjs import sniff as ninjs_sniff

    first, nl, rest = text.partition("\n")
    lines_of_objects = False
    if nl and first.strip().startswith("{"):
        try:
            lines_of_objects = isinstance(json.loads(first), dict)
        except ValueError:
            lines_of_objects = False
        nxt = next((ln for ln in rest.split("\n") if ln.strip()), "")
        lines_of_objects = lines_of_objects and (not nxt or nxt.lstrip().startswith("{"))
    if lines_of_objects and '"article_url"' in first and '"contents"' in first and '"published_date"' in first:
        return "wapo"
    if ninjs_sniff(text):
        return "ninjs"
    if lines_of_objects:
        return "jsonl"
    if re.match(r"\{\s*\"|\[\s*[{\]]", text):
        return "json"
    return None


def by_content(raw: bytes) -> str | None:
    """Name the format the first bytes of a file (gunzipped) show, or None for plain text or
    anything else newsgrep reads by suffix only."""
    if raw.startswith(b"PK\x03\x04"):
        return "nexis-docx" if b"word/" in raw[:65536] else None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = raw.decode("utf-16", errors="replace")
        except UnicodeError:
            return None
    else:
        head = raw.decode("utf-8", errors="replace")
    text = head.lstrip("\ufeff \t\r\n")
    from newsgrep.ingest.readers import nexis_txt, wire

    if wire.sniff(head):
        return "wire"
    if text.startswith("{\\rtf"):
        return rtf_format(head)
    if text.startswith(("WARC/", "filedesc://")):
        return "warc"
    if text[:1] in ("{", "["):
        return json_format(text)
    if text.startswith("<"):
        root = root_element(text)
        if root.lower() in _HTML_ROOTS or re.match(r"<!DOCTYPE\s+html", text, re.IGNORECASE):
            return html_export(head) or "html"
        return xml_format(text)
    lines = text.split("\n", 12)[:12]
    if _MAIL_HEADER.match(text) and sum(bool(_MAIL_HEADER.match(ln)) for ln in lines) >= 3 \
            and "proquest" in head[:4096].lower():
        return "proquest-eml"
    if nexis_txt.sniff(head):
        return "nexis-txt"
    return None
