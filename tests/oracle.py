"""An oracle for the query language, written from DESIGN.md ("Query language", "Records") and the
README's query table, sharing nothing with the engine: its own tokenizer, folding and query parser,
and a brute-force evaluator over the raw files (no index). It imports nothing from newsgrep; it
uses PyStemmer for Snowball English, as DESIGN names it.

Reading of the rules (where DESIGN is silent, the README's words; noted in each place):
- Tokens: a number keeps its inner `.` and `,` (`12,000`, `27.5`; letters after it are a word of
  their own: `27.5bn` is `27.5` and `bn`); a word with an inner `&` is one word (`AT&T`); words
  keep inner apostrophes; hyphens and other punctuation split words.
- Written form: lower case, accents stripped, a possessive 's and apostrophes dropped, a number's
  thousands separators dropped (`12,000` = `12000`, the README's "(= `12000`)"; DESIGN is silent).
- Terms: the written form stemmed (Snowball English); a word that starts with a digit is not a
  word Snowball knows and is its own term. Lucene's 33 English stopwords are dropped from unquoted
  queries; in phrases they count, matched as written. A stopword of the text is not found by
  another word's stem (`its` stems to `it`, and does not find "it"), as Lucene's stop filter.
- Precedence (README): NOT tightest, then AND, then OR, then words side by side (AND by default).
- `"a b"~N` (README): the words within N positions of each other, in any order.
"""

from __future__ import annotations

import csv
import gzip
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import Stemmer

STOPWORDS = frozenset(  # Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET (DESIGN: "Lucene's 33")
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split())
assert len(STOPWORDS) == 33

APOSTROPHES = "'’ʼʾʿ`´"
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)+|\w+(?:[{APOSTROPHES}]\w+)*(?:&\w+(?:[{APOSTROPHES}]\w+)*)*")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_STEMMER = Stemmer.Stemmer("english")


# --- analysis ---------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    """Cut a text into its words as written, in order (every word takes a place)."""
    return _TOKEN.findall(text)


@cache
def fold(word: str) -> str:
    """Return a word's written form: lower case, no accents, no possessive 's, no apostrophes."""
    w = unicodedata.normalize("NFKD", word.lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    w = re.sub(rf"[{APOSTROPHES}]s$", "", w)
    if _GROUPED.match(w):
        w = w.replace(",", "")
    return "".join(c for c in w if c not in APOSTROPHES)


@cache
def term(written: str) -> str:
    """Return a written form's term (its Snowball stem; a number as it is)."""
    return written if written[:1].isdigit() else str(_STEMMER.stemWord(written))


def levenshtein(a: str, b: str) -> int:
    """Edit distance by the textbook dynamic programme."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# --- articles from the raw files ----------------------------------------------------------------

@dataclass(repr=False)
class Doc:
    """One article as read from its file: its id, fields, date (YYYY-MM-DD or None)."""

    id: str
    title: str
    body: str
    source: str = ""
    author: str = ""
    date: str | None = None
    written: dict[str, list[str]] = field(default_factory=dict)  # field -> written forms in order

    def __post_init__(self) -> None:
        for name in ("title", "body", "source", "author"):
            self.written[name] = [w for w in (fold(t) for t in tokens(getattr(self, name))) if w]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_txt(path: Path, doc_id: str, drop: Iterable[str] = ()) -> Doc:
    """A .txt article (DESIGN): the first non-blank line is the title, the rest the body; the
    source is the parent folder's name. ``drop``: lines that are not article text."""
    lines = [line for line in _decode(path.read_bytes()).splitlines() if line.strip() not in set(drop)]
    while lines and not lines[0].strip():
        lines.pop(0)
    return Doc(doc_id, lines[0].strip() if lines else "", "\n".join(lines[1:]), source=path.parent.name)


def read_bbc(folder: Path) -> list[Doc]:
    """The BBC corpus: every topic/NNN.txt, ids as DESIGN says (`bbc/business/001.txt`)."""
    return [read_txt(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
            for p in sorted(folder.glob("*/*.txt"))]


# the seed's site furniture, named in DESIGN ("Boilerplate"): not article text
SEED_FURNITURE = ("Search For Keyword.", "Total Comments (0)", "Comments About This Article",
                  "Please fill the fields below.", "*code confirming note")


def read_sample(folder: Path) -> list[Doc]:
    """The sample corpus (corpus/): the seed .txt and the Wikinews CSV (url,date,title,text; one
    article per record, ids FILE#N), sources from their folders."""
    docs = [read_txt(p, f"{folder.name}/{p.relative_to(folder).as_posix()}", SEED_FURNITURE)
            for p in sorted((folder / "seed").glob("*.txt"))]
    for path in sorted((folder / "wikinews").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), 1):
                docs.append(Doc(f"{folder.name}/{path.relative_to(folder).as_posix()}#{n}", row["title"].strip(),
                                row["text"], source=path.parent.name, date=row["date"][:10] or None))
    return docs


_STORY = re.compile(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', re.S)
_MONTH = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}


def _sgml_text(fragment: str) -> str:
    """An SGML fragment's text: tags dropped, entities decoded, control characters gone."""
    text = re.sub(r"&#(\d+);", lambda m: chr(int(m[1])) if int(m[1]) >= 32 else " ", fragment)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"[\x00-\x08\x0b-\x1f]", " ", html.unescape(text))


