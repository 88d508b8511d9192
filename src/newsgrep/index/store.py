"""Where an index lives and what is kept beside it: settings, and the files it was read from."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgrep.errors import IndexMissing, IndexOutdated, NewsgrepError

INDEX_NAME = "articles"
CATALOG = "newsgrep.sqlite"
SETTINGS = "settings.txt"  # the catalog's "settings", also kept here: a search reads only this


def default_index_dir() -> Path:
    """Return the index folder: $NEWSGREP_INDEX, else the per-user data folder."""
    env = os.environ.get("NEWSGREP_INDEX")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("newsgrep", appauthor=False)) / "index"


def resolve_index_dir(index_dir: str | os.PathLike[str] | None) -> Path:
    """Return the index folder to use, from --index or the defaults."""
    return Path(index_dir).expanduser() if index_dir else default_index_dir()


@dataclass(frozen=True)
class FileRecord:
    """A file the index was read from, as it was when read."""

    path: str
    root: str
    mtime_ns: int
    size: int
    articles: int


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
            "SELECT path, root, mtime_ns, size, articles FROM files "
            "WHERE path = ? OR substr(path, 1, ?) = ?", (root, len(prefix), prefix))
        return {r[0]: FileRecord(*r) for r in rows}

    def roots(self) -> list[str]:
        """Return every root that files were indexed from."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT root FROM files ORDER BY root")]

    def record(self, files: Iterable[FileRecord], gone: Iterable[str] = ()) -> None:
        """Record files as indexed and forget files that are gone."""
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                                [(f.path, f.root, f.mtime_ns, f.size, f.articles) for f in files])
            self.db.executemany("DELETE FROM files WHERE path = ?", [(g,) for g in gone])

    def clear_files(self) -> None:
        """Forget every file."""
        with self.transaction():
            self.db.execute("DELETE FROM files")


def open_catalog(index_dir: Path) -> Catalog:
    """Open the catalog of an index folder, creating it if needed."""
    return Catalog(index_dir / CATALOG)


def exists(index_dir: Path) -> bool:
    """Tell whether a newsgrep index is in a folder."""
    from newsgrep.index.safe_pickle import index_exists

    return (index_dir / CATALOG).exists() and index_exists(index_dir, INDEX_NAME)


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


def open_for_search(index_dir: Path) -> Any:
    """Open an index for reading, checking that it exists and is current."""
    from newsgrep.index.durable import during_swap

    return during_swap(index_dir, _open_for_search)


def _open_for_search(index_dir: Path) -> Any:
    from newsgrep.index.safe_pickle import open_index
    from newsgrep.index.schema import analysis_settings

    if not index_dir.exists() or not exists(index_dir):
        raise IndexMissing(
            f"no index at {index_dir}: run `newsgrep index PATH` first"
            + ("" if os.environ.get("NEWSGREP_INDEX") else " (or pass --index DIR)"))
    settings = read_settings(index_dir)
    if not settings:  # no copy yet (or one cut short): ask the catalog (which loads SQLite)
        catalog = open_catalog(index_dir)
        try:
            settings = catalog.get("settings")
        finally:
            catalog.close()
    if settings != analysis_settings():
        raise IndexOutdated(
            f"the index at {index_dir} was built by another version of newsgrep "
            f"({settings or 'unknown settings'}); run `newsgrep index` again to rebuild it")
    return open_index(index_dir)
