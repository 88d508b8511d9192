"""Transliteration variants: find a name in the spellings English, French and German news give it.

Arabic, Persian, Russian and Ukrainian names reach Latin script by several styles: Gaddafi, Qaddafi,
Gadhafi, Kadafi; Zelensky, Zelenskyy, Zelenskiy, Selenskyj; Khodorkovsky, Chodorkowski. Two written
forms (folded words: case, accents and apostrophes gone, never stemmed) are one name when their
letters can be lined up unit by unit, each pair of units either the same or one of the letter
correspondences of those styles, at a small total cost:

- A word is cut into consonant units (single letters, doubled letters as one, and the digraphs and
  trigraphs the styles use: kh, gh, dh, th, sh, zh, ch, ph, sch, tsch, dsch, dj, ts, tz, ...) and
  vowel groups between them. "y" before a vowel at the start or after a vowel is a consonant
  (Yuri, Sulaymaniyah); "j" after a vowel and not before one is a vowel (Selenskyj, Sergej); a final
  "h" after a vowel is dropped (Abdallah = Abdalla); the vowel of the article inside compound
  names is free (Abdul-, Abdel-; Nasrallah, Nasrullah).
- The consonant units must pair one to one, each pair within a correspondence family (CONSONANTS:
  q/k/c, g/q/k for qaf, kh/h/k, German ch for kh, sh/sch/ch/s, ch/tch/tsch, ts/tz/z, s/z,
  j/dj/dsch/g, zh/j/z, y/j, ph/f, v/w/f, dh/d, th/t, Ukrainian h for Russian g), each family at
  its own cost.
- The vowel pattern must match: the same gaps between consonants hold vowels (Hosni, h-o-s-n-i,
  is not Hussein, h-u-ss-ei-n; Mahmoud, m-a-h-m-ou-d, is not Mohammed, m-o-h-a-mm-e-d), and vowels
  in the same gap agree: a~e, e~i, o~u cost a little (Mohammed/Muhammad), e~o after a sibilant
  (Russian ё: Gorbachev, Gorbatschow) a little more, other pairs (Bashar/Bashir) more. A vowel
  present in one spelling only costs more again, and at the word's edges is not allowed (Hamid is
  not Hamida).
- A glued Arabic article (al-, el-) is optional, at a cost, when what follows it is a name by its
  own evidence: three consonant units or more (ElBaradei, Baradei), or fewer spelled as only a
  transliteration spells (q without u, kh, gh, dh, aa: AlQaeda, Qaeda). Albania is not Al + Bania.
- The total may grow with the number of consonant units: a long name holds more evidence.

The costs (Weights) were tuned on spelling groups collected from real news and the look-alike
names that must stay apart (benchmarks/variants.py --tune). For speed, NameIndex files every word
under a key, the classes of its consonant units (K for k/q/c/g/kh/gh/h, S for the sibilants, F for
f/v/w/ph, ...), so that only words with the same key are compared; a unit that belongs to two
classes (ch: K or S; j: S or Y) files its word under both keys. A multi-word name also matches its
words run together ("Marratinnuman": "Marrat" + "in" + "Numan"). Words of a name must stand next
to each other (an article or one other word between), so an article with "Numan" and "Marrat"
apart does not match (that part is bind.py's).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from newsgrep.text.analysis import fold

ARTICLES = frozenset("al el an ad ar as ash at az ed en er es et ez ul il in".split())
_ARTICLE_HYPHEN = re.compile(r"(?<![\w\"])((?:[^\W\d_]+[ \t]+)?(?:" + "|".join(sorted(ARTICLES))
                             + r")-[^\W\d_]+)", re.IGNORECASE)
MIN_SKELETON = 2  # a word with fewer consonant units is only ever itself (Ali, Ale, Ely, ...)
INF = float("inf")

# Consonant units of more than one letter, each replaced by one placeholder character (in this order:
# "tsh" is t + sh). "C" is a soft c (before e, i, y), "Y" a consonant y. A unit's classes are the
# key a word is filed under; two classes are two readings (ch: K or S; j: S or Y).
_UNITS = ("tsch", "dsch", "sch", "tch", "dzh", "zh", "sh", "kh", "gh", "ch", "dh", "th", "ph", "ts", "tz",
          "dj", "ck")
_MARK = dict(zip(_UNITS, "0123456789ABEFGHI"))
_UNIT = {**{m: u for u, m in _MARK.items()}, **{c: c for c in "bcdfghjklmnpqrstvwzCY"}}
_CLASS = {
    "b": "B", "p": "P", "f": "F", "v": "F", "w": "F", "ph": "F", "d": "D", "dh": "D", "t": "T", "th": "T",
    "l": "L", "m": "M", "n": "N", "r": "R", "Y": "Y",
    "k": "K", "q": "K", "c": "K", "ck": "K", "g": "K", "gh": "K", "kh": "K", "h": "K",
    "s": "S", "z": "S", "C": "S", "sh": "S", "sch": "S", "zh": "S", "tch": "S", "tsch": "S", "ts": "S",
    "tz": "S", "dsch": "S", "dzh": "S", "dj": "S",
    "ch": "KS", "j": "SY",
}
_READINGS = {"#": "KS", "%": "SY"}
_TO_KEY = str.maketrans({**{m: (_CLASS[u] if len(_CLASS[u]) == 1 else "#%"[_CLASS[u] == "SY"])
                            for m, u in _UNIT.items()}, **{v: None for v in "aeiouy"}})
_TOKEN = re.compile(r"([^aeiouy])\1*|([aeiouy]+)")
_EXTRA = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                        "þ": "th", "ı": "i", "x": "ks"})
_NON_ALPHA = re.compile(r"[^a-z]")
_J_VOWEL = re.compile(r"(?<=[aeiouy])j(?![aeiouy])")      # Selenskyj, Nikolaj: a vowel
_Y_CONSONANT = re.compile(r"(?<![^aeiou])y+(?=[aeiou])")  # Yuri, Sulaymaniyah: a consonant
_SOFT_C = re.compile(r"c(?=[eiy])")
_FINAL_H = re.compile(r"(?<=[aeiouy])h+$")                # Abdallah = Abdalla, Mekkah
_ABD = re.compile(r"^abd[aeiou]l")                        # the article's vowel: Abdul-, Abdel-
_ALLAH = re.compile(r"(?<=.)[aeiou]llah?$")               # Nasrallah, Nasrullah
_GLUED_ARTICLE = re.compile(r"^(?:al|el)(?=[^aeiouy]\w{3})")
_TRANSLITERATED = re.compile(r"q(?!u)|kh|gh|dh|aa")      # spellings English words do not have
_VOWEL_NORM = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("y", "i"))
_DOUBLE = re.compile(r"(.)\1+")

# Correspondence families: pairs of consonant units that spell one sound in some style.
CONSONANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "k": (("k", "q"), ("k", "c"), ("k", "ck"), ("c", "q"), ("c", "ck"), ("ck", "q")),
    "g": (("g", "k"), ("g", "q"), ("g", "gh"), ("gh", "q"), ("gh", "k"), ("kh", "g")),
    "kh": (("kh", "h"), ("kh", "k"), ("kh", "q")),
    "chk": (("kh", "ch"), ("ch", "h"), ("ch", "k")),  # German ch (Chodorkowski, Achmed)
    "hg": (("h", "g"), ("h", "gh")),
    "sz": (("s", "z"), ("C", "s"), ("C", "z")),
    "sh": (("sh", "sch"), ("sh", "ch"), ("sch", "ch"), ("sh", "s"), ("sch", "s"), ("ch", "s")),
    "ch": (("ch", "tch"), ("ch", "tsch"), ("tch", "tsch"), ("ch", "c"), ("tch", "c"), ("tsch", "c"),
           ("ch", "C"), ("tch", "C"), ("tsch", "C")),
    "zh": (("zh", "j"), ("zh", "z"), ("zh", "sch"), ("zh", "sh"), ("j", "z")),
    "ts": (("ts", "tz"), ("ts", "z"), ("tz", "z"), ("ts", "C"), ("tz", "C"), ("z", "C")),
    "j": (("j", "dj"), ("j", "dsch"), ("j", "dzh"), ("dj", "dsch"), ("dj", "dzh"), ("dsch", "dzh"),
          ("j", "g"), ("dj", "g")),
    "y": (("Y", "j"),),
    "f": (("f", "ph"), ("f", "v"), ("v", "w"), ("f", "w"), ("ph", "v")),
    "dh": (("d", "dh"),),
    "th": (("t", "th"),),
}
_NEAR_VOWELS = frozenset(frozenset(p) for p in ("ae", "ei", "ou"))
_YO = frozenset("eo")  # Russian ё after a sibilant: English e, German and French o (Gorbachev, Gorbatschow)


@dataclass(frozen=True)
class Weights:
    """The costs of the same-name test: per consonant family, per vowel difference, and the limit."""

    consonants: dict[str, float] = field(default_factory=lambda: {
        "k": 0.75, "g": 1.5, "kh": 1.0, "chk": 1.0, "hg": 1.5, "sz": 2.0, "sh": 1.0, "ch": 2.0, "zh": 1.0,
        "ts": 0.5, "j": 1.0, "y": 1.5, "f": 0.0, "dh": 0.0, "th": 0.0})
    double: float = 0.0        # a doubled letter against a single one (Hussein, Husein)
    vowel_near: float = 0.75   # a~e, e~i, o~u in one gap (Mohammed, Muhammad)
    vowel_far: float = 2.0     # any other two vowels in one gap (Bashar, Bashir)
    yo: float = 1.0            # e~o after a sibilant, Russian ё (Khrushchev, Chruschtschow)
    vowel_inside: float = 2.0  # a vowel in one spelling only, between consonants (Tehran, Teheran)
    vowel_edge: float = INF    # a vowel in one spelling only, first or last (Hamid, Hamida)
    article: float = 0.5       # a glued article in one spelling only (ElBaradei, Baradei)
    limit: float = 1.5         # the most two spellings of one name with three consonant units may cost,
    per_unit: float = 0.75     # and this more for each unit more, less for each fewer (Khrushchev, Mecca)

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.consonants.items())), self.double, self.vowel_near, self.vowel_far, self.yo,
                     self.vowel_inside, self.vowel_edge, self.article, self.limit, self.per_unit))

    def allowed(self, units: int) -> float:
        """Return the most two spellings with this many consonant units may cost: a long name
        holds more evidence, so more of its units may differ."""
        return max(0.0, self.limit + self.per_unit * (units - 3))

    def cost(self, features: dict[str, int]) -> float:
        """Add up the cost of an alignment's differences (see differences())."""
        total = 0.0
        for name, n in features.items():
            total += n * (self.consonants.get(name, INF) if name in CONSONANTS else getattr(self, name))
        return total


