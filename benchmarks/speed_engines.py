"""The engines that benchmarks/speed.py compares, each run in a child process of its own.

    python benchmarks/speed_engines.py index ENGINE CORPUS OUT     -> one JSON line: docs
    python benchmarks/speed_engines.py query ENGINE OUT REPEAT     -> one JSON line: latencies

Engines: newsgrep (its library, the index opened once, each query run as `newsgrep search` runs
it, without rendering), whoosh (stock: StemmingAnalyzer, one writer, title and body stored TEXT),
tantivy (en_stem) and sqlite (FTS5, porter unicode61). Every engine reads .txt, .jsonl and .csv
files alike (read_corpus); newsgrep reads the files itself, any format it knows.

Query types a peer has no such thing for (--variants, --dedup; fuzzy words in SQLite) are left out
of its result, and the table shows "—" for them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

# Each query type: the queries, written in each engine's syntax (AND between words by default).
QUERIES: dict[str, list[str]] = {
    "term": ["government", "oil", "market", "profit", "election"],
    "and": ["oil prices", "bank profit", "government plans", "chief executive", "market shares"],
    "phrase": ['"prime minister"', '"interest rates"', '"chief executive"', '"oil prices"',
               '"stock market"'],
    "wildcard": ["econom*", "govern*", "market*", "invest*", "compan*"],
    "fuzzy": ["minster~", "economy~", "election~", "market~", "profit~"],
    "variants": ["Blair", "Brown", "Howard", "Bush", "Kennedy"],
    "dedup": ["government", "market", "year", "people", "company"],
    "snippets": ["prime minister", "oil prices", "government plans", "interest rates",
                 "bank profit"],
}

# The query types each peer has (newsgrep has them all).
KINDS: dict[str, tuple[str, ...]] = {
    "whoosh": ("term", "and", "phrase", "wildcard", "fuzzy", "snippets"),
    "tantivy": ("term", "and", "phrase", "wildcard", "fuzzy", "snippets"),
    "sqlite": ("term", "and", "phrase", "wildcard", "snippets"),
}


def read_corpus(root: Path) -> Iterator[tuple[str, str, str]]:
    """Yield (id, title, body) from .txt files (title line, then body), .jsonl and .csv files."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.endswith(".txt"):
                text = path.read_bytes().decode("utf-8", "replace")
                title, _, body = text.strip().partition("\n")
                yield str(path), title.strip(), body.strip()
            elif name.endswith(".jsonl"):
                with path.open(encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        rec = json.loads(line)
                        yield f"{path}#{n}", rec.get("title") or "", rec.get("body") or ""
            elif name.endswith(".csv"):
                import csv

                with path.open(encoding="utf-8", newline="") as f:
                    for n, rec in enumerate(csv.DictReader(f), 1):
                        yield f"{path}#{n}", rec.get("title") or "", rec.get("text") or ""


# --- indexing ------------------------------------------------------------------------------------

def index_whoosh(corpus: Path, out: Path) -> int:
    """Index with stock Whoosh: StemmingAnalyzer, one writer."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                           body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True))
    out.mkdir(parents=True)
    ix = index.create_in(str(out), schema)
    w = ix.writer(limitmb=256)
    n = 0
    for doc_id, title, body in read_corpus(corpus):
        w.add_document(id=doc_id, title=title, body=body)
        n += 1
    w.commit()
    return n


def _tantivy_schema() -> Any:
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw")
    b.add_text_field("title", stored=True, tokenizer_name="en_stem")
    b.add_text_field("body", stored=True, tokenizer_name="en_stem")
    return b.build()


def index_tantivy(corpus: Path, out: Path) -> int:
    """Index with tantivy (its writer uses every core)."""
    import tantivy

    out.mkdir(parents=True)
    ix = tantivy.Index(_tantivy_schema(), path=str(out))
    w = ix.writer(heap_size=256 << 20)
    n = 0
    for doc_id, title, body in read_corpus(corpus):
        w.add_document(tantivy.Document(id=doc_id, title=title, body=body))
        n += 1
    w.commit()
    w.wait_merging_threads()
    return n


def index_sqlite(corpus: Path, out: Path) -> int:
    """Index with SQLite FTS5 (porter unicode61)."""
    import sqlite3

    out.mkdir(parents=True)
    db = sqlite3.connect(out / "fts.sqlite")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
               "tokenize='porter unicode61')")
    n = 0
    batch: list[tuple[str, str, str]] = []
    for row in read_corpus(corpus):
        batch.append(row)
        if len(batch) >= 1000:
            db.executemany("INSERT INTO docs VALUES (?, ?, ?)", batch)
            n += len(batch)
            batch = []
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", batch)
    n += len(batch)
    db.commit()
    db.close()
    return n


# --- querying ------------------------------------------------------------------------------------

def _runner_newsgrep(out: Path) -> tuple[Callable[[str, str], int], Callable[[], None]]:
    from newsgrep import api

    base = api.SearchOptions(limit=10, snippets=False)
    options = {"snippets": replace(base, snippets=True), "variants": replace(base, variants=True),
               "dedup": replace(base, dedup=True)}
    sh = api._open(str(out), base, None)  # what api.search opens; kept open across queries

    def run(kind: str, q: str) -> int:
        return sum(1 for _ in api._run(sh, q, options.get(kind, base), None).hits)

    return run, sh.close


def _runner_whoosh(out: Path) -> tuple[Callable[[str, str], int], Callable[[], None]]:
    from whoosh import highlight, index, qparser

    ix = index.open_dir(str(out))
    searcher = ix.searcher()
    parser = qparser.MultifieldParser(["title", "body"], ix.schema)
    parser.add_plugin(qparser.FuzzyTermPlugin())  # word~: FuzzyTerm, edit distance 1
    frag = highlight.ContextFragmenter(maxchars=200, surround=60)

    def run(kind: str, q: str) -> int:
        res = searcher.search(parser.parse(q), limit=10)
        if kind == "snippets":
            res.fragmenter = frag
            for hit in res:
                hit.highlights("body", top=3)
        return len(res[:10])

    return run, searcher.close


def _runner_tantivy(out: Path) -> tuple[Callable[[str, str], int], Callable[[], None]]:
    import tantivy

    ix = tantivy.Index.open(str(out))
    searcher = ix.searcher()
    fuzzy = {f: (False, 1, True) for f in ("title", "body")}  # its fuzzy term query, distance 1

    def run(kind: str, q: str) -> int:
        if kind == "fuzzy":
            query = ix.parse_query(q.rstrip("~"), ["title", "body"], fuzzy_fields=fuzzy,
                                   conjunction_by_default=True)
        else:
            query = ix.parse_query(q, ["title", "body"], conjunction_by_default=True)
        hits = searcher.search(query, 10).hits
        if kind == "snippets":
            gen = tantivy.SnippetGenerator.create(searcher, query, ix.schema, "body")
            gen.set_max_num_chars(200)
            for _, addr in hits:
                gen.snippet_from_doc(searcher.doc(addr)).highlighted()
        return len(hits)

    return run, lambda: None


def _runner_sqlite(out: Path) -> tuple[Callable[[str, str], int], Callable[[], None]]:
    import sqlite3

    db = sqlite3.connect(out / "fts.sqlite")

    def run(kind: str, q: str) -> int:
        if kind == "snippets":
            sql = ("SELECT id, title, snippet(docs, 2, '[', ']', '...', 30) FROM docs "
                   "WHERE docs MATCH ? ORDER BY bm25(docs, 0, 2.0, 1.0) LIMIT 10")
        else:
            sql = ("SELECT id, title FROM docs WHERE docs MATCH ? "
                   "ORDER BY bm25(docs, 0, 2.0, 1.0) LIMIT 10")
        return len(db.execute(sql, (q,)).fetchall())

    return run, db.close


def measure_queries(engine: str, out: Path, repeat: int) -> dict[str, list[float]]:
    """Run every query type ``repeat`` times on an open index; return latencies in ms."""
    run, close = globals()[f"_runner_{engine}"](out)
    found: dict[str, list[float]] = {}
    try:
        for kind, queries in QUERIES.items():
            if kind not in KINDS.get(engine, tuple(QUERIES)):
                continue
            times: list[float] = []
            for q in queries:
                run(kind, q)  # warm
            for _ in range(repeat):
                for q in queries:
                    t0 = time.perf_counter()
                    run(kind, q)
                    times.append((time.perf_counter() - t0) * 1000)
            found[kind] = times
    finally:
        close()
    return found


def main(argv: list[str]) -> None:
    """Run one measurement and print its result as a JSON line."""
    action, engine = argv[0], argv[1]
    if action == "index":
        n = globals()[f"index_{engine}"](Path(argv[2]), Path(argv[3]))
        print(json.dumps({"docs": n}))
    elif action == "query":
        print(json.dumps(measure_queries(engine, Path(argv[2]), int(argv[3]))))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main(sys.argv[1:])
