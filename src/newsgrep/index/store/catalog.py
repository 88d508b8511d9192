"""The catalog beside the Whoosh index: its settings, and the files it was read from."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsgrep.errors import NewsgrepError
from newsgrep.index.store.location import CATALOG, SETTINGS


@dataclass(frozen=True)
class FileRecord:
    """A file the index was read from, as it was when read."""

    path: str
    root: str
    mtime_ns: int
    size: int
    articles: int
    options: str = ""  # the reading options it was read with (--map): a change reads it again
    done: int = -1     # read whole (-1), or in part: its first ``done`` articles are committed

    @property
    def partial(self) -> bool:
        """Tell whether a run was stopped inside this file (its next run reads on from ``done``)."""
        return self.done >= 0


class Catalog:
    """The SQLite file beside the Whoosh index: settings and the files indexed.

    It is written after each Whoosh commit, so that it never claims a file whose articles are not
    committed; after a crash it may lag behind, and those files are simply read again.
    """

    def __init__(self, path: Path) -> None:
        import sqlite3  # here: a search reads settings.txt and never loads SQLite

        self.path = path
        try:
            self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(
                """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE IF NOT EXISTS files (
                    path TEXT PRIMARY KEY, root TEXT NOT NULL, mtime_ns INTEGER NOT NULL,
                    size INTEGER NOT NULL, articles INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS files_root ON files(root);
                """
            )
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(files)")}
            if "options" not in columns:  # a catalog from before reading options were kept
                self.db.execute("ALTER TABLE files ADD COLUMN options TEXT NOT NULL DEFAULT ''")
            if "done" not in columns:  # a catalog from before commits inside a file
                self.db.execute("ALTER TABLE files ADD COLUMN done INTEGER NOT NULL DEFAULT -1")
        except sqlite3.Error as exc:
            raise NewsgrepError(f"cannot open the index catalog {path}: {exc}") from exc

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def get(self, key: str) -> str | None:
        """Return a setting."""
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_many(self, items: dict[str, str]) -> None:
        """Store settings."""
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", items.items())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run statements as one transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def files_under(self, root: str) -> dict[str, FileRecord]:
        """Return the recorded files at or below a path."""
        prefix = root.rstrip(os.sep) + os.sep
        rows = self.db.execute(
            "SELECT path, root, mtime_ns, size, articles, options, done FROM files "
            "WHERE path = ? OR substr(path, 1, ?) = ?", (root, len(prefix), prefix))
        return {r[0]: FileRecord(*r) for r in rows}

    def roots(self) -> list[str]:
        """Return every root that files were indexed from."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT root FROM files ORDER BY root")]

    def record(self, files: Iterable[FileRecord], gone: Iterable[str] = ()) -> None:
        """Record files as indexed and forget files that are gone."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO files (path, root, mtime_ns, size, articles, options, done) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(f.path, f.root, f.mtime_ns, f.size, f.articles, f.options, f.done) for f in files])
            self.db.executemany("DELETE FROM files WHERE path = ?", [(g,) for g in gone])

    def clear_files(self) -> None:
        """Forget every file."""
        with self.transaction():
            self.db.execute("DELETE FROM files")


def open_catalog(index_dir: Path) -> Catalog:
    """Open the catalog of an index folder, creating it if needed."""
    return Catalog(index_dir / CATALOG)


def write_settings(index_dir: Path, settings: str) -> None:
    """Keep a copy of the index's analysis settings in a small file (atomically replaced)."""
    if read_settings(index_dir) == settings:
        return
    path = index_dir / SETTINGS
    tmp = path.with_name(SETTINGS + ".tmp")
    tmp.write_text(settings, encoding="utf-8")
    os.replace(tmp, path)


def read_settings(index_dir: Path) -> str | None:
    """Return the settings kept beside the catalog, or None (an index from before the file)."""
    try:
        return (index_dir / SETTINGS).read_text(encoding="utf-8")
    except OSError:
        return None
