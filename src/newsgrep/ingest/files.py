"""Finding the article files under the paths given to ``index``."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsgrep.errors import UsageError
from newsgrep.ingest.readers import kind_of
from newsgrep.models import FileProblem


@dataclass(frozen=True)
class FoundFile:
    """A file of a known type, with what is needed to read and track it."""

    path: Path
    root: Path
    file_id: str
    kind: str
    mtime_ns: int
    size: int
    boilerplate: frozenset[int] = frozenset()  # keys of the lines its folder repeats (text files)


@dataclass
class Walk:
    """What a walk found: files to read, files of other types, problems."""

    files: list[FoundFile]
    ignored: int
    problems: list[FileProblem]


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)


def resolve_paths(paths: Sequence[str]) -> list[Path]:
    """Make the PATH arguments absolute, refusing ones that do not exist."""
    out = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise UsageError(f"no such file or folder: {p}")
        out.append(path.absolute())
    return out


def walk(root: Path, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Walk:
    """Find the article files at or below a path: hidden entries skipped, links to folders not
    followed (so a symlink loop cannot trap the walk), suffixes matched without case."""
    result = Walk([], 0, [])
    prefix = root.name if root.is_dir() else (root.parent.name or root.name)

    def consider(path: Path, rel: str) -> None:
        kind = kind_of(path)
        if kind is None or (include and not _matches(rel, path.name, include)) or (
                exclude and _matches(rel, path.name, exclude)):
            result.ignored += 1
            return
        try:
            st = path.stat()
        except OSError as exc:
            result.problems.append(FileProblem(str(path), exc.strerror or str(exc)))
            return
        if not stat.S_ISREG(st.st_mode):  # reading a FIFO would wait forever
            result.problems.append(FileProblem(str(path), "not a regular file (a pipe, socket or "
                                                          "device), skipped"))
            return
        result.files.append(FoundFile(path, root, f"{prefix}/{rel}", kind, st.st_mtime_ns,
                                      st.st_size))

    if root.is_file():
        consider(root, root.name)
        return result

    def on_error(err: OSError) -> None:
        result.problems.append(FileProblem(str(err.filename or root), err.strerror or str(err)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        base = Path(dirpath)
        reldir = base.relative_to(root).as_posix()
        reldir = "" if reldir == "." else reldir + "/"
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and not (exclude and _matches(reldir + d, d, exclude)))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = base / name
            if path.is_symlink() and not path.exists():
                result.problems.append(FileProblem(str(path), "broken symbolic link"))
                continue
            consider(path, reldir + name)
    return result

