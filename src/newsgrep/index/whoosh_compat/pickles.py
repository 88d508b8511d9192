"""Open Whoosh indexes without trusting their pickles.

A Whoosh index stores its schema, segment list and stored fields as pickles, and unpickling runs
whatever the pickle names. An index from someone else could run code on open. Every route to
unpickling in Whoosh is sent through an unpickler that admits only classes from the modules a
newsgrep index uses (Whoosh's fields, analysis, formats, codecs, columns, and newsgrep's own),
plus the few helper functions the pickle protocol itself needs; anything else is refused with
UnsafeIndex before it is loaded.

The routes are the names a Whoosh module binds to the ``pickle`` module or to its loading
functions and classes. Those Whoosh loads with newsgrep are replaced when they are installed
(``PATCHES`` names the ones Whoosh 2.7.5 has; a missing one is an error, not a skip), and a
module Whoosh loads later is cleaned the same way as it loads (``_Guard``), so no route is left
whatever part of Whoosh runs. Whoosh's loaders of older index formats are turned off.
"""

from __future__ import annotations

import importlib.util
import io
import pickle
import struct
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from newsgrep.errors import NewsgrepError, UnsafeIndex

# Modules whose classes (never functions) an index may name. Whoosh's file and storage layer,
# its legacy codecs and loaders, and its utilities are left out on purpose.
_CLASS_MODULES = (
    "whoosh.fields", "whoosh.analysis", "whoosh.formats", "whoosh.columns",
    "whoosh.codec.whoosh3", "whoosh.codec.base", "whoosh.lang", "whoosh.scoring",
    "whoosh.util.numeric", "whoosh.util.times", "whoosh.idsets", "newsgrep.index",
)
_FUNCTIONS = {
    ("copyreg", "_reconstructor"), ("copy_reg", "_reconstructor"), ("_codecs", "encode"),
    ("re", "_compile"), ("array", "_array_reconstructor"), ("array", "array"),
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "object"),
    ("builtins", "bytearray"), ("builtins", "slice"), ("builtins", "complex"),
    ("__builtin__", "set"), ("__builtin__", "frozenset"), ("__builtin__", "object"),
    ("datetime", "datetime"), ("datetime", "date"), ("datetime", "timedelta"),
    ("datetime", "timezone"), ("collections", "OrderedDict"), ("collections", "defaultdict"),
    ("re", "RegexFlag"), ("decimal", "Decimal"), ("__builtin__", "long"), ("builtins", "int"),
    ("__builtin__", "unicode"), ("builtins", "str"), ("__builtin__", "bytes"), ("builtins", "bytes"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that loads only what a newsgrep index is made of."""

    def find_class(self, module: str, name: str) -> Any:
        """Return an allowed class or helper; refuse anything else before it is loaded."""
        if (module, name) in _FUNCTIONS:
            return super().find_class(module, name)
        if (module in _CLASS_MODULES or module.startswith(tuple(m + "." for m in _CLASS_MODULES))) \
                and "." not in name and not name.startswith("_"):
            obj = super().find_class(module, name)
            if isinstance(obj, type):
                return obj
        raise UnsafeIndex(
            f"refused to open the index: it asks to load {module}.{name}, which a newsgrep index "
            "never contains (the index may have been tampered with; nothing was run)")


def safe_load(file: IO[bytes], *args: Any, **kwargs: Any) -> Any:
    """Unpickle from a file with the restricted unpickler."""
    return RestrictedUnpickler(file).load()


def safe_loads(data: bytes, *args: Any, **kwargs: Any) -> Any:
    """Unpickle bytes with the restricted unpickler."""
    return RestrictedUnpickler(io.BytesIO(data)).load()


class PickleShim:
    """Stands in for the ``pickle`` module inside Whoosh: dumping as usual, loading restricted."""

    PicklingError = pickle.PicklingError
    UnpicklingError = pickle.UnpicklingError
    HIGHEST_PROTOCOL = pickle.HIGHEST_PROTOCOL
    Pickler = pickle.Pickler
    Unpickler = RestrictedUnpickler
    dumps = staticmethod(pickle.dumps)
    dump = staticmethod(pickle.dump)
    loads = staticmethod(safe_loads)
    load = staticmethod(safe_load)


def _unsafe_values() -> dict[int, Any]:
    """Map the id of every object that loads pickles unrestricted to its safe replacement."""
    import _pickle

    out: dict[int, Any] = {id(pickle): PickleShim, id(_pickle): PickleShim}
    for mod in (pickle, _pickle):
        out[id(mod.load)] = safe_load
        out[id(mod.loads)] = safe_loads
        out[id(mod.Unpickler)] = RestrictedUnpickler
    return out


def is_route(value: Any) -> bool:
    """Tell whether a module global loads pickles without restriction."""
    if issubclass(type(value), type) and issubclass(value, pickle.Unpickler):
        return not issubclass(value, RestrictedUnpickler)
    return id(value) in _unsafe_values()


def clean_module(module: types.ModuleType) -> list[str]:
    """Replace the module's routes to unrestricted unpickling; return the names replaced."""
    unsafe = _unsafe_values()
    changed = []
    for name, value in list(vars(module).items()):
        if name.startswith("__"):
            continue
        safe = unsafe.get(id(value))
        # type(value), not isinstance: isinstance would ask a lazily loaded module for its
        # __class__, and so load it
        if safe is None and issubclass(type(value), type) and issubclass(value, pickle.Unpickler) \
                and not issubclass(value, RestrictedUnpickler):
            safe = RestrictedUnpickler
        if safe is not None and safe is not value:
            setattr(module, name, safe)
            changed.append(name)
    return changed


# The routes Whoosh 2.7.5 binds in the modules newsgrep loads, by module. Each must be there
# (the pin is exact): a missing one means a Whoosh this code was not written for.
PATCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("whoosh.compat", ("pickle", "load", "loads")),
    ("whoosh.index", ("pickle",)),
    ("whoosh.util.loading", ("pickle", "RenamingUnpickler")),
    ("whoosh.legacy", ("RenamingUnpickler",)),
)


