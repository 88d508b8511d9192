"""The one door to Whoosh's internals: the pinned version, no route to unrestricted unpickling in
any Whoosh module, no stand-in left behind once Whoosh has loaded."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import sys

import pytest

import newsgrep.index  # noqa: F401  (installs the patches)
from conftest import run_process
from newsgrep.errors import NewsgrepError
from newsgrep.index import whoosh_compat
from newsgrep.index.whoosh_compat import lean, pickles


def _all_whoosh_modules() -> list[str]:
    """Import every module of Whoosh that can be imported; return their names."""
    import whoosh

    names = []
    for info in pkgutil.walk_packages(whoosh.__path__, "whoosh."):
        try:
            importlib.import_module(info.name)
        except Exception:  # modules broken in this Whoosh (whoosh.codec.whoosh2, ...) load nothing
            continue
        names.append(info.name)
    return names


def test_whoosh_is_the_pinned_version() -> None:
    import whoosh

    assert tuple(whoosh.__version__)[:3] == whoosh_compat.WHOOSH_VERSION


def test_no_loaded_whoosh_module_has_a_route_to_unrestricted_unpickling() -> None:
    names = _all_whoosh_modules()
    assert len(names) > 80
    routes = [f"{name}.{attr}" for name in names for attr, value in vars(sys.modules[name]).items()
              if pickles.is_route(value)]
    assert routes == []
    # what the scan looks for is really there to find
    assert pickles.is_route(pickle.loads) and pickles.is_route(pickle) and pickles.is_route(pickle.Unpickler)
    import whoosh.compat

    assert whoosh.compat.loads is pickles.safe_loads and whoosh.compat.pickle is pickles.PickleShim


def test_no_whoosh_module_keeps_a_stand_in() -> None:
    _all_whoosh_modules()
    assert lean.stand_ins_left() == []
    import whoosh.filedb.filestore as filestore

    assert type(filestore.tempfile).__name__ in ("module", "_LazyModule")
    assert filestore.tempfile.gettempdir()  # the real module, loaded on use


def test_a_patch_target_that_is_missing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pickles, "PATCHES", (("whoosh.compat", ("no_such_name",)),))
    with pytest.raises(NewsgrepError, match="no_such_name"):
        pickles.install()


@pytest.mark.subprocess
def test_another_whoosh_version_is_refused() -> None:
    code = ("import whoosh; whoosh.__version__ = (2, 7, 4)\n"
            "try:\n    import newsgrep.index\nexcept Exception as e:\n    print(type(e).__name__, e)\n")
    out = run_process([sys.executable, "-c", code], timeout=60).out
    assert "NewsgrepError" in out and "2.7.5" in out
