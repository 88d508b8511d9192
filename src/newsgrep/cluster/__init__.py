"""Sharded indexes on a Dask cluster: the same commands, run as tasks on the scheduler's workers.

Only this package imports Dask, and only when ``--cluster`` (or $NEWSGREP_CLUSTER) names a
scheduler: ``connect`` returns a Cluster whose ``map`` runs the per-shard search functions of
``newsgrep.index.search.shards`` (one round trip per query, a second one to the shards of the
hits returned for their snippets) and whose
``runner`` writes segments as tasks (``newsgrep.index.write.parallel.write_task``, one per group of
files; each index's segments are committed by this process, one writer per shard). Workers see
the index folder and the input files at the same paths as the client (a shared filesystem).

A round runs as Dask tasks, one per shard; or, in a process that keeps its connection (a kept
client, a program), through a ShardServer on each worker (a Dask actor, placed after the first
round): the client calls it through the scheduler (which only passes the message on), the
worker's shards of the round in one call, which saves half of what a round of tasks takes (the
scheduler's task bookkeeping, then a request for the results: 13 against 27 ms here). A server
that cannot be reached has its round run again as tasks, and servers are placed again on the
workers there are.

Faults: a worker lost in the middle of a task has the task run again by Dask on another worker
(a task reads files and writes new segments only; what a lost task wrote is never committed and
is removed by the next commit); a worker lost between searches leaves the others to answer; a
scheduler that cannot be reached, or a shard that cannot be read, is an error (exit 2) within a
time limit, never a partial answer.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from newsgrep import settings
from newsgrep.errors import NewsgrepError, UsageError

CONNECT_TIMEOUT = settings.cluster_timeout()   # seconds to reach it
TASK_TIMEOUT = settings.cluster_task_timeout()  # seconds per round
SERVERS_PAUSE = 60.0  # seconds without servers after one could not be reached or made
WORKERS_CHECK = 5.0  # seconds between two looks at the scheduler's workers, for the servers

_ON_WORKER = threading.Lock()  # a worker's shard searchers, used by one thread at a time


def on_worker(fn: Callable[..., Any], *args: Any) -> Any:
    """Run one shard's call on a worker: a task and a ShardServer's call may run at the same time
    there (and tasks at once on a worker of several threads); an open shard is not for two threads."""
    with _ON_WORKER:
        return seeing(fn, *args)


def seeing(fn: Callable[..., Any], *args: Any) -> Any:
    """Run a call on a worker whose first argument is a folder, or a list of folders, of the index:
    one that fails on a folder this worker cannot see says so (not "no index there")."""
    try:
        return fn(*args)
    except Exception:
        first = args[0] if args else ()
        folders = [first] if isinstance(first, str) else first
        unseen = [f for f in folders if isinstance(f, str) and not os.path.isdir(f)]
        if unseen:
            import socket

            raise NewsgrepError(f"the Dask worker on {socket.gethostname()} does not see {unseen[0]}: "
                                "workers must see the index and the files at this client's paths "
                                "(a shared filesystem)") from None
        raise


class ShardServer:
    """What a worker runs a round's calls with for a client that keeps its connection (placed by
    Cluster as a Dask actor, one per worker): its calls are passed on by the scheduler, which
    neither makes tasks of them nor keeps their results."""

    def run(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> tuple[bool, Any]:
        """Run each call; return (True, the results), or (False, the exception one raised)."""
        try:
            return True, [on_worker(fn, *args) for args in calls]
        except Exception as exc:  # raised again by the caller, as a task's error would be
            return False, exc


class Unreachable(Exception):
    """A ShardServer could not be called: the round runs as tasks."""


def task_failed(exc: BaseException, address: str) -> BaseException:
    """What a round raises for an error raised by one of its calls on the cluster."""
    if isinstance(exc, NewsgrepError):
        return exc
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    hint = ("; the scheduler and every worker need the newsgrep of this client installed "
            "(pip install 'newsgrep[cluster]')" if "deserializ" in first.lower() else "")
    return NewsgrepError(f"a task on the Dask cluster at {address} failed: {type(exc).__name__}: {first}{hint}")


class Abandoned(Exception):
    """The caller of a round hung up before it was answered (a kept client's caller, see keep.py)."""


class Cluster:
    """A connected Dask client, running newsgrep's shard and write tasks."""

    def __init__(self, client: Any, address: str, serve: bool = True) -> None:
        self.client = client
        self.address = address
        self.serve = serve  # place ShardServers (not worth it for a process that ends with its command)
        self._last: list[Any] = []  # the last round's tasks, held until the next round is sent
        self._lock = threading.Lock()
        self._servers: list[tuple[str, Any]] = []  # (worker, the future of its ShardServer)
        self._actors: list[Any] | None = None  # the servers, once all are placed
        self._homes: dict[Any, int] = {}  # which server a shard's calls go to
        self._paused_until = 0.0
        self._seen: tuple[frozenset[str], float] = (frozenset(), -WORKERS_CHECK)
        self.served = 0  # rounds answered by the servers (with results or a call's error)

    def gather(self, futures: Sequence[Any], abandon: Callable[[], bool] | None = None) -> list[Any]:
        """Wait for tasks, within TASK_TIMEOUT, and fetch their results in one request; a task
        that fails fails the whole round, and so does a scheduler left without workers for
        CONNECT_TIMEOUT (its tasks would wait for one until TASK_TIMEOUT). ``abandon``, asked
        twice a second while the tasks run, says whether their results are still wanted (else
        Abandoned is raised)."""
        from distributed import wait

        try:
            step = 1.0 if abandon is None else 0.5
            until = time.monotonic() + TASK_TIMEOUT
            idle_since: float | None = None
            with self.client.as_current():  # wait() asks for the current client
                while True:
                    try:
                        wait(futures, timeout=max(0.01, min(step, until - time.monotonic())))
                        break
                    except TimeoutError:
                        now = time.monotonic()
                        if now >= until:
                            raise
                        if abandon is not None and abandon():
                            raise Abandoned() from None
                        if self._workers():
                            idle_since = None
                        elif idle_since is None:
                            idle_since = now
                        elif now - idle_since >= CONNECT_TIMEOUT:
                            raise self._no_workers() from None
            return list(self.client.gather(list(futures)))
        except (NewsgrepError, Abandoned):
            self.cancel(futures)
            raise
        except TimeoutError as exc:
            self.cancel(futures)
            raise self._too_long() from exc
        except Exception as exc:  # a task's own error, raised again here by Dask
            self.cancel(futures)
            raise task_failed(exc, self.address) from exc

    def _no_workers(self) -> NewsgrepError:
        return NewsgrepError(f"the Dask scheduler at {self.address} has no workers (none for "
                             f"{CONNECT_TIMEOUT:.0f} s, NEWSGREP_CLUSTER_TIMEOUT): start some with "
                             f"`dask worker {self.address}`")

    def _too_long(self) -> NewsgrepError:
        return NewsgrepError(f"the Dask cluster at {self.address} did not answer within "
                             f"{TASK_TIMEOUT:.0f} s (NEWSGREP_CLUSTER_TASK_TIMEOUT)")

    @staticmethod
    def cancel(futures: Sequence[Any]) -> None:
        """Cancel the tasks of a round that will not be used."""
        for f in futures:
            f.cancel()

    def map(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]],
            abandon: Callable[[], bool] | None = None) -> list[Any]:
        """Run each call on the cluster, through the servers if they are placed, else as a task
        each (then the servers are placed, when this connection places them); return the
        results in order."""
        if not calls:
            return []
        actors = self._ready() if self.serve else None
        if actors:
            try:
                return self._call(actors, fn, calls, abandon)
            except Unreachable:
                self._drop_servers(pause=True)
        # One message to the scheduler for the whole round: the client sends a message that follows
        # another within 10 ms only when those 10 ms are over. For the same reason the last round's
        # tasks are let go (a message) only once this round is sent, not between rounds.
        futures = self.client.map(on_worker, [fn] * len(calls), *(list(column) for column in zip(*calls)),
                                  pure=False)
        self._last = futures
        got = self.gather(futures, abandon)
        if self.serve and actors is None:
            self.place_servers()
        return got

    # --- ShardServers ---------------------------------------------------------------------------

    def place_servers(self) -> None:
        """Have a ShardServer made on each worker, unless they are (or are being) made."""
        if self._servers or time.monotonic() < self._paused_until:
            return
        workers = self._workers(now=True)
        with self._lock:
            if not self._servers:
                self._servers = [(w, self.client.submit(ShardServer, actor=True, workers=[w],
                                                        allow_other_workers=False, pure=False))
                                 for w in sorted(workers)]

    def worker_count(self) -> int:
        """How many workers the scheduler has now."""
        return len(self._workers(now=True))

    def _workers(self, now: bool = False) -> frozenset[str]:
        """The scheduler's workers, asked for (a round trip) at most every WORKERS_CHECK seconds."""
        seen, when = self._seen
        if now or time.monotonic() - when > WORKERS_CHECK:
            seen = frozenset(self.client.scheduler_info().get("workers", {}))
            self._seen = (seen, time.monotonic())
        return seen

    def _drop_servers(self, pause: bool = False) -> None:
        with self._lock:
            self._servers, self._actors, self._homes = [], None, {}
            if pause:
                self._paused_until = time.monotonic() + SERVERS_PAUSE

    def _ready(self) -> list[Any] | None:
        """The ShardServers, if every one is placed and the workers are the ones they were placed
        on; else None (and they are placed again when the workers have changed; after a pause
        when one could not be made)."""
        with self._lock:
            servers, actors = self._servers, self._actors
        if not servers:
            return None
        statuses = {f.status for _, f in servers}
        if statuses & {"error", "cancelled"}:  # not made (a worker without newsgrep's ShardServer?)
            self._drop_servers(pause=True)
            return None
        if "lost" in statuses or {w for w, _ in servers} != self._workers():
            self._drop_servers()
            self.place_servers()
            return None
        if actors is None:
            if statuses != {"finished"}:
                return None
            with self.client.as_current():  # an actor is bound to the client current as it arrives
                actors = [f.result() for _, f in servers]
            with self._lock:
                if self._servers is servers:
                    self._actors = actors
        return actors

    def _call(self, actors: list[Any], fn: Callable[..., Any], calls: list[tuple[Any, ...]],
              abandon: Callable[[], bool] | None) -> list[Any]:
        """Run a round through the servers: each server's calls in one message."""
        from asyncio import TimeoutError as LoopTimeout  # loaded with Dask; TimeoutError's own from 3.11

        parts: dict[int, list[int]] = {}
        with self._lock:  # a shard keeps its server, where its searcher stays open
            for k, args in enumerate(calls):
                home = self._homes.setdefault(args[0], len(self._homes) % len(actors))
                parts.setdefault(home, []).append(k)
        try:
            pending = [(ks, actors[home].run(fn, [calls[k] for k in ks])) for home, ks in parts.items()]
        except Exception as exc:
            raise Unreachable() from exc
        out: list[Any] = [None] * len(calls)
        until = time.monotonic() + TASK_TIMEOUT
        for ks, future in pending:
            while True:
                try:
                    ok, got = future.result(timeout=max(0.01, min(0.5, until - time.monotonic())))
                    break
                except (TimeoutError, LoopTimeout):
                    if time.monotonic() >= until:
                        raise self._too_long() from None
                    if abandon is not None and abandon():
                        raise Abandoned() from None
                except Exception as exc:  # the server's worker is gone, or cannot be reached
                    raise Unreachable() from exc
            if not ok:
                self.served += 1
                raise task_failed(got, self.address) from got
            for k, result in zip(ks, got):
                out[k] = result
        self.served += 1
        return out

    def runner(self) -> Any:
        """Return a Runner that writes a batch's segments as tasks on the cluster's workers."""
        from newsgrep.cluster.write import DaskRunner

        return DaskRunner(self)


_CONNECTED: dict[str, Cluster] = {}
# how long a kept client waits for the next call (0: none is started or used); whether this
# process is a command line's (it ends with its command: its own connection places no servers)
_KEEP = {"seconds": 0.0, "command": False}


def keep_clients(seconds: float) -> None:
    """Have the commands of this process use, and start, kept clients (see keep.py) that wait
    ``seconds`` for their next call: for a command line, whose process ends with the command."""
    _KEEP["seconds"] = seconds
    _KEEP["command"] = True


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
    except ValueError as exc:  # Dask's parsing of the address
        raise UsageError(f"--cluster {address!r} is not a Dask scheduler's address, such as "
                         f"tcp://HOST:8786 ({str(exc).splitlines()[0][:160]})") from None
    except (OSError, TimeoutError) as exc:
        raise NewsgrepError(f"cannot reach the Dask scheduler at {address} within {timeout:.0f} s "
                            f"({type(exc).__name__}: {str(exc).splitlines()[0][:160]})") from None
    _CONNECTED[address] = cluster = Cluster(client, address, serve=not _KEEP["command"])
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
