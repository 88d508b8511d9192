"""The analysis chain, without Whoosh: tokens, their written forms, and their index terms.

A text is cut into tokens by one regular expression: numbers with their group and decimal
separators ("12,000", "2.4"), and runs of word characters with inner apostrophes ("Ma'arrat",
"Syria's") or an inner "&" ("AT&T", "P&O"). Hyphens and other punctuation split tokens
("al-Assad" is "al" "assad").

Each token has a position (its place among all tokens, stopwords included, so that a phrase
keeps its gaps, as Lucene's position increments do), a written form (folded: lower case, accents,
apostrophes and a possessive 's dropped, thousands separators dropped: "Maʿarrat" -> "maarrat",
"Syria's" -> "syria", "12,000" -> "12000") and an index term: the written form stemmed
(Snowball English), or None for a stopword (Lucene's 33 English stopwords). Words are found by
their terms; wildcards, fuzzy words and spelling variants by their written forms.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

# Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), 33 words. It keeps words that
# carry meaning in news ("us", "may"), unlike Whoosh's longer default list.
LUCENE_STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)

# Each rule: whether numbers keep their separators (\d+(?:[.,]\d+)+ first), and the characters
# that join two runs of word characters into one token: what the compiled core's tokenizer takes.
TOKEN_RULES = {
    # numbers with separators kept whole, words with inner apostrophes or "&" (AT&T), hyphens split
    "news1": (True, "'’ʼʾʿ`´&"),
    # ablations (benchmarks/ranking.py): hyphenated words whole; numbers split at separators
    "hyphens-whole": (True, "'’ʼʾʿ`´&-"),
    "numbers-split": (False, "'’ʼʾʿ`´&"),
}
TOKEN_PATTERNS = {name: (r"\d+(?:[.,]\d+)+|" if numbers else "") + rf"\w+(?:[{joiners}]\w+)*"
                  for name, (numbers, joiners) in TOKEN_RULES.items()}
_APOSTROPHES = re.compile(r"['’ʼʾʿ`´]")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_CACHE_LIMIT = 500_000


def fold(word: str) -> str:
    """Lower-case a word and strip its accents and apostrophes: "Maʿarrat" -> "maarrat"."""
    word = word.lower()
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in word if not unicodedata.combining(c))
    word = _POSSESSIVE.sub("", word)
    if _THOUSANDS.match(word):
        word = word.replace(",", "")
    return _APOSTROPHES.sub("", word)


@dataclass(frozen=True)
class AnalysisSettings:
    """What decides the index terms: recorded with an index, which is rebuilt when they change."""

    stopwords: frozenset[str] = LUCENE_STOPWORDS
    stemmer: str | None = "english"       # a Snowball stemmer's name, or None
    tokens: str = "news1"                 # a key of TOKEN_PATTERNS
    maxsize: int = 64                     # longer tokens are not indexed

    def describe(self) -> str:
        """Say the settings in a short line (what an index records), the stemmer's version with them."""
        stops = zlib.crc32(" ".join(sorted(self.stopwords)).encode())
        return (f"news3;tokens={self.tokens};stop={len(self.stopwords)}:{stops:08x};"
                f"stem={self.stemmer}{stemmer_version(self.stemmer)};max={self.maxsize}")


# Words whose stems show the Snowball English algorithm's rules at work: PyStemmer says its own
# version, not its algorithms', so an index records both that and what the algorithm makes of these.
_PROBE = ("strikes generously happily organisations relational conditional hesitancy digitizer "
          "radically vietnamization predication feudalism decisiveness hopefulness callousness "
          "sensitivity electrical goodness revival allowance inference gyroscopic adjustable "
          "replacement dependent adoption communism activate effective dying lying news skies "
          "gently early only exceed succeed proceed generate communal arsenal past").split()


@cache
def stemmer_version(name: str | None) -> str:
    """Return what decides a Snowball stemmer's stems: PyStemmer's version and a digest of the
    stems it gives, so that an update that changes stems asks for a rebuild ("" without one)."""
    if not name:
        return ""
    import Stemmer

    stems = Stemmer.Stemmer(name).stemWords(_PROBE)
    return f"@pystemmer-{Stemmer.version()}:{zlib.crc32(' '.join(stems).encode()):08x}"


DEFAULT_ANALYSIS = AnalysisSettings()


@dataclass(frozen=True)
class Token:
    """A token of a text: where it is, its position, written form and index term."""

    start: int
    end: int
    pos: int
    written: str
    term: str | None


_CACHES: dict[AnalysisSettings, tuple[dict[str, str | None], dict[str, str]]] = {}