DEFAULT_WEIGHTS = Weights()
_FAMILY = {frozenset(p): name for name, pairs in CONSONANTS.items() for p in pairs}

Form = tuple[tuple[tuple[str, str, bool], ...], tuple[str, ...]]  # consonants (unit, classes, doubled); gaps


def _letters(w: str) -> str:
    """Spell a folded word in a-z and unit marks, the letters read by their neighbours marked."""
    if not w.isascii() or "x" in w:
        w = w.translate(_EXTRA)
    if not (w.isalpha() and w.isascii()):
        w = _NON_ALPHA.sub("", w)
    if w.startswith("abd"):
        w = _ABD.sub("abdal", w)
    if "lla" in w:
        w = _ALLAH.sub("alla", w)
    if w.endswith("h"):
        w = _FINAL_H.sub("", w)
    if "j" in w:
        w = _J_VOWEL.sub("i", w)
    if "y" in w:
        w = _Y_CONSONANT.sub("Y", w)
    if "c" in w:
        w = _SOFT_C.sub("C", w)
    for unit in _UNITS:
        if unit in w:
            w = w.replace(unit, _MARK[unit])
    return w


def _keys(w: str, letters: str | None = None) -> list[str]:
    key = _DOUBLE.sub(r"\1", _letters(w) if letters is None else letters).translate(_TO_KEY)
    if "#" not in key and "%" not in key:
        return [key]
    return ["".join(p) for p in itertools.product(*(_READINGS.get(c, c) for c in key))][:16]


