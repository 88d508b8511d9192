"""The query language: text -> syntax tree, or one QueryError naming what is wrong and where.

    query   := clause+                  clauses side by side: AND (OR with --any)
    clause  := and ("OR" and)*
    and     := unary ("AND" unary)*
    unary   := "NOT" unary | "-" atom | "+" atom | atom
    atom    := "(" query ")" | FIELD ":" value | '"words"' ["~" N] | word ["~" [N]]

Explicit operators bind tighter than clauses side by side, AND tighter than OR, NOT tightest:
``Idlib shelling OR airstrikes`` is Idlib AND (shelling OR airstrikes). ``-word`` is NOT word;
``+word`` requires the word (useful with --any). A word with ``*`` or ``?`` is a wildcard; ``word~``
and ``word~2`` are fuzzy. Fields: title, body, source, author, date; dates take ``2019``,
``2019-12``, ``2019-12-24``, ``[A to B]`` (either end may be left out) and ``>A``, ``>=A``, ``<A``,
``<=A``. Nothing malformed is ever read as another query: it is an error with its column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from newsgrep.errors import QueryError
from newsgrep.index.query.syntax import Bool, DateRange, Fuzzy, Node, Pattern, Phrase, Word
from newsgrep.ingest.dates import period_bounds

FIELDS = ("title", "body", "source", "author", "date")
OPERATORS = ("AND", "OR", "NOT")
_FIELD = re.compile(r"([A-Za-z][A-Za-z_]*):")
_FUZZY = re.compile(r"^(.*[^~])~(\d*)$")
_BOOST = re.compile(r"\^\d+(?:\.\d+)?$")
_CMP = re.compile(r"^(>=|<=|>|<)(.*)$")
_STOP_CHARS = ' \t\n\r()"'
MAX_DEPTH = 100  # parentheses and NOTs inside one another; deeper is a malformed query


@dataclass(frozen=True)
class _Tok:
    kind: str   # LP RP AND OR NOT PLUS MINUS FIELD WORD PHRASE RANGE CMP END
    col: int
    text: str = ""
    slop: int | None = None
    op: str = ""


def _error(what: str, col: int) -> QueryError:
    return QueryError(f"{what} (column {col})")


def _lex(text: str) -> list[_Tok]:
    """Cut a query into tokens, or raise QueryError."""
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        col = i + 1
        if c.isspace():
            i += 1
        elif c == "(":
            out.append(_Tok("LP", col))
            i += 1
        elif c == ")":
            out.append(_Tok("RP", col))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise _error("a quote is not closed", col)
            inner = text[i + 1:end]
            if not inner.strip():
                raise _error("empty quotes", col)
            i = end + 1
            slop = None
            if i < n and text[i] == "~":
                m = re.match(r"~(\d+)", text[i:])
                if not m:
                    raise _error('"~" after a phrase needs a number of positions, as in "a b"~3', i + 1)
                slop = int(m[1])
                if slop < 1:
                    raise _error("a phrase's ~N needs N of 1 or more", i + 1)
                i += len(m[0])
            if i < n and text[i] not in _STOP_CHARS:
                raise _error("a phrase runs into the next word; put a space after the quote", i + 1)
            out.append(_Tok("PHRASE", col, inner, slop))
        elif c in "+-":
            if i + 1 >= n or text[i + 1] in " \t\n\r)":
                raise _error(f"{c!r} has nothing after it (write {c}word)", col)
            out.append(_Tok("PLUS" if c == "+" else "MINUS", col))
            i += 1
        else:
            j = i
            while j < n and text[j] not in _STOP_CHARS:
                j += 1
            word = text[i:j]
            m = _FIELD.match(word)
            if word in OPERATORS:
                out.append(_Tok(word, col))
                i = j
            elif m and (m[1].lower() in FIELDS or m.end() == len(word) or not word[m.end()].isdigit()):
                i = _lex_field(text, i, m, out)
            else:
                out.append(_Tok("WORD", col, word))
                i = j
    out.append(_Tok("END", n + 1))
    return out


def _lex_field(text: str, i: int, m: re.Match[str], out: list[_Tok]) -> int:
    """Lex ``name:`` and what follows it directly; return where lexing goes on."""
    name, col = m[1].lower(), i + 1
    if name not in FIELDS:
        raise _error(f"unknown field {m[1]!r}: the fields are {', '.join(FIELDS)}", col)
    out.append(_Tok("FIELD", col, name))
    j = i + m.end()
    if j >= len(text) or text[j].isspace() or text[j] == ")":
        raise _error(f"the field {name}: has nothing after it", col)
    if name == "date" and text[j] == "[":
        end = text.find("]", j)
        if end < 0:
            raise _error("a [ is not closed", j + 1)
        out.append(_Tok("RANGE", j + 1, text[j + 1:end]))
        return end + 1
    return j


class _Parser:
    def __init__(self, text: str, any_terms: bool) -> None:
        self.toks = _lex(text)
        self.i = 0
        self.any_terms = any_terms
        self.depth = 0

    def deeper(self, tok: _Tok) -> None:
        """Enter one more level of nesting (a parenthesis or a NOT); refuse past MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(f"the query nests deeper than {MAX_DEPTH} levels (parentheses and NOTs)", tok.col)

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    # query := clause+ ------------------------------------------------------------------------
    def query(self, field: str | None, closing: str) -> Node:
        items: list[tuple[str | None, Node]] = []
        while self.peek().kind not in ("END", "RP"):
            items.append(self.clause(field))
        if not items:
            tok = self.peek()
            raise _error("empty parentheses" if tok.kind == "RP" else "empty query", tok.col)
        if closing == "END" and self.peek().kind == "RP":
            raise _error("a ) has no ( before it", self.peek().col)
        plain = "should" if self.any_terms else "must"
        return _group([(plain if flag is None else "must" if flag == "+" else "must_not", node)
                       for flag, node in items])

    def clause(self, field: str | None) -> tuple[str | None, Node]:
        first = self.conj(field)
        if self.peek().kind != "OR":
            return first
        parts = [first]
        while self.peek().kind == "OR":
            op = self.take()
            if self.peek().kind in ("END", "RP", "OR", "AND"):
                raise _error("OR has nothing after it", op.col)
            parts.append(self.conj(field))
        return None, _group([("should", _flagged(flag, node)) for flag, node in parts])

    def conj(self, field: str | None) -> tuple[str | None, Node]:
        first = self.unary(field)
        if self.peek().kind != "AND":
            return first
        parts = [first]
        while self.peek().kind == "AND":
            op = self.take()
            if self.peek().kind in ("END", "RP", "OR", "AND"):
                raise _error("AND has nothing after it", op.col)
            parts.append(self.unary(field))
        return None, _group([("must_not" if flag == "-" else "must", node) for flag, node in parts])

    def unary(self, field: str | None) -> tuple[str | None, Node]:
        tok = self.peek()
        if tok.kind == "NOT":
            self.take()
            if self.peek().kind in ("END", "RP", "OR", "AND"):
                raise _error("NOT has nothing after it", tok.col)
            self.deeper(tok)
            flag, node = self.unary(field)
            self.depth -= 1
            return ("-" if flag != "-" else None), node
        if tok.kind in ("PLUS", "MINUS"):
            self.take()
            nxt = self.peek()
            if nxt.kind in ("AND", "OR", "NOT", "PLUS", "MINUS"):
                raise _error(f"{'+' if tok.kind == 'PLUS' else '-'} must stand right before a word", tok.col)
            return ("+" if tok.kind == "PLUS" else "-"), self.atom(field)
        if tok.kind in ("AND", "OR"):
            raise _error(f"{tok.kind} has nothing before it", tok.col)
        return None, self.atom(field)

    def atom(self, field: str | None) -> Node:
        tok = self.take()
        if tok.kind == "LP":
            self.deeper(tok)
            node = self.query(field, "RP")
            if self.peek().kind != "RP":
                raise _error("a ( is not closed", tok.col)
            self.take()
            self.depth -= 1
            return node
        if tok.kind == "FIELD":
            if field is not None:
                raise _error(f"the field {tok.text}: is inside the field {field}:", tok.col)
            nxt = self.peek()
            if nxt.kind not in ("LP", "WORD", "PHRASE", "RANGE"):
                raise _error(f"the field {tok.text}: has nothing after it", tok.col)
            return self.atom(tok.text)
        if tok.kind == "RANGE":
            return _date_range(tok)
        if tok.kind == "PHRASE":
            if field == "date":
                raise _error("date: takes a date, not quoted words", tok.col)
            return Phrase(tok.text, field, tok.col, tok.slop)
        if tok.kind == "WORD":
            return _word(tok, field)
        if tok.kind == "RP":
            raise _error("a ) has no ( before it", tok.col)
        if tok.kind == "END":
            raise _error("the query ends too early", tok.col)
        raise _error(f"{tok.kind} is out of place", tok.col)


