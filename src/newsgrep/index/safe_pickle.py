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
from pathlib import Path
from typing import IO, Any

from newsgrep.errors import UnsafeIndex

_CLASS_MODULES = (
    "whoosh.fields", "whoosh.analysis", "whoosh.formats", "whoosh.columns", "whoosh.codec",
    "whoosh.lang", "whoosh.scoring", "whoosh.filedb", "whoosh.support", "whoosh.util.numeric",
    "whoosh.util.times", "whoosh.util.varints", "whoosh.idsets", "whoosh.index",
    "newsgrep.index",
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
        if (module, name) in _FUNCTIONS:
            return super().find_class(module, name)
        if module.startswith(_CLASS_MODULES) and "." not in name:
            obj = super().find_class(module, name)
            if isinstance(obj, type):
                return obj
        raise UnsafeIndex(
            f"refused to open the index: it asks to load {module}.{name}, which a newsgrep index "
            "never contains (the index may have been tampered with)")


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


def install() -> None:
    """Route Whoosh's unpickling through the restricted unpickler (idempotent)."""
    global _installed
    if _installed:
        return
    import whoosh.codec.whoosh3 as w3
    import whoosh.columns as columns
    import whoosh.filedb.structfile as structfile
    import whoosh.index as windex

    windex.pickle = _PickleShim  # type: ignore[assignment]
    structfile.load_pickle = safe_load  # type: ignore[assignment]
    w3.loads = safe_loads  # type: ignore[assignment]
    columns.loads = safe_loads  # type: ignore[assignment]
    _installed = True


def open_index(index_dir: Path) -> Any:
    """Open the Whoosh index in a folder, safely."""
    install()
    from whoosh import index

    from newsgrep.index.store import INDEX_NAME

    return index.open_dir(str(index_dir), indexname=INDEX_NAME)
