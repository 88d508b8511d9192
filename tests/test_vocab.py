"""The vocabulary files built at index time (index/query/vocab.py) and the fast --dedup grouping:
the same answers as the old way (every word read from the terms files, every pair of sketches
compared) on real corpora, and the old way taken where a segment has no file or a damaged one."""

from __future__ import annotations

import re
import shutil
import struct
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE, need_corpus
from newsgrep import api
from newsgrep.api import SearchOptions
from newsgrep.index.query import vocab
from newsgrep.index.search.searcher import Searcher
from newsgrep.index.whoosh_compat.lexicon import leaves, segment_place
from newsgrep.index.write.vocab import build_missing
from newsgrep.text import dedup

SUFFIX = vocab.SUFFIX


def _files(ix: Path) -> list[Path]:
    return sorted(ix.rglob(f"*{SUFFIX}"))


def _hidden(ix: Path, files: Sequence[Path] | None = None) -> list[Path]:
    """Move vocabulary files aside (all of an index's, or those given); return where they went."""
    moved = []
    for f in (_files(ix) if files is None else files):
        f.rename(f.with_name(f.name + ".aside"))
        moved.append(f)
    return moved


def _restore(moved: Iterable[Path]) -> None:
    for f in moved:
        f.with_name(f.name + ".aside").rename(f)