@lru_cache(maxsize=16384)
def form(word: str) -> Form:
    """Cut a word into consonant units (unit, classes, doubled) and the vowel groups around them."""
    return _form(_letters(fold(word)))


def _form(letters: str) -> Form:
    cons: list[tuple[str, str, bool]] = []
    gaps: list[str] = [""]
    for c, v in _TOKEN.findall(letters):
        if v:
            gaps[-1] = v
        else:
            unit = _UNIT[c[0]]
            cons.append((unit, _CLASS[unit], len(c) > 1))
            gaps.append("")
    return tuple(cons), tuple(gaps)


def keys(word: str) -> list[str]:
    """Return the keys a word is filed under: its consonant classes, one key per reading."""
    return _keys(fold(word))


def skeleton(word: str) -> str:
    """Reduce a word to the consonant classes transliterations agree on (its first key)."""
    return keys(word)[0] if word else ""


def _vowel(group: str) -> tuple[str, str]:
    for a, b in _VOWEL_NORM:
        group = group.replace(a, b)
    group = _DOUBLE.sub(r"\1", group)
    return group[0], group[-1]


def _vowel_difference(x: str, y: str, after_sibilant: bool) -> str | None:
    """Name how two vowel groups differ (by the worse of their first and last vowels), if they do."""
    (a1, a2), (b1, b2) = _vowel(x), _vowel(y)
    worst = None
    for a, b in ((a1, b1), (a2, b2)):
        if a == b:
            continue
        pair = frozenset((a, b))
        if pair in _NEAR_VOWELS:
            worst = worst or "vowel_near"
        elif after_sibilant and pair == _YO:
            worst = "vowel_far" if worst == "vowel_far" else "yo"
        else:
            return "vowel_far"
    return worst


