"""The analysis chain as Whoosh sees it: a Tokenizer over newsgrep.text.analysis.

Two modes, one per kind of field: ``"term"`` yields each token's index term (stemmed, stopwords
dropped, positions kept with their gaps) for ``title`` and ``body``; ``"written"`` yields each
token's written form (folded, not stemmed, stopwords kept) for ``wtitle`` and ``wbody`` (what
wildcards, fuzzy words and spelling variants match) and for ``source`` and ``author``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from whoosh.analysis import Token, Tokenizer

from newsgrep.text.analysis import DEFAULT_ANALYSIS, AnalysisSettings, Analyzer

MODES = ("term", "written")


class NewsAnalyzer(Tokenizer):  # type: ignore[misc]
    """Tokenize and map tokens to index terms or written forms, with per-process caches."""

    def __init__(self, settings: AnalysisSettings = DEFAULT_ANALYSIS, mode: str = "term") -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}: use one of {MODES}")
        self.settings = settings
        self.mode = mode
        self.chain = Analyzer(settings)

    def __getstate__(self) -> dict[str, Any]:
        s = self.settings
        return {"stopwords": sorted(s.stopwords), "stemmer": s.stemmer, "tokens": s.tokens,
                "maxsize": s.maxsize, "mode": self.mode}

    def __setstate__(self, state: dict[str, Any]) -> None:
        settings = AnalysisSettings(frozenset(state["stopwords"]), state["stemmer"], state["tokens"],
                                    state["maxsize"])
        self.__init__(settings, state["mode"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NewsAnalyzer) and self.__getstate__() == other.__getstate__()

    def __hash__(self) -> int:
        return hash((self.settings, self.mode))

    def positions(self, text: str) -> dict[str, list[int]]:
        """Return each term (or written form) of a text with its positions: what indexing stores."""
        if self.mode == "term":
            return self.chain.positions(text)
        return self.chain.written_positions(text)

    def compiled_positions(self, core: ModuleType) -> Callable[[str], dict[str, list[int]]]:
        """Return ``positions`` done by the compiled core (newsgrep.text.core): the same dicts."""
        return self.chain.compiled_positions(core, written=self.mode == "written")

    def forms(self, text: str) -> set[str]:
        """Return the distinct terms (or written forms) of a text."""
        if self.mode == "term":
            return set(self.chain.terms(text))
        return self.chain.written_forms(text)

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
        chain = self.chain
        written = self.mode == "written"
        for tok in chain.tokens(value):
            text = tok.written if written else tok.term
            if not text:
                continue
            t.text = text
            t.stopped = False
            t.boost = 1.0
            if keeporiginal:
                t.original = value[tok.start:tok.end]
            if positions:
                t.pos = start_pos + tok.pos
            if chars:
                t.startchar = start_char + tok.start
                t.endchar = start_char + tok.end
            yield t
