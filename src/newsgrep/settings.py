"""The environment variables newsgrep reads, every one read here: a malformed value is a one-line
error that names the variable (exit 2), never an internal error.

    NEWSGREP_INDEX                  the index folder when --index is not given
    NEWSGREP_PAGER                  the pager of `show` (else $PAGER, else less)
    NEWSGREP_CLUSTER                the Dask scheduler when --cluster is not given (read by click)
    NEWSGREP_CLUSTER_KEEP           seconds a kept Dask client waits for its next call (600; 0: none)
    NEWSGREP_CLUSTER_TIMEOUT        seconds to reach a cluster's workers (10)
    NEWSGREP_CLUSTER_TASK_TIMEOUT   seconds a cluster round may take (3600)
    NEWSGREP_COMMIT_DOCS            articles between two durable commits of `index` (10000)
    NEWSGREP_COMMIT_SECONDS         seconds between two durable commits of `index` (10)
    NEWSGREP_COMMIT_BYTES           bytes of text between two durable commits of `index` (128 MiB)
    NEWSGREP_LOCK_TIMEOUT           seconds `index`/`remove` wait for another run's lock (600)
    NEWSGREP_PURE_PYTHON            1: index with the pure-Python path even where the compiled core is built
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from newsgrep.errors import UsageError

DEFAULT_KEEP = 600.0


def _raw(name: str, environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get(name, "").strip()


def _seconds(name: str, default: float, what: str, environ: Mapping[str, str] | None = None,
             zero: bool = True) -> float:
    """Read a number of seconds (0 allowed when ``zero``), else say what the variable takes."""
    raw = _raw(name, environ)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (value >= 0 if zero else value > 0) or math.isinf(value):
        least = "0 or more" if zero else "more than 0"
        raise UsageError(f"{name} must be a number of seconds ({least}; {what}), not {raw!r}")
    return value


def _count(name: str, default: int, what: str, environ: Mapping[str, str] | None = None) -> int:
    """Read a whole number of at least 1, else say what the variable takes."""
    raw = _raw(name, environ)
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise UsageError(f"{name} must be a whole number of {what} (1 or more), not {raw!r}")
    return value


def index_dir() -> str | None:
    """Return $NEWSGREP_INDEX, or None when it is unset or empty."""
    return os.environ.get("NEWSGREP_INDEX") or None


def pager() -> str:
    """Return the pager command: $NEWSGREP_PAGER (even empty: no pager), else $PAGER, else less."""
    cmd = os.environ.get("NEWSGREP_PAGER")
    return os.environ.get("PAGER", "less") if cmd is None else cmd


def cluster_keep(environ: Mapping[str, str] | None = None) -> float:
    """Return how long a kept Dask client waits for its next call: $NEWSGREP_CLUSTER_KEEP."""
    return _seconds("NEWSGREP_CLUSTER_KEEP", DEFAULT_KEEP, "0 keeps no Dask client", environ)


def cluster_timeout() -> float:
    """Return the seconds to reach a cluster's workers: $NEWSGREP_CLUSTER_TIMEOUT."""
    return _seconds("NEWSGREP_CLUSTER_TIMEOUT", 10.0, "the wait for a cluster's workers", zero=False)


def cluster_task_timeout() -> float:
    """Return the seconds one round of cluster tasks may take: $NEWSGREP_CLUSTER_TASK_TIMEOUT."""
    return _seconds("NEWSGREP_CLUSTER_TASK_TIMEOUT", 3600.0, "the limit of one round of tasks", zero=False)


def commit_docs() -> int:
    """Return how many articles `index` writes between two durable commits: $NEWSGREP_COMMIT_DOCS."""
    return _count("NEWSGREP_COMMIT_DOCS", 10000, "articles between two commits")


def commit_seconds() -> float:
    """Return the seconds `index` works at most between two durable commits: $NEWSGREP_COMMIT_SECONDS."""
    return _seconds("NEWSGREP_COMMIT_SECONDS", 10.0, "the time between two commits", zero=False)


def commit_bytes() -> int:
    """Return how many bytes of text `index` writes between two commits: $NEWSGREP_COMMIT_BYTES."""
    return _count("NEWSGREP_COMMIT_BYTES", 128 << 20, "bytes between two commits")


def lock_timeout() -> float:
    """Return how long `index`/`remove` wait for another run's lock: $NEWSGREP_LOCK_TIMEOUT."""
    return _seconds("NEWSGREP_LOCK_TIMEOUT", 600.0, "the wait for another run writing the index")


def pure_python() -> bool:
    """Tell whether $NEWSGREP_PURE_PYTHON asks for the pure-Python path of indexing (1; 0 or unset: no)."""
    raw = _raw("NEWSGREP_PURE_PYTHON", None)
    if raw not in ("", "0", "1"):
        raise UsageError(f"NEWSGREP_PURE_PYTHON must be a switch: 1 (the pure-Python path) or 0, not {raw!r}")
    return raw == "1"


def check() -> None:
    """Read every setting once, so that a malformed one is said before a command starts."""
    cluster_keep()
    cluster_timeout()
    cluster_task_timeout()
    commit_docs()
    commit_seconds()
    commit_bytes()
    lock_timeout()
    pure_python()
