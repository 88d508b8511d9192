"""One index-writing run at a time, interrupts that are never lost, workers that die with us.

A run lock beside the index folder lets one `index`/`remove` run at a time (a second one waits,
then gives up with a clear message); its file is there only while a run holds it. Ctrl-C is
turned into a clean Interrupted error, remembered even where Python swallows it (a fork hook, a
finalizer). Worker processes forked by a run die with it, so a killed run leaves no orphan
holding the index's files.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from newsgrep.errors import IndexLocked, Interrupted
from newsgrep.index.store.durable import recover
from newsgrep.index.store.location import lock_path
from newsgrep.settings import lock_timeout

LOCK_POLL = 0.25


class FileLock:
    """An exclusive lock on a file that exists only while it is held. On POSIX a record lock
    (fcntl.lockf): unlike flock, it is not inherited by forked worker processes, so it dies with
    the process that took it.

    The holder removes the file before it lets go, so that no lock file stays beside the index.
    A process that was waiting on the removed file then holds a lock on a file that is no longer
    at the path: it sees that (the path names another file, or none) and tries again on the file
    now there, so two processes never both hold the lock of one path.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        """Take the lock if it is free."""
        while True:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
            if not _lock(fd):
                os.close(fd)
                return False
            if _same_file(fd, self.path):
                self.fd = fd
                return True
            os.close(fd)  # the holder removed it while we waited: lock the one there now

    def close(self) -> None:
        """Release the lock, removing its file first if we hold it."""
        if self.fd is None:
            return
        try:
            if os.name != "nt":
                self.path.unlink(missing_ok=True)
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None


def _lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            getattr(msvcrt, "locking")(fd, getattr(msvcrt, "LK_NBLCK"), 1)  # noqa: B009
        else:
            import fcntl

            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    """Tell whether an open file is still the one at ``path``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


@contextmanager
def run_lock(index_dir: Path, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the index's run lock; say that we wait when another run holds it, give up after timeout."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(index_dir))
    try:
        if not lock.try_acquire():
            say(f"waiting for another newsgrep run to finish writing {index_dir} "
                f"(giving up after {timeout:.0f} s; NEWSGREP_LOCK_TIMEOUT sets the limit) ...")
            until = time.monotonic() + timeout
            while not lock.try_acquire():
                if time.monotonic() >= until:
                    raise IndexLocked(
                        f"another newsgrep run is still writing to {index_dir} after "
                        f"{timeout:.0f} s; try again when it has finished")
                time.sleep(LOCK_POLL)
        yield
    finally:
        lock.close()


P = ParamSpec("P")
R = TypeVar("R")


def _stderr(text: str) -> None:
    sys.stderr.write(f"newsgrep: {text}\n")


_interrupted = False
_deferring = False


def _on_sigint(signum: int, frame: Any) -> None:
    """Remember Ctrl-C, then raise it (unless a commit is being made: ``interrupts_deferred``);
    Python drops the exception when the signal lands in a finalizer or a fork hook, so the run
    also checks the flag at safe points."""
    global _interrupted
    _interrupted = True
    if not _deferring:
        raise KeyboardInterrupt


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while the block runs (a Whoosh commit and the catalog record of what it
    holds, which must not be parted), then raise it."""
    global _deferring
    was = _deferring
    _deferring = True
    try:
        yield
    finally:
        _deferring = was
    if not was:
        check_interrupt()


def check_interrupt() -> None:
    """Raise KeyboardInterrupt if Ctrl-C arrived but was swallowed where it landed."""
    if _interrupted:
        raise KeyboardInterrupt


@contextmanager
def _catching_interrupts() -> Iterator[None]:
    global _interrupted
    _interrupted = False
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _on_sigint)
    previous_hook = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        # A Ctrl-C swallowed in a finalizer or fork hook is not lost (the flag keeps it): say
        # nothing of it here; report anything else as Python would.
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous_hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook


def exclusive(fn: Callable[Concatenate[Any, Path, P], R]) -> Callable[Concatenate[Any, Path, P], R]:
    """Run an index-writing function (paths, index_dir, ...) under the run lock, after recovery;
    turn Ctrl-C into a clean Interrupted error (nothing uncommitted is kept)."""

    @functools.wraps(fn)
    def run(paths: Any, index_dir: Path, *args: P.args, **kwargs: P.kwargs) -> R:
        progress = kwargs.get("progress")
        say = getattr(progress, "message", None) or _stderr
        timeout = lock_timeout()
        _workers_die_with_us()
        try:
            with _catching_interrupts(), run_lock(index_dir, timeout, say):
                recover(index_dir)
                result = fn(paths, index_dir, *args, **kwargs)
                check_interrupt()
                return result
        except KeyboardInterrupt:
            raise Interrupted(
                f"interrupted: the index at {index_dir} keeps every article committed before; "
                "run the same command again to finish") from None

    return run  # type: ignore[return-value]


def ignore_interrupts() -> None:
    """Let a worker process ignore Ctrl-C: the main process stops the run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _die_with_parent() -> None:
    """In a forked worker: die when the main process dies, so that a killed run leaves no orphan
    holding the index's write lock (Whoosh's flock is inherited) or its output pipes."""
    parent = _forking_pid or os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the signal was armed
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


_forking_pid = 0


def _note_forking_pid() -> None:
    """In the parent, just before a fork: remember who the child's parent is."""
    global _forking_pid
    _forking_pid = os.getpid()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


_fork_hook = False


def _workers_die_with_us() -> None:
    """Make every process this one forks from now on die with it."""
    global _fork_hook
    if not _fork_hook and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_note_forking_pid, after_in_child=_die_with_parent)
        _fork_hook = True


