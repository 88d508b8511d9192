"""Durability and exclusion for index writes: fsynced commits, one run at a time, crash recovery.

Whoosh makes a commit visible by renaming a new table of contents (TOC) into place, but never
calls fsync, so after a power loss the new TOC can point at segment data that never reached the
disk. DurableStorage syncs every index file, the TOC and the folder before that rename, and the
folder after it. A run lock beside the index folder lets one `index`/`remove` run at a time (a
second one waits, then gives up with a clear message). `recover` repairs what a killed run can
leave behind: a rebuild swap cut in half, Whoosh's temporary files, and articles committed to
Whoosh whose files the catalog had not recorded yet.
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

LOCK_POLL = 0.25
_SKIP = ("WRITELOCK", "READLOCK")


def fsync_path(path: str | os.PathLike[str]) -> None:
    """Flush a file's data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (new, renamed and removed names) to the disk, where possible."""
    if os.name == "nt":  # Windows cannot open a folder; NTFS journals its metadata
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _storage_class() -> Any:
    from whoosh.filedb.filestore import FileStorage

    class DurableStorage(FileStorage):  # type: ignore[misc]
        """A FileStorage whose commits survive a crash or power loss."""

        def __init__(self, path: str) -> None:
            super().__init__(path)
            self.synced: set[str] = set()

        def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
            """Rename; before a TOC becomes visible, sync what it points at."""
            if not newname.endswith(".toc"):
                super().rename_file(oldname, newname, safe)
                return
            folder = self.folder
            for entry in os.scandir(folder):
                if (entry.name in self.synced or entry.name == oldname
                        or entry.name.endswith(_SKIP) or not entry.is_file(follow_symlinks=False)
                        or entry.name.startswith(("newsgrep.sqlite", "."))):
                    continue
                fsync_path(entry.path)
                self.synced.add(entry.name)
            fsync_path(os.path.join(folder, oldname))
            fsync_dir(folder)
            super().rename_file(oldname, newname, safe)
            fsync_dir(folder)
            self.synced.add(newname)

    return DurableStorage


def open_or_create(index_dir: Path, indexname: str, schema: Callable[[], Any]) -> Any:
    """Open the Whoosh index in a folder for writing, creating it if needed, with durable commits."""
    from newsgrep.index.safe_pickle import checked, index_exists

    storage = _storage_class()(str(index_dir))
    if index_exists(index_dir, indexname):
        return checked(storage.open_index(indexname), index_dir)
    ix = storage.create_index(schema(), indexname)
    fsync_dir(index_dir.parent)
    return ix


def lock_path(index_dir: Path) -> Path:
    """Return the run lock of an index: a file beside its folder (the folder is swapped on rebuild)."""
    return index_dir.with_name(index_dir.name + ".lock")


class _FileLock:
    """An exclusive lock on a file. On POSIX a record lock (fcntl.lockf): unlike flock, it is not
    inherited by forked worker processes, so it dies with the process that took it."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)

    def try_acquire(self) -> bool:
        """Take the lock if it is free."""
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(self.fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Release the lock."""
        os.close(self.fd)


