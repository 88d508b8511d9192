"""The fast segment writer produces exactly the postings Whoosh's own field indexing does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import need_corpus
from newsgrep.index.query.schema import build_schema
from newsgrep.index.whoosh_compat.segments import fast_indexer

REPO = Path(__file__).resolve().parent.parent
TEXTS = [
    "", "the of and", "Strikes, striking; struck!",
    "Ma'arrat al-Nu'man: 12,000 people flee Idlib. Syria’s army — ÉLAN café, naïve 2.4% 1,5",
    "prime minister " * 50,
]


def test_fast_indexer_gives_whoosh_postings_for_titles_and_bodies() -> None:
    schema = build_schema()
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").rglob("*.txt"))]
    for name in ("title", "body"):
        field = schema[name]
        fast = fast_indexer(field)
        assert fast is not None
        for text in texts:
            assert sorted(fast(text)) == sorted(field.index(text)), text[:60]


def test_fast_indexer_gives_whoosh_postings_for_written_forms() -> None:
    """wtitle/wbody record only whether a written form occurs; source/author keep positions."""
    schema = build_schema()
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").rglob("*.txt"))]
    for name in ("wtitle", "wbody", "source", "author"):
        field = schema[name]
        fast = fast_indexer(field)
        assert fast is not None
        for text in texts:
            assert sorted(fast(text)) == sorted(field.index(text)), (name, text[:60])


def test_fields_without_news_analysis_keep_whoosh_indexing() -> None:
    schema = build_schema()
    assert fast_indexer(schema["id"]) is None
    assert fast_indexer(schema["path"]) is None


def _blocks(m: Any, compressed: list[bool] | None = None) -> list[tuple[Any, ...]]:
    """Read a term's posting blocks with Whoosh's own reader (``compressed``: gets whether each
    block was stored compressed)."""
    out = []
    while m.is_active():
        if compressed is not None:
            compressed.append(bool(m._compression))
        m._read_ids()
        m._read_weights()
        m._read_values()
        out.append((m._blocklength, m._maxid, m._maxweight, m._minlength, m._maxlength,
                    tuple(m._ids), tuple(m._weights), tuple(m._values or ())))
        m._next_block()
    return out


@pytest.mark.corpus
def test_fast_segment_spilling_to_disk_matches_whoosh_segment(tmp_path: Path) -> None:
    from whoosh import index

    from newsgrep.index.whoosh_compat import install
    from newsgrep.index.whoosh_compat.segments import FastSegmentWriter

    install()
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").rglob("*.txt"))]
    texts += [(REPO / "corpus" / "wikinews" / "wikinews_2019.csv").read_text(encoding="utf-8")[:200_000]]
    texts += TEXTS
    # Enough articles that common words fill several 128-posting blocks.
    texts += [p.read_text(encoding="utf-8", errors="replace")
              for p in sorted((need_corpus("bbc") / "business").glob("*.txt"))[:500]]
    postings = []
    multiblock = []
    compressed: list[bool] = []
    for name, fast in (("fast", True), ("whoosh", False)):
        ix = index.create_in(str(tmp_path), build_schema(), indexname=name)
        w = FastSegmentWriter(ix, _lk=False) if fast else ix.writer()
        if fast:
            w.pool.limit = 256 << 10  # spill a run every 256 kB (of Whoosh's estimate)
        for i, text in enumerate(texts):
            title, _, body = text.partition("\n")
            w.add_document(id=str(i), path="p", title=title, body=body)
        if fast:
            assert w.pool.runs  # the pool spilled runs to disk
            segment = w._finalize_segment()
            main = ix.writer()
            main._commit_toc([segment])
            main._finish()
        else:
            w.commit()
        with index.open_dir(str(tmp_path), indexname=name).searcher() as s:
            r = s.reader()
            terms = r._terms
            # Every field's terms: the term info (document frequency, total and largest weight,
            # shortest and longest field length, first and last document) and every block (its
            # statistics, ids, weights and encoded positions), as Whoosh writes them.
            got = []
            for f, t in r.all_terms():
                info = terms.term_info(f, t)
                stats = (info.doc_frequency(), info.weight(), info.min_length(), info.max_length(),
                         info.max_weight(), info.min_id(), info.max_id())
                got.append((f, t, stats, _blocks(terms.matcher(f, t, s.schema[f].format),
                                                 compressed if fast else None)))
            postings.append(got + [r.doc_field_length(d, "body") for d in range(len(texts))])
            multiblock.append(sum(len(blocks) > 1 for *_, blocks in got))
    assert len(postings[0]) > 10_000
    assert multiblock[0] > 30  # terms whose postings fill more than one block
    assert postings[0] == postings[1]
    # Small blocks are stored uncompressed, larger ones compressed: Whoosh's reader reads both.
    assert 0 < compressed.count(False) < len(compressed)


def test_terms_files_are_hashed_with_crc32_and_whoosh_finds_every_term(tmp_path: Path) -> None:
    """The fast writer has its terms file say CRC-32 (hash type 1) for its hash table: Whoosh's
    reader, hashing with the function the file names, finds every term written and none
    that was not."""
    from whoosh import index

    from newsgrep.index.whoosh_compat import install
    from newsgrep.index.whoosh_compat.segments import FastSegmentWriter

    install()
    ix = index.create_in(str(tmp_path), build_schema(), indexname="a")
    w = FastSegmentWriter(ix, _lk=False)
    wikinews = (REPO / "corpus" / "wikinews" / "wikinews_2019.csv").read_text(encoding="utf-8")
    texts = TEXTS + [wikinews[k:k + 5000] for k in range(0, 200_000, 5000)]
    for i, text in enumerate(texts):
        title, _, body = text.partition("\n")
        w.add_document(id=str(i), path="p", title=title, body=body)
    segment = w._finalize_segment()
    main = ix.writer()
    main._commit_toc([segment])
    main._finish()
    with index.open_dir(str(tmp_path), indexname="a").reader() as r:
        tindex = r._terms._tindex
        assert tindex.hashtype == 1 and tindex.hashfn.__name__ == "crc_hash"
        written = list(r.all_terms())
        assert len(written) > 5000
        assert all((f, t) in r for f, t in written)  # each looked up through the hash table
        assert all(r.doc_frequency(f, t) > 0 for f, t in written[::50])
        absent = [("body", t + b"qq") for _, t in written[:500]] + [("title", b"idlibz"), ("body", b"")]
        assert not any(pair in r for pair in absent)


@pytest.mark.corpus
def test_the_pools_of_a_workers_shards_spill_by_what_they_hold_together(tmp_path: Path) -> None:
    """A worker writing into many shards holds postings for each: their pools share one limit
    (the largest spills first), and the segments written are those of pools with limits of
    their own."""
    from whoosh import index

    from newsgrep.index.store.shards import route
    from newsgrep.index.whoosh_compat import install
    from newsgrep.index.whoosh_compat.segments import FastSegmentWriter, share_pool_limit

    install()
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted((need_corpus("bbc") / "politics").glob("*.txt"))[:300]]
    limit = 256 << 10
    answers: list[tuple[list[Any], list[int]]] = []
    budget: Any = None
    for shared in (True, False):
        folders = [tmp_path / f"{shared}-{k}" for k in range(4)]
        writers = []
        for f in folders:
            f.mkdir()
            writers.append(FastSegmentWriter(index.create_in(str(f), build_schema(), indexname="a"), _lk=False))
            writers[-1].pool.limit = limit  # used when not shared
        if shared:
            share_pool_limit(writers, 1)
            budget = writers[0].pool.budget
            budget.limit = limit
        most = 0
        for i, text in enumerate(texts):
            title, _, body = text.partition("\n")
            writers[route(str(i), 4)].add_document(id=str(i), path="p", title=title, body=body)
            if shared:
                held = sum(w.pool.size for w in writers)
                assert held == budget.held and held <= limit
                most = max(most, held)
        runs = [len(w.pool.runs) for w in writers]
        if shared:
            assert most > limit // 2 and sum(runs) > 4  # filled, and spilled
        else:
            assert 0 < sum(runs) < sum(answers[0][1])  # each pool with a limit of its own: fewer runs
        got = []
        for f, w in zip(folders, writers):
            segment = w._finalize_segment()
            main = index.open_dir(str(f), indexname="a").writer()
            main._commit_toc([segment])
            main._finish()
            with index.open_dir(str(f), indexname="a").searcher() as s:
                r = s.reader()
                got.append([(fn, t, r.doc_frequency(fn, t), r.frequency(fn, t),
                             list(r.postings(fn, t).items_as("positions")) if fn == "body" else None)
                            for fn, t in r.all_terms()])
        answers.append((got, runs))
    assert answers[0][0] == answers[1][0] and len(answers[0][0][0]) > 1000

