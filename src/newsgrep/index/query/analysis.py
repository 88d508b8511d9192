"""The analysis chain: one regex pass, case and accent folding, stopwords, Snowball stemming."""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

# Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), 33 words. It keeps words that
# carry meaning in news ("us", "may"), unlike Whoosh's longer default list.
LUCENE_STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)

# A token: a number with its group and decimal separators ("12,000", "2.4"), or a run of word
# characters with inner apostrophes ("Ma'arrat", "Syria's"). Hyphens and other punctuation split
# tokens: "al-Assad" is "al" "assad", found as a phrase when searched for as written.
TOKEN_PATTERN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['’ʼʾʿ`´]\w+)*", re.UNICODE)
_APOSTROPHES = re.compile(r"['’ʼʾʿ`´]")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_UNSEEN = object()  # a token not in the term cache


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


class NewsAnalyzer(Tokenizer):
    """Tokenize, fold, drop stopwords and stem in one pass, with a per-process term cache."""

    def __init__(self, stopwords: frozenset[str] | None = LUCENE_STOPWORDS,
                 stemmer: str | None = "english", minsize: int = 1, maxsize: int = 64) -> None:
        self.stopwords = frozenset(stopwords or ())
        self.stemmer = stemmer
        self.minsize = minsize
        self.maxsize = maxsize
        self._cache: dict[str, str | None] = {}
        self._stem: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"stopwords": sorted(self.stopwords), "stemmer": self.stemmer,
                "minsize": self.minsize, "maxsize": self.maxsize}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(frozenset(state["stopwords"]), state["stemmer"],  # type: ignore[misc]
                      state["minsize"], state["maxsize"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NewsAnalyzer) and self.__getstate__() == other.__getstate__()

    def __hash__(self) -> int:
        return hash((self.stopwords, self.stemmer))

    def settings(self) -> str:
        """Describe the chain, recorded in the index so that a change forces a rebuild."""
        stops = zlib.crc32(" ".join(sorted(self.stopwords)).encode())
        return f"news1;stop={len(self.stopwords)}:{stops:08x};stem={self.stemmer}"

    def _stemmer(self) -> Any:
        if self._stem is None and self.stemmer:
            import Stemmer

            self._stem = Stemmer.Stemmer(self.stemmer)
            self._stem.maxCacheSize = 0  # our own cache sits in front of it
        return self._stem

    def term(self, raw: str) -> str | None:
        """Map one token as written to its index term, or None when it is dropped."""
        cache = self._cache
        if raw in cache:
            return cache[raw]
        word = fold(raw)
        if word in self.stopwords or not (self.minsize <= len(word) <= self.maxsize):
            result = None
        elif self.stemmer and not word[0].isdigit():
            result = self._stemmer().stemWord(word)
        else:
            result = word
        if len(cache) > 500_000:
            cache.clear()
        cache[raw] = result
        return result

    def terms(self, text: str) -> list[str]:
        """Return the index terms of a text, in order.

        Indexing calls this for every title and body: the tokens are found in one ``findall``
        and looked up in the cache here, so that only unseen tokens cost a call of ``term``.
        """
        get = self._cache.get
        out: list[str] = []
        append = out.append
        for raw in TOKEN_PATTERN.findall(text):
            t = get(raw, _UNSEEN)
            if t is _UNSEEN:
                t = self.term(raw)
            if t is not None:
                append(t)  # type: ignore[arg-type]
        return out

    def spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        """Yield (term, start, end) for every indexed word of a text."""
        term = self.term
        for m in TOKEN_PATTERN.finditer(text):
            t = term(m.group())
            if t is not None:
                yield t, m.start(), m.end()

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        term = self.term
        pos = start_pos
        for m in TOKEN_PATTERN.finditer(value):
            raw = m.group()
            text = term(raw)
            if text is None:
                if removestops:
                    continue
                t.stopped = True
                text = fold(raw)
            else:
                t.stopped = False
            t.text = text
            t.boost = 1.0
            if keeporiginal:
                t.original = raw
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
            yield t
