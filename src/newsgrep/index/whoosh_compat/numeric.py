"""Whoosh's numeric fields from the inside: the terms of a date range.

A Whoosh DATETIME field indexes each value as terms at several resolutions (a numeric trie), so a
range is the union of a few terms' postings. The terms are found here as Whoosh's NumericRange
finds them (``whoosh.util.numeric.tiered_ranges`` and the field's ``sortable_to_bytes``), without
building Whoosh query objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from whoosh.util.numeric import tiered_ranges
from whoosh.util.times import datetime_to_long, long_to_datetime


def date_range_terms(reader: Any, fieldname: str, start: datetime | None,
                     end: datetime | None) -> list[bytes]:
    """Return the terms of a DATETIME field whose postings together are the documents dated from
    ``start`` (inclusive) to ``end`` (exclusive); None is an open end."""
    field = reader.schema[fieldname]
    lo = field.prepare_number(datetime_to_long(start)) if start is not None else None
    hi = field.prepare_number(datetime_to_long(end)) if end is not None else None
    stb = field.sortable_to_bytes
    out: list[bytes] = []
    for startnum, endnum, shift in tiered_ranges(field.numtype, field.bits, field.signed, lo, hi,
                                                 field.shift_step, False, True):
        first, last = stb(startnum, shift), stb(endnum, shift)
        if first == last:
            out.append(first)
            continue
        for fname, btext in reader.terms_from(fieldname, first):
            if fname != fieldname or btext > last:
                break
            out.append(btext)
    return out


def to_datetime(raw: int) -> datetime:
    """Return the datetime a DATETIME column's raw value stands for."""
    return long_to_datetime(raw)  # type: ignore[no-any-return]
