"""Per-document column values read safely across segments.

Whoosh's multi-segment column reader maps documents to the wrong segment (or fails) when some
segment has no column for a field, which happens whenever no document of that segment had a value
(an index of undated articles has no date column at all). This reads each segment's column itself.
"""

from __future__ import annotations

from bisect import bisect_right
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

    def __getitem__(self, docnum: int) -> Any:
        i = bisect_right(self.offsets, docnum) - 1
        offset, cr = self.parts[max(i, 0)]
        return self.default if cr is None else cr[docnum - offset]


class _TextColumn(Column):
    def __getitem__(self, docnum: int) -> Any:
        value = super().__getitem__(docnum)
        return value.decode("utf-8") if isinstance(value, bytes) else value


def ids(reader: Any) -> Column:
    """Return the article ids by document number."""
    return _TextColumn(reader, "id", b"")


def dates(reader: Any) -> Column:
    """Return raw dates (microseconds since year 1) by document number; NO_DATE when undated."""
    return Column(reader, "date", NO_DATE)


def byte_values(reader: Any, fieldname: str) -> Column:
    """Return a bytes column (sketches, source names) by document number; b"" where absent."""
    return Column(reader, fieldname, b"")