def read_reuters(folder: Path) -> list[Doc]:
    """Reuters-21578 from its .sgm.gz files: each <REUTERS> story with text; the title is its
    <TITLE>, the body its <BODY>, or (stories without either, TYPE="UNPROC") all of its <TEXT>;
    the date the day of its <DATE>."""
    docs = []
    for path in sorted(folder.glob("reut2-*.sgm.gz")):
        for newid, story in _STORY.findall(gzip.decompress(path.read_bytes()).decode("latin-1")):
            title = re.search(r"<TITLE>(.*?)</TITLE>", story, re.S)
            body = re.search(r"<BODY>(.*?)</BODY>", story, re.S)
            text = re.search(r"<TEXT[^>]*>(.*?)</TEXT>", story, re.S)
            day = re.search(r"<DATE>\s*(\d{1,2})-([A-Z]{3})-(\d{4})", story)
            date = f"{day[3]}-{_MONTH[day[2]]:02d}-{int(day[1]):02d}" if day and day[2] in _MONTH else None
            if title or body:
                t, b = _sgml_text(title[1]) if title else "", _sgml_text(body[1]) if body else ""
            else:
                t, b = "", _sgml_text(text[1]) if text else ""
            if t.strip() or b.strip():
                docs.append(Doc(f"reuters-{newid}", t.strip(), b, source="Reuters", date=date))
    return docs


# --- the query language: syntax ---------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str            # as typed


@dataclass(frozen=True)
class Phrase:
    text: str
    slop: int | None = None


@dataclass(frozen=True)
class Field:
    name: str
    node: Node


@dataclass(frozen=True)
class Date:
    low: str | None      # the first day that matches (YYYY-MM-DD), None: open
    high: str | None     # the last day that matches


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class Must:
    node: Node           # +word


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Seq:
    nodes: tuple[Node, ...]  # side by side: AND, or OR with --any


Node = Word | Phrase | Field | Date | Not | Must | And | Or | Seq
FIELDS = ("title", "body", "source", "author", "date")


class Malformed(ValueError):
    """The query cannot be read."""


_LEX = re.compile(r'\s+|(?P<open>\()|(?P<close>\))|(?P<phrase>"[^"]*"(?:~\d+)?)|(?P<prefix>[-+])(?=\S)'
                  r"|(?P<field>[A-Za-z]+:)|(?P<word>[^\s()\"]+)")


