"""Import Whoosh without the heavy modules it imports at load time and a search never uses.

Whoosh's modules import, at load time, modules that only writing or features newsgrep does not
use need: ``urllib.request`` (for ``urlretrieve``; with it http, email, ssl), ``html``,
``hashlib`` (which loads OpenSSL, for the MD5 of its hash tables), ``tempfile`` and ``shutil``
(with ``bz2`` and ``lzma``), ``random``, ``calendar``, its Porter stemmer, metaphone and English
morphology tables, its fuzzy-word automata and its highlighter; and the ``cached_property``
package imports ``asyncio`` to ask whether a function is a coroutine. Together that is about
50 ms of every ``newsgrep search``.

While Whoosh loads, temporary modules stand in for these in ``sys.modules``: for a function that
Whoosh takes from a module (``from hashlib import md5``), a small function of ours that imports
the real one when called; for a module Whoosh binds whole (``import tempfile``), an empty one.
As soon as Whoosh has loaded, the temporary modules leave ``sys.modules``, and each Whoosh global
that names one is pointed at the real module, loaded lazily by ``importlib.util.LazyLoader``
(it runs on first use of one of its names). No stand-in is left behind: ``stand_ins_left`` lists
any (a test checks that there are none).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import sys
import types
from typing import Any


class _StandIn(types.ModuleType):
    """A temporary module holding only the functions Whoosh takes from it while it loads."""


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _variations(word: str) -> Any:
    from whoosh.lang.morph_en import variations

    return variations(word)


@functools.cache  # found once: Whoosh hashes every term it looks up
def md5() -> Any:
    """MD5 from CPython's built-in module: hashlib would load OpenSSL (about 3 ms) first."""
    try:
        from _md5 import md5 as found  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import md5 as found
    return found


def _md5(*args: Any, **kwargs: Any) -> Any:
    return md5()(*args, **kwargs)


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


# Functions Whoosh takes with ``from MODULE import NAME`` at load time: module -> name -> ours.
FROM_IMPORTS: dict[str, dict[str, Any]] = {
    "urllib.request": {"urlretrieve": _urlretrieve},        # whoosh.compat
    "html": {"escape": _html_escape},                       # whoosh.compat (htmlescape)
    "hashlib": {"md5": _md5},                               # whoosh.filedb.filetables
    "shutil": {"copyfileobj": _copyfileobj},                # whoosh.filedb.compound
    "whoosh.lang.morph_en": {"variations": _variations},    # whoosh.query.terms
    "whoosh.lang.porter": {"stem": _porter_stem},           # whoosh.analysis
    "whoosh.lang.dmetaphone": {"double_metaphone": _double_metaphone},  # whoosh.analysis.morph
}
# Modules Whoosh binds whole at load time and uses only later, if ever: loaded lazily.
LAZY_MODULES = ("tempfile", "random", "calendar", "whoosh.automata.lev", "whoosh.highlight")


def _lazy(name: str) -> types.ModuleType:
    """Return the real module, from sys.modules, else put there to be executed on first use of
    one of its names (an ``import`` statement naming it counts as a use)."""
    if name in sys.modules:
        return sys.modules[name]
    parent, _, child = name.rpartition(".")
    if parent:
        importlib.import_module(parent)
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name}")
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


class _NotCoroutines:
    """What ``cached_property`` asks of asyncio: whether a function is a coroutine function.
    Whoosh's cached properties never are; ``inspect`` answers without loading asyncio."""

    iscoroutinefunction = staticmethod(inspect.iscoroutinefunction)


def preload() -> None:
    """Import the parts of Whoosh newsgrep uses, keeping out what they import and never use."""
    if "whoosh.compat" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    for name, attrs in FROM_IMPORTS.items():
        if name not in sys.modules:
            stand_in = _StandIn(name)
            stand_ins[name] = stand_in
            for attr, value in attrs.items():
                setattr(stand_in, attr, value)
    for name in (*LAZY_MODULES, "asyncio"):
        if name not in sys.modules:
            stand_ins[name] = _StandIn(name)
    sys.modules.update(stand_ins)
    try:
        import whoosh.codec.whoosh3  # noqa: F401
        import whoosh.compat  # noqa: F401
        import whoosh.fields  # noqa: F401
        import whoosh.filedb.filestore  # noqa: F401
        import whoosh.index  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, temporary in stand_ins.items():
            if sys.modules.get(name) is temporary:
                del sys.modules[name]
    real = {id(stand_ins[name]): _lazy(name) for name in LAZY_MODULES if name in stand_ins}
    for name, module in _whoosh_modules():
        for attr, value in list(vars(module).items()):
            if type(value) is _StandIn:
                if id(value) in real:
                    setattr(module, attr, real[id(value)])
                elif value.__name__ == "asyncio" and name == "cached_property":
                    setattr(module, attr, _NotCoroutines)


def _whoosh_modules() -> list[tuple[str, types.ModuleType]]:
    """Return the loaded (not lazily pending) Whoosh modules, and cached_property."""
    return [(name, module) for name, module in list(sys.modules.items())
            if (name.startswith("whoosh") or name == "cached_property")
            and module is not None and type(module).__name__ != "_LazyModule"]


def stand_ins_left() -> list[str]:
    """Name every ``module.global`` of a loaded Whoosh module that is a temporary module."""
    found = []
    for name, module in _whoosh_modules():
        for attr, value in list(vars(module).items()):
            if type(value) is _StandIn:
                found.append(f"{name}.{attr}")
    return found
