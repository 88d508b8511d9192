"""Readers: one module per format, each Path -> Iterator[Article], chosen by suffix and by content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

from newsgrep.errors import ReadError
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

# suffix (lower case, without .gz) -> kind
KINDS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".tst": "txt", ".anpa": "txt",  # raw agency wire text (told apart from plain text by its control bytes)
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jl": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
    ".xml": "xml", ".nitf": "xml", ".newsml": "xml",
    ".sgm": "sgml", ".sgml": "sgml",
    ".docx": "docx", ".rtf": "rtf", ".eml": "eml",
    ".warc": "warc", ".arc": "warc",
}
# LDC Gigaword files have no suffix: nyt_eng_199501.gz, afp_eng_199405.gz
_GIGAWORD_NAME = re.compile(r"^[a-z]{3}_[a-z]{3}_\d{6}(?:\.gz)?$")
SNIFF = 16384  # bytes of a file looked at to tell its format

# kind or format -> (module, function)
READERS: dict[str, tuple[str, str]] = {
    "txt": ("text", "read_text_file"), "md": ("text", "read_text_file"),
    "html": ("html", "read_html_file"),
    "json": ("records", "read_json_file"), "jsonl": ("records", "read_jsonl_file"),
    "csv": ("records", "read_csv_file"), "tsv": ("records", "read_csv_file"),
    "nexis-txt": ("nexis_txt", "read_nexis_txt"), "nexis-html": ("nexis_html", "read_nexis_html"),
    "nexis-docx": ("nexis_docx", "read_nexis_docx"),
    "factiva-html": ("factiva_html", "read_factiva_html"), "factiva-rtf": ("factiva_rtf", "read_factiva_rtf"),
    "factiva-xml": ("factiva_xml", "read_factiva_xml"),
    "europresse": ("europresse", "read_europresse"), "proquest-html": ("proquest", "read_proquest_html"),
    "proquest-eml": ("proquest", "read_proquest_eml"),
    "apa-html": ("apa", "read_apa_html"), "apa-rtf": ("apa", "read_apa_rtf"), "rtf": ("apa", "read_rtf_text"),
    "wire": ("wire", "read_wire"),
    "nitf": ("agency_xml", "read_nitf"), "rcv1": ("agency_xml", "read_rcv1"),
    "newsml-g2": ("newsml", "read_newsml_g2"), "newsml-1": ("newsml", "read_newsml_1"),
    "ninjs": ("ninjs", "read_ninjs"), "wapo": ("wapo", "read_wapo"),
    "sgml": ("sgml", "read_sgml"), "warc": ("warc", "read_warc"),
}


def kind_of(path: Path) -> str | None:
    """Tell which reader takes a file, by its suffix (case-insensitive, .gz allowed), or None."""
    name = path.name.lower()
    if _GIGAWORD_NAME.match(name):
        return "sgml"
    if name.endswith(".gz"):
        name = name[:-3]
    dot = name.rfind(".")
    return KINDS.get(name[dot:]) if dot > 0 else None


def _head(ctx: FileContext, size: int = SNIFF) -> str:
    from newsgrep.ingest.readers.stream import head_bytes

    return head_bytes(ctx.path, size).decode("utf-8", errors="replace")


_XML_ROOT = re.compile(r"<(?!\?|!)([\w:.-]+)")


def xml_format(head: str) -> str | None:
    """Name the news format of an XML file by its root element, or None."""
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", head, flags=re.DOTALL)
    m = _XML_ROOT.search(body)
    root = m[1].split(":")[-1] if m else ""
    if root == "nitf":
        return "nitf"
    if root == "newsitem":
        return "rcv1"
    if root == "NewsML":
        return "newsml-1"
    if root in ("newsMessage", "newsItem", "packageItem", "contentSet", "knowledgeItem", "conceptItem"):
        return "newsml-g2"
    if root in ("PPSResponse", "ppsArticleResponse", "ppsarticleResultSet", "ppsarticle") or "factiva" in head[:2000]:
        return "factiva-xml"
    if root.upper() in ("DOC", "DOCS", "DOCSTREAM", "REUTERS", "FILE", "TEXT"):
        return "sgml"
    return None


def sniff(ctx: FileContext) -> str:
    """Choose the format of a file from its kind and the start of its content."""
    kind = ctx.kind
    if kind in ("docx", "sgml", "warc"):
        return {"docx": "nexis-docx"}.get(kind, kind)
    if kind == "md":
        return "md"
    head = _head(ctx, 65536 if kind == "txt" else SNIFF)
    low = head.lower()
    if kind == "txt":
        from newsgrep.ingest.readers import nexis_txt, wire

        if wire.sniff(head):
            return "wire"
        return "nexis-txt" if nexis_txt.sniff(head) else "txt"
    if kind == "html":
        # structural marks of each export's saved page, never words an article could contain
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
        return "html"
    if kind == "rtf":
        if "aomweb" in low or "apa-onlinemanager" in low:
            return "apa-rtf"
        return "factiva-rtf" if ("factiva" in low or "dow jones" in low) else "rtf"
    if kind == "eml":
        return "proquest-eml"
    if kind == "xml":
        found = xml_format(head)
        if found is None:
            raise ReadError(f"{ctx.path}: XML that is not a news format newsgrep reads (NITF, NewsML, "
                            "RCV1, Factiva, <DOC> collections)")
        return found
    if kind == "json":
        from newsgrep.ingest.readers.ninjs import sniff as ninjs_sniff

        return "ninjs" if ninjs_sniff(head) else "json"
    if kind == "jsonl":
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        if '"article_url"' in first and '"contents"' in first and '"published_date"' in first:
            return "wapo"
        return "jsonl"
    return kind


def format_of(path: Path) -> str | None:
    """Name the format a file is read as ("txt", "nexis-txt", "wire", "factiva-html", ...), or None
    for a file of no known kind; e.g. for boilerplate learning, which is for plain text articles only."""
    kind = kind_of(path)
    return sniff(FileContext(path, path.name, kind)) if kind is not None else None


def _reader(fmt: str) -> Callable[[FileContext], Iterator[Article]]:
    module, name = READERS[fmt]
    reader: Callable[[FileContext], Iterator[Article]] = getattr(
        import_module(f"newsgrep.ingest.readers.{module}"), name)
    return reader


def read_articles(ctx: FileContext) -> Iterator[Article]:
    """Read the articles of one file; raises ReadError for a file that cannot be read at all."""
    return _reader(sniff(ctx))(ctx)