def _lex(q: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(q):
        m = _LEX.match(q, pos)
        if not m:
            raise Malformed(f"cannot read {q[pos:]!r}")
        pos = m.end()
        if m.lastgroup == "field" and m.group()[:-1] == "date":
            # a date value runs to the end of its bracket, or of its word
            if q.startswith("[", pos):
                end = q.find("]", pos)
                if end < 0:
                    raise Malformed("unclosed [")
                out.append(("date", q[pos:end + 1]))
                pos = end + 1
            else:
                m2 = re.compile(r"[^\s()]+").match(q, pos)
                if not m2:
                    raise Malformed("empty date")
                out.append(("date", m2.group()))
                pos = m2.end()
        elif m.lastgroup:
            out.append((m.lastgroup, m.group()))
    return out


def _period(value: str) -> tuple[str, str]:
    """Return the first and last day of a year, month or day."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        raise Malformed(f"bad date {value!r}")
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if d:
        return f"{y}-{mo}-{d}", f"{y}-{mo}-{d}"
    if mo:
        import calendar

        last = calendar.monthrange(int(y), int(mo))[1]
        return f"{y}-{mo}-01", f"{y}-{mo}-{last:02d}"
    return f"{y}-01-01", f"{y}-12-31"


def _day_before(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _day_after(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def parse_date(value: str) -> Date:
    """Read a date query's value (DESIGN: periods, inclusive ranges, comparisons)."""
    if value.startswith("["):
        inner = value[1:-1].strip()
        parts = re.split(r"\s+(?:to|TO)\s*|^(?:to|TO)\s+", inner, maxsplit=1)
        if len(parts) != 2:
            raise Malformed(f"bad range {value!r}")
        a, b = (p.strip() for p in parts)
        return Date(_period(a)[0] if a else None, _period(b)[1] if b else None)
    for op in (">=", "<=", ">", "<"):
        if value.startswith(op):
            first, last = _period(value[len(op):])
            return {">=": Date(first, None), "<=": Date(None, last),
                    ">": Date(_day_after(last), None), "<": Date(None, _day_before(first))}[op]
    first, last = _period(value)
    return Date(first, last)


class _Parser:
    def __init__(self, q: str) -> None:
        self.toks = _lex(q)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def seq(self, closing: bool) -> Node:
        items: list[Node] = []
        while (t := self.peek()) is not None and t[0] != "close":
            items.append(self.or_())
        if closing:
            if self.peek() is None:
                raise Malformed("unclosed (")
            self.take()
        if not items:
            raise Malformed("empty")
        # a group in parentheses is one clause (with --any, "(NOT x)" is a clause OR'd with the rest)
        return Seq(tuple(items)) if closing or len(items) > 1 else items[0]

    def or_(self) -> Node:
        nodes = [self.and_()]
        while self.peek() == ("word", "OR"):
            self.take()
            nodes.append(self.and_())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def and_(self) -> Node:
        nodes = [self.unary()]
        while self.peek() == ("word", "AND"):
            self.take()
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self) -> Node:
        t = self.peek()
        if t is None or t[0] == "close" or t in (("word", "OR"), ("word", "AND")):
            raise Malformed("an operator with nothing after it")
        if t == ("word", "NOT"):
            self.take()
            return Not(self.unary())
        if t[0] == "prefix":  # -x is NOT x; +x requires x
            self.take()
            node = self.atom()
            return Not(node) if t[1] == "-" else Must(node)
        return self.atom()

    def atom(self) -> Node:
        kind, text = self.take()
        if kind == "open":
            return self.seq(closing=True)
        if kind == "phrase":
            m = re.fullmatch(r'"([^"]*)"(?:~(\d+))?', text)
            assert m
            return Phrase(m.group(1), int(m.group(2)) if m.group(2) else None)
        if kind == "date":
            return Field("date", parse_date(text))
        if kind == "field":
            name = text[:-1].lower()
            if name not in FIELDS:
                raise Malformed(f"unknown field {name}")
            return Field(name, self.atom())
        if kind == "word":
            return Word(text)
        raise Malformed(f"unexpected {text!r}")


def parse(q: str) -> Node:
    """Read a query into its syntax tree."""
    p = _Parser(q)
    node = p.seq(closing=False)
    if p.peek() is not None:
        raise Malformed("unopened )")
    return node


# --- the query language: meaning ---------------------------------------------------------------

Place = tuple[str, str, int]  # how one place of a query matches a written form: (kind, value, edits)


