"""Where an index lives, and the names of what is kept in its folder."""

from __future__ import annotations

import os
from pathlib import Path

INDEX_NAME = "articles"        # the Whoosh index's name in its folder
CATALOG = "newsgrep.sqlite"    # the catalog: settings and the files indexed
SETTINGS = "settings.txt"      # the catalog's "settings", also kept here: a search reads only this


def default_index_dir() -> Path:
    """Return the index folder: $NEWSGREP_INDEX, else the per-user data folder."""
    from newsgrep.settings import index_dir

    env = index_dir()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("newsgrep", appauthor=False)) / "index"


def resolve_index_dir(index_dir: str | os.PathLike[str] | None) -> Path:
    """Return the index folder to use, from --index or the defaults, as an absolute path: a sharded
    index's folders are named to Dask workers, whose working folder is not this process's."""
    return Path(os.path.abspath(Path(index_dir).expanduser() if index_dir else default_index_dir()))


def rebuild_dir(index_dir: Path) -> Path:
    """Return the folder a rebuild is built in, beside the index."""
    return index_dir.with_name(index_dir.name + ".rebuild")


def old_dir(index_dir: Path) -> Path:
    """Return the name the index folder has while a rebuild is swapped in."""
    return index_dir.with_name(index_dir.name + ".old")


def lock_path(index_dir: Path) -> Path:
    """Return the run lock of an index: a file beside its folder (the folder is swapped on rebuild)."""
    return index_dir.with_name(index_dir.name + ".lock")
