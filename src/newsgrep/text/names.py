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
from collections.abc import Iterable, Sequence

from newsgrep.text.analysis import fold

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


class NameIndex:
    """Written words grouped by skeleton: finds a name's spellings among an index's words."""

    def __init__(self) -> None:
        self.by_skeleton: dict[str, list[str]] = {}

    @classmethod
    def of(cls, words: Iterable[str]) -> NameIndex:
        """Group words (written forms: folded, not stemmed) by skeleton; numbers are left out."""
        out = cls()
        groups = out.by_skeleton
        for word in words:
            if not word or word[0].isdigit():
                continue
            key = skeleton(word)
            got = groups.get(key)
            if got is None:
                groups[key] = [word]
            else:
                got.append(word)
        return out

    def variants(self, word: str) -> list[str]:
        """Return the words that spell ``word`` another way (the word itself included)."""
        written = fold(word)
        sk = skeleton(written)
        if len(sk) < MIN_SKELETON:
            return [written]
        return sorted({t for t in self.by_skeleton.get(sk, []) if vowels_agree(written, t)} | {written})

    def joined(self, words: Sequence[str]) -> list[str]:
        """Return words that are a name's words run together, with or without an article."""
        sks = [skeleton(t) for t in words]
        if any(len(s) < MIN_SKELETON for s in sks):
            return []
        found: set[str] = set()
        links = ["", "l", "n", "d", "r", "s", "t", "z"]
        combos = [sks[0]]
        for sk in sks[1:]:
            combos = [c + link + sk for c in combos for link in links]
        for c in combos:
            found.update(self.by_skeleton.get(_DOUBLES.sub(r"\1", c), []))
        return sorted(found)
