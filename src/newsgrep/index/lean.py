"""Import Whoosh without the heavy modules it imports at load time and never uses here.

``whoosh.compat`` imports ``urllib.request`` (for ``urlretrieve``; with it http, email, ssl) and
``html``; the ``cached_property`` package that ``whoosh.reading`` uses imports ``asyncio`` (to
test whether a function is a coroutine); ``whoosh.query.terms`` imports ``whoosh.lang.morph_en``
(hundreds of regular expressions, for the Variations query only); the file layer imports
``hashlib`` (which loads OpenSSL, for the MD5 of its hash tables), ``tempfile`` (with
``shutil``, ``bz2`` and ``lzma``) and ``random`` for writing. Together that is about 50 ms of every
``newsgrep search``. While those Whoosh modules load, stand-ins take the place of these: they
hold what the modules take from them and import the real module on any other use. The stand-ins
are removed from ``sys.modules`` afterwards, so every other import gets the real modules.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from typing import Any


class _StandIn(types.ModuleType):
    """A module that imports the real one on first use of a name it does not hold."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            raise AttributeError(name)
        return getattr(importlib.import_module(self.__name__), name)


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _variations(word: str) -> Any:
    from whoosh.lang.morph_en import variations

    return variations(word)


def _md5(*args: Any, **kwargs: Any) -> Any:
    """MD5 from CPython's built-in module: hashlib would load OpenSSL (about 3 ms) first."""
    try:
        from _md5 import md5
    except ImportError:
        from hashlib import md5
    return md5(*args, **kwargs)


def _html_escape(*args: Any, **kwargs: Any) -> Any:
    from html import escape

    return escape(*args, **kwargs)


def _copyfileobj(*args: Any, **kwargs: Any) -> Any:
    from shutil import copyfileobj

    return copyfileobj(*args, **kwargs)


def _double_metaphone(word: str) -> Any:
    from whoosh.lang.dmetaphone import double_metaphone

    return double_metaphone(word)


def _porter_stem(word: str) -> Any:
    from whoosh.lang.porter import stem

    return stem(word)


# Modules Whoosh imports at load time for what only writing or unused features call: module
# name -> the names it takes from them with ``from ... import`` (lazy stand-ins).
_LAZY: dict[str, dict[str, Any]] = {
    "urllib.request": {"urlretrieve": _urlretrieve},           # whoosh.compat
    "asyncio": {"iscoroutinefunction": inspect.iscoroutinefunction},  # cached_property
    "whoosh.lang.morph_en": {"variations": _variations},       # whoosh.query.terms
    "hashlib": {"md5": _md5},             # whoosh.filedb.filetables: the terms' hash table
    "html": {"escape": _html_escape},     # whoosh.compat: htmlescape, for the HTML formatter
    "tempfile": {},                       # whoosh.filedb.filestore: temporary storage (writing)
    "shutil": {"copyfileobj": _copyfileobj},  # whoosh.filedb.compound: compound files (writing)
    "random": {},                         # whoosh.util: random file names (writing)
    "calendar": {},                       # whoosh.util.times: month lengths (date parsing)
    "whoosh.lang.porter": {"stem": _porter_stem},  # whoosh.analysis: Whoosh's Porter stemmer
    "whoosh.lang.dmetaphone": {"double_metaphone": _double_metaphone},  # whoosh.analysis
    "whoosh.automata.lev": {},            # whoosh.codec.base: automata for fuzzy words
    "whoosh.highlight": {},               # whoosh.searching: newsgrep highlights on its own
}


def preload() -> None:
    """Import whoosh.compat, cached_property, whoosh.query, Whoosh's codec and searcher with
    stand-ins for what they import and do not need at once."""
    if "whoosh.compat" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    for name, attrs in _LAZY.items():
        if name not in sys.modules:
            module = stand_ins[name] = _StandIn(name)
            for attr, value in attrs.items():
                setattr(module, attr, value)
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401
        try:
            import cached_property  # noqa: F401
        except ImportError:  # a Whoosh that does not use the package
            pass
        import whoosh.query  # noqa: F401
        import whoosh.codec.whoosh3  # noqa: F401
        import whoosh.searching  # noqa: F401

        from newsgrep.index.safe_pickle import install

        install()  # (it also tries Whoosh's legacy codec, which imports hashlib)
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
