"""Writing a sharded index on a Dask cluster: each group of files is a task on a worker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsgrep.cluster import Cluster, seeing
from newsgrep.index.store.lock import check_interrupt
from newsgrep.index.write.parallel import FileDone, Runner, Task, write_task
from newsgrep.index.write.session import WriteSession
from newsgrep.ingest.files import FoundFile


class DaskRunner(Runner):
    """Runs a batch's tasks on a Dask cluster: each task writes segments of its own."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def batch_bytes(self, default: int) -> int:
        """A commit's worth of files grows with the workers: each task (one per worker and batch)
        writes a segment into every shard, so a batch of the local size over 64 workers and 64
        shards would make 4,096 segments of some 13 articles each, and a commit every few seconds.
        Each worker gets what one of two local worker processes gets (half the default)."""
        return default * max(1, self.cluster.worker_count() // 2)

    def run(self, session: WriteSession, files: Sequence[FoundFile], batch: list[int],
            field_map: dict[str, str], jobs: int) -> tuple[list[FileDone], dict[int, list[Any]]]:
        """Index a batch as tasks; return what was done with each file, and each task's segments."""
        dirs = [str(d) for d in session.index_dirs]
        client = self.cluster.client
        workers = max(1, self.cluster.worker_count())
        futures = {client.submit(seeing, write_task, dirs, task, field_map, n, pure=False): n
                   for n, task in enumerate(shares(files, batch, workers))}
        done: list[FileDone] = []
        segments: dict[int, list[Any]] = {}
        try:
            for future, n in futures.items():  # in order; the tasks run meanwhile
                check_interrupt()
                got_done, got_segments = self.cluster.gather([future])[0]
                done.extend(got_done)
                segments[n] = got_segments
                for d in got_done:
                    session.progress.advance(1, len(d.ids), files[d.index].size)
        except BaseException:
            self.cluster.cancel(list(futures))
            raise
        done.sort(key=lambda d: d.index)
        return done, segments


def shares(files: Sequence[FoundFile], batch: list[int], workers: int) -> list[Task]:
    """Cut a batch into one task per worker, of about equal bytes, files kept in order within
    each: a task writes one segment per shard, so fewer, larger tasks mean fewer segments."""
    total = sum(files[i].size for i in batch) or 1
    per = total / workers
    out: list[Task] = [[]]
    size = 0
    for i in batch:
        if out[-1] and size >= per * len(out) and len(out) < workers:
            out.append([])
        out[-1].append((i, files[i]))
        size += files[i].size
    return [t for t in out if t]
