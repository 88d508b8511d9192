"""Opening an index for reading: it exists, it is current, and a rebuild swapping it in at that
very moment is waited for rather than seen half done."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from newsgrep.errors import IndexMissing, IndexOutdated, NewsgrepError
from newsgrep.index.store.catalog import open_catalog, read_settings
from newsgrep.index.store.durable import recover
from newsgrep.index.store.location import CATALOG, INDEX_NAME, lock_path, old_dir
from newsgrep.index.store.lock import FileLock
from newsgrep.index.whoosh_compat.pickles import index_exists

R = TypeVar("R")
SWAP_WAIT = 10.0  # seconds a reader waits for a rebuild's swap to finish


def exists(index_dir: Path) -> bool:
    """Tell whether a newsgrep index (one, or a sharded one) is in a folder (reading none of it)."""
    from newsgrep.index.store.shards import MANIFEST

    return (index_dir / CATALOG).exists() and (index_exists(index_dir, INDEX_NAME)
                                                or (index_dir / MANIFEST).exists())


def check_current(index_dir: Path, settings: str) -> None:
    """Raise IndexMissing or IndexOutdated unless the folder holds an index built with
    ``settings`` (the analysis settings of this newsgrep)."""
    if not index_dir.exists() or not exists(index_dir):
        from newsgrep.settings import index_dir as env_index

        raise IndexMissing(
            f"no index at {index_dir}: run `newsgrep index PATH` first"
            + ("" if env_index() else " (or pass --index DIR)"))
    found = read_settings(index_dir)
    if not found:  # no copy yet (or one cut short): ask the catalog (which loads SQLite)
        catalog = open_catalog(index_dir)
        try:
            found = catalog.get("settings")
        finally:
            catalog.close()
    if found != settings:
        raise IndexOutdated(
            f"the index at {index_dir} was built by another version of newsgrep "
            f"({found or 'unknown settings'}); run `newsgrep index` again to rebuild it")


def await_swap(index_dir: Path, wait: float = SWAP_WAIT) -> None:
    """Before reading an index: if a rebuild is swapping its folder in, wait for the new one; if a
    killed rebuild left the swap cut in half, finish it."""
    old = old_dir(index_dir)
    until = time.monotonic() + wait
    while not index_dir.exists() and old.exists():
        lock = FileLock(lock_path(index_dir))
        try:
            if lock.try_acquire():
                recover(index_dir)
                return
        except OSError:  # cannot create the lock file: leave repairs to the next `index`
            return
        finally:
            lock.close()
        if time.monotonic() >= until:
            return
        time.sleep(0.02)


def folder_identity(path: Path, changes: bool = False) -> tuple[int, ...] | None:
    """Which folder is at a path now (device, inode), None if none: a rebuild swaps in another
    one. With ``changes``, its modification time too (a commit adds a file to it)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns) if changes else (st.st_dev, st.st_ino)


def during_swap(index_dir: Path, open_index: Callable[[Path], R]) -> R:
    """Open an index for reading with ``open_index`` (which must open every file it will read);
    if a rebuild swapped the folder while it was opening, open it again.

    A rebuild renames the index folder aside and the new one into place: a reader that listed
    the old folder's table of contents may then find its files gone (or the new folder's other
    files). Once open, a reader keeps its files (they are memory-mapped) whatever is renamed.
    """
    until = time.monotonic() + SWAP_WAIT
    while True:
        await_swap(index_dir)
        before = folder_identity(index_dir)
        try:
            return open_index(index_dir)
        except (NewsgrepError, OSError):
            swapped = folder_identity(index_dir) != before or old_dir(index_dir).exists()
            if not swapped or time.monotonic() >= until:
                raise
        time.sleep(0.01)


def open_whoosh_index(index_dir: Path) -> Any:
    """Open the Whoosh index in a folder for reading, safely (without checking its settings)."""
    from whoosh.filedb.filestore import FileStorage

    from newsgrep.index.whoosh_compat.pickles import open_index

    return open_index(FileStorage(str(index_dir)), index_dir, INDEX_NAME)
