"""The records newsgrep's library returns: frozen dataclasses, stdlib only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from newsgrep.hits import Hit, Snippet

__all__ = ["ARTICLE_FIELDS", "Article", "ArticleView", "Explanation", "FileProblem", "Hit", "Progress", "SilentProgress",
           "IndexReport", "IndexStats", "KwicLine", "Snippet", "Timeline", "TimelineRow"]

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
    ignored: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    skipped: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)

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
    """Matching articles in one period, beside all articles of that period."""

    period: str
    count: int
    total: int
    share: float


@dataclass(frozen=True)
class Timeline:
    """Hits per period, first to last period with a hit; undated hits counted apart."""

    by: str
    rows: tuple[TimelineRow, ...]
    undated: int


@dataclass(frozen=True)
class ArticleView:
    """A whole article with the character spans of the query's words in its title and body."""

    article: Article
    title_highlights: tuple[tuple[int, int], ...] = ()
    body_highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Explanation:
    """How a query was read, for a methods section."""

    query: str
    parsed: str
    mode: str
    terms: tuple[tuple[str, str, int], ...]  # (field, term, document count)
    matches: int


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
