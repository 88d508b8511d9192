"""Each segment's written-form vocabulary, filed at index time for fuzzy words and spelling variants.

A fuzzy word compares itself with every written form of a field, and ``--variants`` files every
written form of titles and bodies under its name keys (``text.names``); reading the terms files
record by record and filing 30,000 words took most of such a search. So when an index run ends,
``build_missing`` writes beside each Whoosh segment that has none a file of its own,
``<segment id>.vocab``, keyed by the segment (a segment is never changed, only dropped when
merged or emptied; a segment written later, or one whose file is missing or damaged, is read the
old way, with the same answers). The file, read through a memory map:

    b"NGVOCAB1", header length (uint32 LE), header (JSON: sections {name: [offset, length]},
    name buckets, a CRC-32 of the data), then the sections, each 8-byte aligned:
    w/FIELD/N   the field's written forms of N characters, sorted, one per line (UTF-8)
    n/offsets   uint32 LE offsets of the name buckets in n/lines (buckets + 1 of them)
    n/lines     "key<TAB>word word ..." lines, each key in bucket crc32(key) % buckets

A fuzzy word of N characters within D edits is looked for among the words of N-D to N+D
characters only (a word of another length is further away); a name's keys are looked up, not
computed for every word. Nothing in the file is unpickled or run.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import zlib
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsgrep.index.whoosh_compat.lexicon import field_terms, leaves, segment_place
from newsgrep.text.names import NameIndex, filing

SUFFIX = ".vocab"
MAGIC = b"NGVOCAB1"
FIELDS = ("wtitle", "wbody", "wdtitle", "source", "author")  # every field a fuzzy word searches
NAME_FIELDS = ("wtitle", "wbody")  # the words --variants files (as Binder.names does)
_HEADER = struct.Struct("<I")
_LITTLE = array("I").itemsize == 4 and struct.pack("=I", 1) == struct.pack("<I", 1)


def _decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


# --- writing -------------------------------------------------------------------------------------

def _uint32s(values: Sequence[int]) -> bytes:
    got = array("I", values)
    if not _LITTLE:
        got.byteswap()
    return got.tobytes()


def encode(words: dict[str, list[str]], names: dict[str, list[str]] | None) -> bytes:
    """Return a vocabulary file's bytes: each field's words by length, and the words filed under
    each name key (None: no name section). A field whose words hold a newline is left out, and
    the names when a word holds a space, tab or newline (those are then read the old way)."""
    sections: list[tuple[str, bytes]] = []
    for fieldname, terms in words.items():
        if any("\n" in t for t in terms):
            continue
        by_length: dict[int, list[str]] = {}
        for t in terms:
            by_length.setdefault(len(t), []).append(t)
        sections.append((f"f/{fieldname}", b""))  # the field is here (maybe with no word)
        for n, group in sorted(by_length.items()):
            sections.append((f"w/{fieldname}/{n}", "\n".join(sorted(group)).encode("utf-8")))
    buckets = 0
    if names is not None and not any(c in w for ws in names.values() for w in ws for c in " \t\n"):
        buckets = max(1, len(names) // 4)
        filed: list[list[bytes]] = [[] for _ in range(buckets)]
        for key in sorted(names):
            kb = key.encode("utf-8")
            filed[zlib.crc32(kb) % buckets].append(kb + b"\t" + " ".join(names[key]).encode("utf-8"))
        chunks: list[bytes] = []
        offsets, pos = [0], 0
        for lines in filed:
            chunk = b"\n".join(lines)
            chunks.append(chunk)
            pos += len(chunk)
            offsets.append(pos)
        sections += [("n/offsets", _uint32s(offsets)), ("n/lines", b"".join(chunks))]
    table: dict[str, list[int]] = {}
    data = bytearray()
    for name, blob in sections:
        data += b"\0" * (-len(data) % 8)
        table[name] = [len(data), len(blob)]
        data += blob
    header = json.dumps({"sections": table, "buckets": buckets, "crc": zlib.crc32(data)}).encode()
    head = MAGIC + _HEADER.pack(len(header)) + header
    return head + b"\0" * (-len(head) % 8) + bytes(data)


def _segment_vocabulary(leaf: Any, keys_of: dict[str, list[str]]) -> bytes:
    """Return the vocabulary file of one segment reader (``keys_of``: name keys already made)."""
    words = {f: field_terms(leaf, f) for f in FIELDS}
    names: dict[str, list[str]] = {}
    for word in sorted(set(words["wtitle"]).union(words["wbody"])):
        got = keys_of.get(word)
        if got is None:
            got = keys_of[word] = filing(word)
        for key in got:
            names.setdefault(key, []).append(word)
    return encode(words, names)


def write_missing(folder: Path, reader: Any, keys_of: dict[str, list[str]] | None = None) -> int:
    """Write the vocabulary file of each segment of one index folder's reader that has none, and
    remove those of segments that are gone; return how many were written (``keys_of``: the name
    keys of words, shared between folders)."""
    keys_of = {} if keys_of is None else keys_of
    written = 0
    current: set[str] = set()
    for leaf in leaves(reader):
        place = segment_place(leaf)
        if place is None:
            continue
        path = Path(place[0]) / (place[1] + SUFFIX)
        current.add(path.name)
        if path.exists():
            continue
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_bytes(_segment_vocabulary(leaf, keys_of))
            os.replace(tmp, path)
        except OSError:  # a full disk, say: this segment is read the old way
            tmp.unlink(missing_ok=True)
            continue
        written += 1
    for old in [*folder.glob(f"*{SUFFIX}"), *folder.glob(f"*{SUFFIX}.tmp")]:
        if old.name not in current:
            old.unlink(missing_ok=True)
    return written


# --- reading -------------------------------------------------------------------------------------

class Vocabulary:
    """One segment's vocabulary file, read through a memory map (decoded parts kept)."""

    def __init__(self, data: Any) -> None:
        if bytes(data[:8]) != MAGIC:
            raise ValueError("not a vocabulary file")
        (size,) = _HEADER.unpack_from(data, 8)
        header = json.loads(bytes(data[12:12 + size]))
        start = 12 + size + (-(12 + size) % 8)
        body = memoryview(data)[start:]
        if zlib.crc32(body) != header["crc"]:
            raise ValueError("a damaged vocabulary file")
        self._body = body
        self._sections: dict[str, tuple[int, int]] = {k: (int(o), int(n)) for k, (o, n) in header["sections"].items()}
        for o, n in self._sections.values():
            if not 0 <= o <= o + n <= len(body):
                raise ValueError("a damaged vocabulary file")
        self._buckets = int(header["buckets"])
        self._words: dict[tuple[str, int], list[str]] = {}
        self._names: dict[str, list[str]] = {}
        self._offsets: array[int] | None = None
        if self._buckets:
            got = array("I", self._section("n/offsets"))
            if not _LITTLE:
                got.byteswap()
            if len(got) != self._buckets + 1:
                raise ValueError("a damaged vocabulary file")
            self._offsets = got

    def _section(self, name: str) -> bytes:
        o, n = self._sections.get(name, (0, 0))
        return bytes(self._body[o:o + n])

    def has(self, fieldname: str) -> bool:
        """Tell whether the file holds a field's words."""
        return f"f/{fieldname}" in self._sections

    def words(self, fieldname: str, length: int) -> list[str]:
        """Return a field's words of ``length`` characters."""
        key = (fieldname, length)
        got = self._words.get(key)
        if got is None:
            blob = self._section(f"w/{fieldname}/{length}")
            got = self._words[key] = blob.decode("utf-8").split("\n") if blob else []
        return got

    def has_names(self) -> bool:
        """Tell whether the file holds the words filed by name key."""
        return self._offsets is not None

    def names(self, key: str) -> list[str]:
        """Return the words filed under a name key."""
        got = self._names.get(key)
        if got is not None:
            return got
        got = []
        offsets = self._offsets
        if offsets is not None:
            kb = key.encode("utf-8")
            b = zlib.crc32(kb) % self._buckets
            o, _ = self._sections["n/lines"]
            prefix = kb + b"\t"
            for line in bytes(self._body[o + offsets[b]:o + offsets[b + 1]]).split(b"\n"):
                if line.startswith(prefix):
                    got = line[len(prefix):].decode("utf-8").split(" ")
                    break
        self._names[key] = got
        return got