@dataclass
class Analyzer:
    """Tokenize, fold, drop stopwords and stem, with per-process caches of both steps.

    The caches are the process's for these settings, shared by every Analyzer made with them:
    a worker writing into several shards opens each shard's schema (and so its analyzers), and
    caches of their own had each shard learn every word again (a fifth of the analysis time
    with 4 shards); the term and written-form analyzers of one schema share theirs too.
    """

    settings: AnalysisSettings = DEFAULT_ANALYSIS
    _pattern: Any = field(default=None, repr=False)
    _terms: dict[str, str | None] = field(default_factory=dict, repr=False)
    _written: dict[str, str] = field(default_factory=dict, repr=False)
    _stem: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(TOKEN_PATTERNS[self.settings.tokens], re.UNICODE)
        caches = _CACHES.get(self.settings)
        if caches is None:
            caches = _CACHES[self.settings] = (self._terms, self._written)
        self._terms, self._written = caches

    def _stemmer(self) -> Any:
        if self._stem is None and self.settings.stemmer:
            import Stemmer

            self._stem = Stemmer.Stemmer(self.settings.stemmer)
            self._stem.maxCacheSize = 0  # our own cache sits in front of it
        return self._stem

    def written(self, raw: str) -> str:
        """Return a token's written form (folded), or "" when it is too long to index."""
        cache = self._written
        got = cache.get(raw)
        if got is None:
            got = fold(raw)
            if len(got) > self.settings.maxsize:
                got = ""
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache[raw] = got
        return got

    def term(self, raw: str) -> str | None:
        """Map one token as written to its index term, or None when it is dropped."""
        cache = self._terms
        if raw in cache:
            return cache[raw]
        word = self.written(raw)
        if not word or word in self.settings.stopwords:
            result = None
        elif self.settings.stemmer and not word[0].isdigit():
            result = self._stemmer().stemWord(word)
        else:
            result = word
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[raw] = result
        return result

    def raw_tokens(self, text: str, findall: Callable[[str], list[str]] | None = None) -> list[str]:
        """Return the tokens of a text as written, in order (found by ``findall``: the compiled
        core's tokenizer, or by default the pattern's own).

        The last text's tokens are kept: indexing analyses each title and body twice (for its
        index terms and for its written forms), and the second time costs nothing.
        """
        global _LAST
        last = _LAST
        if last[0] is text and last[1] is self._pattern:
            return last[2]
        found: list[str] = (findall or self._pattern.findall)(text)
        _LAST = (text, self._pattern, found)
        return found

    def terms(self, text: str) -> list[str]:
        """Return the index terms of a text in order (stopwords left out)."""
        term = self.term
        return [t for t in map(term, self.raw_tokens(text)) if t is not None]

    def positions(self, text: str) -> dict[str, list[int]]:
        """Return each index term of a text with its positions (stopwords keep their places)."""
        out: dict[str, list[int]] = {}
        get = self._terms.get
        term = self.term
        for pos, raw in enumerate(self.raw_tokens(text)):
            t = get(raw, _UNSEEN)
            if t is _UNSEEN:
                t = term(raw)
            if t is None:
                continue
            got = out.get(t)
            if got is None:
                out[t] = [pos]
            else:
                got.append(pos)
        return out

    def written_forms(self, text: str) -> set[str]:
        """Return the distinct written forms of a text's tokens (stopwords included)."""
        written = self.written
        return {w for w in map(written, self.raw_tokens(text)) if w}

    def written_positions(self, text: str) -> dict[str, list[int]]:
        """Return each written form of a text with its positions."""
        out: dict[str, list[int]] = {}
        written = self.written
        for pos, raw in enumerate(self.raw_tokens(text)):
            w = written(raw)
            if not w:
                continue
            got = out.get(w)
            if got is None:
                out[w] = [pos]
            else:
                got.append(pos)
        return out

    def compiled_positions(self, core: ModuleType, written: bool) -> Callable[[str], dict[str, list[int]]]:
        """Return ``positions`` (``written_positions`` when ``written``) done by the compiled core:
        the same dicts, from the same caches."""
        numbers, joiners = TOKEN_RULES[self.settings.tokens]
        tokens, build = core.tokens, core.positions
        cache, miss = (self._written, self.written) if written else (self._terms, self.term)
        raw_tokens = self.raw_tokens

        def findall(text: str) -> list[str]:
            return tokens(text, numbers, joiners)  # type: ignore[no-any-return]

        def positions(text: str) -> dict[str, list[int]]:
            return build(raw_tokens(text, findall), cache, miss, written)  # type: ignore[no-any-return]

        return positions

    def tokens(self, text: str) -> Iterator[Token]:
        """Yield every token of a text with its offsets, position, written form and term."""
        for pos, m in enumerate(self._pattern.finditer(text)):
            raw = m.group()
            yield Token(m.start(), m.end(), pos, self.written(raw), self.term(raw))


_UNSEEN: Any = object()  # a token not in the term cache
_LAST: tuple[Any, Any, list[str]] = (None, None, [])  # the last text analysed, and its tokens
