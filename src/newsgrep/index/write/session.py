"""One indexing run: the steps both the one-process and the parallel path take, for one index or
for every shard of a sharded index.

A WriteSession holds the run's catalog of files, its report, and one IndexWriter per index it
writes (one, or one per shard: an article goes to the shard its id hashes to). Its public methods
are the steps of a run: drop the articles of files that are gone or changed (``drop_files``),
claim an article's id for its file (``claim``), add an article (``add``), account for a file read
(``record_file``), and commit: what the session's own writers hold (``commit``), or that together
with segments written by worker processes (``commit_segments``). The catalog is written after
every index has committed, so it never claims a file whose articles are not all committed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsgrep import __version__
from newsgrep.errors import IndexLocked
from newsgrep.index.query.schema import analysis_settings, build_schema
from newsgrep.index.store import durable
from newsgrep.index.store.catalog import Catalog, FileRecord, open_catalog, write_settings
from newsgrep.index.store.location import INDEX_NAME
from newsgrep.index.store.lock import interrupts_deferred
from newsgrep.index.store.shards import route, shard_dirs
from newsgrep.index.whoosh_compat.segments import commit_segments
from newsgrep.index.write.reading import FileReading, article_doc
from newsgrep.ingest.files import FoundFile
from newsgrep.models import Article, FileProblem, IndexReport, Progress
from newsgrep.settings import commit_bytes, commit_docs, commit_seconds, lock_timeout
from newsgrep.text.analysis import DEFAULT_ANALYSIS, AnalysisSettings


def collision(article_id: str, owner: str) -> str:
    """Say why a record is skipped: its id belongs to an article of another file."""
    return (f"id {article_id!r} is already used by an article of {owner}; record skipped "
            "(use --map id=KEY for another id field)")


def stamp(catalog: Catalog, settings: str) -> None:
    """Record an index's settings, version and time of update in its catalog."""
    catalog.set_many({"settings": settings, "version": __version__,
                      "updated": datetime.now(timezone.utc).isoformat(timespec="seconds")})