def _differences(fa: Form, fb: Form) -> dict[str, int] | None:
    """Line two forms up unit by unit and count their differences by kind (None: they cannot be)."""
    (ca, ga), (cb, gb) = fa, fb
    if len(ca) != len(cb):
        return None
    out: dict[str, int] = {}
    for (ua, ka, da), (ub, kb, db) in zip(ca, cb):
        if ua != ub:
            fam = _FAMILY.get(frozenset((ua, ub)))
            if fam is None or not set(ka) & set(kb):
                return None
            out[fam] = out.get(fam, 0) + 1
        if da != db:
            out["double"] = out.get("double", 0) + 1
    last = len(ga) - 1
    for i, (x, y) in enumerate(zip(ga, gb)):
        kind = None
        if x and y:
            if x != y:
                kind = _vowel_difference(x, y, i > 0 and "S" in ca[i - 1][1] and "S" in cb[i - 1][1])
        elif x or y:
            kind = "vowel_edge" if i in (0, last) else "vowel_inside"
        if kind:
            out[kind] = out.get(kind, 0) + 1
    return out


def _without_article(word: str) -> str | None:
    """Return a folded word without its glued article, or None when it has none."""
    w = fold(word)
    if not _GLUED_ARTICLE.match(w):
        return None
    bare = w[2:]
    return bare if len(form(bare)[0]) >= 3 or _TRANSLITERATED.search(bare) else None


def differences(a: str, b: str) -> list[tuple[dict[str, int], int]]:
    """Return the ways two written words line up: for each, its differences by kind (a consonant
    family, double, vowel_near, vowel_far, yo, vowel_inside, vowel_edge, article) and its number of
    consonant units; with or without a glued article."""
    out = []
    got = _differences(form(a), form(b))
    if got is not None:
        out.append((got, len(form(a)[0])))
    for x, y in ((a, b), (b, a)):
        bare = _without_article(x)
        if bare is not None:
            fx = form(bare)
            got = _differences(fx, form(y))
            if got is not None:
                out.append(({**got, "article": 1}, len(fx[0])))
    return out


