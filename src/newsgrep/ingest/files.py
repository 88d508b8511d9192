"""Finding the article files under the paths given to ``index``.

A file is the same file whatever path reaches it: paths are resolved (links and ``..``) before
anything is recorded. Files that are not articles are skipped, as ripgrep skips what
``.gitignore`` names: documentation files by base name (README, LICENSE, ...), and whatever a
``.newsgrepignore`` or ``.ignore`` file in a walked folder names (gitignore syntax, read with
pathspec; a deeper file's rules come after, and so win, as in git). A file named on the command
line is always read. ``no_ignore`` turns both rules off.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgrep.errors import UsageError
from newsgrep.ingest.readers import kind_of, kind_of_content
from newsgrep.models import FileProblem

# Base names (before the first dot, any case) of files that document a corpus, not articles.
NOT_ARTICLES = frozenset({"README", "LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS", "CHANGELOG",
                          "CHANGES", "CONTRIBUTING", "CITATION", "SOURCE"})
IGNORE_FILES = (".newsgrepignore", ".ignore")


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
    """What a walk found: files to read, files skipped and why, problems."""

    files: list[FoundFile] = field(default_factory=list)
    other_types: Counter[str] = field(default_factory=Counter)   # not read, by suffix
    not_articles: list[str] = field(default_factory=list)        # skipped by name or ignore file
    excluded: int = 0                                            # --include / --exclude
    problems: list[FileProblem] = field(default_factory=list)


def is_documentation(name: str) -> bool:
    """Tell whether a file name is a corpus's documentation (README.txt, LICENSE, SOURCE.md, ...)."""
    return name.split(".", 1)[0].upper() in NOT_ARTICLES


def suffix_of(name: str) -> str:
    """Name a file's type for the summary: its suffix (".pdf", ".sgm.gz"), or "(no suffix)"."""
    low = name.lower()
    base = low[:-3] if low.endswith(".gz") else low
    dot = base.rfind(".")
    if dot <= 0:
        return "(no suffix)"
    return base[dot:] + (".gz" if low.endswith(".gz") else "")


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)


def resolve_paths(paths: Sequence[str]) -> list[Path]:
    """Make the PATH arguments real paths (absolute, links and .. resolved), refusing ones that do
    not exist: a file is the same file whatever path reaches it."""
    out = []
    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise UsageError(f"no such file or folder: {p}")
        out.append(Path(os.path.realpath(path)))
    return out


class _Rules:
    """The ignore files met on the way down: (folder, spec), outermost first."""

    def __init__(self) -> None:
        self.stack: list[tuple[Path, Any]] = []

    def enter(self, folder: Path, problems: list[FileProblem]) -> None:
        while self.stack and self.stack[-1][0] not in (folder, *folder.parents):
            self.stack.pop()
        for name in IGNORE_FILES:
            f = folder / name
            if f.is_file():
                import pathspec

                try:
                    lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
                    self.stack.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))
                except (OSError, ValueError) as exc:
                    problems.append(FileProblem(str(f), f"cannot read this ignore file ({exc}); "
                                                        "its rules are not applied"))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        verdict = False
        for folder, spec in self.stack:
            if folder != path and folder not in path.parents:
                continue
            rel = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(rel)
            if result.include is not None:
                verdict = bool(result.include)
        return verdict


def walk(root: Path, include: Sequence[str] = (), exclude: Sequence[str] = (),
         no_ignore: bool = False) -> Walk:
    """Find the article files at or below a path: hidden entries skipped, links to folders not
    followed (so a link loop cannot trap the walk), suffixes matched without case, files that are
    not articles skipped (unless ``no_ignore``)."""
    result = Walk()
    prefix = root.name if root.is_dir() else (root.parent.name or root.name)
    seen: set[str] = set()

    def consider(path: Path, rel: str, named: bool = False) -> None:
        if (include and not _matches(rel, path.name, include)) or (exclude and _matches(rel, path.name, exclude)):
            result.excluded += 1
            return
        kind = kind_of(path) or kind_of_content(path)
        if kind is None:
            result.other_types[suffix_of(path.name)] += 1
            return
        if not named and not no_ignore and is_documentation(path.name):
            result.not_articles.append(rel)
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
        real = Path(os.path.realpath(path))
        if str(real) in seen:
            return
        seen.add(str(real))
        result.files.append(FoundFile(real, root, f"{prefix}/{rel}", kind, st.st_mtime_ns, st.st_size))

    if root.is_file():
        consider(root, root.name, named=True)
        return result

    def on_error(err: OSError) -> None:
        result.problems.append(FileProblem(str(err.filename or root), err.strerror or str(err)))

    rules = _Rules()
    candidates: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        base = Path(dirpath)
        if not no_ignore:
            rules.enter(base, result.problems)
        reldir = base.relative_to(root).as_posix()
        reldir = "" if reldir == "." else reldir + "/"
        keep = []
        for d in sorted(dirnames):
            if d.startswith(".") or (exclude and _matches(reldir + d, d, exclude)):
                continue
            if not no_ignore and rules.ignored(base / d, True):
                result.not_articles.append(reldir + d + "/")
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = base / name
            if path.is_symlink() and not path.exists():
                result.problems.append(FileProblem(str(path), "broken symbolic link"))
                continue
            if not no_ignore and rules.ignored(path, False):
                result.not_articles.append(reldir + name)
                continue
            candidates.append((reldir + name, path))
    # files in the order of their sorted paths (os.walk gives a folder's files before its
    # subfolders'): which of two records with one id is kept depends on this order
    for rel, path in sorted(candidates, key=lambda c: c[0].split("/")):
        consider(path, rel)
    return result
