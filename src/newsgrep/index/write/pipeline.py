"""The one indexing path of this machine: the main process reads, workers write.

The main process reads the files in walk order, one article at a time (any reader, any number of
files, a file of a million records), claims each article's id in that order, and hands the
articles out in batches of records and bytes to writers: worker processes (``--jobs``), or one
writer in this process when the work is small. Each writer keeps one fast segment writer per
index it writes (one, or one per shard) and adds every article it is given to the index its id
goes to (whoosh_compat.segments: no per-document call into Whoosh's stock writer). Only the main
process holds the indexes' write locks, deletes the old articles of changed and gone files, and
commits.

A commit is made every ``NEWSGREP_COMMIT_DOCS`` articles, ``NEWSGREP_COMMIT_SECONDS`` seconds or
``NEWSGREP_COMMIT_BYTES`` bytes of text, whichever comes first, inside a file as between files:
the writers finish their segments, the main process commits them with one table of contents per
index, then records in the catalog the files read whole and, for a file read in part, how many of
its articles are committed (``FileRecord.done``). Ctrl-C (or a kill) keeps every committed
article; the next run reads such a file again, passes over its first ``done`` articles (a reader
yields a file's articles in the same order every time) and goes on from there: no article is lost
or added twice.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import time
import traceback
from collections.abc import Sequence
from typing import Any

from newsgrep.errors import NewsgrepError
from newsgrep.index.store.lock import check_interrupt, ignore_interrupts
from newsgrep.index.store.shards import route
from newsgrep.index.write.reading import FileReading
from newsgrep.index.write.session import WriteSession, collision
from newsgrep.ingest.files import FoundFile
from newsgrep.ingest.readers.stream import bytes_read
from newsgrep.models import Article

BATCH_ARTICLES = 200     # articles handed to a writer at once, at most ...
BATCH_CHARS = 1 << 20    # ... and characters of text
INBOX = 4                # batches waiting for a worker before the reader waits in turn
WORKER_LIMIT_MB = 48     # posting pool of each worker before it spills a run to disk ...
SHARED_POOLS = 4         # ... times this at most for the pools of all the shards it writes
MIN_FILES = 64           # fewer files than this are written in this process ...
MIN_BYTES = 2 << 20      # ... unless they hold at least this much

Segments = list[Any]     # one writer's new segment per index (None where it was given nothing)


def open_writers(index_dirs: Sequence[str]) -> list[Any]:
    """Open one unlocked fast segment writer per index (shard)."""
    from whoosh.filedb.filestore import FileStorage

    from newsgrep.index.store.location import INDEX_NAME
    from newsgrep.index.whoosh_compat.segments import open_segment_writer, share_pool_limit

    writers = [open_segment_writer(FileStorage(d).open_index(INDEX_NAME), WORKER_LIMIT_MB) for d in index_dirs]
    if len(writers) > 1:  # one limit for the worker, whatever the number of shards
        share_pool_limit(writers, WORKER_LIMIT_MB * min(len(writers), SHARED_POOLS))
    return writers


def add_articles(writers: Sequence[Any], articles: Sequence[Article]) -> None:
    """Add each article to the writer of the index its id goes to."""
    from newsgrep.index.write.reading import article_doc

    for a in articles:
        writers[route(a.id, len(writers))].add_document(**article_doc(a))


def finish_writers(writers: Sequence[Any]) -> Segments:
    """Finish each writer's segment (None for a writer that was given nothing)."""
    from newsgrep.index.whoosh_compat.segments import finish_segment

    return [finish_segment(w) for w in writers]


def cancel_writers(writers: Sequence[Any]) -> None:
    """Give up segments being written (their files go at the index's next commit)."""
    from newsgrep.index.whoosh_compat.segments import cancel_segment

    for w in writers:
        cancel_segment(w)


class InProcess:
    """One writer in this process."""

    def __init__(self, index_dirs: Sequence[str]) -> None:
        self.index_dirs = list(index_dirs)
        self.writers: list[Any] | None = None

    def send(self, articles: list[Article]) -> None:
        """Write a batch of articles."""
        if self.writers is None:
            self.writers = open_writers(self.index_dirs)
        add_articles(self.writers, articles)

    def finish(self) -> list[Segments]:
        """Finish the segments written since the last commit."""
        writers, self.writers = self.writers, None
        return [finish_writers(writers)] if writers else []

    def close(self) -> None:
        """Give up what is not finished."""
        if self.writers is not None:
            cancel_writers(self.writers)
            self.writers = None


def _worker(number: int, index_dirs: list[str], inbox: Any, results: Any) -> None:
    """Write the batches of articles given; finish the segments when asked."""
    ignore_interrupts()  # Ctrl-C is the main process's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    writers: list[Any] | None = None
    try:
        while True:
            msg = inbox.get()
            if msg is None:
                break
            if msg == "finish":
                results.put(("segments", number, finish_writers(writers) if writers else None))
                writers = None
                continue
            if writers is None:
                writers = open_writers(index_dirs)
            add_articles(writers, msg)
    except BaseException:  # report anything to the main process, which raises it
        results.put(("error", number, traceback.format_exc()))
    finally:
        if writers is not None:
            cancel_writers(writers)