def matches(place: Place, w: str) -> bool:
    """Tell whether a written form fills a query's place."""
    kind, value, d = place
    if kind == "exact":
        return w == value
    if kind == "term":  # a stopword of the text is matched as written only ("its" stems to "it")
        return w not in STOPWORDS and term(w) == value
    if kind == "wild":
        return _wild(value).fullmatch(w) is not None
    return abs(len(w) - len(value)) <= d and levenshtein(w, value) <= d


@cache
def _wild(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


def _special(raw: str) -> Place | None:
    """A wildcard or fuzzy word's place, matched on the words as written; None for another word."""
    m = re.fullmatch(r"(.+?)~(\d)?", raw)
    if m and not any(c in m.group(1) for c in "*?"):
        return ("fuzzy", fold(m.group(1)), int(m.group(2) or 1))
    if "*" in raw or "?" in raw:
        return ("wild", fold(raw), 0)
    return None


def _plain(written: str, as_term: bool) -> Place:
    return ("term", term(written), 0) if as_term and written not in STOPWORDS else ("exact", written, 0)


def word_places(raw: str, *, as_term: bool = True) -> list[Place] | None:
    """Return the places of one word as typed (a word that analysis cuts in two, `al-Assad`, is a
    phrase of its parts), or None when nothing of it is searched (a stopword outside a phrase,
    punctuation). ``as_term``: a plain word is matched by its term (stem); by its written form in
    source: and author:."""
    special = _special(raw.strip(".,;:!"))
    if special:
        return [special]
    written = [w for w in (fold(t) for t in tokens(raw)) if w]
    if not written or (as_term and len(written) == 1 and written[0] in STOPWORDS):
        return None
    return [_plain(w, as_term) for w in written]


def phrase_places(text: str, *, as_term: bool = True) -> list[Place]:
    """Return the places of a phrase: every word counts (stopwords as written); a wildcard or
    fuzzy word matches a word as written at its place."""
    out: list[Place] = []
    for chunk in text.split():
        special = _special(chunk.strip('.,;:!"'))
        if special:
            out.append(special)
        else:
            out.extend(_plain(w, as_term) for w in (fold(t) for t in tokens(chunk)) if w)
    return out


def occurrences(places: list[frozenset[str]], words: list[str], slop: int | None = None) -> list[tuple[int, int]]:
    """Return where a phrase occurs in a field's words (each place given as the written forms that
    fill it): (first, last) positions. Without slop: consecutive and in order. With slop: distinct
    positions within ``slop`` of each other, in any order."""
    n = len(places)
    if not n or len(words) < n:
        return []
    if slop is None:
        return [(i, i + n - 1) for i in range(len(words) - n + 1)
                if all(words[i + k] in places[k] for k in range(n))]
    hits = [[i for i, w in enumerate(words) if w in p] for p in places]
    found: list[tuple[int, int]] = []
    for start in sorted(set().union(*hits)):
        window = range(start, min(len(words), start + slop + 1))
        if _assign([[i for i in h if i in window] for h in hits], set()):
            found.append((start, start + slop))
    return found


def _assign(options: list[list[int]], used: set[int]) -> bool:
    if not options:
        return True
    return any(_assign(options[1:], used | {i}) for i in options[0] if i not in used)


@dataclass(repr=False)
class Oracle:
    """The articles of a corpus, and what each query finds among them."""

    docs: list[Doc]

    def __post_init__(self) -> None:
        self.all = frozenset(range(len(self.docs)))
        self.postings: dict[str, dict[str, set[int]]] = {}  # field -> written form -> articles
        for i, d in enumerate(self.docs):
            for name, words in d.written.items():
                post = self.postings.setdefault(name, {})
                for w in words:
                    post.setdefault(w, set()).add(i)
        self._filled: dict[tuple[Place, str], frozenset[str]] = {}

    def ids(self, query: str, any_terms: bool = False) -> set[str]:
        """Return the ids of the articles a query finds."""
        got = self.eval(parse(query), None, any_terms)
        if got is None:
            raise Malformed("no searchable words")
        return {self.docs[i].id for i in got}

    def count(self, query: str) -> int:
        """Return how many articles a query finds."""
        return len(self.ids(query))

    def phrase_occurrences(self, text: str, fields: tuple[str, ...] = ("title", "body")) -> int:
        """Return how many times a phrase occurs in the corpus's fields (its mentions)."""
        places = phrase_places(text)
        return sum(len(occurrences([self.filled(p, f) for p in places], d.written[f]))
                   for d in self.docs for f in fields)

    def filled(self, place: Place, name: str) -> frozenset[str]:
        """Return the written forms of a field's vocabulary that fill a place."""
        key = (place, name)
        got = self._filled.get(key)
        if got is None:
            vocab = self.postings.get(name, {})
            if place[0] == "exact":
                got = frozenset({place[1]} & vocab.keys())
            else:
                got = frozenset(w for w in vocab if matches(place, w))
            self._filled[key] = got
        return got

    def _fields(self, name: str | None) -> tuple[str, ...]:
        return ("title", "body") if name is None else (name,)

    def _places(self, places: list[Place], name: str | None, slop: int | None = None) -> frozenset[int]:
        out: set[int] = set()
        for f in self._fields(name):
            filled = [self.filled(p, f) for p in places]
            post = self.postings.get(f, {})
            candidates: set[int] | None = None
            for forms in filled:
                docs = set().union(*(post[w] for w in forms)) if forms else set()
                candidates = docs if candidates is None else candidates & docs
            if not candidates:
                continue
            if len(places) == 1:
                out |= candidates
            else:
                out |= {i for i in candidates if occurrences(filled, self.docs[i].written[f], slop)}
        return frozenset(out)

    def eval(self, node: Node, name: str | None, any_terms: bool) -> frozenset[int] | None:
        """Return the articles a node finds, or None when it searches nothing (stopwords)."""
        as_term = name in (None, "title", "body")
        if isinstance(node, Word):
            places = word_places(node.text, as_term=as_term)
            if places is None:
                return None
            return self._places(places, name)
        if isinstance(node, Phrase):
            places = phrase_places(node.text, as_term=as_term)
            return self._places(places, name, node.slop) if places else None
        if isinstance(node, Field):
            if node.name == "date":
                assert isinstance(node.node, Date)
                lo, hi = node.node.low, node.node.high
                return frozenset(i for i, d in enumerate(self.docs) if d.date and (lo is None or d.date >= lo)
                                 and (hi is None or d.date <= hi))
            return self.eval(node.node, node.name, any_terms)
        if isinstance(node, Date):
            raise Malformed("a date outside date:")
        if isinstance(node, Not):
            got = self.eval(node.node, name, any_terms)
            return None if got is None else self.all - got
        if isinstance(node, Must):
            return self.eval(node.node, name, any_terms)
        if isinstance(node, And | Or) or (isinstance(node, Seq) and not any_terms):
            parts = [p for p in (self.eval(n, name, any_terms) for n in node.nodes) if p is not None]
            if not parts:
                return None
            out = set(parts[0])
            for p in parts[1:]:
                out = out | p if isinstance(node, Or) else out & p
            return frozenset(out)
        assert isinstance(node, Seq)
        # --any: the required (+word) and prohibited (-word) parts decide; the others are OR'd
        required = [self.eval(n.node, name, any_terms) for n in node.nodes if isinstance(n, Must)]
        banned = [self.eval(n.node, name, any_terms) for n in node.nodes if isinstance(n, Not)]
        optional = [self.eval(n, name, any_terms) for n in node.nodes if not isinstance(n, Must | Not)]
        req = [r for r in required if r is not None]
        opt = [o for o in optional if o is not None]
        ban = [b for b in banned if b is not None]
        if not (req or opt or ban):
            return None
        out = set(self.all)
        for r in req:
            out &= r
        if opt and not req:
            out &= set().union(*opt)
        for b in ban:
            out -= b
        return frozenset(out)


def iter_words(docs: Iterable[Doc]) -> Iterator[str]:
    """Yield every word as written (not folded) of the articles' titles and bodies."""
    for d in docs:
        yield from tokens(d.title)
        yield from tokens(d.body)
