"""Search results: the records a search needs, apart from the rest of newsgrep.models so that a
search does not build the other record classes (defining a dataclass costs a fraction of a
millisecond at start-up). newsgrep.models re-exports them."""

from __future__ import annotations

from collections.abc import Iterable
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


@dataclass(frozen=True)
class ExplainedWord:
    """One word of a query as the index reads it: the terms it looks up, and in how many
    articles each occurs."""

    typed: str
    kind: str                                   # word, field, wildcard, fuzzy, variants
    fields: tuple[str, ...]
    terms: tuple[tuple[str, int], ...]          # (index term or written form, articles)
    more: int = 0                               # terms left out of the list (a wide wildcard)


@dataclass(frozen=True)
class Explanation:
    """How a query was read, for a methods section."""

    query: str
    parsed: str
    mode: str
    words: tuple[ExplainedWord, ...]
    matches: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """What one query found: how many articles, the hits (made as they are read: iterate
    once), and, when asked, the spellings used (--variants) and how the query was read."""

    query: str
    total: int
    hits: Iterable[Hit]
    qid: str | None = None
    spellings: tuple[tuple[str, int], ...] = ()
    explanation: Explanation | None = None
    error: str | None = None                    # a query of a batch that could not be read