def _flagged(flag: str | None, node: Node) -> Node:
    """Turn a NOT/- operand of OR into a node of its own (everything without it)."""
    return Bool(must_not=(node,)) if flag == "-" else node


def _group(items: list[tuple[str, Node]]) -> Node:
    must = tuple(n for k, n in items if k == "must")
    should = tuple(n for k, n in items if k == "should")
    must_not = tuple(n for k, n in items if k == "must_not")
    if len(must) + len(should) == 1 and not must_not:
        return (must or should)[0]
    return Bool(must, should, must_not)


def read_word(text: str, field: str | None, col: int) -> Node:
    """Read one word as the query language does (a wildcard, a fuzzy word, a plain word, or an
    error): what a phrase's words are read with too."""
    return _word(_Tok("WORD", col, text), field)


def _word(tok: _Tok, field: str | None) -> Node:
    text, col = tok.text, tok.col
    if field == "date":
        return _date_word(text, col)
    if _BOOST.search(text):
        raise _error(f"boosts (^) are not supported: {text!r}", col)
    m = _FUZZY.match(text)
    if m:
        dist = m[2] or "1"
        if dist not in ("1", "2"):
            raise _error(f"a fuzzy word takes ~1 or ~2 edits, not ~{dist}", col)
        word = m[1]
        if "*" in word or "?" in word:
            raise _error("a word cannot be both a wildcard and fuzzy", col)
        return Fuzzy(word, int(dist), field, col)
    if "~" in text:
        raise _error(f"{text!r}: ~ goes at the end of a word (word~ or word~2)", col)
    if "*" in text or "?" in text:
        return Pattern(text, field, col)
    return Word(text, field, col)


