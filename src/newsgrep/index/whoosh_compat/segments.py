"""A Whoosh segment writer with the hottest steps of indexing done more directly (a subclass of
Whoosh's SegmentWriter that overrides its private steps: it lives in the one door).

Profiling a worker (benchmarks/speed.py, py-spy) shows where Whoosh's own SegmentWriter spends
its time: turning text into postings goes through a Token object per word and three layers of
generators; every posting becomes a tuple in a pool that sorts them all (spilling sorted runs to
disk, one pickle per posting, merged back through the restricted unpickler); and writing calls
``add_posting`` once per posting, which looks up the document's field length in an on-disk
column each time. Here the title and body postings come straight from the analyzer's term list
(the same terms, positions, weights and encoded bytes: tests compare them with Whoosh's
``field.index``); postings are gathered per term in document order, so only the terms are
sorted, and spilled runs are ``marshal`` chunks merged by term; field lengths are read once into
memory; and each term's postings are written a block at a time, pickled with protocol 5 (see
``_write_terms``). The segment written is an ordinary Whoosh segment: the same blocks, block
statistics, term statistics and postings as Whoosh would write (tests compare them).
"""

from __future__ import annotations

import copy
import heapq
import marshal
import operator
import pickle
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import ModuleType
from typing import IO, Any

from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter, crc_hash
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from newsgrep.text.core import compiled

SINGLE_CACHED = 4096  # positions whose one-position value is kept encoded
COMPRESS_MIN = 64     # bytes of a block's pickled data below which it is stored uncompressed
_TERMINFO = W3TermInfo._struct  # a term's statistics, before its postings' place in the file
RUN_CHUNK = 3 * 8192  # list items (three per posting) per marshal record in a spilled run