@contextmanager
def run_lock(index_dir: Path, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the index's run lock; say that we wait when another run holds it, give up after timeout."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = _FileLock(lock_path(index_dir))
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


def swap_in(fresh: Path, index_dir: Path) -> None:
    """Replace an index folder by a freshly built one; `recover` finishes a swap cut in half."""
    old = index_dir.with_name(index_dir.name + ".old")
    _rmtree(old, ignore_errors=True)
    fsync_dir(fresh)
    if index_dir.exists():
        index_dir.rename(old)
    fresh.rename(index_dir)
    fsync_dir(index_dir.parent)
    _rmtree(old, ignore_errors=True)


def recover(index_dir: Path) -> None:
    """Repair what a killed run left behind (call with the run lock held)."""
    old = index_dir.with_name(index_dir.name + ".old")
    fresh = index_dir.with_name(index_dir.name + ".rebuild")
    if not index_dir.exists() and old.exists():
        # killed between the two renames of swap_in: the rebuild was complete
        (fresh if fresh.exists() else old).rename(index_dir)
        fsync_dir(index_dir.parent)
    _rmtree(old, ignore_errors=True)
    _rmtree(fresh, ignore_errors=True)
    if index_dir.is_dir():
        for entry in os.scandir(index_dir):
            if entry.name.endswith(".tmp") and entry.is_dir(follow_symlinks=False):
                _rmtree(entry.path, ignore_errors=True)  # Whoosh's scratch folder
            elif ".toc." in entry.name and entry.is_file(follow_symlinks=False):
                os.remove(entry.path)  # a TOC written but never renamed into place


def reconcile(ix: Any, catalog: Any) -> int:
    """Record files whose articles are committed in Whoosh but missing from the catalog.

    A run killed between a Whoosh commit and the catalog update leaves such articles. They are
    recorded with an impossible modification time, so that the next run reads them again and
    replaces them (rather than adding them twice). Return how many files were recorded.
    """
    db = catalog.db
    (recorded,) = db.execute("SELECT COALESCE(SUM(articles), 0) FROM files").fetchone()
    if ix.doc_count() == recorded:
        return 0
    known = {r[0] for r in db.execute("SELECT path FROM files")}
    roots = sorted({r[0] for r in db.execute("SELECT DISTINCT root FROM files")}, key=len,
                   reverse=True)
    missing: dict[str, tuple[str, int]] = {}
    with ix.searcher() as searcher:
        for term in list(searcher.reader().lexicon("path")):
            path = term.decode("utf-8") if isinstance(term, bytes) else term
            if path in known:
                continue
            live = sum(1 for _ in searcher.document_numbers(path=path))
            if live:
                root = next((r for r in roots
                             if path == r or path.startswith(r.rstrip(os.sep) + os.sep)), path)
                missing[path] = (root, live)
    if missing:
        with catalog.transaction():
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, -1, -1, ?)",
                           [(p, root, n) for p, (root, n) in missing.items()])
    return len(missing)


P = ParamSpec("P")
R = TypeVar("R")


def _stderr(text: str) -> None:
    sys.stderr.write(f"newsgrep: {text}\n")


_interrupted = False


def _on_sigint(signum: int, frame: Any) -> None:
    """Remember Ctrl-C, then raise it; Python drops the exception when the signal lands in a
    finalizer or a fork hook, so the run also checks the flag at safe points."""
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


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
        timeout = float(os.environ.get("NEWSGREP_LOCK_TIMEOUT", "600"))
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

    return run


def _rmtree(path: Path | str, ignore_errors: bool = True) -> None:
    """shutil.rmtree, imported only when a folder is removed (shutil pulls in bz2 and lzma)."""
    import shutil

    shutil.rmtree(path, ignore_errors=ignore_errors)


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


def await_swap(index_dir: Path, wait: float = 10.0) -> None:
    """Before reading an index: if a rebuild is swapping its folder in, wait for the new one; if a
    killed rebuild left the swap cut in half, finish it."""
    old = index_dir.with_name(index_dir.name + ".old")
    until = time.monotonic() + wait
    while not index_dir.exists() and old.exists():
        try:
            lock = _FileLock(lock_path(index_dir))
        except OSError:  # cannot create the lock file: leave repairs to the next `index`
            return
        try:
            if lock.try_acquire():
                recover(index_dir)
                return
        finally:
            lock.close()
        if time.monotonic() >= until:
            return
        time.sleep(0.02)


def during_swap(index_dir: Path, open_index: Callable[[Path], R]) -> R:
    """Open an index for reading; if a rebuild swapped the folder at that very moment, again."""
    from newsgrep.errors import NewsgrepError

    old = index_dir.with_name(index_dir.name + ".old")
    for attempt in range(50):
        await_swap(index_dir)
        try:
            return open_index(index_dir)
        except NewsgrepError:
            if attempt and not old.exists():  # once more at once, then only while swapping
                raise
        time.sleep(0.02 if attempt else 0)
    return open_index(index_dir)