def _period(text: str, col: int) -> tuple[datetime, datetime]:
    try:
        return period_bounds(text)
    except ValueError as exc:
        raise _error(f"invalid date {exc}", col) from None


def _date_word(text: str, col: int) -> DateRange:
    m = _CMP.match(text)
    if m:
        op, value = m[1], m[2]
        if not value:
            raise _error(f"date:{op} has no date after it", col)
        start, after = _period(value, col + len(op))
        if op == ">":
            return DateRange(after, None, text, col)
        if op == ">=":
            return DateRange(start, None, text, col)
        if op == "<":
            return DateRange(None, start, text, col)
        return DateRange(None, after, text, col)
    start, after = _period(text, col)
    return DateRange(start, after, text, col)


def _date_range(tok: _Tok) -> DateRange:
    parts = tok.text.split()
    lowered = [p.lower() for p in parts]
    if "to" not in lowered or lowered.count("to") != 1 or len(parts) > 3:
        raise _error("a date range is written date:[A to B] (either end may be left out)", tok.col)
    k = lowered.index("to")
    before, after = parts[:k], parts[k + 1:]
    if len(before) > 1 or len(after) > 1 or not (before or after):
        raise _error("a date range is written date:[A to B] (either end may be left out)", tok.col)
    start = _period(before[0], tok.col + 1)[0] if before else None
    end = _period(after[0], tok.col + 1)[1] if after else None
    if start is not None and end is not None and start >= end:
        raise _error(f"the date range [{tok.text}] ends before it starts", tok.col)
    return DateRange(start, end, f"[{tok.text}]", tok.col)


def parse(text: str, any_terms: bool = False) -> Node:
    """Parse a query; raise QueryError naming what is wrong and at which column."""
    if not text or not text.strip():
        raise QueryError("empty query")
    parser = _Parser(text, any_terms)
    return parser.query(None, "END")