def _copy(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "index"
    shutil.copytree(src, dest)
    return dest


def _raw_words(folder: Path, pattern: str, limit: int) -> list[str]:
    """Words of a corpus's raw files (not through newsgrep), spread over its vocabulary."""
    import gzip

    seen: set[str] = set()
    for path in sorted(folder.rglob(pattern)):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        seen.update(w.lower() for w in re.findall(r"[^\W\d_]{2,}", data.decode("utf-8", "replace")))
    words = sorted(seen)
    step = max(1, len(words) // limit)
    return words[::step][:limit]


def _misspelt(words: Iterable[str]) -> list[str]:
    """Fuzzy words from real words: one letter dropped, doubled or changed, alternately."""
    out = []
    for i, w in enumerate(words):
        k = len(w) // 2
        edit = (w[:k] + w[k + 1:], w[:k] + w[k] + w[k:], w[:k] + "x" + w[k + 1:])[i % 3]
        out.append(f"{edit}~{1 + i % 2}")
    return out


def _answers(ix: Path, queries: Sequence[str], variants: bool = False) -> dict[str, Any]:
    opts = SearchOptions(limit=None, variants=variants, snippets=False)
    out = {}
    for q in queries:
        r = api.search(q, str(ix), opts)
        out[q] = (sorted((h.id, round(h.score, 9)) for h in r.hits), r.total, r.spellings)
    return out


def _same_both_ways(ix: Path, fuzzy: Sequence[str], names: Sequence[str]) -> None:
    assert _files(ix), "the index run wrote no vocabulary file"
    fast = _answers(ix, fuzzy), _answers(ix, names, variants=True)
    moved = _hidden(ix)
    try:
        slow = _answers(ix, fuzzy), _answers(ix, names, variants=True)
    finally:
        _restore(moved)
    for got, want in zip(fast, slow):
        for q in want:
            assert got[q] == want[q], q
    assert any(v[0] for v in slow[0].values()) and any(v[0] for v in slow[1].values())


NAMES = ["Blair", "Gaddafi", "Mohammed", "Hussein", "Khodorkovsky", "Yukos", "Chelsea", "Abramovich",
         '"Tony Blair"', '"Abu Dhabi"', '"Al Qaeda"', "Yuganskneftegaz", "Sharon", "Arafat", "Putin",
         "Schroeder", '"New York"', "Tehran", "Mubarak", "Qatar"]


@pytest.mark.corpus
def test_fuzzy_and_variants_on_bbc_match_the_old_way(bbc_index: Path, tmp_path: Path) -> None:
    ix = _copy(bbc_index, tmp_path)
    words = _raw_words(need_corpus("bbc"), "*/*.txt", 60)
    _same_both_ways(ix, _misspelt(words) + ["Yukoss~", "goverment~2", "title:electon~", "a~2"],
                    NAMES + [w.capitalize() for w in words[::3]])


@pytest.mark.corpus
def test_fuzzy_and_variants_on_reuters_match_the_old_way(reuters_index: Path, tmp_path: Path) -> None:
    ix = _copy(reuters_index, tmp_path)
    words = _raw_words(need_corpus("reuters21578"), "reut2-00[0-2].sgm.gz", 60)
    _same_both_ways(ix, _misspelt(words) + ["Reagn~", "opec~2", "source:reutrs~"],
                    NAMES + [w.capitalize() for w in words[::3]])


def test_fuzzy_and_variants_on_wikinews_match_the_old_way(tmp_path: Path) -> None:
    folder = need_corpus("permissive", "wikinews")
    ix = tmp_path / "ix"
    api.build_index([str(folder)], str(ix), exclude=["SOURCE.md"])
    words = _raw_words(folder, "*.csv", 60)
    _same_both_ways(ix, _misspelt(words), NAMES + [w.capitalize() for w in words[::3]])


def _two_runs(tmp_path: Path, shards: int | None = None) -> Path:
    """An index of the sample corpus written in two runs (the seed, then the Wikinews articles)."""
    ix = tmp_path / "ix"
    api.build_index([str(SAMPLE / "seed")], str(ix), exclude=["README.md"], shards=shards)
    api.build_index([str(SAMPLE)], str(ix), exclude=["README.md"])
    return ix


SAMPLE_FUZZY = ["Maarat~", "Numen~2", "electon~", "goverment~2", "Syira~", "title:polise~", "presdent~2"]
SAMPLE_NAMES = ["Maarat al-Numan", "Hussein", "Mohammed", "Assad", "Idlib", '"Abu Dhabi"', "Gaddafi"]


def test_a_segment_without_its_file_is_read_the_old_way(tmp_path: Path) -> None:
    ix = _two_runs(tmp_path)
    files = _files(ix)
    with Searcher(ix) as s:
        segments = [segment_place(leaf) for leaf in leaves(s.reader)]
    assert len(segments) >= 2 and {Path(f).name for f in files} == {f"{p[1]}{SUFFIX}" for p in segments if p}
    fast = _answers(ix, SAMPLE_FUZZY), _answers(ix, SAMPLE_NAMES, variants=True)
    moved = _hidden(ix, files[:1])  # one segment without, the others with
    try:
        assert (_answers(ix, SAMPLE_FUZZY), _answers(ix, SAMPLE_NAMES, variants=True)) == fast
    finally:
        _restore(moved)
    files[0].write_bytes(files[0].read_bytes()[:-3] + b"xyz")  # damaged: the old way, no error
    assert (_answers(ix, SAMPLE_FUZZY), _answers(ix, SAMPLE_NAMES, variants=True)) == fast
    assert _answers(ix, ["Maarat~"])["Maarat~"][0]
    files[0].unlink()
    assert build_missing(ix) == 1 and _files(ix) == files  # made again; nothing else rewritten


def test_a_sharded_index_has_a_file_per_segment_and_the_same_answers(tmp_path: Path) -> None:
    ix = _two_runs(tmp_path, shards=2)
    assert {f.parent.name for f in _files(ix)} == {"shard-000", "shard-001"}
    _same_both_ways(ix, SAMPLE_FUZZY, SAMPLE_NAMES)


def test_files_of_segments_that_are_gone_are_removed(tmp_path: Path) -> None:
    ix = _two_runs(tmp_path)
    stale = ix / f"articles_gone0000000000{SUFFIX}"
    stale.write_bytes(b"old")
    (ix / f"articles_gone0000000001{SUFFIX}.tmp").write_bytes(b"half")
    assert build_missing(ix) == 0
    assert not stale.exists() and not list(ix.glob("*.tmp")) and len(_files(ix)) >= 2


def test_a_word_holding_a_separator_leaves_its_field_to_the_old_way() -> None:
    data = vocab.encode({"wbody": ["a\nb", "c"], "wtitle": ["abc", "abd", "x"]}, {"KB": ["a b"]})
    v = vocab.Vocabulary(data)
    assert not v.has("wbody") and v.has("wtitle") and not v.has_names()
    assert v.words("wtitle", 3) == ["abc", "abd"] and v.words("wtitle", 1) == ["x"] and v.words("wtitle", 2) == []
    v = vocab.Vocabulary(vocab.encode({"wtitle": []}, {"KB": ["kob", "kab"], "TS": ["tas"]}))
    assert v.has("wtitle") and v.names("KB") == ["kob", "kab"] and v.names("TS") == ["tas"] and v.names("XX") == []
    with pytest.raises(ValueError):
        vocab.Vocabulary(data[:-1] + b"!")


# --- --dedup -------------------------------------------------------------------------------------

def _group_pairwise(sketches: dict[int, bytes], order: Iterable[int]) -> dict[int, list[int]]:
    """The grouping as it was before: every pair of a band's bucket compared (the reference)."""
    def unpack(data: bytes) -> tuple[int, ...]:
        return struct.unpack(f"<{len(data) // 4}I", data) if data else ()

    def similarity(a: Sequence[int], b: Sequence[int]) -> float:
        both = set(a).intersection(b)
        if not a or not b or not both:
            return 0.0
        union = sorted(set(a).union(b))
        k = min(64, len(union))
        return sum(1 for h in both if h <= union[k - 1]) / k

    ranked = list(order)
    parent = {d: d for d in ranked}

    def find(d: int) -> int:
        while parent[d] != d:
            d = parent[d]
        return d

    hashes = {d: unpack(sketches.get(d, b"")) for d in ranked}
    buckets: dict[int, list[int]] = defaultdict(list)
    for d in ranked:
        for h in hashes[d][:8]:
            buckets[h].append(d)
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if find(a) != find(b) and similarity(hashes[a], hashes[b]) >= 0.6:
                    parent[find(b)] = find(a)
    groups: dict[int, list[int]] = defaultdict(list)
    for d in ranked:
        groups[find(d)].append(d)
    return {members[0]: members for members in groups.values()}



def _dedup_inputs(ix: Path, queries: Sequence[str]) -> Iterable[tuple[dict[int, bytes], list[int]]]:
    with Searcher(ix) as s:
        sketches, ids = s.column("minhash"), s.column("id")
        for q in queries:
            docs = sorted(s.scores(s.bind(q)))
            assert docs, q
            yield dict(zip(docs, sketches.many(docs))), sorted(docs, key=ids.__getitem__)


DEDUP_QUERIES = ["government", "oil OR market", "profit", "film OR music OR games", "said", "quit claim",
                 "minister", "market*"]


@pytest.mark.corpus
def test_dedup_groups_as_before_on_bbc(bbc_index: Path) -> None:
    for sketches, order in _dedup_inputs(bbc_index, DEDUP_QUERIES):
        assert dedup.group(sketches, order) == _group_pairwise(sketches, order)
        assert list(dedup.group(sketches, order)) == list(_group_pairwise(sketches, order))


@pytest.mark.corpus
def test_dedup_groups_as_before_on_reuters(reuters_index: Path) -> None:
    queries = ["oil", "coffee", "dollar OR yen", "shares", "profit OR loss", "said"]
    grouped = 0
    for sketches, order in _dedup_inputs(reuters_index, queries):
        got = dedup.group(sketches, order)
        assert got == _group_pairwise(sketches, order)
        grouped += sum(len(m) > 1 for m in got.values())
    assert grouped  # Reuters has reprints and corrections


def test_dedup_groups_as_before_on_copies_and_edge_cases() -> None:
    bodies = [(SAMPLE / "seed" / "000_149819f5d793fd8c.txt").read_text(encoding="utf-8")]
    words = (SAMPLE / "wikinews" / "wikinews_2019.csv").read_text(encoding="utf-8").split()
    bodies += [" ".join(words[i:i + 300]) for i in range(0, 300 * 40, 300)]  # real text, 40 pieces
    texts = []
    for i, body in enumerate(bodies):
        words = body.split()
        texts += [body, body + f" copy{i}", " ".join(words[: len(words) * 2 // 3]), " ".join(words[::-1]), ""]
    sketches = {d: dedup.sketch(t) for d, t in enumerate(texts)}
    sketches.pop(3)  # a document without a sketch at all
    n = len(texts)
    for order in (list(range(n)), list(range(n))[::-1], sorted(range(n), key=lambda d: d % 7)):
        assert dedup.group(sketches, order) == _group_pairwise(sketches, order)
        assert list(dedup.group(sketches, order)) == list(_group_pairwise(sketches, order))
    assert sum(len(m) > 1 for m in dedup.group(sketches, range(len(texts))).values()) >= 20


def test_columns_read_many_documents_as_one_at_a_time(tmp_path: Path) -> None:
    ix = _two_runs(tmp_path)
    with Searcher(ix) as s:
        n = s.reader.doc_count_all()
        docs = list(range(n))
        for name in ("id", "date", "minhash", "source_name"):
            col = s.column(name)
            want = [col[d] for d in docs]
            assert col.many(docs) == want and col.many(docs[::-3]) == want[::-3] and col.many([]) == []
