"""Indexing on every core: workers read, analyse and write Whoosh segments of their own.

Whoosh's own writer analyses and writes postings in one process, so reading files in a pool
leaves the writer as the bottleneck. Here each worker keeps one segment writer per index it
writes (one, or one per shard; unlocked, as in Whoosh's MpWriter: whoosh_compat.segments), feeds
them the articles of the files it is given, each to the index its id goes to, and at the end of a
batch finishes its segments and hands them back. The main process holds the indexes' write
locks, deletes the old versions of changed and gone files, settles ids in walk order exactly as
the one-process path does, and commits each index's new segments with one table of contents.
Only ids travel back to the main process, so its memory stays flat; each worker's pool spills to
disk beyond ``WORKER_LIMIT_MB``; the pools of the shards a worker writes spill, the largest first,
when together they hold that times the number of shards, at most SHARED_POOLS times (so that a
worker writing into 64 shards holds no more than one writing into 4). The same ``write_files``
runs as a Dask task on a cluster (newsgrep.cluster), where a task is a worker.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsgrep.errors import NewsgrepError
from newsgrep.index.store.lock import check_interrupt
from newsgrep.index.store.shards import route
from newsgrep.index.write.session import WriteSession
from newsgrep.ingest.files import FoundFile
from newsgrep.models import FileProblem

TASK_FILES = 16          # files per task handed to a worker, at most
TASK_BYTES = 2 << 20     # bytes per task, at most (a big export file is a task of its own)
WORKER_LIMIT_MB = 48     # posting pool of each worker before it spills a run to disk ...
SHARED_POOLS = 4         # ... times this at most for the pools of all the shards it writes
MIN_FILES = 64           # fewer files than this are indexed in one process ...
MIN_BYTES = 8 << 20      # ... unless they hold at least this much

Task = list[tuple[int, FoundFile]]  # (position of the file in the run, the file)


@dataclass
class FileDone:
    """What a worker did with one file: the ids of the articles it added."""

    index: int
    worker: int
    ids: list[str] = field(default_factory=list)
    chars: int = 0
    warnings: list[FileProblem] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)
    empty: int = 0
    error: str | None = None


def open_writers(index_dirs: Sequence[str]) -> list[Any]:
    """Open one unlocked segment writer per index (shard)."""
    from whoosh.filedb.filestore import FileStorage

    from newsgrep.index.store.location import INDEX_NAME
    from newsgrep.index.whoosh_compat.segments import open_segment_writer, share_pool_limit

    writers = [open_segment_writer(FileStorage(d).open_index(INDEX_NAME), WORKER_LIMIT_MB) for d in index_dirs]
    if len(writers) > 1:  # one limit for the worker, whatever the number of shards
        share_pool_limit(writers, WORKER_LIMIT_MB * min(len(writers), SHARED_POOLS))
    return writers


def write_files(writers: Sequence[Any], task: Task, field_map: dict[str, str], worker: int) -> list[FileDone]:
    """Read a task's files and add each article to the writer of the index its id goes to."""
    from newsgrep.index.write.reading import FileReading, article_doc

    done = []
    for i, found in task:
        reading = FileReading(found, field_map)
        d = FileDone(i, worker)
        for a in reading:  # one article at a time: a large export is never held whole
            writers[route(a.id, len(writers))].add_document(**article_doc(a))
            d.ids.append(a.id)
            d.chars += len(a.body) + len(a.title)
        d.warnings, d.skipped = reading.warnings, reading.skipped
        d.empty, d.error = reading.empty, reading.error
        done.append(d)
    return done


def finish_writers(writers: Sequence[Any]) -> list[Any]:
    """Finish each writer's segment (None for a writer that was given nothing)."""
    from newsgrep.index.whoosh_compat.segments import finish_segment

    return [finish_segment(w) for w in writers]


def _worker(number: int, index_dirs: list[str], field_map: dict[str, str], tasks: Any, results: Any) -> None:
    """Index the files of each task; hand the segments back at the end of the batch."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:
        writers = open_writers(index_dirs)
        while True:
            task = tasks.get()
            if task is None:
                break
            results.put(("files", write_files(writers, task, field_map, number)))
        results.put(("segments", number, finish_writers(writers)))
    except BaseException:  # report anything to the main process, which raises it
        results.put(("error", number, traceback.format_exc()))


def _batches(files: Sequence[FoundFile], limit: int) -> Iterator[list[int]]:
    """Split file positions into batches of about ``limit`` bytes, in order."""
    batch: list[int] = []
    size = 0
    for i, f in enumerate(files):
        batch.append(i)
        size += f.size
        if size >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class Runner:
    """Runs a batch's tasks somewhere: here, worker processes of this machine."""

    def batch_bytes(self, default: int) -> int:
        """How many bytes of files to index between two commits."""
        return default

    def run(self, session: WriteSession, files: Sequence[FoundFile], batch: list[int],
            field_map: dict[str, str], jobs: int) -> tuple[list[FileDone], dict[int, list[Any]]]:
        """Index a batch; return what was done with each file, and each worker's segments."""
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        dirs = [str(d) for d in session.index_dirs]
        tasks, results = ctx.Queue(), ctx.Queue()
        workers = [ctx.Process(target=_worker, args=(n, dirs, field_map, tasks, results), daemon=True)
                   for n in range(min(jobs, len(batch)))]
        for p in workers:
            p.start()
        for task in make_tasks(files, batch):
            tasks.put(task)
        for _ in workers:
            tasks.put(None)
        done: list[FileDone] = []
        segments: dict[int, list[Any]] = {}
        try:
            while len(segments) < len(workers):
                check_interrupt()
                try:
                    msg = results.get(timeout=1.0)
                except queue.Empty:
                    if any(p.exitcode not in (None, 0) for p in workers):
                        raise NewsgrepError("an indexing worker process died; nothing of this batch "
                                            "was committed") from None
                    continue
                if msg[0] == "files":
                    done.extend(msg[1])
                    for d in msg[1]:
                        session.progress.advance(1, len(d.ids), files[d.index].size)
                elif msg[0] == "segments":
                    segments[msg[1]] = msg[2]
                else:
                    raise NewsgrepError(f"an indexing worker failed:\n{msg[2]}")
        finally:
            for p in workers:
                p.join(timeout=5)
                if p.is_alive():
                    p.terminate()
        done.sort(key=lambda d: d.index)
        return done, segments


