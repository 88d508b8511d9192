"""Notes on how a query was read when it is not as typed ("C++ is searched as C"): said by the
library, shown by whoever listens (the CLI prints them on stderr). A list of callables rather than
the logging module, which a cold search would spend 16 ms importing."""

from __future__ import annotations

from collections.abc import Callable

_LISTENERS: list[Callable[[str], None]] = []


def listen(listener: Callable[[str], None]) -> None:
    """Have ``listener`` called with each note from now on (once, however often it is given)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def say(note: str) -> None:
    """Give a note to every listener."""
    for listener in _LISTENERS:
        listener(note)
