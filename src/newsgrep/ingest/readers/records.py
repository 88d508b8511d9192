"""JSON, JSON Lines and CSV/TSV exports: one article per record."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from newsgrep.errors import ReadError
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.fields import FieldResolver
from newsgrep.models import Article

_CONTAINER_KEYS = ("articles", "data", "items", "results", "records", "documents", "docs",
                   "stories", "hits", "entries")


def _articles(records: Iterator[tuple[int, Any]], ctx: FileContext) -> Iterator[Article]:
    resolver = FieldResolver(ctx.field_map)
    for n, record in records:
        if not isinstance(record, Mapping):
            ctx.skip(f"record {n}: not an object, skipped")
            continue
        yield resolver.article(record, default_id=f"{ctx.file_id}#{n}", path=str(ctx.path),
                               default_source=ctx.default_source, ctx=ctx)


def read_json_file(ctx: FileContext) -> Iterator[Article]:
    """Read a .json file: one object, an array of objects, or an object holding such an array."""
    text = ctx.text()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"{ctx.path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if isinstance(data, Mapping):
        for key in _CONTAINER_KEYS:
            inner = data.get(key)
            if isinstance(inner, list) and inner and all(isinstance(x, Mapping) for x in inner):
                data = inner
                break
    if isinstance(data, Mapping):
        resolver = FieldResolver(ctx.field_map)
        yield resolver.article(data, default_id=ctx.file_id, path=str(ctx.path),
                               default_source=ctx.default_source, ctx=ctx)
    elif isinstance(data, list):
        yield from _articles(enumerate(data, 1), ctx)
    else:
        raise ReadError(f"{ctx.path}: JSON holds neither an object nor an array of objects")


def _jsonl_records(text: str, ctx: FileContext) -> Iterator[tuple[int, Any]]:
    n = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        n += 1
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            ctx.skip(f"line {lineno}: not valid JSON ({exc.msg}), record skipped")


def read_jsonl_file(ctx: FileContext) -> Iterator[Article]:
    """Read a .jsonl/.ndjson file, one object a line; broken lines are reported and skipped."""
    yield from _articles(_jsonl_records(ctx.text(), ctx), ctx)


def _csv_records(text: str, ctx: FileContext, delimiter: str) -> Iterator[tuple[int, Any]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise ReadError(f"{ctx.path}: broken CSV header ({exc})") from exc
    header = [h.strip() for h in header]
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            ctx.skip(f"line {reader.line_num}: broken CSV ({exc}), rest of file skipped")
            return
        if not any(cell.strip() for cell in row):
            continue
        n += 1
        if len(row) != len(header):
            ctx.skip(f"record {n} (line {reader.line_num}): {len(row)} fields where the header has "
                     f"{len(header)}, record skipped")
            continue
        yield n, dict(zip(header, row))


def read_csv_file(ctx: FileContext) -> Iterator[Article]:
    """Read a .csv or .tsv file with a header row, one article per row."""
    delimiter = "\t" if ctx.kind == "tsv" else ","
    yield from _articles(_csv_records(ctx.text(), ctx, delimiter), ctx)
