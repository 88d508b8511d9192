"""The compiled core (newsgrep._core) against its pure-Python twins: the same tokens, positions,
encoded postings, pool entries and sketches on real texts and generated strings, and the same
segment bytes when real files are indexed one way and the other (NEWSGREP_PURE_PYTHON=1)."""

from __future__ import annotations

import os
import pickle
import re
import struct
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, need_corpus
from newsgrep.text.analysis import TOKEN_PATTERNS, TOKEN_RULES, Analyzer
from newsgrep.text.core import available

pytestmark = pytest.mark.corpus


def need_core() -> ModuleType:
    """Return the compiled core; skip (or, in CI, fail) when it is not built."""
    if not available():
        message = "newsgrep._core is not built (no C compiler at install?): nothing to compare"
        if os.environ.get("NEWSGREP_REQUIRE_CORPORA") == "1" or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    import newsgrep._core as core

    return core


@pytest.fixture(scope="module")
def core() -> ModuleType:
    return need_core()


def _articles(folder: Path, names: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    from newsgrep.index.write.reading import FileReading
    from newsgrep.ingest.files import walk

    files = [f for f in walk(folder).files if not names or f.path.name in names]
    return [(a.title, a.body) for f in files for a in FileReading(f, {})]


@cache
def real_texts() -> list[str]:
    """Titles and bodies of BBC, three Reuters SGML files, the Wikinews CSV and the sample corpus."""
    texts: list[str] = []
    reuters = ("reut2-000.sgm.gz", "reut2-001.sgm.gz", "reut2-002.sgm.gz")
    for title, body in [*_articles(need_corpus("bbc")), *_articles(need_corpus("reuters21578"), reuters),
                        *_articles(need_corpus("permissive", "wikinews")), *_articles(SAMPLE)]:
        texts += [title, body]
    return texts


def test_the_real_texts_include_non_ascii_ones() -> None:
    texts = real_texts()
    assert len(texts) > 2 * 5000
    assert sum(not t.isascii() for t in texts) > 100


# what the tokenizer must get right: accents, apostrophes of several kinds, numbers with
# separators, "&" words, digits of other scripts, hyphens, marks that combine, word characters
# that are not letters
TRICKY = "aéÉß1234567890٣٤੫௮,.'’ʼʾʿ`´&-_ \u0301\u00b2\u2153\u2167ǅ\u0e50\u00aa\u02bc\n\t"
tricky_text = st.text(alphabet=st.one_of(st.sampled_from(TRICKY), st.characters()), max_size=80)


@pytest.mark.parametrize("rule", sorted(TOKEN_RULES))
def test_tokens_are_the_patterns_on_real_texts(core: ModuleType, rule: str) -> None:
    pattern = re.compile(TOKEN_PATTERNS[rule])
    numbers, joiners = TOKEN_RULES[rule]
    for text in real_texts():
        assert core.tokens(text, numbers, joiners) == pattern.findall(text)


@pytest.mark.parametrize("rule", sorted(TOKEN_RULES))
def test_tokens_are_the_patterns_on_every_character(core: ModuleType, rule: str) -> None:
    """Every code point alone, after a letter and a joiner, and after a number and a separator:
    word and decimal characters are Python's re's everywhere in Unicode."""
    pattern = re.compile(TOKEN_PATTERNS[rule])
    numbers, joiners = TOKEN_RULES[rule]
    chars = [chr(c) for c in range(0x110000)]
    for text in (" ".join(chars), " ".join("a'" + c for c in chars), " ".join("1,5" + c for c in chars),
                 " ".join("1." + c for c in chars), " ".join(c + "&b" for c in chars)):
        assert core.tokens(text, numbers, joiners) == pattern.findall(text)


@settings(max_examples=600, deadline=None)
@given(text=tricky_text)
def test_tokens_are_the_patterns_on_generated_strings(text: str) -> None:
    core = need_core()
    for rule, (numbers, joiners) in TOKEN_RULES.items():
        assert core.tokens(text, numbers, joiners) == re.findall(TOKEN_PATTERNS[rule], text)


def _python_positions(a: Analyzer, text: str, written: bool) -> dict[str, list[int]]:
    return a.written_positions(text) if written else a.positions(text)


@pytest.mark.parametrize("written", [False, True])
def test_positions_are_the_analyzers_on_real_texts(core: ModuleType, written: bool) -> None:
    a = Analyzer()
    compiled = a.compiled_positions(core, written)
    for text in real_texts():
        expected = _python_positions(a, text, written)
        got = compiled(text)
        assert got == expected
        assert list(got) == list(expected)  # in the same order


@settings(max_examples=300, deadline=None)
@given(text=tricky_text)
def test_positions_are_the_analyzers_on_generated_strings(text: str) -> None:
    core = need_core()
    a = Analyzer()
    for written in (False, True):
        assert a.compiled_positions(core, written)(text) == _python_positions(a, text, written)


def _reference_encoding(positions: list[int]) -> bytes:
    """Whoosh's Positions.encode, by its own definition: a big-endian count, pickled deltas."""
    deltas = [p - q for p, q in zip(positions, [0, *positions[:-1]])]
    return struct.pack("!I", len(positions)) + pickle.dumps(deltas, 2)


def test_encoded_positions_are_whooshs(core: ModuleType) -> None:
    from whoosh.formats import Positions

    from newsgrep.index.whoosh_compat.segments import _encode_positions

    fmt = Positions()
    cases = [[], [0], [7], [255], [256], [65535], [65536], [0, 1, 2], list(range(0, 3000, 3)),
             list(range(1000)), list(range(1001)), list(range(2001)), [5, 2**31 - 1 + 5], [0, 2**31],
             [3, 2**40, 2**40 + 1], [-5, 3], [10, 4], [2**63 - 1], [-(2**63), 2**63 - 1], [2**70, 1]]
    for p in cases:
        assert core.encode_positions(p) == _reference_encoding(p) == _encode_positions(p)
    for p in cases[:13]:
        assert core.encode_positions(p) == fmt.encode(p)


@settings(max_examples=300, deadline=None)
@given(p=st.lists(st.integers(min_value=-(2**66), max_value=2**66), max_size=1100))
def test_encoded_positions_are_whooshs_on_generated_lists(p: list[int]) -> None:
    assert need_core().encode_positions(p) == _reference_encoding(p)


def _body_field() -> Any:
    from newsgrep.index.query.schema import build_schema

    return build_schema()["body"]


def _indexers(core: ModuleType, field: Any) -> tuple[Any, Any]:
    from newsgrep.index.whoosh_compat.segments import fast_indexer

    return fast_indexer(field, None), fast_indexer(field, core)


def test_postings_are_the_pure_paths_on_real_texts(core: ModuleType) -> None:
    from newsgrep.index.query.schema import build_schema

    schema = build_schema()
    for name in ("body", "wbody"):
        pure, compiled = _indexers(core, schema[name])
        for text in real_texts():
            assert compiled(text) == pure(text)


def test_the_term_pool_is_filled_alike(core: ModuleType) -> None:
    from newsgrep.index.whoosh_compat.segments import add_postings

    pure, compiled = _indexers(core, _body_field())
    terms_py: dict[bytes, list[Any]] = {}
    terms_c: dict[bytes, list[Any]] = {}
    for docnum, text in enumerate(real_texts()[:4000]):
        items = pure(text)
        for scorable in (True, False):
            expected = add_postings(terms_py, docnum, items, 1.5, scorable)
            assert core.pool_add(terms_c, docnum, items, 1.5, scorable) == expected
            assert expected[0] == (sum(i[1] for i in items) if scorable else 0)
    assert terms_c == terms_py
    assert list(terms_c) == list(terms_py)


def _block_cases(core: ModuleType) -> Iterator[tuple[list[Any], bytes | None]]:
    """Each term's flat postings of a pool filled from real texts, with a table of lengths."""
    from newsgrep.index.whoosh_compat.segments import add_postings

    pure, _ = _indexers(core, _body_field())
    terms: dict[bytes, list[Any]] = {}
    table = bytearray()
    for docnum, text in enumerate(real_texts()[:3000]):
        items = pure(text)
        table.append(min(255, sum(i[1] for i in items)))  # some zeros: empty titles
        add_postings(terms, docnum, items, 1.0 if docnum % 5 else 2.5, True)
    for flat in terms.values():
        yield flat, bytes(table)


def test_posting_blocks_are_the_pure_paths_on_real_texts(core: ModuleType) -> None:
    from newsgrep.index.whoosh_compat.segments import COMPRESS_MIN, _compress, term_blocks

    cases = 0
    for flat, table in _block_cases(core):
        for limit, fixed, comp, tab in ((128, None, 3, table), (2, None, 0, None), (5, 0, 1, table),
                                        (128, -1, 3, table)):
            args = (flat, tab, limit, fixed, comp, COMPRESS_MIN, _compress)
            got, expected = core.term_blocks(*args), term_blocks(*args)
            assert got == expected
            assert [type(v) for v in got] == [type(v) for v in expected]
        cases += 1
    assert cases > 10_000


values = st.sampled_from([b"", b"\x00\x00\x00\x01", b"x" * 300]) | st.binary(max_size=20)


@settings(max_examples=300, deadline=None)
@given(postings=st.lists(st.tuples(st.integers(0, 5), st.sampled_from([1.0, 0.5, 2.0, 1e-9, 3.3, 0.0, -1.0]),
                                   values), min_size=1, max_size=300),
       limit=st.integers(1, 130), fixed=st.sampled_from([None, -1, 0, 4]), comp=st.sampled_from([0, 3]),
       with_table=st.booleans())
def test_posting_blocks_are_the_pure_paths_on_generated_postings(
        postings: list[tuple[int, float, bytes]], limit: int, fixed: int | None, comp: int, with_table: bool) -> None:
    from newsgrep.index.whoosh_compat.segments import COMPRESS_MIN, _compress, term_blocks

    core = need_core()
    flat: list[Any] = []
    docnum = 0
    shared = b"shared value"  # one object in many postings: pickle refers back to it
    for i, (step, weight, value) in enumerate(postings):
        docnum += step
        flat += (docnum, weight, shared if i % 3 == 0 else value)
    table = bytes(range(256)) * (docnum // 256 + 1) if with_table else None
    if fixed is not None and fixed > 0:
        flat[2::3] = [b"abcd"] * len(postings)
    args = (flat, table, limit, fixed, comp, COMPRESS_MIN, _compress)
    assert core.term_blocks(*args) == term_blocks(*args)


def _reference_sketch(text: str, k: int = 64, shingle: int = 5) -> bytes:
    """The bottom-k sketch by its definition: CRC-32s of lower-cased \\w+ words' shingles."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return b""
    grams = [" ".join(words)] if len(words) < shingle else \
        [" ".join(words[i:i + shingle]) for i in range(len(words) - shingle + 1)]
    hashes = sorted({zlib.crc32(g.encode("utf-8")) for g in grams})[:k]
    return b"".join(h.to_bytes(4, "little") for h in hashes)


def test_sketches_are_the_pure_paths_on_real_texts(core: ModuleType) -> None:
    from newsgrep.text.dedup import SHINGLE, K, sketch_python

    for text in real_texts():
        got = core.sketch(text, K, SHINGLE)
        assert got == sketch_python(text)
        assert got == _reference_sketch(text)


@settings(max_examples=400, deadline=None)
@given(text=tricky_text)
def test_sketches_are_the_pure_paths_on_generated_strings(text: str) -> None:
    from newsgrep.text.dedup import SHINGLE, K, sketch, sketch_python

    core = need_core()
    assert sketch(text) == sketch_python(text)
    for k, shingle in ((K, SHINGLE), (3, 1), (0, 2)):
        try:
            got = core.sketch(text, k, shingle)
        except UnicodeEncodeError:  # a lone surrogate: dedup.sketch falls back to the pure path
            assert any(0xD800 <= ord(c) < 0xE000 for c in text)
            continue
        assert got == _reference_sketch(text, k, shingle)


# ---- end to end: the same files indexed on both paths write the same segment bytes ----------

def _index_in_one_process(ix: Path, files: list[Any], pure: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Index files through the worker's functions into a new index; return its one segment's
    files (inside its compound file) by name, the segment's id replaced by SEG."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    from newsgrep import api
    from newsgrep.index.write.parallel import write_files
    from newsgrep.index.write.pipeline import finish_writers, open_writers

    monkeypatch.setenv("NEWSGREP_PURE_PYTHON", "1" if pure else "0")
    seed = ix.parent / f"{ix.name}-seed"
    seed.mkdir()
    (seed / "a.txt").write_text("A first story.\n\nIt starts the index.\n")
    api.build_index([str(seed)], str(ix))
    writers = open_writers([str(ix)])
    write_files(writers, list(enumerate(files)), {}, 0)
    (segment,) = finish_writers(writers)
    sid = segment.segment_id()
    storage = FileStorage(str(ix))
    compound = CompoundStorage(storage.open_file(f"{sid}.seg"), use_mmap=False)
    out = {}
    for name in compound.list():
        f = compound.open_file(name)
        out[name.replace(sid, "SEG")] = f.read()
        f.close()
    compound.close()
    return out


def test_both_paths_write_the_same_segment_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_core()
    from newsgrep.ingest.files import walk

    bbc = need_corpus("bbc")
    files = [f for f in walk(bbc).files if f.path.suffix == ".txt"][::7][:300]
    files += walk(SAMPLE).files
    assert len(files) >= 300
    compiled = _index_in_one_process(tmp_path / "c", files, False, monkeypatch)
    pure = _index_in_one_process(tmp_path / "p", files, True, monkeypatch)
    assert sorted(compiled) == sorted(pure)
    assert any(name.endswith(".pst") for name in compiled) and any(name.endswith(".trm") for name in compiled)
    for name in compiled:
        assert compiled[name] == pure[name], name


def test_the_switch_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgrep.errors import UsageError
    from newsgrep.text.core import compiled

    need_core()
    monkeypatch.setenv("NEWSGREP_PURE_PYTHON", "1")
    assert compiled() is None
    monkeypatch.setenv("NEWSGREP_PURE_PYTHON", "0")
    assert compiled() is not None
    monkeypatch.delenv("NEWSGREP_PURE_PYTHON")
    assert compiled() is not None
    monkeypatch.setenv("NEWSGREP_PURE_PYTHON", "yes")
    with pytest.raises(UsageError, match="NEWSGREP_PURE_PYTHON"):
        compiled()


def test_the_pools_lists_of_atoms_are_out_of_the_collectors_sight(core: ModuleType) -> None:
    """A term's flat postings of ints, floats and bytes can be in no reference cycle: the core
    keeps them from the cyclic collector (which walked millions of them); one that is given a
    container is seen again, so that a cycle through it is still collected."""
    import gc

    terms: dict[bytes, list[Any]] = {}
    core.pool_add(terms, 0, [(b"a", 1, 1.0, b"\x00"), (b"b", 2, 2.0, b"")], 1.0, True)
    assert not any(gc.is_tracked(v) for v in terms.values())
    box: list[Any] = []
    core.pool_add(terms, 1, [(b"a", 1, 1.0, box)], 1.0, True)
    assert gc.is_tracked(terms[b"a"]) and not gc.is_tracked(terms[b"b"])
    box.append(terms[b"a"])  # a cycle: the list holds box, box holds the list
    ref = terms.pop(b"a")
    del box
    import weakref

    class Marker:
        pass

    m = Marker()
    ref.append(m)
    dead = weakref.ref(m)
    del m, ref
    gc.collect()
    assert dead() is None
    items = core.postings({"x": [1, 2], "y": [5]}, {}, 1.0)
    assert not any(gc.is_tracked(i) for i in items)
