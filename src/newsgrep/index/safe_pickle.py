"""Open Whoosh indexes without trusting their pickles.

A Whoosh index stores its schema, segment list and stored fields as pickles, and unpickling runs
whatever the pickle names. An index from someone else could run code on open. newsgrep routes
every unpickling Whoosh does through an unpickler that admits only classes from the modules a
newsgrep index uses (Whoosh's fields, analysis, formats, codecs, columns, and newsgrep's own),
plus the few helper functions the pickle protocol itself needs; anything else is refused with
UnsafeIndex before it is loaded.
"""

from __future__ import annotations

import io
import pickle
import struct
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


def safe_load(file: IO[bytes]) -> Any:
    """Unpickle from a file with the restricted unpickler."""
    return RestrictedUnpickler(file).load()


def safe_loads(data: bytes) -> Any:
    """Unpickle bytes with the restricted unpickler."""
    return RestrictedUnpickler(io.BytesIO(data)).load()


class _PickleShim:
    """Stands in for the ``pickle`` module inside whoosh.index."""

    PicklingError = pickle.PicklingError
    UnpicklingError = pickle.UnpicklingError
    dumps = staticmethod(pickle.dumps)
    dump = staticmethod(pickle.dump)
    loads = staticmethod(safe_loads)
    load = staticmethod(safe_load)


_installed = False
# Every place where Whoosh unpickles index data, and the name it uses there.
_PATCHES = (
    ("whoosh.compat", ("load", "loads")), ("whoosh.filedb.structfile", ("load_pickle",)),
    ("whoosh.codec.whoosh3", ("loads",)), ("whoosh.columns", ("loads",)),
    ("whoosh.formats", ("loads",)), ("whoosh.codec.whoosh2", ("loads",)),
    ("whoosh.codec.plaintext", ("loads",)), ("whoosh.filedb.misc", ("loads",)),
)


def install() -> None:
    """Route all of Whoosh's unpickling through the restricted unpickler (idempotent)."""
    global _installed, _DAMAGE
    if _installed:
        return
    import importlib

    import whoosh.index as windex

    windex.pickle = _PickleShim  # type: ignore[assignment]
    # Old index formats are read by Whoosh's legacy loaders with an unrestricted unpickler.
    windex.toc_loaders = {}  # type: ignore[attr-defined]
    _DAMAGE = (*_DAMAGE, windex.IndexError)
    for name, attrs in _PATCHES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for attr in attrs:
            if hasattr(module, attr):
                setattr(module, attr, safe_loads if attr == "loads" else safe_load)
    _installed = True


# What reading a damaged TOC raises (Whoosh's IndexError is added by install()).
_DAMAGE: tuple[type[BaseException], ...] = (
    pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, AttributeError, IndexError,
    struct.error)


def _damaged(index_dir: Path, exc: BaseException) -> NewsgrepError:
    return NewsgrepError(
        f"cannot open the index at {index_dir}: it is damaged or was not written by newsgrep "
        f"({type(exc).__name__}: {str(exc)[:200]}); run `newsgrep index --rebuild`")


def index_exists(index_dir: Path, indexname: str) -> bool:
    """Tell whether a folder holds a Whoosh index (Whoosh reads its TOC to tell: safely here)."""
    install()
    from whoosh import index

    if not index_dir.is_dir():
        return False
    try:
        return bool(index.exists_in(str(index_dir), indexname=indexname))
    except UnsafeIndex:
        raise
    except _DAMAGE as exc:
        raise _damaged(index_dir, exc) from exc


def checked(ix: Any, index_dir: Path) -> Any:
    """Read an index's table of contents now, turning damage into one clear error."""
    try:
        ix._read_toc()
    except UnsafeIndex:
        raise
    except _DAMAGE as exc:
        raise _damaged(index_dir, exc) from exc
    return ix


def open_index(index_dir: Path) -> Any:
    """Open the Whoosh index in a folder, safely."""
    install()
    from whoosh import index

    from newsgrep.index.store import INDEX_NAME

    return checked(index.open_dir(str(index_dir), indexname=INDEX_NAME), index_dir)
