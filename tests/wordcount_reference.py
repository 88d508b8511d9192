"""An independent count of words for the collocate and keyword tests: the raw files of BBC and
Reuters-21578 read here, tokenized by DESIGN.md's rules with this module's own code (nothing from
newsgrep), and the published formulas written out again.

Rules (DESIGN.md, "Query language"): words are lower-cased with accents folded, apostrophes and a
possessive 's dropped; a number keeps its inner "." and "," (thousands separators are dropped from
its written form); a word with an inner "&" is one word; hyphens and other punctuation split words;
Snowball English stems (PyStemmer), numbers unstemmed; Lucene's 33 English stopwords take places
but are never counted as words; a token longer than 64 characters is not indexed.
"""

from __future__ import annotations

import functools
import gzip
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import Stemmer

STOP = set("""a an and are as at be but by for if in into is it no not of on or such that the
their then there these they this to was will with""".split())
APOSTROPHES = "'’ʼʾʿ`´"
_NUMBER = r"[0-9]+(?:[.,][0-9]+)+"
_WORD = r"\w+(?:[" + APOSTROPHES + r"&]\w+)*"
TOKEN = re.compile(f"{_NUMBER}|{_WORD}")
_STEM = Stemmer.Stemmer("english")


@functools.cache
def written(token: str) -> str:
    """Fold a token: lower case, no accents, no possessive 's, no apostrophes, no thousands commas."""
    w = "".join(c for c in unicodedata.normalize("NFKD", token.lower()) if not unicodedata.combining(c))
    if len(w) > 1 and w[-1] == "s" and w[-2] in "'’ʼ":
        w = w[:-2]
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", w):
        w = w.replace(",", "")
    w = "".join(c for c in w if c not in APOSTROPHES)
    return w if len(w) <= 64 else ""


@functools.cache
def term(token: str) -> str | None:
    """Return a token's stem, None for a stopword or a token too long to index."""
    w = written(token)
    if not w or w in STOP:
        return None
    return w if w[0].isdigit() else _STEM.stemWord(w)


@dataclass
class Doc:
    """One article as the raw file gives it."""

    id: str
    source: str
    title: str
    body: str
    date: str = ""  # YYYY-MM-DD, when the file gives one


def bbc_files(folder: Path, topics: tuple[str, ...], first: int) -> list[Path]:
    """List the first ``first`` .txt files of each topic folder of BBC."""
    return [f for topic in topics for f in sorted((folder / topic).glob("*.txt"))[:first]]


def bbc_docs(files: list[Path]) -> list[Doc]:
    """Read BBC .txt files: the first line is the title, the rest the body."""
    out = []
    for f in files:
        text = f.read_bytes().decode("utf-8", "replace")
        title, _, body = text.strip().partition("\n")
        out.append(Doc(f"{f.parent.name}/{f.name}", f.parent.name, title, body))
    return out


_STORY = re.compile(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', re.S)


def reuters_docs(sgm: Path) -> list[Doc]:
    """Read a Reuters-21578 SGML file: each story's TITLE and BODY, entities unescaped."""
    text = gzip.decompress(sgm.read_bytes()).decode("latin-1")
    out = []
    for newid, story in _STORY.findall(text):
        parts = {}
        for tag in ("TITLE", "BODY"):
            m = re.search(f"<{tag}>(.*?)</{tag}>", story, re.S)
            parts[tag] = html.unescape(m.group(1)) if m else ""
        if 'TYPE="UNPROC"' in story and "<BODY>" not in story:  # an unprocessed story: its whole text
            m = re.search(r"<TEXT[^>]*>(.*?)</TEXT>", story, re.S)
            parts["BODY"] = html.unescape(m.group(1)) if m else ""
        # the agency's sign-off ends a story; it is not article text
        parts["BODY"] = re.sub(r"\s*\bReuter\s*$", "", parts["BODY"], flags=re.I)
        when = re.search(r"<DATE>\s*(\d{1,2})-([A-Z]{3})-(\d{4})", story)
        months = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
        date = f"{when[3]}-{months.index(when[2]) + 1:02d}-{int(when[1]):02d}" if when else ""
        if parts["TITLE"].strip() or parts["BODY"].strip():
            out.append(Doc(f"reuters-{newid}", "Reuters", parts["TITLE"], parts["BODY"], date))
    return out


def tokens(text: str) -> list[str]:
    """Cut a text into tokens."""
    return TOKEN.findall(text)


def fields(doc: Doc) -> Iterator[list[str]]:
    """Yield the tokens of the title and of the body."""
    yield tokens(doc.title)
    yield tokens(doc.body)


def word_count(docs: list[Doc]) -> tuple[Counter[str], int]:
    """Count the words (stems) of some articles, and their size in words, stopwords included."""
    counts: Counter[str] = Counter()
    size = 0
    for doc in docs:
        for toks in fields(doc):
            for t in toks:
                if written(t):
                    size += 1
                    s = term(t)
                    if s:
                        counts[s] += 1
    return counts, size


def window_count(docs: list[Doc], phrase: list[str] | Callable[[str], bool],
                 window: int) -> tuple[Counter[str], Counter[tuple[str, str]], int, int]:
    """Count the words within ``window`` tokens of each occurrence of a phrase of stems (one
    mention from its first to its last word), or of each token a test accepts, in the same field:
    per stem, per (stem, written form), the window size in words, and the number of mentions."""
    counts: Counter[str] = Counter()
    forms: Counter[tuple[str, str]] = Counter()
    size = mentions = 0
    k = 1 if callable(phrase) else len(phrase)
    for doc in docs:
        for toks in fields(doc):
            stems = [term(t) for t in toks]
            for i in range(len(toks) - k + 1):
                if not (phrase(toks[i]) if callable(phrase) else stems[i:i + k] == phrase):
                    continue
                mentions += 1
                for t in toks[max(0, i - window):i] + toks[i + k:i + k + window]:
                    if written(t):
                        size += 1
                        s = term(t)
                        if s:
                            counts[s] += 1
                            forms[(s, written(t))] += 1
    return counts, forms, size, mentions


def g2(a: float, b: float, c: float, d: float) -> float:
    """Dunning's log-likelihood over the 2x2 table, signed (negative when a/c < b/d)."""
    n = c + d
    cells = [(a, c * (a + b) / n), (b, d * (a + b) / n), (c - a, c * (n - a - b) / n), (d - b, d * (n - a - b) / n)]
    value = 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)
    return -value if a / c < b / d else value


def log_ratio(a: float, b: float, c: float, d: float) -> float:
    """Hardie's log ratio, a zero count taken as 0.5."""
    return math.log2(((a or 0.5) / c) / ((b or 0.5) / d))
