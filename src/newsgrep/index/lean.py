"""Import Whoosh without the heavy modules it imports at load time and never uses here.

``whoosh.compat`` imports ``urllib.request`` (for ``urlretrieve``; with it http, email, ssl) and
the ``cached_property`` package that ``whoosh.reading`` uses imports ``asyncio`` (to test whether
a function is a coroutine), and ``whoosh.query.terms`` imports ``whoosh.lang.morph_en`` (hundreds
of regular expressions, for the Variations query only). Together that is about 45 ms of every
``newsgrep search``. While those Whoosh modules load, stand-ins take the place of the three: they
hold what the modules take from them and import the real module on any other use. The stand-ins are
removed from ``sys.modules`` afterwards, so every other import gets the real modules.
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


def preload() -> None:
    """Import whoosh.compat, cached_property and whoosh.query with stand-ins for what they
    import and do not need at once."""
    if "whoosh.compat" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    if "urllib.request" not in sys.modules:
        stand_ins["urllib.request"] = _StandIn("urllib.request")
        stand_ins["urllib.request"].urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    if "asyncio" not in sys.modules:
        stand_ins["asyncio"] = _StandIn("asyncio")
        stand_ins["asyncio"].iscoroutinefunction = inspect.iscoroutinefunction  # type: ignore[attr-defined]
    if "whoosh.lang.morph_en" not in sys.modules:
        stand_ins["whoosh.lang.morph_en"] = _StandIn("whoosh.lang.morph_en")
        stand_ins["whoosh.lang.morph_en"].variations = _variations  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401
        try:
            import cached_property  # noqa: F401
        except ImportError:  # a Whoosh that does not use the package
            pass
        import whoosh.query  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