class IndexWriter:
    """The Whoosh index in one folder (one index, or one shard), opened for this run."""

    def __init__(self, index_dir: Path, progress: Progress, analysis: AnalysisSettings,
                 catalog: Catalog | None = None) -> None:
        self.index_dir = index_dir
        self.progress = progress
        index_dir.mkdir(parents=True, exist_ok=True)
        self.own_catalog = catalog is None
        self.catalog = catalog or open_catalog(index_dir)  # a shard's: its settings only
        self.settings = analysis_settings(analysis)
        self.ix = durable.open_or_create(index_dir, INDEX_NAME, lambda: build_schema(analysis))
        self.catalog.set_many({"settings": self.settings})
        write_settings(index_dir, self.settings)
        self._writer: Any = None
        self._searcher: Any = None

    def writer(self) -> Any:
        """Return this index's Whoosh writer (holding its write lock), opening it."""
        if self._writer is None:
            from whoosh.index import LockError

            try:
                self._writer = self.ix.writer(limitmb=256)
            except LockError:
                self.progress.message(f"waiting for another newsgrep run to finish writing {self.index_dir} ...")
                timeout = lock_timeout()
                try:
                    self._writer = self.ix.writer(limitmb=256, timeout=timeout, delay=0.25)
                except LockError as exc:
                    raise IndexLocked(
                        f"another newsgrep run has been writing to {self.index_dir} for over "
                        f"{timeout:.0f} s; try again when it has finished") from exc
        return self._writer

    def delete_paths(self, paths: Sequence[str]) -> None:
        """Delete the articles of these files."""
        if paths:
            w = self.writer()
            for path in paths:
                w.delete_by_term("path", path)

    def holder(self, article_id: str) -> str | None:
        """Return the file whose committed article has this id, if any."""
        if self._searcher is None:
            self._searcher = self.ix.searcher()
        docnum = self._searcher.document_number(id=article_id)
        return None if docnum is None else self._searcher.stored_fields(docnum).get("path")

    def add(self, article: Article) -> None:
        """Add one article."""
        self.writer().add_document(**article_doc(article))

    def commit(self, segments: Sequence[Any] | None = None) -> None:
        """Commit what this writer holds (with segments written by worker processes)."""
        if segments:
            commit_segments(self.writer(), segments)
        elif self._writer is not None:
            self._writer.commit()
        self._writer = None
        if self._searcher is not None:  # it sees the index as it was before the commit
            self._searcher.close()
            self._searcher = None
        if self.own_catalog:  # a shard's; the session stamps the catalog of its files
            stamp(self.catalog, self.settings)

    def close(self) -> None:
        """Give up anything not committed and let go of the index."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
        if self.own_catalog:
            self.catalog.close()


class WriteSession:
    """One indexing run into one index folder (an ordinary index, or a sharded one)."""

    def __init__(self, index_dir: Path, progress: Progress, report: IndexReport,
                 analysis: AnalysisSettings = DEFAULT_ANALYSIS, shards: int | None = None) -> None:
        self.index_dir = index_dir
        self.progress = progress
        self.report = report
        self.shards = shards or 0
        self.commit_docs, self.commit_bytes = commit_docs(), commit_bytes()
        self.commit_seconds = commit_seconds()
        self.last_commit = time.monotonic()
        index_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = open_catalog(index_dir)
        self.settings = analysis_settings(analysis)
        self.parts: list[IndexWriter] = []
        try:
            if self.shards:
                self.parts = [IndexWriter(d, progress, analysis) for d in shard_dirs(index_dir, self.shards)]
                self.catalog.set_many({"settings": self.settings})
                write_settings(index_dir, self.settings)
            else:
                self.parts = [IndexWriter(index_dir, progress, analysis, self.catalog)]
            durable.reconcile([p.ix for p in self.parts], self.catalog)
        except BaseException:
            self.close()
            raise
        self.pending: list[FileRecord] = []
        self.pending_gone: list[str] = []
        self.pending_docs = 0
        self.pending_bytes = 0
        self.known_ids: dict[str, str] = {}
        self.replacing: set[str] = set()  # files whose old articles this run drops
        self.options = ""  # the reading options of this run, recorded with each file read

    @property
    def index_dirs(self) -> list[Path]:
        """Return the folders of the indexes written (one, or one per shard)."""
        return [p.index_dir for p in self.parts]

    def part_of(self, article_id: str) -> IndexWriter:
        """Return the index an article goes to."""
        return self.parts[route(article_id, len(self.parts))]

    def close(self) -> None:
        """Give up anything not committed and let go of the indexes."""
        for p in self.parts:
            p.close()
        self.catalog.close()

    # --- the steps of a run ----------------------------------------------------------------------

    def drop_files(self, gone: Iterable[str], changed: Iterable[str] = ()) -> None:
        """Delete the articles of files that are gone (counted as removed) or changed (read
        again by this run), from every index; their ids are free for the files read after."""
        gone, changed = list(gone), list(changed)
        if not gone and not changed:
            return
        for p in self.parts:
            p.delete_paths(gone + changed)
        self.report.removed += len(gone)
        self.pending_gone.extend(gone)
        self.replacing.update(gone)
        self.replacing.update(changed)

    def claim(self, article_id: str, path: str) -> str | None:
        """Claim an id for an article of a file; return the file that holds it already, if
        another one does (the article is then skipped), else None."""
        owner = self.known_ids.get(article_id)
        if owner is None:
            owner = self.part_of(article_id).holder(article_id)
            if owner in self.replacing:
                owner = None
        if owner is not None:  # another file's, or an earlier record of this one
            return owner
        self.known_ids[article_id] = path
        return None

    def add(self, article: Article) -> None:
        """Add one article to the index its id goes to."""
        self.part_of(article.id).add(article)
        self.count(article)

    def count(self, article: Article) -> None:
        """Count an article written elsewhere (by the pipeline's writers) toward the next commit."""
        self.pending_docs += 1
        self.pending_bytes += len(article.body) + len(article.title)

    def record_file(self, found: FoundFile, kept: int, chars: int = 0, *, updated: bool,
                    before: int = 0) -> None:
        """Account for a file that was read: its articles kept (besides ``before``, those an
        earlier run committed of a file it read in part), and its catalog record."""
        report = self.report
        if updated:
            report.updated += 1
        else:
            report.added += 1
        report.articles += kept
        report.files_read += 1
        report.bytes_read += found.size
        self.pending.append(FileRecord(str(found.path), str(found.root), found.mtime_ns,
                                       found.size, before + kept, self.options))
        self.pending_bytes += chars

    def file_read(self, reading: FileReading, kept: int, updated: bool, before: int = 0) -> None:
        """Account for a file read to its end (or to an error): its doubts and skips, and its
        catalog record unless not one article could be read (it is then tried again)."""
        self.report.warnings.extend(reading.warnings)
        self.report.skipped.extend(reading.skipped)
        self.report.empty += reading.empty
        if reading.error:
            self.skip(str(reading.found.path), reading.error)
        if reading.read or not reading.error:
            self.record_file(reading.found, kept, updated=updated, before=before)

    def record_partial(self, found: FoundFile, done: int, kept: int) -> None:
        """Record at the next commit that a file's first ``done`` articles (``kept`` of them
        indexed, the others skipped) are committed, the rest not yet read."""
        self.pending.append(FileRecord(str(found.path), str(found.root), found.mtime_ns,
                                       found.size, kept, self.options, done))

    def skip(self, path: str, message: str) -> None:
        """Report a file or a record that is not indexed."""
        self.report.skipped.append(FileProblem(path, message))

    def start_clock(self) -> None:
        """Count the seconds before the next commit from now."""
        self.last_commit = time.monotonic()

    def due(self) -> bool:
        """Tell whether enough is pending to make a durable point now."""
        return (self.pending_docs >= self.commit_docs or self.pending_bytes >= self.commit_bytes
                or (self.pending_docs > 0 and time.monotonic() - self.last_commit >= self.commit_seconds))

    def commit(self) -> None:
        """Make what the session's writers hold durable, then record its files in the catalog."""
        with interrupts_deferred():
            for p in self.parts:
                p.commit()
            self._committed()

    def commit_segments(self, segments: Sequence[Sequence[Any]]) -> None:
        """Commit the session's deletions together with segments written by worker processes
        (``segments[k]``: those of index k)."""
        with interrupts_deferred():
            for p, segs in zip(self.parts, segments):
                p.commit(segs)
            self._committed()

    def _committed(self) -> None:
        if self.pending or self.pending_gone:
            self.catalog.record(self.pending, self.pending_gone)
        stamp(self.catalog, self.settings)
        self.pending, self.pending_gone = [], []
        self.pending_docs = self.pending_bytes = 0
        self.last_commit = time.monotonic()

    # --- a file read again here (a cluster task whose segments are not committed: parallel.py) ---

    def read_into(self, found: FoundFile, field_map: dict[str, str], updated: bool,
                  advance: bool = True) -> None:
        """Read one file and add its articles through the session's writers, one at a time.

        A changed file's old articles go only once its first new article is read, so that a
        file that has become unreadable keeps what was indexed of it.
        """
        path = str(found.path)
        reading = FileReading(found, field_map)
        kept = 0
        for a in reading:
            if updated and reading.read == 1:
                self.drop_files((), [path])
            owner = self.claim(a.id, path)
            if owner is not None:
                self.skip(path, collision(a.id, owner))
                continue
            self.add(a)
            kept += 1
        self.file_read(reading, kept, updated)
        if advance:
            self.progress.advance(1, kept, found.size)