def distance(a: str, b: str, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """Return what it costs to read two written words as one name (inf: more than they may cost)."""
    best = INF
    for diff, units in differences(a, b):
        cost = weights.cost(diff)
        if cost <= weights.allowed(units):
            best = min(best, cost)
    return best


def same_name(a: str, b: str, weights: Weights = DEFAULT_WEIGHTS) -> bool:
    """Tell whether two written words can be spellings of one name."""
    return fold(a) == fold(b) or distance(a, b, weights) < INF


def vowels_agree(a: str, b: str) -> bool:
    """Tell whether two words' vowel patterns could be one name's: vowels in the same gaps between
    consonants, each pair alike ("Maaret" for "Maarat", "Hossein" for "Hussein", not "Hosni")."""
    (_, ga), (_, gb) = form(a), form(b)
    return len(ga) == len(gb) and all(
        (not x and not y) or bool(x and y and _vowel_difference(x, y, False) in (None, "vowel_near"))
        for x, y in zip(ga, gb))


def quote_names(text: str) -> str:
    """Quote unquoted names written with a hyphenated article, so they are searched as names:
    ``Maarat al-Numan`` becomes ``"Maarat al-Numan"``."""
    if '"' in text:
        return text
    return _ARTICLE_HYPHEN.sub(lambda m: f'"{m.group(1)}"', text)


def filing(word: str) -> list[str]:
    """Return the keys NameIndex files a written word under (none for a number or a short word)."""
    if not word or word[0].isdigit():
        return []
    found = _keys(word)
    bare = _without_article(word) if _GLUED_ARTICLE.match(word) else None
    if bare:
        found += _keys(bare)
    return [key for key in found if len(key) >= MIN_SKELETON]


_LINKS = [""] + [v + c for v in "aeiu" for c in ("l", "n", "d", "r", "s", "t", "z", "sh")]


class NameIndex:
    """Written words filed by key: finds a name's spellings among an index's words."""

    def __init__(self, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.weights = weights
        self.by_key: dict[str, list[str]] = {}
        self._lookup: Callable[[str], Sequence[str]] | None = None

    @classmethod
    def of(cls, words: Iterable[str], weights: Weights = DEFAULT_WEIGHTS) -> NameIndex:
        """File words (written forms: folded, not stemmed) by key; numbers are left out."""
        out = cls(weights)
        groups = out.by_key
        for word in words:
            for key in filing(word):
                got = groups.get(key)
                if got is None:
                    groups[key] = [word]
                else:
                    got.append(word)
        return out

    @classmethod
    def over(cls, lookup: Callable[[str], Sequence[str]], weights: Weights = DEFAULT_WEIGHTS) -> NameIndex:
        """Find words through ``lookup`` (a key -> the words filed under it, as of() files them)."""
        out = cls(weights)
        out._lookup = lookup
        return out

    def filed(self, key: str) -> Sequence[str]:
        """Return the words filed under a key."""
        if self._lookup is not None:
            return self._lookup(key)
        return self.by_key.get(key, ())

    def candidates(self, word: str) -> set[str]:
        """Return the words filed under the same key as ``word`` (what variants() compares)."""
        found: set[str] = set()
        bare = _without_article(word)
        for key in keys(word) + (keys(bare) if bare else []):
            if len(key) >= MIN_SKELETON:
                found.update(self.filed(key))
        return found

    def variants(self, word: str) -> list[str]:
        """Return the words that spell ``word`` another way (the word itself included)."""
        written = fold(word)
        if len(skeleton(written)) < MIN_SKELETON:
            return [written]
        w = self.weights
        return sorted({t for t in self.candidates(written) if distance(written, t, w) < INF} | {written})

    def joined(self, words: Sequence[str]) -> list[str]:
        """Return words that are a name's words run together, with or without an article."""
        folded = [fold(t) for t in words]
        if len(folded) < 2 or not all(folded) or len(skeleton("".join(folded))) <= MIN_SKELETON:
            return []
        w = self.weights
        found: set[str] = set()
        links_between = _LINKS if len(folded) <= 3 else [""]  # 33 links at each of 3+ joins is too many
        for links in itertools.product(links_between, repeat=len(folded) - 1):
            # each word read on its own (New + York is not "newyork" with a vowel y), then glued
            letters = _letters(folded[0]) + "".join(_letters(link + t) for link, t in zip(links, folded[1:]))
            glued = _form(letters)
            for key in _keys("", letters):
                for t in self.filed(key):
                    if t not in found:
                        diff = _differences(glued, form(t))
                        if diff is not None and w.cost(diff) <= w.allowed(len(glued[0])):
                            found.add(t)
        return sorted(found)
