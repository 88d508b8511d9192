"""Reading files into articles for the index, and articles into the fields of a Whoosh document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from newsgrep.errors import NewsgrepError
from newsgrep.ingest.dates import to_instant
from newsgrep.ingest.files import FoundFile
from newsgrep.ingest.readers import read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article, FileProblem
from newsgrep.text.dedup import sketch


class FileReading:
    """One file being read: its articles one at a time (a large export is never held whole),
    and, once they have been read, what went wrong."""

    def __init__(self, found: FoundFile, field_map: dict[str, str]) -> None:
        self.found = found
        self.ctx = FileContext(found.path, found.file_id, found.kind, field_map,
                               boilerplate=found.boilerplate)
        self.empty = 0                # records with neither title nor text: not articles
        self.error: str | None = None  # why the file (or the rest of it) could not be read
        self.read = 0

    @property
    def warnings(self) -> list[FileProblem]:
        """Doubts about parts of the file; its articles are indexed."""
        return self.ctx.warnings

    @property
    def skipped(self) -> list[FileProblem]:
        """Broken records, not indexed."""
        return self.ctx.skipped

    def __iter__(self) -> Iterator[Article]:
        try:
            for article in read_articles(self.ctx):
                if article.title or article.body:
                    self.read += 1
                    yield article
                else:
                    self.empty += 1
        except NewsgrepError as exc:
            self.error = str(exc)
        except RecursionError:
            self.error = f"{self.found.path}: too deeply nested to read"
        except MemoryError:
            self.error = f"{self.found.path}: too large to read"
        if self.error and self.read:
            self.error += f" (the {self.read:,} articles before it are indexed)"
        if not self.error and not self.read and not self.skipped:
            self.ctx.warn("no article in it (empty)")


def article_doc(a: Article) -> dict[str, Any]:
    """Turn an Article into the fields of a Whoosh document."""
    doc: dict[str, Any] = {
        "id": a.id, "path": a.path, "title": a.title, "body": a.body, "date_text": a.date,
        "wbody": a.body,  # the same string: analysed once for both fields
        "source": a.source or "", "source_key": (a.source or "").lower(), "url": a.url,
        "author": a.author, "lang": a.lang, "extra": a.extra or None,
        "source_name": (a.source or "").encode("utf-8"), "minhash": sketch(a.body),
    }
    if a.title_derived:  # stored and found by title: only; a plain word counts it in the body
        doc["title"] = ""
        doc["_stored_title"] = doc["dtitle"] = doc["wdtitle"] = a.title
        doc["title_derived"] = True
    else:
        doc["wtitle"] = a.title
    instant = to_instant(a.date)
    if instant is not None:
        doc["date"] = instant
    return doc
