"""The query language's syntax tree: what a query says, before it meets an index.

``parse.py`` builds it from the text a user typed; ``bind.py`` turns it into the index terms to
look up. Every node keeps the column where it starts, for error messages. Whoosh-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Word:
    """A word as typed (analysed later: it may be a stopword, or split into several terms)."""

    text: str
    field: str | None
    col: int


@dataclass(frozen=True)
class Phrase:
    """Quoted words: consecutive and in order, or with ``slop`` within that many positions."""

    text: str
    field: str | None
    col: int
    slop: int | None = None


@dataclass(frozen=True)
class Pattern:
    """A wildcard word: ``*`` any run of characters, ``?`` one character (folded, lower case)."""

    text: str
    field: str | None
    col: int


@dataclass(frozen=True)
class Fuzzy:
    """A word matched as written within ``maxdist`` edits (1 or 2)."""

    text: str
    maxdist: int
    field: str | None
    col: int


@dataclass(frozen=True)
class DateRange:
    """Articles dated from ``start`` (inclusive) to ``end`` (exclusive), UTC; None: open."""

    start: datetime | None
    end: datetime | None
    text: str
    col: int


@dataclass(frozen=True)
class Bool:
    """Clauses that must match, that may match (at least one when none must), that must not."""

    must: tuple[Node, ...] = ()
    should: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()


Node = Word | Phrase | Pattern | Fuzzy | DateRange | Bool


def describe(node: Node) -> str:
    """Write a node back as a query, fully parenthesised (for --explain)."""
    if isinstance(node, Bool):
        parts = [f"+{describe(n)}" for n in node.must] + [describe(n) for n in node.should]
        parts += [f"-{describe(n)}" for n in node.must_not]
        return "(" + " ".join(parts) + ")"
    if isinstance(node, DateRange):
        return f"date:[{node.start.isoformat() if node.start else ''} to " \
               f"{node.end.isoformat() if node.end else ''})"
    prefix = f"{node.field}:" if node.field else ""
    if isinstance(node, Phrase):
        return f'{prefix}"{node.text}"' + (f"~{node.slop}" if node.slop is not None else "")
    if isinstance(node, Fuzzy):
        return f"{prefix}{node.text}~{node.maxdist}"
    return f"{prefix}{node.text}"
