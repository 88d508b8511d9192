"""Readers: one module per format, each Path -> Iterator[Article], chosen by suffix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

# suffix (lower case, without .gz) -> kind
KINDS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
}


def kind_of(path: Path) -> str | None:
    """Tell which reader takes a file, by its suffix (case-insensitive, .gz allowed), or None."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    dot = name.rfind(".")
    return KINDS.get(name[dot:]) if dot > 0 else None


def _reader(kind: str) -> Callable[[FileContext], Iterator[Article]]:
    if kind in ("txt", "md"):
        from newsgrep.ingest.readers.text import read_text_file
        return read_text_file
    if kind == "html":
        from newsgrep.ingest.readers.html import read_html_file
        return read_html_file
    from newsgrep.ingest.readers import records
    return {"json": records.read_json_file, "jsonl": records.read_jsonl_file,
            "csv": records.read_csv_file, "tsv": records.read_csv_file}[kind]


def read_articles(ctx: FileContext) -> Iterator[Article]:
    """Read the articles of one file; raises ReadError for a file that cannot be read at all."""
    return _reader(ctx.kind)(ctx)