def fast_indexer(field: Any,
                 core: ModuleType | None = None) -> Callable[..., list[tuple[bytes, int, float, bytes]]] | None:
    """Return a faster ``field.index`` for a field whose analyzer lists a text's terms itself
    (newsgrep's NewsAnalyzer: ``positions(text)`` for a positional field, ``forms(text)`` for
    one that records only whether a term occurs), or None to use Whoosh's own. With the compiled
    core (newsgrep.text.core), a positional field's postings are made by it: the same list."""
    fmt = field.format
    analyzer = field.analyzer
    boost = fmt.field_boost
    if type(fmt) is formats.Existence and callable(getattr(analyzer, "forms", None)):
        forms_of = analyzer.forms

        def exists(value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
            if not isinstance(value, str):
                raise ValueError(f"{value!r} is not a string")
            return [(term.encode("utf-8"), 1, boost, b"") for term in forms_of(value)]

        return exists
    positions_of = getattr(analyzer, "positions", None)
    if type(fmt) is not formats.Positions or not callable(positions_of):
        return None
    single: dict[int, bytes] = {}  # the value of a term found once, by its position
    compiled_of = getattr(analyzer, "compiled_positions", None)
    if core is not None and callable(compiled_of):
        postings, compiled_positions = core.postings, compiled_of(core)

        def index_compiled(value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
            if not isinstance(value, str):
                raise ValueError(f"{value!r} is not a string")
            return postings(compiled_positions(value), single, boost)  # type: ignore[no-any-return]

        return index_compiled

    def index(value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        out = []
        for term, p in positions_of(value).items():
            if len(p) == 1 and p[0] < SINGLE_CACHED:
                v = single.get(p[0])
                if v is None:
                    v = single[p[0]] = _encode_positions(p)
            else:
                v = _encode_positions(p)
            out.append((term.encode("utf-8"), len(p), float(len(p)) * boost, v))
        return out

    return index


def _encode_positions(positions: list[int]) -> bytes:
    """Encode positions as ``formats.Positions.encode`` does (a count, then pickled deltas),
    with the deltas taken in C."""
    head: bytes = pack_uint(len(positions))
    return head + pickle.dumps(list(map(operator.sub, positions, [0, *positions[:-1]])), 2)


Lengths = dict[str, bytes]  # field name -> each document's length in the field, as a byte


def _read_lengths(reader: Any, fieldnames: Sequence[str], doccount: int) -> Lengths:
    """Read the field lengths of a segment's documents once into memory, each as the byte
    Whoosh stores in block and term statistics (``length_to_byte``: 0 for 0 only, and never
    decreasing, so the byte of the shortest length is the smallest byte)."""
    return {name: bytes(length_to_byte(reader.doc_field_length(d, name)) for d in range(doccount))
            for name in fieldnames}


class _TermPool:
    """Postings gathered per field and term, in document order, spilled to disk in sorted runs.

    Whoosh's PostingPool keeps one tuple per posting and sorts them all (on disk when they
    outgrow memory) into (field, term, document) order before writing. A worker adds documents
    in increasing order, so each term's postings are already in document order: here they are
    appended to the term's flat list [docnum, weight, value, docnum, ...], only the terms are
    sorted, and runs spilled to disk are merged by term (a term's lists join in run order).
    """

    def __init__(self, folder: str, limit: int, core: ModuleType | None = None) -> None:
        self.folder = folder
        self.add = core.pool_add if core is not None else add_postings  # the compiled core's, or its twin
        self.size = 0  # estimated bytes held
        self.fields: dict[str, dict[bytes, list[Any]]] = {}
        self.runs: list[IO[bytes]] = []
        self.budget = _Budget(limit, [self])  # its own, or one shared with other pools

    @property
    def limit(self) -> int:
        """Estimated bytes held (by this pool and those it shares its budget with) before a spill."""
        return self.budget.limit

    @limit.setter
    def limit(self, value: int) -> None:
        self.budget.limit = value

    def add_field(self, fieldname: str, docnum: int, items: Iterable[tuple[bytes, int, float, Any]],
                  boost: float, scorable: bool) -> int:
        """Add one field's postings of a document; return the field's length (its term count)."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        length, size = self.add(terms, docnum, items, boost, scorable)
        self.size += size
        budget = self.budget
        budget.held += size
        if budget.held > budget.limit:
            max(budget.pools, key=_SIZE).spill()
        return length

    def _sorted(self) -> Iterator[tuple[str, bytes, int, list[Any]]]:
        """The postings held, sorted by field and term, each entry tagged with the number of
        the run it is (or would be) in."""
        number = len(self.runs)
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                yield fieldname, tbytes, number, terms[tbytes]

    def spill(self) -> None:
        """Write the postings held to a run on disk, sorted by field and term."""
        run = tempfile.TemporaryFile(dir=self.folder, prefix="newsgrep-run-")
        chunk: list[tuple[str, bytes, int, list[Any]]] = []
        held = 0
        for entry in self._sorted():
            chunk.append(entry)
            held += len(entry[3])
            if held >= RUN_CHUNK:
                _dump_chunk(chunk, run)
                chunk, held = [], 0
        if chunk:
            _dump_chunk(chunk, run)
        run.seek(0)
        self.runs.append(run)
        self._release()

    def _release(self) -> None:
        """Let go of the postings held (spilled, or written out): a pool is in a reference cycle
        with its budget, so what it holds would otherwise wait for the cyclic garbage collector
        (a worker's memory after a task held its last pools, 600 MB instead of 350)."""
        self.budget.held -= self.size
        self.fields = {}
        self.size = 0

    @staticmethod
    def _read_run(run: IO[bytes]) -> Iterator[tuple[str, bytes, int, list[Any]]]:
        while head := run.read(8):
            yield from marshal.loads(run.read(int.from_bytes(head, "little")))

    def terms(self) -> Iterator[tuple[str, bytes, list[Any]]]:
        """Yield (fieldname, term, flat postings) in field and term order.

        Runs on disk are merged with the postings still held (the last run, not written out):
        entries compare as (field, term, run number), so a term's lists join in run order and
        documents stay in order, without a key function called per entry.
        """
        if not self.runs:
            for fieldname, tbytes, _, postings in self._sorted():
                yield fieldname, tbytes, postings
            self._release()
            return
        merged = heapq.merge(*(self._read_run(run) for run in self.runs), self._sorted())
        lastfield = lasterm = None
        last: list[Any] = []
        for fieldname, tbytes, _, postings in merged:
            if tbytes == lasterm and fieldname == lastfield:
                last.extend(postings)
                continue
            if lasterm is not None:
                yield lastfield, lasterm, last  # type: ignore[misc]
            lastfield, lasterm, last = fieldname, tbytes, postings
        if lasterm is not None:
            yield lastfield, lasterm, last  # type: ignore[misc]
        self._release()

    def cleanup(self) -> None:
        """Close (and so delete) the runs."""
        for run in self.runs:
            run.close()
        self.runs = []


def add_postings(terms: dict[bytes, list[Any]], docnum: int, items: Iterable[tuple[bytes, int, float, Any]],
                 boost: float, scorable: bool) -> tuple[int, int]:
    """Append a field's postings of a document to each term's flat list [docnum, weight, value,
    ...]; return the field's length and an estimate of the bytes added."""
    length = 0
    size = 0
    for tbytes, freq, weight, vbytes in items:
        if scorable:
            length += freq
        postings = terms.get(tbytes)
        if postings is None:
            terms[tbytes] = [docnum, weight * boost, vbytes]
            size += 160 + len(tbytes)
        else:
            postings += (docnum, weight * boost, vbytes)
        size += 72 + (len(vbytes) if vbytes else 0)
    return length, size


class _Budget:
    """The memory that term pools hold together (one pool's own, or those of one process's writers,
    one per shard): beyond ``limit`` estimated bytes, the largest pool spills a run. A worker's
    memory then stays the same whatever the number of shards it writes into."""

    def __init__(self, limit: int, pools: list[_TermPool]) -> None:
        self.limit = limit
        self.pools = pools
        self.held = sum(p.size for p in pools)


_SIZE = operator.attrgetter("size")


def share_pool_limit(writers: Sequence[Any], limitmb: int) -> None:
    """Have FastSegmentWriters' term pools spill by the estimated memory they hold together."""
    budget = _Budget(limitmb << 20, [w.pool for w in writers])
    for pool in budget.pools:
        pool.budget = budget


def _dump_chunk(chunk: list[tuple[str, bytes, int, list[Any]]], run: IO[bytes]) -> None:
    """Write a chunk of a run as its length and its marshal bytes.

    ``marshal.load`` on a file reads it one object at a time, a method call per posting item;
    reading the whole chunk and ``marshal.loads`` it is 15 times faster.
    """
    data = marshal.dumps(chunk)
    run.write(len(data).to_bytes(8, "little"))
    run.write(data)


def write_postings(fieldwriter: Any, schema: Any, lengths: Lengths | None,
                   terms: Iterable[tuple[str, bytes, list[Any]]], core: ModuleType | None = None) -> None:
    """Write each term's postings through Whoosh's W3 writers, a whole block at a time.

    The blocks, their statistics and the term infos are those Whoosh's ``add_postings`` writes
    posting by posting (``W3PostingsWriter.add_posting``): 128 postings per block, the last one
    written by ``finish_term``, values kept only when not empty, the block's largest weight
    (from 0) and its smallest and largest non-zero field length.
    """
    postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
    termfile = tindex.dbfile
    _hash_with_crc32(tindex)
    tracked = _Tracked(postfile), _Tracked(termfile)
    fieldwriter._postfile, tindex.dbfile = tracked
    try:
        _write_terms(fieldwriter, schema, lengths, terms, core)
    finally:
        fieldwriter._postfile, tindex.dbfile = postfile, termfile
        for t in tracked:
            t.flush()


CRC32 = 1  # the hash type of Whoosh's hash files that is CRC-32 (filetables._hash_functions)


def _hash_with_crc32(tindex: Any) -> None:
    """Have a terms file not yet written to hash its keys with CRC-32 instead of MD5.

    Whoosh's hash files say in their header which of its hash functions places the keys in
    their tables (0 MD5, 1 CRC-32), and its reader hashes a term looked up with the one the
    file names. Its writer always chooses MD5: hashing a key took 9% of finishing a segment,
    and CRC-32 (in C, in zlib) takes a tenth of that. The header's byte is rewritten before
    any key is added."""
    if type(tindex) is not OrderedHashWriter or tindex.hashtype == CRC32 or tindex.index:
        return
    f = tindex.dbfile
    here = f.tell()
    f.seek(tindex.startoffset + 4)  # after the magic bytes
    f.write_byte(CRC32)
    f.seek(here)
    tindex.hashtype, tindex.hashfn = CRC32, crc_hash


def _compress(data: bytes, level: int) -> bytes:
    """Compress a block as ``zlib.compress(data, level)`` does, with a window and a hash table
    sized to the block: the same compressed size to 0.01% (BBC blocks), five times faster.

    zlib.compress sets up a 32 kB window and a 64k-entry hash table whatever the data's size,
    and most blocks are under 2 kB: that set-up took 70% of the time of compressing them. The
    window's size is in the stream's header, and any zlib reader takes a smaller one."""
    wbits = max(9, min(15, (len(data) - 1).bit_length()))
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, min(9, wbits - 5))
    return c.compress(data) + c.flush()


class _Tracked:
    """The postings file, or the terms file, with its position counted here and its writes
    gathered: Whoosh asks for the position twice per term, and writes five times per term, and
    a buffered file answers each with a call through StructFile and a system call for the
    position. Only the calls Whoosh makes while postings are written are offered (any other is
    an AttributeError, never a position gone wrong); ``flush`` writes what is gathered."""

    LIMIT = 1 << 20  # bytes gathered before they are written

    def __init__(self, f: Any) -> None:
        self._f = f
        self._pos = f.tell()
        self._parts: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        self._parts.append(data)
        self._pos += len(data)
        self._size += len(data)
        if self._size >= self.LIMIT:
            self.flush()

    def write_int(self, n: int) -> None:
        self.write(pack_int(n))

    def tell(self) -> int:
        return int(self._pos)

    def flush(self) -> None:
        if self._parts:
            self._f.write(b"".join(self._parts))
            self._parts, self._size = [], 0


def _write_terms(fieldwriter: Any, schema: Any, lengths: Lengths | None,
                 terms: Iterable[tuple[str, bytes, list[Any]]], core: ModuleType | None) -> None:
    """Write each term's blocks and its term info: what W3FieldWriter's ``start_term``, the
    posting writer's ``_write_block`` and ``finish_postings``, W3TermInfo's ``add_block`` and
    ``to_bytes`` and ``finish_term`` do, computed here once per term.

    Most terms of a segment have one block (a shard's rare words): going through Whoosh's objects
    made some 40 calls and seven writes per term, half of the time of finishing a segment. A
    term's blocks go to the postings file in one write. The blocks' data are pickled with
    protocol 5 instead of 2: protocol 2 has no bytes type, so it pickles each posting's encoded
    positions as a call to _codecs.encode on a latin-1 string, which makes pickling a block 8
    times slower, the block 40% bigger (and slower to compress), and unpickling it at search
    time 5 times slower; Whoosh's reader unpickles whatever protocol it finds. Blocks under
    COMPRESS_MIN bytes are stored as they are, with 0 for their compression, as Whoosh's own
    writer means to do ("if the pickle is less than 20 bytes, don't bother compressing", a rule
    its code then overwrites): zlib made such blocks larger (by 2-18%, BBC articles over 4
    shards) and took 60% of the time spent compressing, four blocks in five being that small.
    """
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    add_term = _term_adder(tindex)
    blocks = core.term_blocks if core is not None else term_blocks  # the compiled core's, or its twin
    lastfield = None
    table: bytes | None = None
    prefix = b""
    fixed: int | None = None
    limit = comp_level = 0
    for fieldname, tbytes, flat in terms:
        if fieldname != lastfield:
            if lastfield is not None:
                fieldwriter.finish_field()
            field = schema[fieldname]
            fieldwriter.start_field(fieldname, field)
            lastfield = fieldname
            table = lengths.get(fieldname) if lengths is not None else None
            pw = fieldwriter._postwriter
            if pw._inlinelimit > 1 or pw._byteids:
                raise ValueError("postings inlined in term infos, or byte ids, are not written here")
            limit, comp_level = pw._blocklimit, pw._compression
            fixed = field.format.fixed_value_size()
            prefix = pack_ushort(fieldwriter._fieldid)
        offset = postfile.tell()
        block, total, minlength, maxlength, maxweight = blocks(flat, table, limit, fixed, comp_level,
                                                               COMPRESS_MIN, _compress)
        postfile.write(block)
        termbytes = _TERMINFO.pack(False, total, len(flat) // 3, minlength, maxlength, maxweight,
                                   flat[0], flat[-3])
        add_term(prefix + tbytes, termbytes + pack_long(offset) + pack_int(len(block)))
    if lastfield is not None:
        fieldwriter.finish_field()


def term_blocks(flat: list[Any], table: bytes | None, limit: int, fixed: int | None, comp_level: int,
                compress_min: int, compress: Callable[[bytes, int], bytes]) -> tuple[bytes, float, int, int, float]:
    """Return a term's postings (its flat list [docnum, weight, value, ...]) as the bytes Whoosh
    writes to the postings file (its blocks of ``limit`` postings after the file's magic bytes),
    with the term's total weight, the smallest non-zero and the largest length byte of its
    documents (``table``: each document's length byte, or None) and its largest weight."""
    dumps, sub = pickle.dumps, operator.sub
    docs, weights, values = flat[0::3], flat[1::3], flat[2::3]
    count = len(docs)
    parts = [WHOOSH3_HEADER_MAGIC]
    total = 0.0
    minlength: int | None = None
    maxlength = 0
    maxweight: float = 0
    for start in range(0, count, limit):
        ids = docs[start:start + limit]
        ws = weights[start:start + limit]
        stored = array("f", ws)  # what the block keeps, and what the term's total adds up
        total += sum(stored)
        top = max(ws)
        bmax = top if top > 0 else 0
        if maxweight < bmax:
            maxweight = bmax
        if table is not None:  # bytes of lengths: the byte of the shortest is the smallest
            lens = [n for n in map(table.__getitem__, ids) if n]
            bmin = min(lens) if lens else 0
            blen = max(lens) if lens else 0
        else:
            bmin = blen = 0
        if bmin and (minlength is None or bmin < minlength):
            minlength = bmin
        if maxlength < blen:
            maxlength = blen
        first = stored[0]
        if stored.count(first) == len(stored):
            mini_weights = None if first == 1.0 else first
        else:
            mini_weights = tuple(stored)
        kept = [v for v in values[start:start + limit] if v]
        mini_values = tuple(kept) if fixed is None or fixed < 0 else None if fixed == 0 else b"".join(kept)
        data = dumps((tuple(map(sub, ids, [0, *ids[:-1]])), mini_weights, mini_values), 5)
        comp = comp_level
        if comp and len(data) >= compress_min:
            data = compress(data, comp)
        else:
            comp = 0  # the block says so: Whoosh's reader decompresses a block only when it does
        info = dumps((len(ids), ids[-1], bmax, comp, bmin, blen), 2)
        size = len(info) + len(data)
        parts += (pack_int(-size if start + limit >= count else size), info, data)
    return b"".join(parts), total, minlength or 0, maxlength, maxweight


def _term_adder(tindex: Any) -> Callable[[bytes, bytes], None]:
    """The terms file's ``add``: OrderedHashWriter.add (the keys' order checked, the key's place
    kept for the ordered index and in its hash bucket) with its three writes made one."""
    if type(tindex) is not OrderedHashWriter:
        return tindex.add  # type: ignore[no-any-return]
    dbfile, buckets, places = tindex.dbfile, tindex.buckets, tindex.index
    hashfn = zlib.crc32 if tindex.hashtype == CRC32 else tindex.hashfn  # crc_hash, without its mask
    pack = _LENGTHS.pack

    def add(key: bytes, value: bytes) -> None:
        if key <= tindex.lastkey:
            raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{key!r}")
        pos = dbfile.tell()
        places.append(pos)
        dbfile.write(pack(len(key), len(value)) + key + value)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        tindex.lastkey = key

    return add


class FastSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's SegmentWriter with direct postings for text fields, gathered per term.

    It writes a segment for another writer to commit (see parallel.py): its copy of the schema
    holds functions that cannot be saved, so it never writes a table of contents itself.
    """

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool.cleanup()
        self.core = core = compiled()
        self.pool: _TermPool = _TermPool(getattr(self.storage, "folder", None) or tempfile.gettempdir(),
                                         limitmb << 20, core)
        schema = copy.copy(self.schema)  # fields replaced in this writer's copy only
        schema._fields = dict(schema._fields)
        for name in schema.names():
            field = schema[name]
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: vectors and spelling are not written here")
            index = fast_indexer(field, core) if field.indexed else None
            if index is not None:
                field = copy.copy(field)
                field.index = index
                schema._fields[name] = field
        self.schema: Any = schema

    def add_document(self, **fields: Any) -> None:
        """Add a document: Whoosh's SegmentWriter.add_document, with postings to the term pool."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    length = self.pool.add_field(fieldname, docnum, field.index(value), boost,
                                                 field.scorable)
                custom = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, custom if field.stored else None, length)
                column = field.column_type
                if column and custom is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(custom))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = None
        if pdr is not None:
            scorable = [n for n in self.schema.names() if self.schema[n].scorable]
            lengths = _read_lengths(pdr, scorable, self.docnum)
        write_postings(self.fieldwriter, self.schema, lengths, self.pool.terms(), self.core)
        self.fieldwriter.close()
        if pdr is not None:
            pdr.close()

    def _commit_toc(self, segments: Any) -> None:
        raise NotImplementedError("a FastSegmentWriter's segment is committed by another writer")


