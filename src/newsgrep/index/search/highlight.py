"""Highlighting: which words of an article matched the query, and the passages around them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsgrep.hits import Snippet
from newsgrep.index.query.bound import Bound, Seq, Terms, positive_leaves
from newsgrep.index.search.evaluator import occurrence_positions, phrase_occurrences
from newsgrep.text.analysis import Analyzer, Token

SNIPPET_CHARS = 200
MAX_SNIPPETS = 3


@dataclass
class FieldSpec:
    """What a query marks in one field: index terms, written forms, and phrases."""

    terms: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    seqs: list[Seq] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.written or self.seqs)


@dataclass
class MatchSpec:
    """What a query marks in titles, derived titles and bodies (NOT parts left out)."""

    title: FieldSpec = field(default_factory=FieldSpec)
    body: FieldSpec = field(default_factory=FieldSpec)
    dtitle: FieldSpec = field(default_factory=FieldSpec)

    def of(self, fieldname: str) -> FieldSpec | None:
        """Return the spec of title, dtitle or body (None for other fields)."""
        return {"title": self.title, "body": self.body, "dtitle": self.dtitle}.get(fieldname)

    def title_of(self, doc: dict[str, Any]) -> FieldSpec:
        """Return what the query marks in an article's title: a title derived from the body is
        marked only by ``title:`` (a plain word counts it where the body has it)."""
        return self.dtitle if doc.get("title_derived") else self.title


def match_spec(root: Bound) -> MatchSpec:
    """Collect what a bound query matches in titles and bodies."""
    spec = MatchSpec()
    for leaf in positive_leaves(root):
        if isinstance(leaf, Terms):
            for f in leaf.fields:
                fs = spec.of(f)
                if fs is not None:
                    if leaf.written is not None:
                        fs.written.update(leaf.written)
                    else:
                        fs.terms.update(leaf.terms)
        elif isinstance(leaf, Seq):
            for f in leaf.parts[0].fields:
                fs = spec.of(f)
                if fs is not None:
                    fs.seqs.append(leaf)
    return spec


def _part_matches(part: Terms, tok: Token) -> bool:
    if part.written is not None:
        return tok.written in part.written
    return tok.term in part.terms


@dataclass(frozen=True)
class Mention:
    """One occurrence of what a query matched: a word, or a whole phrase or name (its first to
    its last word), as character offsets and token positions."""

    start: int
    end: int
    first: int
    last: int


def _found(tokens: list[Token], spec: FieldSpec) -> tuple[list[int], list[tuple[Seq, list[list[int]]]]]:
    """Return the tokens that match the query's words, and each of its phrases found in the
    text with its parts' positions (a token's position is its index)."""
    terms, written = spec.terms, spec.written
    words = [i for i, t in enumerate(tokens) if t.term in terms or t.written in written] \
        if terms or written else []
    seqs = []
    for seq in spec.seqs:
        lists = [[t.pos for t in tokens if _part_matches(part, t)] for part in seq.parts]
        if all(lists):
            seqs.append((seq, lists))
    return words, seqs


def _occurrences(tokens: list[Token], spec: FieldSpec) -> list[tuple[int, int]]:
    """Return (first, last) token indexes of every occurrence of the query's words and phrases,
    an occurrence inside another one left out (a word that is part of a phrase found there)."""
    words, seqs = _found(tokens, spec)
    found = {(i, i) for i in words}
    for seq, lists in seqs:
        found.update(phrase_occurrences(seq, lists))
    out: list[tuple[int, int]] = []
    reach = -1  # the furthest last token of the spans kept, which all start at or before this one
    for first, last in sorted(found, key=lambda fl: (fl[0], -fl[1])):
        if last <= reach:  # inside a span kept (distinct spans: never the same one)
            continue
        out.append((first, last))
        reach = last
    return out


def find_mentions(text: str, spec: FieldSpec, analyzer: Analyzer) -> list[Mention]:
    """Return every occurrence of what the query matched in ``text`` (what kwic lists and
    --mentions counts): a phrase or a multi-word name once, from its first word to its last."""
    if not text or not spec:
        return []
    tokens = list(analyzer.tokens(text))
    return [Mention(tokens[a].start, tokens[b].end, a, b) for a, b in _occurrences(tokens, spec)]


def find_matches(text: str, spec: FieldSpec, analyzer: Analyzer) -> list[tuple[int, int]]:
    """Return the character spans of the words of ``text`` that the query matched (every word
    of a phrase's occurrences)."""
    if not text or not spec:
        return []
    tokens = list(analyzer.tokens(text))
    words, seqs = _found(tokens, spec)
    marked = set(words)
    for seq, lists in seqs:
        marked.update(occurrence_positions(seq, lists))
    return [(tokens[i].start, tokens[i].end) for i in sorted(marked)]


def matched_words(texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> list[str]:
    """List the matched words as written, lower-cased, once each in order of appearance."""
    seen: dict[str, None] = {}
    for text, sp in zip(texts, spans):
        for s, e in sp:
            seen.setdefault(text[s:e].lower(), None)
    return list(seen)


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s+(?=[\"'“‘(]?[A-Z])")


def _window(text: str, center_start: int, center_end: int, size: int) -> tuple[int, int]:
    """Pick about ``size`` characters around a match: from the start of its sentence when that
    is near enough, else from a word boundary; ending at a word boundary."""
    room = max(0, size - (center_end - center_start))
    start = max(0, center_start - room // 3)
    reach = max(0, center_start - (room * 2) // 3)
    sentence = None
    for m in _SENTENCE_END.finditer(text, reach, center_start):
        sentence = m.end()
    if sentence is not None:
        start = sentence
    elif reach == 0:
        start = 0
    end = min(len(text), start + size)
    start = max(0, min(start, end - size)) if sentence is None else start
    if start > 0 and sentence is None:
        sp = text.find(" ", start, center_start)
        start = sp + 1 if sp != -1 else start
    if end < len(text):
        sp = text.rfind(" ", center_end, end)
        end = sp if sp != -1 else end
    return start, end


def make_snippets(text: str, spans: Sequence[tuple[int, int]], size: int = SNIPPET_CHARS,
                  most: int = MAX_SNIPPETS) -> list[Snippet]:
    """Choose up to ``most`` passages of ``text`` holding the most matched words."""
    flat = text.replace("\n", " ")
    if not spans:
        if not flat:
            return []
        _, end = _window(flat, 0, 0, size)
        return [Snippet(flat[:end].strip(), ())]
    words = [flat[s:e].lower() for s, e in spans]
    candidates = []
    for s, e in spans:
        ws, we = _window(flat, s, e, size)
        inside = [j for j in range(len(spans)) if spans[j][0] >= ws and spans[j][1] <= we]
        distinct = len({words[j] for j in inside})
        candidates.append((-distinct, -len(inside), ws, we))
    candidates.sort()
    chosen: list[tuple[int, int]] = []
    for _, _, ws, we in candidates:
        if any(ws < ce and cs < we for cs, ce in chosen):
            continue
        chosen.append((ws, we))
        if len(chosen) == most:
            break
    return [_squeeze(flat, ws, we, spans) for ws, we in sorted(chosen)]


def _squeeze(text: str, ws: int, we: int, spans: Sequence[tuple[int, int]]) -> Snippet:
    """Cut text[ws:we] with runs of whitespace made one space, highlights moved to match."""
    starts = {s: e for s, e in spans if s >= ws and e <= we}
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    i = ws
    while i < we and text[i].isspace():
        i += 1
    end = we
    while end > i and text[end - 1].isspace():
        end -= 1
    while i < end:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < end and text[j].isspace():
                j += 1
            out.append(" ")
            i = j
            continue
        if i in starts:
            n = len("".join(out))
            e = starts[i]
            marks.append((n, n + (e - i)))
            out.append(text[i:e])
            i = e
            continue
        out.append(ch)
        i += 1
    return Snippet("".join(out), tuple(marks))

