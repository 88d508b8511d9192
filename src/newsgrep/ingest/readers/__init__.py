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


def xml_format(head: str) -> str | None:
    """Name the news format of an XML file by its root element, or None."""
    from newsgrep.ingest.readers.detect import xml_format as by_root

    return by_root(head)


# suffixes that are an export's own: the format is told within the kind (docx is Nexis Uni's, ...)
_OWN = {"docx": "nexis-docx", "sgml": "sgml", "warc": "warc", "eml": "proquest-eml"}
# kinds whose files are read as any format their content shows; others only as a format whose
# marks cannot be there by chance (a .csv is never read as JSON for starting with a brace)
_ANY_CONTENT = frozenset({"txt", "html", "xml", "json", "jsonl", "data"})


def sniff(ctx: FileContext) -> str:
    """Choose the format of a file: by what its first bytes show, then by its suffix."""
    from newsgrep.ingest.readers.detect import WEAK, by_content, rtf_format
    from newsgrep.ingest.readers.stream import head_bytes

    kind = ctx.kind
    if kind in _OWN:
        return _OWN[kind]
    raw = head_bytes(ctx.path, 65536)
    if kind == "rtf":
        return rtf_format(raw.decode("utf-8", errors="replace"))
    found = by_content(raw)
    if kind in ("json", "jsonl") and found in ("json", "jsonl", "ninjs", "wapo"):
        return {"json": "ninjs" if found == "ninjs" else "json",
                "jsonl": "wapo" if found == "wapo" else "jsonl"}[kind]
    if found is not None and (kind in _ANY_CONTENT or found not in WEAK):
        return found
    if kind == "xml":
        raise ReadError(f"{ctx.path}: XML that is not a news format newsgrep reads (NITF, NewsML, "
                        "RCV1, Factiva, <DOC> collections)")
    if kind == "data":
        return "txt"
    return kind


def kind_of_content(path: Path) -> str | None:
    """Tell whether a file whose suffix names no kind holds an export or agency format newsgrep
    reads (kind "data"), from its first bytes; None for anything else (images, PDFs, plain text)."""
    from newsgrep.ingest.readers.detect import WEAK, by_content
    from newsgrep.ingest.readers.stream import head_bytes

    try:
        head = head_bytes(path, 4096)
        if b"\x00" in head and not head.startswith(b"PK\x03\x04"):
            return None  # an image, a PDF, an archive: not worth reading further
        found = by_content(head if len(head) < 4096 else head_bytes(path, SNIFF))
    except (ReadError, OSError):
        return None
    return "data" if found is not None and found not in WEAK else None


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


# formats that make one article of a file: a file of many records read so is named on stderr
_ONE_ARTICLE = frozenset({"txt", "md", "html", "rtf"})


def read_articles(ctx: FileContext) -> Iterator[Article]:
    """Read the articles of one file; raises ReadError for a file that cannot be read at all."""
    fmt = sniff(ctx)
    articles = _reader(fmt)(ctx)
    return _watched(ctx, fmt, articles) if fmt in _ONE_ARTICLE else articles


def _watched(ctx: FileContext, fmt: str, articles: Iterator[Article]) -> Iterator[Article]:
    """Pass a one-article file's article on, warning first when it looks like many records."""
    from newsgrep.ingest.readers.many import many_records, many_records_in_markup

    for article in articles:
        found = many_records(f"{article.title}\n{article.body}")
        if found is None and fmt == "html":
            from newsgrep.ingest.readers.decode import decode_bytes

            found = many_records_in_markup(decode_bytes(ctx.raw(), str(ctx.path)))
        if found:
            ctx.warn(f"read as one {fmt} article, but it looks like many records: {found} "
                     "(an export in a format newsgrep does not read?)")
        yield article
