"""The one door to the compiled core (newsgrep._core, a C extension built at install where a
compiler is found): every other module asks here whether to use it.

Each of its functions has a pure-Python twin that writes the same index bytes (tests/test_core.py
compares them): the tokenizer (Analyzer.raw_tokens), the term and written-form positions
(Analyzer.positions, written_positions), the encoded positions and postings of a field
(whoosh_compat.segments), the term pool's appends, and near-duplicate sketches (text.dedup).
Only indexing asks for the core, when it opens a segment writer or makes its first sketch: a
search never loads it. NEWSGREP_PURE_PYTHON=1 keeps to the pure-Python path.
"""

from __future__ import annotations

from types import ModuleType

from newsgrep import settings


def compiled() -> ModuleType | None:
    """Return the compiled core, or None when it is not built or NEWSGREP_PURE_PYTHON=1."""
    if settings.pure_python():
        return None
    try:
        import newsgrep._core as _core
    except ImportError:
        return None
    return _core


def available() -> bool:
    """Tell whether the compiled core is built (whatever NEWSGREP_PURE_PYTHON says)."""
    try:
        import newsgrep._core  # noqa: F401
    except ImportError:
        return False
    return True
