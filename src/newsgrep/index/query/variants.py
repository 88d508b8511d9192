"""Transliteration variants: find a name in all the spellings romanisation produces.

"Maarat al-Numan", "Maaret al-Numaan", "Ma'arrat al-Nu'man", "Maarrat an-Numan" and the joined
"Marratinnuman" are one town. Each word is reduced to a skeleton: folded (case, accents,
apostrophes and ʿ ʾ ’ gone, as the index already does), a few spelling pairs merged (q/k, kh/k,
dh/d, th/t, gh/g, ph/f, ou/u, ee/i), vowels after the first letter dropped, doubled letters made one.
Index words with the same skeleton, and vowels that agree (as many vowel groups, each starting
alike: a~e, o~u, i~e~y), are variants. An Arabic article before a hyphen (al-, an-, el-,
ad-, ...) is optional, and a multi-word name also matches its words run together ("Marratinnuman":
skeleton of "Marrat" + "in" + "Numan"). Words of a name must stand next to each other (an article or
one other word between), so that an article with "Numan" and "Marrat" apart does not match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsgrep.index.query.analysis import fold

ARTICLES = frozenset("al el an ad ar as ash at az ed en er es et ez ul il in".split())
_PAIRS = (("kh", "k"), ("dh", "d"), ("th", "t"), ("gh", "g"), ("ph", "f"), ("q", "k"),
          ("ck", "k"), ("ou", "u"), ("ee", "i"))
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_ARTICLE_HYPHEN = re.compile(r"(?<![\w\"])((?:[^\W\d_]+[ \t]+)?(?:%s)-[^\W\d_]+)" % "|".join(sorted(ARTICLES)),
                             re.IGNORECASE)
MIN_SKELETON = 2
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_VOWEL_CLASSES = (frozenset("ae"), frozenset("ou"), frozenset("iey"))


def skeleton(word: str) -> str:
    """Reduce a word to the letters transliterations agree on."""
    w = _NON_ALNUM.sub("", fold(word))
    if not w:
        return ""
    for a, b in _PAIRS:
        w = w.replace(a, b)
    w = w[0] + _VOWELS.sub("", w[1:])
    return _DOUBLES.sub(r"\1", w)


def _vowels(word: str) -> list[str]:
    w = _NON_ALNUM.sub("", fold(word))
    for a, b in _PAIRS:
        w = w.replace(a, b)
    return _VOWEL_GROUPS.findall(w)


def _compatible(x: str, y: str) -> bool:
    """Compare two vowel groups by their first vowels: "aa"~"a"~"e", "o"~"u", "ei"~"i"."""
    a, b = x[0], y[0]
    return a == b or any(a in cls and b in cls for cls in _VOWEL_CLASSES)


def vowels_agree(a: str, b: str) -> bool:
    """Tell whether two words' vowels could be one name's transliterations: as many vowel groups,
    each pair starting alike (a~e, o~u, i~e~y): "Maaret" for "Maarat", "Hossein" for "Hussein",
    not "Marti" or "nominee" for "Numan", nor "quieter" for "Qatar"."""
    va, vb = _vowels(a), _vowels(b)
    return len(va) == len(vb) and all(_compatible(x, y) for x, y in zip(va, vb))


def quote_names(text: str) -> str:
    """Quote unquoted names written with a hyphenated article, so they are searched as names:
    ``Maarat al-Numan`` becomes ``"Maarat al-Numan"``."""
    if '"' in text:
        return text
    return _ARTICLE_HYPHEN.sub(lambda m: f'"{m.group(1)}"', text)


@dataclass
class Lexicon:
    """The words of one field of the index, grouped by skeleton."""

    by_skeleton: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, reader: Any, fieldname: str) -> Lexicon:
        """Read a field's vocabulary from an index reader."""
        lex = cls()
        for raw in reader.lexicon(fieldname):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if term[:1].isdigit():
                continue
            lex.by_skeleton[skeleton(term)].append(term)
        return lex

    def variants(self, term: str) -> list[str]:
        """Return the index words that spell a word another way (the word itself included)."""
        sk = skeleton(term)
        if len(sk) < MIN_SKELETON:
            return [term]
        return sorted({t for t in self.by_skeleton.get(sk, []) if vowels_agree(term, t)} | {term})

    def joined(self, terms: Iterable[str]) -> list[str]:
        """Return index words that are a name's words run together, with or without an article."""
        sks = [skeleton(t) for t in terms]
        if any(len(s) < MIN_SKELETON for s in sks):
            return []
        found: set[str] = set()
        link_options = ["", "l", "n", "d", "r", "s", "t", "z"]
        combos = [sks[0]]
        for sk in sks[1:]:
            combos = [c + link + sk for c in combos for link in link_options]
        for c in combos:
            found.update(self.by_skeleton.get(_DOUBLES.sub(r"\1", c), []))
        return sorted(found)


def _span_or(terms: list[Any]) -> Any:
    """Return Whoosh's SpanOr, completed with the size estimates and children it lacks."""
    from whoosh.query import spans

    class SpanOr(spans.SpanOr):  # type: ignore[misc]
        def estimate_size(self, ixreader: Any) -> int:
            return int(self.q.estimate_size(ixreader))

        def estimate_min_size(self, ixreader: Any) -> int:
            return int(self.q.estimate_min_size(ixreader))

        def children(self) -> Any:
            return iter(self.subqs)

        def field(self) -> Any:
            return self.subqs[0].field() if self.subqs else None

    return SpanOr(terms)


def expand(q: Any, reader: Any, fields: tuple[str, ...] = ("title", "body")) -> Any:
    """Rewrite a parsed query so that each word of title/body also matches its variants."""
    from whoosh import query
    from whoosh.query import spans

    lexicons: dict[str, Lexicon] = {}

    def lex(fieldname: str) -> Lexicon:
        if fieldname not in lexicons:
            lexicons[fieldname] = Lexicon.of(reader, fieldname)
        return lexicons[fieldname]

    def alternatives(fieldname: str, term: str, boost: float) -> Any:
        vs = lex(fieldname).variants(term)
        if len(vs) == 1:
            return query.Term(fieldname, vs[0], boost=boost)
        return query.Or([query.Term(fieldname, v, boost=boost) for v in vs])

    def fix(node: Any) -> Any:
        if isinstance(node, query.Phrase) and node.fieldname in fields:
            words = [w for w in node.words if w not in ARTICLES] or list(node.words)
            f, boost = node.fieldname, node.boost
            if len(words) == 1:
                return alternatives(f, words[0], boost)
            parts = [_span_or([query.Term(f, v) for v in lex(f).variants(w)]) for w in words]
            near = spans.SpanNear2(parts, slop=max(2, node.slop + 1), ordered=True)
            joined = [query.Term(f, j, boost=boost) for j in lex(f).joined(words)]
            near.boost = boost
            return query.Or([near] + joined) if joined else near
        if type(node) is query.Term and node.fieldname in fields:
            return alternatives(node.fieldname, node.text, node.boost)
        return node

    return q.accept(fix)
