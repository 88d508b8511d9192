"""Writing articles into the index: incremental, committed in steps, one writer at a time."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newsgrep import __version__
from newsgrep.dates import to_instant
from newsgrep.errors import IndexLocked, NewsgrepError
from newsgrep.files import FoundFile, Walk, walk
from newsgrep.index import durable, store
from newsgrep.index.dedup import sketch
from newsgrep.index.schema import analysis_settings, build_schema
from newsgrep.models import Article, FileProblem, IndexReport
from newsgrep.readers import read_articles
from newsgrep.readers.base import FileContext

COMMIT_DOCS = int(os.environ.get("NEWSGREP_COMMIT_DOCS", "20000"))  # a durable point at least this often
COMMIT_BYTES = int(os.environ.get("NEWSGREP_COMMIT_BYTES", str(128 << 20)))
LOCK_TIMEOUT = float(os.environ.get("NEWSGREP_LOCK_TIMEOUT", "600"))


class Progress(Protocol):
    """What the writer reports while it works."""

    def start(self, files: int, size: int) -> None: ...
    def advance(self, files: int, articles: int, size: int) -> None: ...
    def message(self, text: str) -> None: ...


class _Silent:
    def start(self, files: int, size: int) -> None:
        pass

    def advance(self, files: int, articles: int, size: int) -> None:
        pass

    def message(self, text: str) -> None:
        pass


@dataclass
class _Read:
    """The outcome of reading one file."""

    found: FoundFile
    articles: list[Article] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    error: str | None = None


def _read_one(found: FoundFile, field_map: dict[str, str]) -> _Read:
    ctx = FileContext(found.path, found.file_id, found.kind, field_map,
                      boilerplate=found.boilerplate)
    out = _Read(found)
    try:
        for article in read_articles(ctx):
            if article.title or article.body:
                out.articles.append(article)
            else:
                ctx.warn(f"{article.id}: no title and no text, skipped")
    except NewsgrepError as exc:
        out.error = str(exc)
    except RecursionError:
        out.error = f"{found.path}: too deeply nested to read"
    except MemoryError:
        out.error = f"{found.path}: too large to read"
    out.warnings = ctx.warnings
    if not out.error and not out.articles and not out.warnings:
        out.warnings.append(FileProblem(str(found.path), "empty: no article in it"))
    return out


def _read_task(args: tuple[FoundFile, dict[str, str]]) -> _Read:
    return _read_one(*args)


def _read_all(files: Sequence[FoundFile], field_map: dict[str, str], jobs: int) -> Iterator[_Read]:
    """Read files, in worker processes when there are enough to pay for them."""
    if jobs > 1 and len(files) >= 64:
        with ProcessPoolExecutor(max_workers=jobs, initializer=durable.ignore_interrupts) as pool:
            yield from pool.map(_read_task, [(f, field_map) for f in files], chunksize=16)
    else:
        for f in files:
            yield _read_one(f, field_map)


def article_doc(a: Article) -> dict[str, Any]:
    """Turn an Article into the fields of a Whoosh document."""
    doc: dict[str, Any] = {
        "id": a.id, "path": a.path, "title": a.title, "body": a.body, "date_text": a.date,
        "source": a.source or "", "source_key": (a.source or "").lower(), "url": a.url,
        "author": a.author, "lang": a.lang,
        "source_name": (a.source or "").encode("utf-8"), "minhash": sketch(a.body),
    }
    instant = to_instant(a.date)
    if instant is not None:
        doc["date"] = instant
    return doc


def _open_writer(ix: Any, progress: Progress, index_dir: Path) -> Any:
    from whoosh.index import LockError

    try:
        return ix.writer(limitmb=256)
    except LockError:
        pass
    progress.message(f"waiting for another newsgrep run to finish writing {index_dir} ...")
    try:
        return ix.writer(limitmb=256, timeout=LOCK_TIMEOUT, delay=0.25)
    except LockError as exc:
        raise IndexLocked(
            f"another newsgrep run has been writing to {index_dir} for over {LOCK_TIMEOUT:.0f} s; "
            "try again when it has finished") from exc


class _Session:
    """One indexing run into one index folder."""

    def __init__(self, index_dir: Path, progress: Progress, report: IndexReport) -> None:
        from newsgrep.index.safe_pickle import install

        install()
        self.index_dir = index_dir
        self.progress = progress
        self.report = report
        index_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = store.open_catalog(index_dir)
        self.ix = durable.open_or_create(index_dir, store.INDEX_NAME, build_schema)
        durable.reconcile(self.ix, self.catalog)
        self.catalog.set_many({"settings": analysis_settings()})
        store.write_settings(index_dir, analysis_settings())
        self.writer: Any = None
        self.pending: list[store.FileRecord] = []
        self.pending_gone: list[str] = []
        self.pending_docs = 0
        self.pending_bytes = 0
        self.known_ids: dict[str, str] = {}
        self.searcher: Any = None

    def close(self) -> None:
        """Give up anything not committed and let go of the index."""
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None
        self.catalog.close()

    def _w(self) -> Any:
        if self.writer is None:
            self.writer = _open_writer(self.ix, self.progress, self.index_dir)
        return self.writer

    def commit(self) -> None:
        """Make what was written so far durable, then record its files in the catalog."""
        if self.writer is not None:
            self.writer.commit()
            self.writer = None
        if self.pending or self.pending_gone:
            self.catalog.record(self.pending, self.pending_gone)
        from datetime import datetime, timezone

        self.catalog.set_many({"updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               "version": __version__})
        self.pending, self.pending_gone = [], []
        self.pending_docs = self.pending_bytes = 0

    def _collides(self, article: Article, replacing: set[str]) -> str | None:
        """Return the file that already holds an article with this id, if another one does."""
        owner = self.known_ids.get(article.id)
        if owner is None:
            if self.searcher is None:
                self.searcher = self.ix.searcher()
            docnum = self.searcher.document_number(id=article.id)
            if docnum is not None:
                owner = self.searcher.stored_fields(docnum).get("path")
                if owner in replacing:
                    return None
        return owner

    def apply(self, results: Iterable[_Read], previous: dict[str, store.FileRecord],
              gone: Sequence[str]) -> None:
        """Write the articles read, drop the gone files, committing every so often."""
        report = self.report
        for path in gone:
            self._w().delete_by_term("path", path)
            report.removed += 1
            self.pending_gone.append(path)
        replacing = set(previous) | set(gone)
        for r in results:
            durable.check_interrupt()
            f = r.found
            report.warnings.extend(r.warnings)
            if r.error:
                report.skipped.append(FileProblem(str(f.path), r.error))
                self.progress.advance(1, 0, f.size)
                continue
            path = str(f.path)
            w = self._w()
            if path in previous:
                w.delete_by_term("path", path)
                report.updated += 1
            else:
                report.added += 1
            kept = 0
            for a in r.articles:
                owner = self._collides(a, replacing)
                if owner is not None:
                    report.skipped.append(FileProblem(
                        path, f"id {a.id!r} is already used by an article of {owner}; "
                              "record skipped (use --map id=KEY for another id field)"))
                    continue
                self.known_ids[a.id] = path
                w.add_document(**article_doc(a))
                kept += 1
                self.pending_bytes += len(a.body) + len(a.title)
            report.articles += kept
            report.files_read += 1
            report.bytes_read += f.size
            self.pending.append(store.FileRecord(path, str(f.root), f.mtime_ns, f.size, kept))
            self.pending_docs += kept
            self.progress.advance(1, kept, f.size)
            if self.pending_docs >= COMMIT_DOCS or self.pending_bytes >= COMMIT_BYTES:
                self.commit()
        self.commit()


def _plan(session: _Session, roots: Sequence[Path], include: Sequence[str],
          exclude: Sequence[str]) -> tuple[list[FoundFile], dict[str, store.FileRecord], list[str]]:
    """Decide which files to read and which are gone, root by root."""
    report = session.report
    to_read: list[FoundFile] = []
    previous: dict[str, store.FileRecord] = {}
    gone: list[str] = []
    seen: set[str] = set()
    for root in roots:
        found: Walk = walk(root, include, exclude)
        report.ignored += found.ignored
        report.skipped.extend(found.problems)
        known = session.catalog.files_under(str(root))
        for f in found.files:
            key = str(f.path)
            if key in seen:
                continue
            seen.add(key)
            rec = known.pop(key, None)
            if rec is not None and rec.mtime_ns == f.mtime_ns and rec.size == f.size:
                report.unchanged += 1
                continue
            if rec is not None:
                previous[key] = rec
            to_read.append(f)
        gone.extend(p for p in known if p not in seen and not os.path.exists(p))
    return to_read, previous, gone


def _index_into(index_dir: Path, roots: Sequence[Path], *, jobs: int, field_map: dict[str, str],
                include: Sequence[str], exclude: Sequence[str], progress: Progress,
                report: IndexReport, keep_boilerplate: bool | None = None) -> None:
    from newsgrep.index import boilerplate_store

    session = _Session(index_dir, progress, report)
    try:
        to_read, previous, gone = _plan(session, roots, include, exclude)
        learned = boilerplate_store.learn(session.catalog, to_read, previous, gone, keep_boilerplate,
                                          jobs)
        to_read, previous = learned.to_read, learned.previous
        report.unchanged -= min(report.unchanged, learned.recleaned)  # they are updated instead
        progress.start(len(to_read), sum(f.size for f in to_read))
        if gone:
            session._w()
        from newsgrep.index import parallel

        if parallel.worth_it(to_read, jobs):
            parallel.apply_parallel(session, to_read, field_map, jobs, previous, gone, COMMIT_BYTES)
        else:
            session.apply(_read_all(to_read, field_map, jobs), previous, gone)
        learned.finish(session.catalog)
    finally:
        session.close()


@durable.exclusive
def build_index(paths: Sequence[Path], index_dir: Path, *, jobs: int | None = None,
                rebuild: bool = False, field_map: dict[str, str] | None = None,
                include: Sequence[str] = (), exclude: Sequence[str] = (),
                progress: Progress | None = None,
                keep_boilerplate: bool | None = None) -> IndexReport:
    """Index files and folders incrementally; rebuild when asked or when settings changed."""
    started = time.perf_counter()
    progress = progress or _Silent()
    report = IndexReport()
    jobs = max(1, jobs or os.cpu_count() or 1)
    opts = dict(jobs=jobs, field_map=dict(field_map or {}), include=include, exclude=exclude,
                progress=progress, report=report, keep_boilerplate=keep_boilerplate)
    roots = list(dict.fromkeys(paths))
    outdated = False
    if store.exists(index_dir):
        catalog = store.open_catalog(index_dir)
        try:
            outdated = catalog.get("settings") != analysis_settings()
            from newsgrep.index.boilerplate_store import remembered

            opts["keep_boilerplate"] = remembered(catalog, keep_boilerplate)
            if outdated:
                for old in catalog.roots():
                    if Path(old).exists() and Path(old) not in roots:
                        roots.append(Path(old))
        finally:
            catalog.close()
    if (rebuild or outdated) and index_dir.exists():
        if outdated:
            progress.message(f"the index at {index_dir} was built with other settings: rebuilding it")
        fresh = index_dir.with_name(index_dir.name + ".rebuild")
        shutil.rmtree(fresh, ignore_errors=True)
        _index_into(fresh, roots, **opts)  # type: ignore[arg-type]
        durable.swap_in(fresh, index_dir)
        report.rebuilt = True
    else:
        _index_into(index_dir, roots, **opts)  # type: ignore[arg-type]
    report.seconds = time.perf_counter() - started
    return report


@durable.exclusive
def remove_paths(paths: Sequence[Path], index_dir: Path) -> IndexReport:
    """Drop the articles of files, or of every file below folders, from the index."""
    started = time.perf_counter()
    report = IndexReport()
    if not store.exists(index_dir):
        store.open_for_search(index_dir)  # raises the missing-index error
    session = _Session(index_dir, _Silent(), report)
    try:
        gone: list[str] = []
        for p in paths:
            gone.extend(session.catalog.files_under(str(p)))
        gone = list(dict.fromkeys(gone))
        session.apply([], {}, gone)
        from newsgrep.index.boilerplate_store import forget

        forget(session.catalog, gone)
    finally:
        session.close()
    report.seconds = time.perf_counter() - started
    return report
