"""The records newsgrep's library returns: frozen dataclasses, stdlib only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from newsgrep.hits import ExplainedWord, Explanation, Hit, SearchResult, Snippet

__all__ = ["ARTICLE_FIELDS", "Article", "ArticleView", "Collocate", "Collocates", "ExplainedWord", "Explanation",
           "FileProblem", "Hit", "Keyword", "Keywords",
           "IndexReport", "IndexStats", "KwicLine", "Progress", "SearchResult", "SilentProgress", "Snippet",
           "SourceRow", "Timeline", "TimelineRow"]

ARTICLE_FIELDS = ("id", "path", "title", "body", "date", "source", "url", "author", "lang")


@dataclass(frozen=True)
class Article:
    """One news article as read from a file."""

    id: str
    path: str
    title: str
    body: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    lang: str | None = None
    extra: dict[str, Any] | None = None  # what an export says beyond these: section, length, ...
    title_derived: bool = False  # the record had no headline: the title is the body's opening

    def record(self) -> dict[str, Any]:
        """The record ``show --json`` and ``export`` write: the contract's fields and ``extra``."""
        return {**{k: getattr(self, k) for k in ARTICLE_FIELDS}, "extra": self.extra}


@dataclass(frozen=True)
class FileProblem:
    """A file, or a record in it, that was skipped or partly read."""

    path: str
    message: str


@dataclass
class IndexReport:
    """What one ``index`` run did, counted."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    files_read: int = 0
    articles: int = 0
    excluded: int = 0                                           # --include / --exclude
    bytes_read: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    skipped: list[FileProblem] = field(default_factory=list)    # files and records not indexed
    warnings: list[FileProblem] = field(default_factory=list)   # doubts; the article is indexed
    not_articles: list[str] = field(default_factory=list)       # skipped by name or ignore rules
    other_types: dict[str, int] = field(default_factory=dict)   # files not read, by suffix
    empty: int = 0                                              # records with no title and no text

    @property
    def ok(self) -> bool:
        """Tell whether every file of a known type went in."""
        return not self.skipped


@dataclass(frozen=True)
class IndexStats:
    """What an index holds."""

    articles: int
    undated: int
    first_date: str | None
    last_date: str | None
    sources: dict[str, int]
    index: str
    size_bytes: int
    updated: str | None
    version: str | None
    shards: int = 0  # the shards of a sharded index; 0 for an ordinary one (not in stats --json)

    def record(self) -> dict[str, Any]:
        """The object ``stats --json`` writes: the contract's keys, in its order."""
        return {k: getattr(self, k) for k in STATS_KEYS}


STATS_KEYS = ("articles", "undated", "first_date", "last_date", "sources", "index", "size_bytes",
              "updated", "version")


@dataclass(frozen=True)
class KwicLine:
    """One occurrence of a query word with its context: keyword in context."""

    id: str
    date: str | None
    left: str
    match: str
    right: str


@dataclass(frozen=True)
class TimelineRow:
    """Matching articles in one period, beside all articles of that period that pass the filters.
    ``partial``: --since/--until cut the period, so both count only its part inside them;
    ``undated``: the undated matches, left out of every period (the same on every row)."""

    period: str
    count: int
    total: int
    share: float
    partial: bool = False
    undated: int = 0


@dataclass(frozen=True)
class SourceRow:
    """Matching articles of one source (dated or not), beside all its articles that pass the
    filters; ``source`` is None for articles without one. ``partial`` is always false."""

    source: str | None
    count: int
    total: int
    share: float
    partial: bool = False
    undated: int = 0


@dataclass(frozen=True)
class Timeline:
    """Hits per period, first to last period with a hit, undated hits counted apart; or, ``by``
    source, hits per source with a hit, most first, undated ones included.
    With ``mentions``, counts are of matched words (what kwic lists), not of articles."""

    by: str
    rows: tuple[TimelineRow, ...] | tuple[SourceRow, ...]
    undated: int
    mentions: bool = False


@dataclass(frozen=True)
class Collocate:
    """A word near a query's mentions: its count inside the windows, its total in the filtered
    corpus, its log-likelihood (G², signed) and mutual information."""

    word: str
    count: int
    total: int
    ll: float
    mi: float


@dataclass(frozen=True)
class Collocates:
    """The words within ``window`` words of each mention of a query, best first, and the sizes
    the scores came from: words inside all windows, and in the articles that pass the filters."""

    query: str
    window: int
    rows: tuple[Collocate, ...]
    mentions: int
    articles: int          # matching articles
    window_size: int
    corpus_size: int
    corpus_articles: int   # articles that pass the filters


@dataclass(frozen=True)
class Keyword:
    """A word that marks the matching articles: its count in them, in the reference (``other``),
    its log-likelihood (G², signed) and log ratio."""

    word: str
    count: int
    other: int
    ll: float
    log_ratio: float


@dataclass(frozen=True)
class Keywords:
    """The words that mark a query's matching articles against a reference (the other articles
    that pass the filters, or those matching ``against``), best first, with both sides' sizes."""

    query: str
    against: str | None
    rows: tuple[Keyword, ...]
    articles: int
    size: int
    reference_articles: int
    reference_size: int


@dataclass(frozen=True)
class ArticleView:
    """A whole article with the character spans of the query's words in its title and body."""

    article: Article
    title_highlights: tuple[tuple[int, int], ...] = ()
    body_highlights: tuple[tuple[int, int], ...] = ()


class Progress(Protocol):
    """What a long run (indexing) reports while it works; the CLI draws it."""

    def start(self, files: int, size: int) -> None: ...
    def advance(self, files: int, articles: int, size: int) -> None: ...
    def message(self, text: str) -> None: ...


class SilentProgress:
    """A Progress that shows nothing."""

    def start(self, files: int, size: int) -> None:
        """Ignore the start."""

    def advance(self, files: int, articles: int, size: int) -> None:
        """Ignore progress."""

    def message(self, text: str) -> None:
        """Ignore messages."""
