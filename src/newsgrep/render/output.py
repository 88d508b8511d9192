"""Where output goes and how it looks, decided once: terminal or pipe, colour or not, width.

Like httpie's Environment: the CLI builds one Output for stdout and one for stderr, and every
renderer asks them. Colour only when the stream is a terminal and NO_COLOR is unset, unless
``--color always`` or ``never`` says otherwise. rich is imported only when a terminal (or forced
colour) needs it, so that a piped search never loads it.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from newsgrep.text.clean import strip_controls


class Output:
    """One output stream and the decisions about it."""

    def __init__(self, stream: IO[str], color: str = "auto") -> None:
        self.stream = stream
        self.is_terminal = bool(hasattr(stream, "isatty") and stream.isatty())
        if color == "always":
            self.color = True
        elif color == "never":
            self.color = False
        else:
            self.color = self.is_terminal and not os.environ.get("NO_COLOR")
        self._console: Any = None

    @property
    def rich(self) -> bool:
        """Tell whether to lay out with rich (a terminal, or colour asked for)."""
        return self.is_terminal or self.color

    @property
    def width(self) -> int:
        """Return the terminal's width (80 when not a terminal)."""
        if not self.is_terminal:
            return 80
        env = os.environ.get("COLUMNS", "")
        if env.isdigit() and int(env) > 0:
            return int(env)
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return 80

    def console(self) -> Any:
        """Return a rich Console on the stream (markup and emoji off: article text is data)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self.stream, force_terminal=self.color or None,
                                    no_color=not self.color, color_system="auto" if self.color else None,
                                    highlight=False, soft_wrap=False, emoji=False, markup=False,
                                    width=self.width if self.is_terminal else None)
        return self._console

    def write(self, text: str) -> None:
        """Write plain text."""
        self.stream.write(text)


def err(message: str) -> None:
    """Say one line on stderr, prefixed with newsgrep:, control characters removed."""
    sys.stderr.write(f"newsgrep: {strip_controls(message)}\n")
