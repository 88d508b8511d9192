"""A brute-force evaluator of the query language, obviously correct and slow: it analyses each
article's text and evaluates the syntax tree directly, with no index. The differential test holds
the engine to it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from newsgrep.index.query.syntax import Bool, DateRange, Fuzzy, Node, Pattern, Phrase, Word
from newsgrep.ingest.dates import to_instant
from newsgrep.models import Article
from newsgrep.text.analysis import Analyzer, Token

TEXT_FIELDS = ("title", "body")


def levenshtein(a: str, b: str) -> int:
    """Edit distance by the textbook dynamic programme."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@dataclass
class Doc:
    """An article's tokens per field, and its date."""

    id: str
    tokens: dict[str, list[Token]]
    instant: object


class Reference:
    """Evaluates syntax trees over a list of articles."""

    def __init__(self, articles: Iterable[Article], analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer or Analyzer()
        self.docs = [Doc(a.id, {"title": list(self.analyzer.tokens(a.title)),
                                "body": list(self.analyzer.tokens(a.body)),
                                "source": list(self.analyzer.tokens(a.source or "")),
                                "author": list(self.analyzer.tokens(a.author or ""))},
                         to_instant(a.date)) for a in articles]

    def matches(self, node: Node) -> set[str] | None:
        """Return the ids of the matching articles, or None when nothing in the query is searchable."""
        got = self._eval(node)
        return None if got is None else {d.id for d in self.docs if d.id in got}

    # A node evaluates to the set of matching ids, or None when it has no searchable words (it is
    # then left out of its parent, as the engine leaves out stopwords).
    def _eval(self, node: Node) -> set[str] | None:
        if isinstance(node, Bool):
            must = [s for s in map(self._eval, node.must) if s is not None]
            should = [s for s in map(self._eval, node.should) if s is not None]
            must_not = [s for s in map(self._eval, node.must_not) if s is not None]
            if not must and not should:
                if not must_not:
                    return None
                base = {d.id for d in self.docs}
            elif must:
                base = set.intersection(*must)
            else:
                base = set().union(*should)
            for s in must_not:
                base -= s
            return base
        if isinstance(node, DateRange):
            return {d.id for d in self.docs if d.instant is not None
                    and (node.start is None or d.instant >= node.start)
                    and (node.end is None or d.instant < node.end)}
        fields = TEXT_FIELDS if node.field is None else (node.field,)
        if isinstance(node, Pattern):
            regex = _pattern(node.text)
            return {d.id for d in self.docs if any(regex.fullmatch(t.written) for f in fields for t in d.tokens[f])}
        if isinstance(node, Fuzzy):
            word = self.analyzer.written(node.text)
            return {d.id for d in self.docs
                    if any(t.written and levenshtein(t.written, word) <= node.maxdist
                           for f in fields for t in d.tokens[f])}
        assert isinstance(node, (Word, Phrase))
        written = fields[0] in ("source", "author")
        query = [t for t in self.analyzer.tokens(node.text) if (t.written if written else t.term)]
        if not query:
            return None
        slop = node.slop if isinstance(node, Phrase) else None
        return {d.id for d in self.docs if any(self._phrase(d.tokens[f], query, slop, written) for f in fields)}

    @staticmethod
    def _phrase(tokens: list[Token], query: list[Token], slop: int | None, written: bool) -> bool:
        def same(t: Token, q: Token) -> bool:
            return t.written == q.written if written else t.term == q.term

        if slop is None or len(query) == 1:
            by_pos = {t.pos: t for t in tokens}
            first = query[0].pos
            return any(all((u := by_pos.get(t.pos + q.pos - first)) is not None and same(u, q) for q in query)
                       for t in tokens if same(t, query[0]))
        # every query word at a position of its own, all within slop of each other
        lists = [[t.pos for t in tokens if same(t, q)] for q in query]
        if not all(lists):
            return False
        events = sorted({p for ps in lists for p in ps})
        for lo in events:
            choices = [[p for p in ps if lo <= p <= lo + slop] for ps in lists]
            if _distinct(choices):
                return True
        return False


def _distinct(choices: list[list[int]], used: frozenset[int] = frozenset()) -> bool:
    if not choices:
        return True
    return any(_distinct(choices[1:], used | {p}) for p in choices[0] if p not in used)


def _pattern(text: str) -> re.Pattern[str]:
    t = unicodedata.normalize("NFKD", text.lower())
    t = re.sub(r"['’ʼʾʿ`´]", "", "".join(c for c in t if not unicodedata.combining(c)))
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in t), re.DOTALL)
