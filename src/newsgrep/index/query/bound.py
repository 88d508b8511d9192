"""A query bound to an index: the index terms to look up, with the statistics to score them.

``bind.py`` makes it from the syntax tree with one index's vocabulary and statistics (or a
sharded index's, gathered from every shard); the block evaluator scores it on any segment of any
shard, needing nothing else. Every node is a frozen, picklable value. Whoosh-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Terms:
    """A word: any of ``terms`` in any of ``fields``, scored as one BM25F term.

    ``written``, when set, is what the articles must contain as written (in ``wfields``, which
    pair with ``fields`` one to one): the words a wildcard, a fuzzy word or a name's spellings
    matched. ``terms`` are then the index terms of those words, which give the score. A stopword
    of a phrase (``kind`` "stopword") has no terms: it is found, placed and scored by its written
    form alone, and in a phrase with other words it only has to be at its place.
    """

    fields: tuple[str, ...]
    terms: tuple[str, ...]
    label: str
    idf: float = 0.0
    field_idfs: tuple[float, ...] = ()      # per field, for scoring fields apart (an ablation)
    boost: float = 1.0                      # how often the word was typed
    written: tuple[str, ...] | None = None
    wfields: tuple[str, ...] = ()
    kind: str = "word"                      # word, wildcard, fuzzy, variants, field, stopword


@dataclass(frozen=True)
class Seq:
    """Words at set positions in one field. A phrase: each part at its offset from the first
    (``slop`` None). With ``slop``: all within that many positions of each other, in any order;
    or, ``ordered``, each part at most ``slop`` positions after the one before (a name's words)."""

    parts: tuple[Terms, ...]
    offsets: tuple[int, ...]
    slop: int | None
    label: str
    boost: float = 1.0
    ordered: bool = False

    @property
    def scored_parts(self) -> tuple[Terms, ...]:
        """The parts that find the candidates and give the score: all but the stopwords, or
        every part of a phrase of stopwords only."""
        return tuple(p for p in self.parts if p.kind != "stopword") or self.parts


@dataclass(frozen=True)
class Dates:
    """Articles dated from ``start`` (inclusive) to ``end`` (exclusive); None: open."""

    start: datetime | None
    end: datetime | None
    label: str


@dataclass(frozen=True)
class Exact:
    """Articles with any of ``values`` in an untokenised field (a filter: no score)."""

    field: str
    values: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Every:
    """Every article (no score)."""


@dataclass(frozen=True)
class Match:
    """Clauses that must match, that may (at least one when none must), that must not."""

    must: tuple[Bound, ...] = ()
    should: tuple[Bound, ...] = ()
    must_not: tuple[Bound, ...] = ()


Bound = Terms | Seq | Dates | Exact | Every | Match


@dataclass(frozen=True)
class BoundQuery:
    """A query ready to run on any segment: its tree and the field statistics to score it."""

    root: Bound
    text: str
    avg_lengths: dict[str, float] = field(default_factory=dict)
    doc_count: int = 0
    notes: tuple[str, ...] = ()             # how parts of the query were read, when not as typed


def leaves(node: Bound) -> list[Terms | Seq | Dates | Exact]:
    """List the leaves of a tree, NOT parts included."""
    if isinstance(node, Match):
        return [leaf for child in (*node.must, *node.should, *node.must_not) for leaf in leaves(child)]
    if isinstance(node, Every):
        return []
    return [node]


def positive_leaves(node: Bound) -> list[Terms | Seq | Dates | Exact]:
    """List the leaves that can make an article match (NOT parts left out)."""
    if isinstance(node, Match):
        return [leaf for child in (*node.must, *node.should) for leaf in positive_leaves(child)]
    if isinstance(node, Every):
        return []
    return [node]
