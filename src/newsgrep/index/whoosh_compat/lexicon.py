"""A segment's vocabulary with each term's total count, read straight from its terms file.

Fuzzy words and spelling variants need every written form of a field (``field_terms``: Whoosh's
``lexicon`` reads the records one at a time through three generators, half a second for the
50,000 words of BBC's bodies), and the collocate and keyword counts need, for every word of a
field, its number of occurrences in the whole segment: the "total weight" Whoosh keeps in each
term's statistics (the sum of its frequencies over the segment's documents, deleted ones
included until the segment is merged).
Whoosh's own ``iter_field`` decodes a TermInfo object per term, through a MultiReader's merge;
here the terms file (an OrderedHashReader: ``[key length, value length][key][value]`` records, a
key being the field's number and the term, a value starting with the W3TermInfo struct
``!BfIBBfII``, whose float is the total weight) is read once as bytes and walked record by record.
The weight is a 32-bit float, exact for counts up to 2**24 per term and segment.
"""

from __future__ import annotations

import struct
from typing import Any

_LENGTHS = struct.Struct("!II")
_FIELD = struct.Struct("!H")
_WEIGHT = struct.Struct("!f")  # after the one-byte flags of W3TermInfo's "!BfIBBfII"


def field_weights(segment: Any, fieldname: str) -> dict[str, int]:
    """Return {term: its total count in the segment} for one field of a segment reader."""
    terms = segment._terms
    number = terms._fieldmap.get(fieldname)
    out: dict[str, int] = {}
    if number is None:
        return out
    tindex = terms._tindex
    # keys are in order, so a field's terms are one run of records, found by binary search
    first = tindex.closest_key_pos(_FIELD.pack(number))
    if first is None:
        return out
    after = tindex.closest_key_pos(_FIELD.pack(number + 1)) if number < 0xFFFF else None
    end = tindex.endofdata if after is None else after
    data = bytes(tindex.dbfile.get(first, end - first))
    unpack_lengths, unpack_weight = _LENGTHS.unpack_from, _WEIGHT.unpack_from
    pos, stop = 0, len(data)
    while pos < stop:
        keylen, datalen = unpack_lengths(data, pos)
        keypos = pos + 8
        out[data[keypos + 2:keypos + keylen].decode("utf-8")] = int(unpack_weight(data, keypos + keylen + 1)[0])
        pos = keypos + keylen + datalen
    return out


def field_terms(segment: Any, fieldname: str) -> list[str]:
    """Return every term of one field of a segment reader, in order (Whoosh's lexicon, read in
    one piece)."""
    return list(field_weights(segment, fieldname))


def segment_place(segment: Any) -> tuple[str, str] | None:
    """Return (folder, segment id) of a segment reader's files, or None when it has no folder."""
    try:
        storage = segment._storage
        storage = getattr(storage, "b", storage)  # a compound segment: its files over the folder's
        return str(storage.folder), str(segment.segment().segment_id())
    except AttributeError:
        return None


def leaves(reader: Any) -> list[Any]:
    """Return the segment readers under a reader (one index's, or every shard's together)."""
    if reader.is_atomic():
        return [reader]
    return [leaf for r, _ in reader.leaf_readers() for leaf in leaves(r)]