_OPEN: dict[str, tuple[tuple[int, int, int], Vocabulary | None]] = {}


def vocabulary(leaf: Any) -> Vocabulary | None:
    """Return a segment reader's vocabulary file, or None when it has none (or a damaged one)."""
    place = segment_place(leaf)
    if place is None:
        return None
    path = os.path.join(place[0], place[1] + SUFFIX)
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    kept = _OPEN.get(path)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    got: Vocabulary | None
    try:
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if st.st_size else b""
        got = Vocabulary(data)
    except (OSError, ValueError, KeyError, TypeError, struct.error, UnicodeDecodeError):
        got = None
    _OPEN[path] = (stamp, got)
    return got


def _all_terms(leaf: Any, fieldname: str) -> list[str]:
    return field_terms(leaf, fieldname) if hasattr(leaf, "_terms") else list(map(_decode, leaf.lexicon(fieldname)))


def fuzzy(reader: Any, fieldname: str, word: str, maxdist: int) -> set[str]:
    """Return the written forms of a field within ``maxdist`` edits of ``word`` (Levenshtein)."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extract

    lengths = range(max(0, len(word) - maxdist), len(word) + maxdist + 1)
    groups: list[list[str]] = []
    rest: set[str] = set()  # the words of segments without a vocabulary file, read the old way
    for leaf in leaves(reader):
        v = vocabulary(leaf)
        if v is not None and v.has(fieldname):
            groups += (v.words(fieldname, n) for n in lengths)
        else:
            rest.update(_all_terms(leaf, fieldname))
    if rest:
        groups.append(sorted(rest))
    found: set[str] = set()
    for choices in groups:
        if choices:
            hits = extract(word, choices, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None)
            found.update(w for w, _, _ in hits)
    return found


def name_index(reader: Any) -> NameIndex:
    """Return the written words of titles and bodies filed for spelling variants."""
    parts: list[Any] = []
    rest: set[str] = set()  # the words of segments without a vocabulary file, filed the old way
    for leaf in leaves(reader):
        v = vocabulary(leaf)
        if v is not None and v.has_names():
            parts.append(v.names)
        else:
            for f in NAME_FIELDS:
                rest.update(_all_terms(leaf, f))
    if rest:
        parts.append(NameIndex.of(sorted(rest)).filed)
    if len(parts) == 1:
        return NameIndex.over(parts[0])

    def lookup(key: str) -> list[str]:
        return [w for part in parts for w in part(key)]

    return NameIndex.over(lookup)
