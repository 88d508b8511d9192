"""Per-document column values read safely across segments.

Whoosh's multi-segment column reader maps documents to the wrong segment (or fails) when some
segment has no column for a field, which happens whenever no document of that segment had a value
(an index of undated articles has no date column at all). This reads each segment's column itself.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import repeat
from typing import Any

UNDATED = 2**63  # raw date values at or above this are "no date" (Whoosh stores 2**64 - 1)
NO_DATE = 2**64 - 1


class Column:
    """Values of one column for any document number of a reader, with a default where absent."""

    def __init__(self, reader: Any, fieldname: str, default: Any) -> None:
        self.default = default
        self.parts: list[tuple[int, Any]] = []
        leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        for leaf, offset in leaves:
            cr = leaf.column_reader(fieldname, translate=False) if leaf.has_column(fieldname) else None
            self.parts.append((offset, cr))
        self.offsets = [offset for offset, _ in self.parts]
        self._raw: dict[int, tuple[bytes, list[int], list[int]] | None] = {}

    def __getitem__(self, docnum: int) -> Any:
        i = bisect_right(self.offsets, docnum) - 1
        offset, cr = self.parts[max(i, 0)]
        return self.default if cr is None else cr[docnum - offset]

    def many(self, docnums: Sequence[int]) -> list[Any]:
        """Return the values of many documents, in their order (a segment's at a time)."""
        if len(self.parts) == 1:
            return self._part(0, docnums)
        if all(map(int.__lt__, docnums, docnums[1:])):  # ascending: each segment's are a slice
            cuts = [bisect_right(docnums, o - 1) for o in self.offsets[1:]]
            return [v for k, (a, b) in enumerate(zip([0, *cuts], [*cuts, len(docnums)]))
                    for v in self._part(k, docnums[a:b])]
        where = [max(0, i - 1) for i in map(bisect_right, repeat(self.offsets), docnums)]
        out: list[Any] = [None] * len(docnums)
        for k in set(where):
            at = [j for j, w in enumerate(where) if w == k]
            for j, value in zip(at, self._part(k, [docnums[j] for j in at])):
                out[j] = value
        return out

    def _part(self, k: int, docnums: Sequence[int]) -> list[Any]:
        offset, cr = self.parts[k]
        if cr is None:
            return [self.default] * len(docnums)
        local = [d - offset for d in docnums] if offset else docnums
        raw = self._raw.get(k) if k in self._raw else self._raw.setdefault(k, _var_bytes(cr))
        if raw is None:
            return list(map(cr.__getitem__, local))
        data, starts, ends = raw
        return [data[starts[d]:ends[d]] for d in local]


def _var_bytes(cr: Any) -> tuple[bytes, list[int], list[int]] | None:
    """Return a variable-length bytes column's data with each value's start and end (read once),
    or None for another kind of column."""
    try:
        offsets, lengths, dbfile, base = cr._offsets, cr._lengths, cr._dbfile, cr._basepos
    except AttributeError:
        return None
    starts = list(offsets)
    ends = [o + n for o, n in zip(starts, lengths)]
    if len(starts) != len(ends):
        return None
    return bytes(dbfile.get(base, max(ends, default=0))), starts, ends


class _TextColumn(Column):
    def __getitem__(self, docnum: int) -> Any:
        value = super().__getitem__(docnum)
        return value.decode("utf-8") if isinstance(value, bytes) else value

    def many(self, docnums: Sequence[int]) -> list[Any]:
        """Return the texts of many documents, in their order."""
        return [v.decode("utf-8") if isinstance(v, bytes) else v for v in super().many(docnums)]


def ids(reader: Any) -> Column:
    """Return the article ids by document number."""
    return _TextColumn(reader, "id", b"")


def dates(reader: Any) -> Column:
    """Return raw dates (microseconds since year 1) by document number; NO_DATE when undated."""
    return Column(reader, "date", NO_DATE)


def byte_values(reader: Any, fieldname: str) -> Column:
    """Return a bytes column (sketches, source names) by document number; b"" where absent."""
    return Column(reader, fieldname, b"")
