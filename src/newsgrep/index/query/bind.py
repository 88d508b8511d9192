"""Binding: a query's syntax tree -> the index terms it looks up, with what scores them.

Words are analysed as the index analysed its text (a word may be a stopword, and a hyphenated
word is a phrase of its parts). Wildcards and fuzzy words are expanded over the written forms the
index holds (``wtitle``/``wbody``: folded, not stemmed), never over stems; with ``variants``,
each word is expanded to the spellings of the same name the index holds. In a phrase every word
counts: a stopword is matched as written at its place, and so is a wildcard or fuzzy word (the
written fields keep positions). A query word whose analysis drops symbols (``C++``, ``C#``) is
searched as analysed, and a note says so (``notes``: the CLI prints them on stderr). The statistics come
from ``reader``, which may be one index's reader or the readers of every shard together (a
Whoosh MultiReader), so that every shard scores with the whole collection's statistics.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from newsgrep import notes
from newsgrep.errors import QueryError
from newsgrep.index.query import ranking
from newsgrep.index.query.bound import Bound, BoundQuery, Dates, Match, Seq, Terms
from newsgrep.index.query.parse import read_word
from newsgrep.index.query.ranking import RankingParams
from newsgrep.index.query.schema import SEARCH_FIELDS, TITLE_FIELDS, WRITTEN_FIELDS
from newsgrep.index.query.syntax import Bool, DateRange, Fuzzy, Node, Pattern, Phrase, Word
from newsgrep.text.analysis import Analyzer, fold
from newsgrep.text.names import ARTICLES, NameIndex

NAME_GAP = 2  # the words of a name: each at most this many positions after the one before
_PATTERN_CHARS = re.compile(r"^[\w*?]+(?:&[\w*?]+)*$", re.UNICODE)
_APOSTROPHES = re.compile(r"['’ʼʾʿ`´]")
_FUZZY_END = re.compile(r"[^~]~\d*$")  # a phrase's word written as a fuzzy one: word~, word~2
_EDGE = re.compile(r"^[^\w*?]+|[^\w*?~]+$")  # punctuation around a word of a phrase
_SYMBOLS = set("#@%&+=<>|^$€£¥©®°§")
_SEARCH_WRITTEN = tuple(WRITTEN_FIELDS[f] for f in SEARCH_FIELDS)


def _decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


class Binder:
    """Binds syntax trees against one reader (one index, or all shards together)."""

    def __init__(self, reader: Any, analyzer: Analyzer, params: RankingParams,
                 variants: bool = False) -> None:
        self.reader = reader
        self.analyzer = analyzer
        self.params = params
        self.variants = variants
        self.doc_count = int(reader.doc_count_all())
        self._names: NameIndex | None = None
        self._lexicons: dict[str, list[str]] = {}
        self.notes: list[str] = []

    # --- vocabulary ------------------------------------------------------------------------------

    def lexicon(self, fieldname: str) -> list[str]:
        """Return every term of a field (kept for the binder's life)."""
        got = self._lexicons.get(fieldname)
        if got is None:
            from newsgrep.index.whoosh_compat.lexicon import field_terms

            reader = self.reader
            leaves = [reader] if reader.is_atomic() else [r for r, _ in reader.leaf_readers()]
            if len(leaves) == 1 and hasattr(leaves[0], "_terms"):
                got = field_terms(leaves[0], fieldname)
            else:
                words: set[str] = set()
                for r in leaves:
                    words.update(field_terms(r, fieldname) if hasattr(r, "_terms")
                                 else map(_decode, r.lexicon(fieldname)))
                got = sorted(words)
            self._lexicons[fieldname] = got
        return got

    def names(self) -> NameIndex:
        """Return the written words of titles and bodies grouped for spelling variants."""
        if self._names is None:
            from newsgrep.index.query.vocab import name_index

            self._names = name_index(self.reader)
        return self._names

    def note(self, text: str) -> None:
        """Say how a part of the query was read when it is not as typed (once each)."""
        if text not in self.notes:
            self.notes.append(text)

    def _df(self, fields: Sequence[str], terms: Iterable[str]) -> tuple[int, list[int]]:
        per_field = []
        for f in fields:
            df = 0
            for t in terms:
                try:
                    df = max(df, int(self.reader.doc_frequency(f, t)))
                except (KeyError, ValueError):  # a field the index lacks, a term it cannot hold
                    continue
            per_field.append(df)
        return max(per_field, default=0), per_field

    def terms(self, fields: tuple[str, ...], terms: Iterable[str], label: str, *, kind: str = "word",
              written: Iterable[str] | None = None, wfields: tuple[str, ...] = ()) -> Terms:
        """Make a Terms node with its idf from the statistics."""
        ts = tuple(sorted(set(terms)))
        df, per_field = self._df(fields, ts)
        p, n = self.params, self.doc_count
        return Terms(fields, ts, label, ranking.idf(p, n, df) if ts else 0.0,
                     tuple(ranking.idf(p, n, d) for d in per_field) if ts else (),
                     written=tuple(sorted(set(written))) if written is not None else None,
                     wfields=wfields, kind=kind)

    # --- the tree --------------------------------------------------------------------------------

    def bind(self, node: Node, text: str) -> BoundQuery:
        """Bind a syntax tree; raise QueryError when nothing in it can be searched for."""
        root = self._node(node)
        if root is None:
            raise QueryError(f"the query {text!r} has no searchable words (only stopwords?)")
        fields = {"title", "body", "source", "author"}
        avgs = {}
        for f in sorted(fields):
            try:
                total = float(self.reader.field_length(f))
            except (KeyError, ValueError):
                total = 0.0
            avgs[f] = total / self.doc_count if self.doc_count else 0.0
        avgs["dtitle"] = avgs["title"]  # a derived title is normalised as a title
        for n in self.notes:
            notes.say(n)
        return BoundQuery(root, text, avgs, self.doc_count, tuple(self.notes))

    def _node(self, node: Node) -> Bound | None:
        if isinstance(node, Bool):
            return self._bool(node)
        if isinstance(node, DateRange):
            return Dates(node.start, node.end, node.text)
        if isinstance(node, Word):
            return self._word(node.text, node.field)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Pattern):
            return self._pattern(node)
        return self._fuzzy(node)

    def _bool(self, node: Bool) -> Bound | None:
        must = [b for b in map(self._node, node.must) if b is not None]
        should = [b for b in map(self._node, node.should) if b is not None]
        must_not = [b for b in map(self._node, node.must_not) if b is not None]
        if not must and not should:
            return Match(must_not=tuple(must_not)) if must_not else None
        must, should = self._query_tf(must), self._query_tf(should)
        if len(must) + len(should) == 1 and not must_not:
            return (must or should)[0]
        return Match(tuple(must), tuple(should), tuple(must_not))

    def _query_tf(self, nodes: list[Bound]) -> list[Bound]:
        """Merge a word typed several times into one that counts as often."""
        counts = Counter(nodes)
        out: list[Bound] = []
        for n in dict.fromkeys(nodes):
            k = counts[n]
            if k > 1 and self.params.query_tf and isinstance(n, (Terms, Seq)):
                from dataclasses import replace

                n = replace(n, boost=n.boost * k)
            out.append(n)
        return out

    # --- words and phrases -----------------------------------------------------------------------

    def _fields(self, field: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the fields a word is searched in, and where their written forms are."""
        if field is None:
            return SEARCH_FIELDS, _SEARCH_WRITTEN
        if field == "title":  # a title derived from the body too
            return TITLE_FIELDS, tuple(WRITTEN_FIELDS[f] for f in TITLE_FIELDS)
        if field in WRITTEN_FIELDS:
            return (field,), (WRITTEN_FIELDS[field],)
        return (field,), (field,)  # source, author: their terms are written forms

    def _word(self, text: str, field: str | None) -> Bound | None:
        """An unquoted word: its stopwords dropped but keeping their places (a hyphenated word is
        a phrase of its other parts)."""
        tokens = list(self.analyzer.tokens(text))
        self._check_symbols(text, tokens)
        fields, wfields = self._fields(field)
        written_field = fields == wfields
        kept = [t for t in tokens if (t.written if written_field else t.term)]
        if not kept:
            return None
        if self.variants and field is None:
            if len(kept) == 1:
                return self._variant(kept[0].written, text)
            return self._name(text, None)
        kind = "word" if field is None else "field"
        parts = [self.terms(fields, [t.written if written_field else t.term or ""],
                            t.written if written_field else text[t.start:t.end], kind=kind)
                 for t in kept]
        if len(parts) == 1:
            return parts[0]
        first = kept[0].pos
        return Seq(tuple(parts), tuple(t.pos - first for t in kept), None, text)

    def _check_symbols(self, text: str, tokens: Iterable[Any]) -> None:
        """Note a word whose analysis drops symbols that may carry meaning (C++, C#, 5%)."""
        toks = list(tokens)
        covered = {i for t in toks for i in range(t.start, t.end)}
        dropped = sorted({c for i, c in enumerate(text)
                          if i not in covered and (c in _SYMBOLS or unicodedata.category(c)[0] == "S")})
        if not dropped:
            return
        symbols = " ".join(f'"{c}"' for c in dropped)
        words = " ".join(text[t.start:t.end] for t in toks)
        if words:
            self.note(f"{text} is searched as {words}: the index keeps words, not the symbols {symbols}")
        else:
            self.note(f"{text} is not a word and is left out: the index keeps words, not the symbols {symbols}")

    def _phrase(self, node: Phrase) -> Bound | None:
        text = node.text
        if self.variants and node.field is None and not any(c in text for c in "*?~"):
            return self._name(text, node.slop)
        return self._quoted(node)

    def _quoted(self, node: Phrase) -> Bound | None:
        """A phrase: every word at its place, stopwords included; a wildcard or fuzzy word
        matches a word as written there."""
        fields, wfields = self._fields(node.field)
        written_field = fields == wfields
        kind = "word" if node.field is None else "field"
        parts: list[Terms] = []
        offsets: list[int] = []
        pos = 0
        for chunk in node.text.split():
            word = _EDGE.sub("", chunk)
            col = node.col + 1 + node.text.find(chunk)
            special = "*" in word or "?" in word or _FUZZY_END.search(word)
            read = read_word(word, node.field, col) if special else None
            if isinstance(read, Pattern):
                parts.append(self._pattern(read))
            elif isinstance(read, Fuzzy):
                parts.append(self._fuzzy(read))
            else:
                tokens = list(self.analyzer.tokens(chunk))
                self._check_symbols(chunk, tokens)
                for t in tokens:
                    if not t.written:  # too long to be indexed: a word no article holds
                        parts.append(Terms(fields, (), chunk[t.start:t.end], written=(), wfields=wfields))
                    elif written_field:
                        parts.append(self.terms(fields, [t.written], t.written, kind=kind))
                    elif t.term is None:
                        parts.append(self._stopword(t.written, fields, wfields))
                    else:
                        parts.append(self.terms(fields, [t.term], chunk[t.start:t.end], kind=kind))
                    offsets.append(pos)
                    pos += 1
                continue
            offsets.append(pos)
            pos += 1
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Seq(tuple(parts), tuple(offsets), node.slop, f'"{node.text}"')

    def _stopword(self, written: str, fields: tuple[str, ...], wfields: tuple[str, ...]) -> Terms:
        """A stopword in a phrase: matched as written, scored from its written forms' counts."""
        df, per_field = self._df(wfields, [written])
        p, n = self.params, self.doc_count
        return Terms(fields, (), written, ranking.idf(p, n, df), tuple(ranking.idf(p, n, d) for d in per_field),
                     written=(written,), wfields=wfields, kind="stopword")


    def _stems(self, written: Iterable[str]) -> list[str]:
        term = self.analyzer.term
        return [t for t in map(term, written) if t]

    # --- wildcards, fuzzy words, spelling variants ------------------------------------------------

    def _pattern(self, node: Pattern) -> Terms:
        fields, wfields = self._fields(node.field)
        pattern = unicodedata.normalize("NFKD", node.text.lower())
        pattern = "".join(c for c in pattern if not unicodedata.combining(c))
        pattern = _APOSTROPHES.sub("", pattern)
        if not _PATTERN_CHARS.match(pattern):
            bad = next((c for c in pattern if not (c.isalnum() or c in "*?_&")), "&")
            raise QueryError(f"a wildcard word is one word: {node.text!r} holds {bad!r} (column {node.col})")
        if not any(c.isalnum() for c in pattern):
            raise QueryError(f"a wildcard needs a letter or digit: {node.text!r} (column {node.col})")
        regex = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
                           + r"\Z", re.DOTALL)
        prefix = re.split(r"[*?]", pattern, maxsplit=1)[0]
        found: set[str] = set()
        for wf in wfields:
            words: Iterable[str]
            if prefix:
                words = (_decode(t) for t in self.reader.expand_prefix(wf, prefix))
            else:
                words = self.lexicon(wf)
            found.update(w for w in words if regex.match(w))
        return self._expansion(node.text, fields, wfields, found, "wildcard")

    def _fuzzy(self, node: Fuzzy) -> Terms:
        fields, wfields = self._fields(node.field)
        word = fold(node.text)
        if not word:
            raise QueryError(f"a fuzzy word needs a letter or digit: {node.text!r} (column {node.col})")
        from newsgrep.index.query.vocab import fuzzy

        found: set[str] = set()
        for wf in wfields:
            found |= fuzzy(self.reader, wf, word, node.maxdist)
        return self._expansion(f"{node.text}~{node.maxdist}", fields, wfields, found, "fuzzy")

    def _expansion(self, label: str, fields: tuple[str, ...], wfields: tuple[str, ...],
                   written: set[str], kind: str) -> Terms:
        if fields == wfields:  # source, author: the terms are the written forms
            return self.terms(fields, written, label, kind=kind)
        return self.terms(fields, self._stems(written), label, kind=kind, written=written,
                          wfields=wfields)

    def _variant(self, written: str, label: str) -> Terms:
        found = set(self.names().variants(written))
        return self._expansion(label, SEARCH_FIELDS, _SEARCH_WRITTEN, found, "variants")

    def _name(self, text: str, slop: int | None) -> Bound | None:
        """A name of several words in all its spellings: the words in order, each at most
        NAME_GAP positions after the one before (an article or one word between), or run
        together in one word."""
        words = [t.written for t in self.analyzer.tokens(text) if t.written]
        core = [w for w in words if w not in ARTICLES] or words
        if not core:
            return None
        if len(core) == 1:
            return self._variant(core[0], f'"{text}"')
        parts = tuple(self._variant(w, w) for w in core)
        seq = Seq(parts, tuple(range(len(parts))), max(NAME_GAP, slop or 0), f'"{text}"', ordered=True)
        joined = self.names().joined(core)
        if not joined:
            return seq
        return Match(should=(seq, self._expansion(f'"{text}" (run together)', SEARCH_FIELDS,
                                                   _SEARCH_WRITTEN, set(joined), "variants")))


def bind(node: Node, text: str, reader: Any, analyzer: Analyzer,
         params: RankingParams = ranking.DEFAULT_RANKING, variants: bool = False) -> BoundQuery:
    """Bind a syntax tree against a reader (one index, or every shard's together)."""
    return Binder(reader, analyzer, params, variants).bind(node, text)