class _GuardedLoader:
    """A Whoosh module's own loader, then the module cleaned of routes to unpickling."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self._loader.exec_module(module)
        clean_module(module)

    def __getattr__(self, name: str) -> Any:  # get_source, is_package, ... for tracebacks
        return getattr(self._loader, name)


class _Guard:
    """Cleans every Whoosh module that loads after installation (a meta path finder; it does not
    subclass importlib.abc's, which would import importlib.resources and tempfile)."""

    def __init__(self) -> None:
        self._finding: set[str] = set()

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> Any:
        if not fullname.startswith("whoosh.") or fullname in self._finding:
            return None
        self._finding.add(fullname)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._finding.discard(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _GuardedLoader(spec.loader)  # type: ignore[assignment]
        return spec


def _loaded(module: Any) -> bool:
    """Tell whether a module has run (a lazily loaded one has not until first used)."""
    return issubclass(type(module), types.ModuleType) and type(module).__name__ != "_LazyModule"


def guard() -> None:
    """Clean every Whoosh module of routes to unrestricted unpickling: those loaded now, and
    each one loaded from now on as it loads (before any other module can take its names)."""
    if not any(isinstance(f, _Guard) for f in sys.meta_path):
        sys.meta_path.insert(0, _Guard())
    for name, module in list(sys.modules.items()):
        if (name == "whoosh" or name.startswith("whoosh.")) and _loaded(module):
            clean_module(module)


def install() -> None:
    """Check the routes Whoosh is known to have are there and cleaned, and turn off Whoosh's
    loaders of old index formats (called once by ``whoosh_compat.install`` after ``guard``).
    Raises NewsgrepError when a patch target is missing."""
    import importlib

    for name, attrs in PATCHES:
        module = importlib.import_module(name)
        for attr in attrs:
            value = getattr(module, attr, None)
            if value is None:
                raise NewsgrepError(
                    f"this Whoosh has no {name}.{attr}: newsgrep needs the Whoosh version it pins "
                    "(reinstall newsgrep to get it)")
            if is_route(value):
                clean_module(module)
    import whoosh.index as windex

    windex.toc_loaders = {}
    global _DAMAGE
    _DAMAGE = (*_DAMAGE, windex.IndexError)


# What reading a damaged TOC raises (Whoosh's IndexError is added by install()).
_DAMAGE: tuple[type[BaseException], ...] = (
    pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, AttributeError, IndexError,
    struct.error, ImportError)


def _damaged(index_dir: Path, exc: BaseException) -> NewsgrepError:
    return NewsgrepError(
        f"cannot open the index at {index_dir}: it is damaged or was not written by newsgrep "
        f"({type(exc).__name__}: {str(exc)[:200]}); run `newsgrep index --rebuild`")


def index_exists(index_dir: Path, indexname: str) -> bool:
    """Tell whether a folder holds a Whoosh index: a table of contents of that name, unread."""
    if not index_dir.is_dir():
        return False
    prefix = f"_{indexname}_"
    try:
        return any(n.startswith(prefix) and n.endswith(".toc") for n in _names(index_dir))
    except OSError:
        return False


def _names(folder: Path) -> list[str]:
    import os

    return os.listdir(folder)


def checked(ix: Any, index_dir: Path) -> Any:
    """Read an index's table of contents now, turning damage into one clear error."""
    try:
        ix._read_toc()
    except UnsafeIndex:
        raise
    except _DAMAGE as exc:
        raise _damaged(index_dir, exc) from exc
    return ix


def open_index(storage: Any, index_dir: Path, indexname: str) -> Any:
    """Open the Whoosh index of that name in a storage, safely."""
    try:
        ix = storage.open_index(indexname)
    except UnsafeIndex:
        raise
    except _DAMAGE as exc:
        raise _damaged(index_dir, exc) from exc
    return checked(ix, index_dir)


def open_reader(ix: Any, index_dir: Path) -> Any:
    """Open a reader on every segment of an index, turning a damaged segment into one clear error."""
    try:
        return ix.reader()
    except UnsafeIndex:
        raise
    except _DAMAGE + (OSError,) as exc:
        raise _damaged(index_dir, exc) from exc
