"""Decide whether output gets colour, without importing rich."""

from __future__ import annotations

import os
from typing import IO


def wants_color(out: IO[str], color: str) -> bool:
    """Colour when asked to, or in auto mode when ``out`` is a terminal and NO_COLOR is unset."""
    if color == "always":
        return True
    if color == "never":
        return False
    return bool(hasattr(out, "isatty") and out.isatty() and not os.environ.get("NO_COLOR"))
