"""Indexing by files on other machines: each task reads whole files and writes segments of its own.

This is the path of a Dask cluster (newsgrep.cluster): a task (``write_task``) reads a group of
files where it runs and writes one new segment per index (one, or one per shard) with the same
fast segment writers as this machine's pipeline (pipeline.py). The main process holds the
indexes' write locks, deletes the old versions of changed and gone files, settles ids in walk
order exactly as the pipeline does, and commits each index's new segments with one table of
contents after each batch of bytes. Only ids travel back to the main process.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsgrep.index.store.lock import check_interrupt
from newsgrep.index.write.session import WriteSession
from newsgrep.ingest.files import FoundFile
from newsgrep.models import FileProblem

TASK_FILES = 16          # files per task handed to a worker, at most
TASK_BYTES = 2 << 20     # bytes per task, at most (a big export file is a task of its own)

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


def write_files(writers: Sequence[Any], task: Task, field_map: dict[str, str], worker: int) -> list[FileDone]:
    """Read a task's files and add each article to the writer of the index its id goes to."""
    from newsgrep.index.write.pipeline import add_articles
    from newsgrep.index.write.reading import FileReading

    done = []
    for i, found in task:
        reading = FileReading(found, field_map)
        d = FileDone(i, worker)
        for a in reading:  # one article at a time: a large export is never held whole
            add_articles(writers, [a])
            d.ids.append(a.id)
            d.chars += len(a.body) + len(a.title)
        d.warnings, d.skipped = reading.warnings, reading.skipped
        d.empty, d.error = reading.empty, reading.error
        done.append(d)
    return done


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
    """Runs a batch's tasks somewhere (a Dask cluster: newsgrep.cluster.write.DaskRunner)."""

    def batch_bytes(self, default: int) -> int:
        """How many bytes of files to index between two commits."""
        return default

    def run(self, session: WriteSession, files: Sequence[FoundFile], batch: list[int],
            field_map: dict[str, str], jobs: int) -> tuple[list[FileDone], dict[int, list[Any]]]:
        """Index a batch; return what was done with each file, and each task's segments."""
        raise NotImplementedError


def apply_parallel(session: WriteSession, files: Sequence[FoundFile], field_map: dict[str, str],
                   jobs: int, previous: dict[str, Any], gone: Sequence[str], batch_bytes: int,
                   runner: Runner, resume: dict[str, Any] | None = None) -> None:
    """Index files as a runner's tasks, committing after each batch of bytes. A file an earlier
    run read in part (``resume``) is read whole again, its committed articles replaced."""
    previous = {**(resume or {}), **previous}
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


def write_task(index_dirs: list[str], task: Task, field_map: dict[str, str],
               worker: int) -> tuple[list[FileDone], list[Any]]:
    """Index a task's files into new segments of their own (one per index): what a Dask task
    runs on a cluster worker. Segments not committed (a task run again elsewhere after its worker
    was lost) are removed by the next commit of their index."""
    from newsgrep.index.write.pipeline import finish_writers, open_writers

    writers = open_writers(index_dirs)
    done = write_files(writers, task, field_map, worker)
    return done, finish_writers(writers)
