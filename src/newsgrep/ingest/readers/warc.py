"""Web archives (WARC, also ARC; gzip per record or whole): each HTML response with status 200 is a
page for the HTML reader. Records are read one at a time with warcio's ArchiveIterator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from newsgrep.errors import NewsgrepError, ReadError
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

MAX_PAGE = 32 << 20  # a response larger than this is not an article page


def _status(record: Any) -> str:
    headers = record.http_headers
    if headers is None:
        return ""
    code = headers.get_statuscode()
    return str(code or "").strip()


def _read_body(record: Any) -> bytes:
    """Read a response body (dechunked and decompressed by warcio), up to just over MAX_PAGE."""
    stream = record.content_stream()
    parts: list[bytes] = []
    size = 0
    while size <= MAX_PAGE:
        piece = stream.read(1 << 16)  # warcio's readers return a chunk at a time: read to the end
        if not piece:
            break
        parts.append(piece)
        size += len(piece)
    return b"".join(parts)


def read_warc(ctx: FileContext) -> Iterator[Article]:
    """Read a WARC file's HTML responses with status 200 as pages; the date is the page's own
    publication date, never the crawl date (WARC-Date)."""
    from warcio.archiveiterator import ArchiveIterator  # the web archive reader (Webrecorder)
    from warcio.exceptions import ArchiveLoadFailed

    from newsgrep.ingest.readers.html import parse_page
    n = 0
    with open(ctx.path, "rb") as raw:
        records = ArchiveIterator(raw, arc2warc=True)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
                where = f"after record {n}, byte {records.offset if hasattr(records, 'offset') else '?'}"
                ctx.skip(f"{where}: broken WARC record ({exc}); the rest of the file is not read")
                break
            if record.rec_type != "response":
                continue
            n += 1
            where = f"response {n}"  # warcio's get_record_offset() would read the record to its end
            kind = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
            if _status(record) != "200" or ("html" not in kind.lower() and kind):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            try:
                data = _read_body(record)
            except (ValueError, OSError, EOFError) as exc:
                ctx.skip(f"{where}: cannot read the response body ({exc}); skipped")
                continue
            if len(data) > MAX_PAGE:
                ctx.skip(f"{where}: a response over {MAX_PAGE >> 20} MB is not an article page; skipped")
                continue
            rid = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
            try:
                yield parse_page(data, name=f"{ctx.path} {where}", article_id=rid or f"{ctx.file_id}#{n}",
                                 path=str(ctx.path), url=url, default_source=None)
            except ReadError as exc:
                ctx.skip(f"{where}: {exc}; skipped")
            except NewsgrepError:
                raise
