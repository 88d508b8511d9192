"""A Whoosh segment writer with the two hottest steps of indexing done more directly.

Profiling a worker (benchmarks/speed.py, py-spy) shows two avoidable costs in Whoosh's own
SegmentWriter: turning text into postings goes through a Token object per word and three layers
of generators, and writing postings looks up each posting's field length in an on-disk column,
one read per posting. Here the title and body postings come straight from the analyzer's term
list (the same terms, positions, weights and encoded bytes: tests compare them with Whoosh's
``field.index``), and field lengths are read once per document into memory before postings are
written. When the postings outgrow memory, Whoosh spills sorted runs to temporary files one pickle per
posting and reads them back through ``whoosh.compat.load`` (which newsgrep routes through its
restricted unpickler); here runs are written and read in chunks with ``marshal``. The segment
written is an ordinary Whoosh segment.
"""

from __future__ import annotations

import copy
import marshal
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from whoosh import formats
from whoosh.writing import PostingPool, SegmentWriter

from newsgrep.index.analysis import NewsAnalyzer

RUN_CHUNK = 8192  # postings per marshal record in a spilled run


def fast_indexer(field: Any) -> Callable[..., list[tuple[bytes, int, float, bytes]]] | None:
    """Return a faster ``field.index`` for a positional field analysed by NewsAnalyzer, or None."""
    fmt = field.format
    analyzer = field.analyzer
    if type(fmt) is not formats.Positions or type(analyzer) is not NewsAnalyzer:
        return None
    terms_of = analyzer.terms
    encode = fmt.encode
    boost = fmt.field_boost

    def index(value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(terms_of(value)):
            got = positions.get(term)
            if got is None:
                positions[term] = [pos]
            else:
                got.append(pos)
        return [(term.encode("utf-8"), len(p), float(len(p)) * boost, encode(p))
                for term, p in positions.items()]

    return index


class _Lengths:
    """Field lengths of a segment's documents, read once into memory."""

    def __init__(self, reader: Any, fieldnames: Sequence[str], doccount: int) -> None:
        self.reader = reader
        self.table = {name: [reader.doc_field_length(d, name) for d in range(doccount)]
                      for name in fieldnames}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """Return a document's length in a field."""
        table = self.table.get(fieldname)
        if table is None:
            return self.reader.doc_field_length(docnum, fieldname, default)
        return table[docnum]


class _MarshalPool(PostingPool):  # type: ignore[misc]
    """A posting pool whose spilled runs are chunks of postings written with marshal."""

    def _write_run(self, f: Any, items: Iterable[tuple[Any, ...]]) -> None:
        chunk: list[tuple[Any, ...]] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= RUN_CHUNK:
                marshal.dump(chunk, f)
                chunk = []
        if chunk:
            marshal.dump(chunk, f)
        f.close()

    def _read_run(self, path: str) -> Iterator[tuple[Any, ...]]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class FastSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's SegmentWriter with direct postings for text fields and in-memory lengths.

    It writes a segment for another writer to commit (see parallel.py): its copy of the schema
    holds functions that cannot be saved, so it never writes a table of contents itself.
    """

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _MarshalPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        schema = copy.copy(self.schema)  # fields replaced in this writer's copy only
        schema._fields = dict(schema._fields)
        for name in schema.names():
            field = schema[name]
            index = fast_indexer(field) if field.indexed else None
            if index is not None:
                field = copy.copy(field)
                field.index = index
                schema._fields[name] = field
        self.schema = schema

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = None
        if pdr is not None:
            scorable = [n for n in self.schema.names() if self.schema[n].scorable]
            lengths = _Lengths(pdr, scorable, self.docnum)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr is not None:
            pdr.close()

    def _commit_toc(self, segments: Any) -> None:
        raise NotImplementedError("a FastSegmentWriter's segment is committed by another writer")
