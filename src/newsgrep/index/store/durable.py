"""Durable index writes: fsynced commits, rebuilds swapped in whole, crash recovery.

Whoosh makes a commit visible by renaming a new table of contents (TOC) into place, but never
calls fsync, so after a power loss the new TOC can point at segment data that never reached the
disk. DurableStorage syncs every index file, the TOC and the folder before that rename, and the
folder after it. `recover` repairs what a killed run can leave behind: a rebuild swap cut in
half, Whoosh's temporary files, and articles committed to Whoosh whose files the catalog had not
recorded yet (`reconcile`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsgrep.index.store.location import old_dir, rebuild_dir
from newsgrep.index.whoosh_compat.pickles import index_exists, open_index

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
    storage = _storage_class()(str(index_dir))
    if index_exists(index_dir, indexname):
        return open_index(storage, index_dir, indexname)
    ix = storage.create_index(schema(), indexname)
    fsync_dir(index_dir.parent)
    return ix


def swap_in(fresh: Path, index_dir: Path) -> None:
    """Replace an index folder by a freshly built one; `recover` finishes a swap cut in half."""
    old = old_dir(index_dir)
    rmtree(old, ignore_errors=True)
    fsync_dir(fresh)
    if index_dir.exists():
        index_dir.rename(old)
    fresh.rename(index_dir)
    fsync_dir(index_dir.parent)
    rmtree(old, ignore_errors=True)


def recover(index_dir: Path) -> None:
    """Repair what a killed run left behind (call with the run lock held)."""
    old = old_dir(index_dir)
    fresh = rebuild_dir(index_dir)
    if not index_dir.exists() and old.exists():
        # killed between the two renames of swap_in: the rebuild was complete
        (fresh if fresh.exists() else old).rename(index_dir)
        fsync_dir(index_dir.parent)
    rmtree(old, ignore_errors=True)
    rmtree(fresh, ignore_errors=True)
    if index_dir.is_dir():
        for entry in os.scandir(index_dir):
            if entry.name.endswith(".tmp") and entry.is_dir(follow_symlinks=False):
                rmtree(entry.path, ignore_errors=True)  # Whoosh's scratch folder
            elif ".toc." in entry.name and entry.is_file(follow_symlinks=False):
                os.remove(entry.path)  # a TOC written but never renamed into place


def reconcile(indexes: list[Any], catalog: Any) -> int:
    """Make the catalog agree with the articles committed in Whoosh; return the files mended.

    A run killed between a Whoosh commit and the catalog update leaves articles the catalog does
    not know of (in a sharded index, also a run killed between the shards' commits), or more
    articles of a file read in part than its record says. Such files are recorded with an
    impossible modification time, so that the next run reads them again and replaces them in
    every shard (rather than adding them twice or reading on from the wrong article).
    """
    db = catalog.db
    (recorded,) = db.execute("SELECT COALESCE(SUM(articles), 0) FROM files").fetchone()
    if sum(ix.doc_count() for ix in indexes) == recorded:
        return 0
    known = {path: (n, root) for path, n, root in db.execute("SELECT path, articles, root FROM files")}
    roots = sorted({r[0] for r in db.execute("SELECT DISTINCT root FROM files")}, key=len,
                   reverse=True)
    live: dict[str, int] = {}
    for ix in indexes:
        with ix.searcher() as searcher:
            for term in list(searcher.reader().lexicon("path")):
                path = term.decode("utf-8") if isinstance(term, bytes) else term
                n = sum(1 for _ in searcher.document_numbers(path=path))
                if n:
                    live[path] = live.get(path, 0) + n
    wrong = {p: n for p, n in live.items() if p not in known or known[p][0] != n}
    if wrong:
        def root_of(path: str) -> str:
            if path in known:
                return str(known[path][1])
            return next((r for r in roots if path == r or path.startswith(r.rstrip(os.sep) + os.sep)), path)

        with catalog.transaction():
            db.executemany("INSERT OR REPLACE INTO files (path, root, mtime_ns, size, articles, done) "
                           "VALUES (?, ?, -1, -1, ?, -1)",
                           [(p, root_of(p), n) for p, n in wrong.items()])
    return len(wrong)


def rmtree(path: Path | str, ignore_errors: bool = True) -> None:
    """shutil.rmtree, imported only when a folder is removed (shutil pulls in bz2 and lzma)."""
    import shutil

    shutil.rmtree(path, ignore_errors=ignore_errors)


