"""Sharded indexes on a Dask cluster: the same commands, run as tasks on the scheduler's workers.

Only this package imports Dask, and only when ``--cluster`` (or $NEWSGREP_CLUSTER) names a
scheduler: ``connect`` returns a Cluster whose ``map`` runs the per-shard search functions of
``newsgrep.index.search.shards`` as tasks (one per shard, one round trip per query, a second one to
the shards of the hits returned for their snippets) and whose
``runner`` writes segments as tasks (``newsgrep.index.write.parallel.write_task``, one per group of
files; each index's segments are committed by this process, one writer per shard). Workers see
the index folder and the input files at the same paths as the client (a shared filesystem).

Faults: a worker lost in the middle of a task has the task run again by Dask on another worker
(a task reads files and writes new segments only; what a lost task wrote is never committed and
is removed by the next commit); a worker lost between searches leaves the others to answer; a
scheduler that cannot be reached, or a shard that cannot be read, is an error (exit 2) within a
time limit, never a partial answer.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from newsgrep.errors import NewsgrepError, UsageError

CONNECT_TIMEOUT = float(os.environ.get("NEWSGREP_CLUSTER_TIMEOUT", "10"))   # seconds to reach it
TASK_TIMEOUT = float(os.environ.get("NEWSGREP_CLUSTER_TASK_TIMEOUT", "3600"))  # seconds per round


class Abandoned(Exception):
    """The caller of a round hung up before it was answered (a kept client's caller, see keep.py)."""


class Cluster:
    """A connected Dask client, running newsgrep's shard and write tasks."""

    def __init__(self, client: Any, address: str) -> None:
        self.client = client
        self.address = address
        self._last: list[Any] = []  # the last round's tasks, held until the next round is sent

    def gather(self, futures: Sequence[Any], abandon: Callable[[], bool] | None = None) -> list[Any]:
        """Wait for tasks, within TASK_TIMEOUT, and fetch their results in one request; a task
        that fails fails the whole round. ``abandon``, asked twice a second while the tasks run,
        says whether their results are still wanted (else Abandoned is raised)."""
        from distributed import wait

        try:
            step = TASK_TIMEOUT if abandon is None else 0.5
            until = time.monotonic() + TASK_TIMEOUT
            with self.client.as_current():  # wait() asks for the current client
                while True:
                    try:
                        wait(futures, timeout=max(0.01, min(step, until - time.monotonic())))
                        break
                    except TimeoutError:
                        if time.monotonic() >= until:
                            raise
                        if abandon is not None and abandon():
                            raise Abandoned() from None
            return list(self.client.gather(list(futures)))
        except (NewsgrepError, Abandoned):
            self.cancel(futures)
            raise
        except TimeoutError as exc:
            self.cancel(futures)
            raise NewsgrepError(f"the Dask cluster at {self.address} did not answer within "
                                f"{TASK_TIMEOUT:.0f} s (NEWSGREP_CLUSTER_TASK_TIMEOUT)") from exc
        except Exception as exc:  # a task's own error, raised again here by Dask
            self.cancel(futures)
            raise NewsgrepError(f"a task on the Dask cluster at {self.address} failed: "
                                f"{type(exc).__name__}: {exc}") from exc

    @staticmethod
    def cancel(futures: Sequence[Any]) -> None:
        """Cancel the tasks of a round that will not be used."""
        for f in futures:
            f.cancel()

    def map(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]],
            abandon: Callable[[], bool] | None = None) -> list[Any]:
        """Run each call as a task; return the results in order."""
        if not calls:
            return []
        # One message to the scheduler for the whole round: the client sends a message that follows
        # another within 10 ms only when those 10 ms are over. For the same reason the last round's
        # tasks are let go (a message) only once this round is sent, not between rounds.
        futures = self.client.map(fn, *(list(column) for column in zip(*calls)), pure=False)
        self._last = futures
        return self.gather(futures, abandon)

    def runner(self) -> Any:
        """Return a Runner that writes a batch's segments as tasks on the cluster's workers."""
        from newsgrep.cluster.write import DaskRunner

        return DaskRunner(self)


_CONNECTED: dict[str, Cluster] = {}
_KEEP = {"seconds": 0.0}  # how long a kept client waits for the next call; 0: none is started or used


def keep_clients(seconds: float) -> None:
    """Have the commands of this process use, and start, kept clients (see keep.py) that wait
    ``seconds`` for their next call: for a command line, whose process ends with the command."""
    _KEEP["seconds"] = seconds


def mapper(address: str) -> Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]:
    """What runs a sharded index's rounds of tasks on the cluster at ``address``: this process's
    connection if it has one; else a kept client of this user's, if kept clients are wanted and one
    answers; else a new connection (and a kept client is started for the next calls)."""
    if address not in _CONNECTED and _KEEP["seconds"] > 0:
        from newsgrep.cluster.keep import reach

        kept = reach(address)
        if kept is not None:
            return kept.map
    return connect(address).map


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Cluster:
    """Connect to a Dask scheduler (``tcp://host:8786``), once per process."""
    if address in _CONNECTED:
        return _CONNECTED[address]
    Client = _import_client()
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise NewsgrepError(f"cannot reach the Dask scheduler at {address} within {timeout:.0f} s "
                            f"({type(exc).__name__}: {str(exc).splitlines()[0][:160]})") from None
    _CONNECTED[address] = cluster = Cluster(client, address)
    if _KEEP["seconds"] > 0:
        from newsgrep.cluster.keep import start

        start(address, _KEEP["seconds"])
    return cluster


def _import_client() -> Any:
    """Import Dask's Client, with the cyclic garbage collector paused meanwhile.

    Importing distributed makes some 500 modules, whose objects all live as long as the process:
    the collections that their allocations set off find nothing to free and took 0.1 s of the
    0.45-0.58 s import here (a cold ``--cluster`` call is mostly this import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--cluster needs Dask's distributed scheduler: "
                         "pip install 'newsgrep[cluster]'") from None
    finally:
        if was_enabled:
            gc.enable()
    return Client


def disconnect(address: str) -> None:
    """Close this process's connection to a scheduler, if there is one."""
    cluster = _CONNECTED.pop(address, None)
    if cluster is not None:
        cluster.client.close()
