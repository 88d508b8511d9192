"""The one door to Whoosh's internals: every patch newsgrep makes to Whoosh, installed by one call.

``install()`` runs once, when ``newsgrep.index`` is first imported and before any other newsgrep
module touches Whoosh. It checks that the Whoosh found is the exact version the patches were
written for (pinned in pyproject.toml), then:

- ``pickles``: every route Whoosh has to unpickling goes through a restricted unpickler, in the
  modules loaded now and in any loaded later (an import hook cleans each as it loads);
- ``lean``: Whoosh is imported without the modules it loads and a search never uses;
- ``zerocopy``: index files are read through the memory map instead of being copied.

Code elsewhere that needs Whoosh's private names reaches them here too: ``w3`` reads and
writes W3 posting blocks, ``segments`` finishes and commits the segments of worker processes.
Each fails with a clear error when the name it needs is missing.
"""

from __future__ import annotations

from newsgrep.errors import NewsgrepError

WHOOSH_VERSION = (2, 7, 5)  # the version every patch here was written for and tested against
_installed = False


def check_version() -> None:
    """Refuse to run on a Whoosh other than the pinned one (reading whoosh/__init__ only)."""
    import whoosh

    found = tuple(getattr(whoosh, "__version__", ()))[:3]
    if found != WHOOSH_VERSION:
        want = ".".join(map(str, WHOOSH_VERSION))
        have = ".".join(map(str, found)) or "an unknown version"
        raise NewsgrepError(f"newsgrep needs Whoosh {want} exactly (whoosh-reloaded=={want}) and "
                            f"found {have}; reinstall newsgrep to get it")


def install() -> None:
    """Install every patch, once: the version check, the pickle guard, lean imports, zero copy."""
    global _installed
    if _installed:
        return
    check_version()
    from newsgrep.index.whoosh_compat import lean, pickles, zerocopy

    pickles.guard()
    lean.preload()
    pickles.install()
    zerocopy.install()
    _installed = True