def open_segment_writer(ix: Any, limitmb: int) -> FastSegmentWriter:
    """Open a writer of one new segment without taking the index's write lock: the process
    that holds the lock commits the segment (Whoosh's MpWriter works the same way)."""
    return FastSegmentWriter(ix, _lk=False, limitmb=limitmb)


def next_docnum(writer: Any) -> int:
    """Return the document number the writer gives the next document of its segment."""
    return int(writer.docnum)


def finish_segment(writer: Any) -> Any:
    """Write out a worker's segment and return it (None when nothing was added)."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_segments(writer: Any, segments: Sequence[Any]) -> None:
    """Commit a locked writer's deletions (and anything it added) together with segments written
    by other processes, in one table of contents; the writer is finished afterwards."""
    final = writer._merge_segments(None, None, None)
    final.extend(segments)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


def discard_segment(storage: Any, segment: Any) -> None:
    """Delete the files of a segment that was written but will not be committed."""
    prefix = segment.segment_id()
    for name in list(storage.list()):
        if name == prefix or name.startswith(prefix + "."):
            storage.delete_file(name)


def cancel_segment(writer: Any) -> None:
    """Give up a segment being written: its pool's runs are closed, and the files it has written
    in the index folder are removed by the index's next commit (Whoosh's clean-up)."""
    if not writer.is_closed:
        writer.cancel()
