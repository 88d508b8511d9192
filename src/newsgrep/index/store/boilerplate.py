"""Learned boilerplate kept in the index catalog: per-folder line counts, updated incrementally.

The catalog holds, for each folder of text articles, how many articles it has and in how many of
them each (hashed) line occurs, plus the keys each file contributed, so that a changed or deleted
file's lines are counted out again. Memory stays flat: counts live in SQLite, and only one
file's keys are in memory at a time (a few hundred when worker processes read the files). When a
folder's set of boilerplate lines changes, the folder's other files are read again, so every
article of a folder is cleaned with the same set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsgrep.errors import NewsgrepError
from newsgrep.index.store.catalog import Catalog, FileRecord
from newsgrep.ingest.boilerplate import article_keys, pack, threshold, unpack
from newsgrep.ingest.files import FoundFile

TEXT_KINDS = frozenset({"txt", "md"})
MODE_KEY = "boilerplate"

_TABLES = """
CREATE TABLE IF NOT EXISTS boiler_groups (
    grp TEXT PRIMARY KEY, articles INTEGER NOT NULL, applied BLOB);
CREATE TABLE IF NOT EXISTS boiler_counts (
    grp TEXT NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (grp, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS boiler_files (
    path TEXT PRIMARY KEY, grp TEXT NOT NULL, keys BLOB NOT NULL);
"""


def _ensure(catalog: Catalog) -> None:
    catalog.db.executescript(_TABLES)


def group_of(path: str | Path) -> str:
    """Name the group whose lines a file's lines are counted with: its folder."""
    return str(Path(path).parent)


def file_lines(path: Path) -> list[str]:
    """Return a text article's lines as its reader sees them (front matter set aside)."""
    from newsgrep.ingest.readers.decode import read_text
    from newsgrep.ingest.readers.text import content_lines

    return content_lines(read_text(path))[1]


def _file_keys(path: Path) -> list[int] | None:
    """Return the line keys of a plain text article; None for a file read otherwise (a
    LexisNexis download or agency wire text named .txt holds many articles, not one)."""
    from newsgrep.ingest.readers import format_of

    try:
        if format_of(path) not in TEXT_KINDS:
            return None
        return article_keys(file_lines(path))
    except NewsgrepError:
        return None  # the reader reports the file


def remembered(catalog: Catalog, keep: bool | None) -> bool | None:
    """Return the user's choice, else the one this index recorded (None when it recorded none)."""
    if keep is not None:
        return keep
    stored = catalog.get(MODE_KEY)
    return None if stored is None else stored == "keep"


@dataclass
class Learned:
    """The files to read after learning, and the boilerplate sets to record once they are in."""

    to_read: list[FoundFile]
    previous: dict[str, FileRecord]
    recleaned: int = 0
    pending: dict[str, frozenset[int]] = field(default_factory=dict)
    mode: str = "drop"

    def finish(self, catalog: Catalog) -> None:
        """Record the sets the folders' articles are now cleaned with (after the last commit)."""
        with catalog.transaction():
            catalog.db.executemany(
                "UPDATE boiler_groups SET applied = ? WHERE grp = ?",
                [(pack(sorted(keys)), grp) for grp, keys in self.pending.items()])
            catalog.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (MODE_KEY, self.mode))


def _count_out(catalog: Catalog, path: str, touched: set[str]) -> None:
    row = catalog.db.execute("SELECT grp, keys FROM boiler_files WHERE path = ?", (path,)).fetchone()
    if row is None:
        return
    grp, keys = row
    catalog.db.executemany("UPDATE boiler_counts SET n = n - 1 WHERE grp = ? AND key = ?",
                           [(grp, k) for k in unpack(keys)])
    catalog.db.execute("UPDATE boiler_groups SET articles = articles - 1 WHERE grp = ?", (grp,))
    catalog.db.execute("DELETE FROM boiler_files WHERE path = ?", (path,))
    touched.add(grp)


def _count_in(catalog: Catalog, path: str, keys: list[int], touched: set[str]) -> None:
    grp = group_of(path)
    catalog.db.execute("INSERT INTO boiler_groups VALUES (?, 1, NULL) "
                       "ON CONFLICT(grp) DO UPDATE SET articles = articles + 1", (grp,))
    catalog.db.executemany("INSERT INTO boiler_counts VALUES (?, ?, 1) "
                           "ON CONFLICT(grp, key) DO UPDATE SET n = n + 1",
                           [(grp, k) for k in keys])
    catalog.db.execute("INSERT OR REPLACE INTO boiler_files VALUES (?, ?, ?)",
                       (path, grp, pack(keys)))
    touched.add(grp)


def group_lines(catalog: Catalog, grp: str) -> frozenset[int]:
    """Return the keys of the lines that are boilerplate in a folder by the current counts."""
    _ensure(catalog)
    row = catalog.db.execute("SELECT articles FROM boiler_groups WHERE grp = ?", (grp,)).fetchone()
    if row is None:
        return frozenset()
    rows = catalog.db.execute("SELECT key FROM boiler_counts WHERE grp = ? AND n >= ?",
                              (grp, threshold(row[0])))
    return frozenset(r[0] for r in rows)


def applied_lines(catalog: Catalog, grp: str) -> frozenset[int] | None:
    """Return the set a folder's indexed articles were cleaned with (None: not known)."""
    _ensure(catalog)
    row = catalog.db.execute("SELECT applied FROM boiler_groups WHERE grp = ?", (grp,)).fetchone()
    return None if row is None or row[0] is None else frozenset(unpack(row[0]))


def _found_again(rec: FileRecord) -> FoundFile | None:
    """Rebuild the FoundFile of an indexed, unchanged file, as the walk of its root named it."""
    from newsgrep.ingest.readers import kind_of

    path, root = Path(rec.path), Path(rec.root)
    try:
        st = path.stat()
    except OSError:
        return None
    kind = kind_of(path)
    if kind not in TEXT_KINDS or st.st_mtime_ns != rec.mtime_ns or st.st_size != rec.size:
        return None  # changed since: it is read when its root is indexed again
    if path == root:
        file_id = f"{root.parent.name or root.name}/{root.name}"
    else:
        file_id = f"{root.name}/{path.relative_to(root).as_posix()}"
    return FoundFile(path, root, file_id, kind, st.st_mtime_ns, st.st_size)


POOL_FILES = 256  # fewer text files than this are read for learning in one process


def _keys_of(paths: Sequence[Path], jobs: int) -> Iterator[list[int] | None]:
    """Yield the line keys of each file in order, read by ``jobs`` processes when it pays."""
    import multiprocessing as mp

    if jobs <= 1 or len(paths) < POOL_FILES or "fork" not in mp.get_all_start_methods():
        yield from map(_file_keys, paths)
        return
    from newsgrep.index.store.lock import ignore_interrupts

    with mp.get_context("fork").Pool(jobs, initializer=ignore_interrupts) as pool:
        yield from pool.imap(_file_keys, paths, chunksize=64)


def learn(catalog: Catalog, to_read: Sequence[FoundFile], previous: dict[str, FileRecord],
          gone: Iterable[str], keep: bool | None, jobs: int = 1) -> Learned:
    """Count the lines of the files about to be read (and count out the changed and gone ones),
    then give each text file its folder's boilerplate set and add the folder's other files to
    the reading when that set changed."""
    _ensure(catalog)
    keep = bool(remembered(catalog, keep))
    mode = "keep" if keep else "drop"
    mode_changed = (catalog.get(MODE_KEY) or "drop") != mode
    touched: set[str] = set()
    with catalog.transaction():
        for path in gone:
            _count_out(catalog, path, touched)
        texts = [f for f in to_read if f.kind in TEXT_KINDS]
        for f, keys in zip(texts, _keys_of([f.path for f in texts], jobs)):
            _count_out(catalog, str(f.path), touched)
            if keys is not None:
                _count_in(catalog, str(f.path), keys, touched)
        if touched:
            catalog.db.execute("DELETE FROM boiler_counts WHERE n <= 0")
    consider = set(touched)
    where = "" if mode_changed else " WHERE applied IS NULL"
    consider.update(r[0] for r in catalog.db.execute("SELECT grp FROM boiler_groups" + where))
    out = Learned(list(to_read), dict(previous), mode=mode)
    sets = {g: (frozenset() if keep else group_lines(catalog, g)) for g in consider}
    reading = {str(f.path) for f in to_read}
    for g in sorted(consider):
        new = sets[g]
        out.pending[g] = new
        if applied_lines(catalog, g) == new:
            continue
        for path, rec in sorted(catalog.files_under(g).items()):
            if path in reading or group_of(path) != g:
                continue
            found = _found_again(rec)
            if found is not None:
                out.to_read.append(found)
                out.previous[path] = rec
                out.recleaned += 1
    out.to_read = [dataclasses.replace(f, boilerplate=sets.get(group_of(f.path), frozenset()))
                   if f.kind in TEXT_KINDS else f for f in out.to_read]
    return out


def forget(catalog: Catalog, paths: Iterable[str]) -> None:
    """Count removed files out; their folders are reconsidered at the next ``index``."""
    _ensure(catalog)
    touched: set[str] = set()
    with catalog.transaction():
        for path in paths:
            _count_out(catalog, path, touched)
        catalog.db.executemany("UPDATE boiler_groups SET applied = NULL WHERE grp = ?",
                               [(g,) for g in touched])
        catalog.db.execute("DELETE FROM boiler_counts WHERE n <= 0")


def describe(catalog: Catalog) -> dict[str, int]:
    """Count the boilerplate lines each folder's articles are cleaned of."""
    _ensure(catalog)
    out = {}
    for grp, applied in catalog.db.execute("SELECT grp, applied FROM boiler_groups ORDER BY grp"):
        out[grp] = len(unpack(applied))
    return out

