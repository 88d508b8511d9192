"""Reading files into articles for the index, and articles into the fields of a Whoosh document."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from newsgrep.errors import NewsgrepError
from newsgrep.index.store.lock import ignore_interrupts
from newsgrep.ingest.dates import to_instant
from newsgrep.ingest.files import FoundFile
from newsgrep.ingest.readers import read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article, FileProblem
from newsgrep.text.dedup import sketch


@dataclass
class FileRead:
    """The outcome of reading one file."""

    found: FoundFile
    articles: list[Article] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)  # broken records, not indexed
    empty: int = 0  # records with neither title nor text: not articles
    error: str | None = None


def read_file(found: FoundFile, field_map: dict[str, str]) -> FileRead:
    """Read one file's articles; a file that cannot be read is an error, not an exception."""
    ctx = FileContext(found.path, found.file_id, found.kind, field_map,
                      boilerplate=found.boilerplate)
    out = FileRead(found)
    try:
        for article in read_articles(ctx):
            if article.title or article.body:
                out.articles.append(article)
            else:
                out.empty += 1
    except NewsgrepError as exc:
        out.error = str(exc)
    except RecursionError:
        out.error = f"{found.path}: too deeply nested to read"
    except MemoryError:
        out.error = f"{found.path}: too large to read"
    out.warnings = ctx.warnings
    out.skipped = ctx.skipped
    if not out.error and not out.articles and not out.skipped:
        out.warnings.append(FileProblem(str(found.path), "no article in it (empty)"))
    return out


def _read_task(args: tuple[FoundFile, dict[str, str]]) -> FileRead:
    return read_file(*args)


def read_all(files: Sequence[FoundFile], field_map: dict[str, str], jobs: int) -> Iterator[FileRead]:
    """Read files in order, in worker processes when there are enough to pay for them."""
    if jobs > 1 and len(files) >= 64:
        with ProcessPoolExecutor(max_workers=jobs, initializer=ignore_interrupts) as pool:
            yield from pool.map(_read_task, [(f, field_map) for f in files], chunksize=16)
    else:
        for f in files:
            yield read_file(f, field_map)


def article_doc(a: Article) -> dict[str, Any]:
    """Turn an Article into the fields of a Whoosh document."""
    doc: dict[str, Any] = {
        "id": a.id, "path": a.path, "title": a.title, "body": a.body, "date_text": a.date,
        "wtitle": a.title, "wbody": a.body,  # the same strings: analysed once for both fields
        "source": a.source or "", "source_key": (a.source or "").lower(), "url": a.url,
        "author": a.author, "lang": a.lang, "extra": a.extra or None,
        "source_name": (a.source or "").encode("utf-8"), "minhash": sketch(a.body),
    }
    instant = to_instant(a.date)
    if instant is not None:
        doc["date"] = instant
    return doc