def apply_parallel(session: WriteSession, files: Sequence[FoundFile], field_map: dict[str, str],
                   jobs: int, previous: dict[str, Any], gone: Sequence[str], batch_bytes: int,
                   runner: Runner | None = None) -> None:
    """Index files in ``jobs`` workers, committing after each batch of bytes."""
    runner = runner or Runner()
    session.replacing.update(previous)
    session.drop_files(gone)
    for batch in _batches(files, runner.batch_bytes(batch_bytes)):
        done, segments = runner.run(session, files, batch, field_map, jobs)
        _settle(session, files, done, segments, previous, field_map)
        check_interrupt()
        parts = len(session.parts)
        session.commit_segments([[segs[k] for segs in segments.values() if segs[k] is not None]
                                 for k in range(parts)])


def _settle(session: WriteSession, files: Sequence[FoundFile], done: list[FileDone],
            segments: dict[int, list[Any]], previous: dict[str, Any], field_map: dict[str, str]) -> None:
    """Account for each file in walk order, exactly as one process would.

    Ids are claimed in walk order. A worker's segments holding an article whose id an earlier
    file holds are not committed (deleting the article from a segment would leave its words in
    the segment's statistics): its files are read again here, in walk order, through the
    session's own writers, and the article is skipped before it is written. Such collisions are
    rare.
    """
    claimed: dict[int, list[str]] = {}
    dirty: set[int] = set()
    for d in done:
        path = str(files[d.index].path)
        claimed[d.index] = []
        for article_id in d.ids:
            if session.claim(article_id, path) is not None:
                dirty.add(d.worker)
            else:
                claimed[d.index].append(article_id)
    if dirty:
        from newsgrep.index.whoosh_compat.segments import discard_segment

        for d in done:
            if d.worker in dirty:
                for article_id in claimed[d.index]:
                    session.known_ids.pop(article_id, None)
        for worker in dirty:
            for part, seg in zip(session.parts, segments.get(worker, [])):
                if seg is not None:
                    discard_segment(part.ix.storage, seg)
            segments.pop(worker, None)
    for d in done:
        f = files[d.index]
        path = str(f.path)
        updated = path in previous
        if d.worker in dirty:
            session.read_into(f, field_map, updated, advance=False)
            continue
        session.report.warnings.extend(d.warnings)
        session.report.skipped.extend(d.skipped)
        session.report.empty += d.empty
        if d.error:
            session.skip(path, d.error)
        if d.ids or not d.error:  # a file with no article read at all keeps its old articles
            if updated:
                session.drop_files((), [path])
            session.record_file(f, len(d.ids), d.chars, updated=updated)


def worth_it(files: Sequence[FoundFile], jobs: int) -> bool:
    """Tell whether to index in worker processes."""
    return jobs > 1 and len(files) >= 1 and (
        len(files) >= MIN_FILES or sum(f.size for f in files) >= MIN_BYTES)


def make_tasks(files: Sequence[FoundFile], batch: list[int]) -> Iterator[Task]:
    """Cut a batch into tasks of at most TASK_FILES files and TASK_BYTES bytes (or one file)."""
    task: Task = []
    size = 0
    for i in batch:
        if task and (len(task) >= TASK_FILES or size + files[i].size > TASK_BYTES):
            yield task
            task, size = [], 0
        task.append((i, files[i]))
        size += files[i].size
    if task:
        yield task


def write_task(index_dirs: list[str], task: Task, field_map: dict[str, str],
               worker: int) -> tuple[list[FileDone], list[Any]]:
    """Index a task's files into new segments of their own (one per index): what a Dask task
    runs on a cluster worker. Segments not committed (a task run again elsewhere after its worker
    was lost) are removed by the next commit of their index."""
    writers = open_writers(index_dirs)
    done = write_files(writers, task, field_map, worker)
    return done, finish_writers(writers)
