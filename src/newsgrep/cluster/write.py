"""Writing a sharded index on a Dask cluster: each group of files is a task on a worker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsgrep.cluster import Cluster
from newsgrep.index.store.lock import check_interrupt
from newsgrep.index.write.parallel import FileDone, Runner, make_tasks, write_task
from newsgrep.index.write.session import WriteSession
from newsgrep.ingest.files import FoundFile


class DaskRunner(Runner):
    """Runs a batch's tasks on a Dask cluster: each task writes segments of its own."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def run(self, session: WriteSession, files: Sequence[FoundFile], batch: list[int],
            field_map: dict[str, str], jobs: int) -> tuple[list[FileDone], dict[int, list[Any]]]:
        """Index a batch as tasks; return what was done with each file, and each task's segments."""
        dirs = [str(d) for d in session.index_dirs]
        client = self.cluster.client
        futures = {client.submit(write_task, dirs, task, field_map, n, pure=False): n
                   for n, task in enumerate(make_tasks(files, batch))}
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
