"""Search results: the two records a search needs, apart from the rest of newsgrep.models so that
a search does not build the other record classes (defining a dataclass costs a fraction of a
millisecond at start-up). newsgrep.models re-exports them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Snippet:
    """A passage of an article with the character offsets of its highlighted words."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    rank: int
    score: float
    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    snippets: tuple[Snippet, ...] = ()
    matched_terms: tuple[str, ...] = ()
    qid: str | None = None
    duplicates: tuple[str, ...] | None = None