class Workers:
    """Worker processes, each with an inbox of its own (so that a worker's segments hold what was
    sent to it before ``finish``), given batches in turn."""

    def __init__(self, index_dirs: Sequence[str], jobs: int) -> None:
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        self.results: Any = ctx.Queue()
        self.inboxes: list[Any] = [ctx.Queue(INBOX) for _ in range(jobs)]
        for q in self.inboxes:
            q.cancel_join_thread()  # an interrupted run exits without waiting for its workers
        self.procs = [ctx.Process(target=_worker, args=(n, list(index_dirs), q, self.results), daemon=True)
                      for n, q in enumerate(self.inboxes)]
        self.turn = 0
        # A worker ignores Ctrl-C (SIGINT goes to the whole process group); until it says so,
        # SIGINT is held back from it, and a Ctrl-C in the meantime reaches this process once
        # the workers are started.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for p in self.procs:
                p.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def send(self, articles: list[Article]) -> None:
        """Give a batch to the next worker (waiting while its inbox is full)."""
        inbox = self.inboxes[self.turn]
        self.turn = (self.turn + 1) % len(self.inboxes)
        while True:
            try:
                inbox.put(articles, timeout=1.0)
                return
            except queue.Full:
                self._check()

    def finish(self) -> list[Segments]:
        """Have every worker finish its segments; return those of the workers given anything."""
        for inbox in self.inboxes:
            inbox.put("finish")
        got: dict[int, Segments] = {}
        answered = 0
        while answered < len(self.procs):
            try:
                msg = self.results.get(timeout=1.0)
            except queue.Empty:
                self._check()
                continue
            if msg[0] == "error":
                raise NewsgrepError(f"an indexing worker failed:\n{msg[2]}")
            answered += 1
            if msg[2] is not None:
                got[msg[1]] = msg[2]
        return [got[n] for n in sorted(got)]

    def _check(self) -> None:
        check_interrupt()
        try:
            msg = self.results.get_nowait()
        except queue.Empty:
            msg = None
        if msg is not None and msg[0] == "error":
            raise NewsgrepError(f"an indexing worker failed:\n{msg[2]}")
        if msg is not None:  # never before a finish: a worker sends segments only when asked
            raise NewsgrepError(f"an indexing worker answered out of turn: {msg[0]}")
        if any(p.exitcode not in (None, 0) for p in self.procs):
            raise NewsgrepError("an indexing worker process died; nothing since the last commit "
                                "was committed")

    def close(self) -> None:
        """Stop the workers (anything not finished is given up)."""
        for inbox in self.inboxes:
            try:
                inbox.put_nowait(None)
            except (queue.Full, ValueError, OSError):
                pass
        deadline = time.monotonic() + 5
        for p in self.procs:
            p.join(timeout=max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)


def worth_it(files: Sequence[FoundFile], jobs: int) -> bool:
    """Tell whether to write in worker processes."""
    return jobs > 1 and len(files) >= 1 and (
        len(files) >= MIN_FILES or sum(f.size for f in files) >= MIN_BYTES)


class Pipeline:
    """One run's reading (here) and writing (in the writers), with its commits."""

    def __init__(self, session: WriteSession, jobs: int, use_workers: bool) -> None:
        self.session = session
        dirs = [str(d) for d in session.index_dirs]
        self.writers: InProcess | Workers = Workers(dirs, jobs) if use_workers else InProcess(dirs)
        self.batch: list[Article] = []
        self.chars = 0

    def send(self) -> None:
        """Hand the batch gathered to a writer."""
        if self.batch:
            self.writers.send(self.batch)
            self.batch, self.chars = [], 0

    def commit(self) -> None:
        """Make everything sent durable, with the catalog records pending."""
        self.send()
        segments = self.writers.finish()
        parts = len(self.session.parts)
        self.session.commit_segments([[segs[k] for segs in segments if segs[k] is not None]
                                      for k in range(parts)])

    def read(self, found: FoundFile, field_map: dict[str, str], updated: bool, resume: Any) -> None:
        """Read one file and hand its articles out, committing inside it when one is due.

        ``resume``: the catalog record of a file read in part by an earlier run (its first
        ``done`` articles are in the index), or None. A changed file's old articles go only once
        its first new article is read, so that a file that has become unreadable keeps what was
        indexed of it.
        """
        session = self.session
        path = str(found.path)
        reading = FileReading(found, field_map)
        passed = resume.done if resume is not None else 0
        before = resume.articles if resume is not None else 0
        kept = 0
        left = found.size  # bytes of the file not yet shown as read
        for a in reading:
            if reading.read <= passed:
                continue
            if updated and reading.read == 1:
                session.drop_files((), [path])
            owner = session.claim(a.id, path)
            if owner is not None:
                session.skip(path, collision(a.id, owner))
            else:
                session.count(a)
                self.batch.append(a)
                kept += 1
                size = len(a.body) + len(a.title)
                self.chars += size
                at = bytes_read(found.path)  # where a streamed file's reader is; else a guess
                shown = max(0, min(left, size if at is None else at - (found.size - left)))
                left -= shown
                session.progress.advance(0, 1, shown)
                if len(self.batch) >= BATCH_ARTICLES or self.chars >= BATCH_CHARS:
                    self.send()
            if session.due():
                session.record_partial(found, reading.read, before + kept)
                self.commit()
        session.file_read(reading, kept, updated, before)
        session.progress.advance(1, 0, left)
        if session.due():
            self.commit()

    def close(self) -> None:
        """Let go of the writers (what was not committed is given up)."""
        self.writers.close()


def index_files(session: WriteSession, files: Sequence[FoundFile], field_map: dict[str, str],
                jobs: int, previous: dict[str, Any], gone: Sequence[str],
                resume: dict[str, Any]) -> None:
    """Read the files in order and write their articles, drop the gone files, committing as
    often as the settings say and at the end."""
    session.replacing.update(previous)
    session.drop_files(gone)
    pipeline = Pipeline(session, jobs, worth_it(files, jobs))
    session.start_clock()  # the seconds between commits count from here
    try:
        for found in files:
            check_interrupt()
            key = str(found.path)
            updated = key in previous  # read whole again, its old articles replaced
            pipeline.read(found, field_map, updated, resume=None if updated else resume.get(key))
        pipeline.commit()
    finally:
        pipeline.close()
