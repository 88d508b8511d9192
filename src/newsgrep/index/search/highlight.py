"""Highlighting: which words of an article matched the query, and the passages around them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsgrep.hits import Snippet
from newsgrep.index.query.analysis import NewsAnalyzer

SNIPPET_CHARS = 200
MAX_SNIPPETS = 3


@dataclass
class MatchSpec:
    """The index terms a query looks for: single terms, and phrases (term sequences with slop)."""

    terms: set[str] = field(default_factory=set)
    phrases: list[tuple[tuple[str, ...], int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


def match_spec(q: object, reader: object, fields: Sequence[str] = ("title", "body")) -> MatchSpec:
    """Collect what a Whoosh query matches in the text fields, wildcards expanded, NOT skipped."""
    from whoosh import query

    spec = MatchSpec()

    def visit(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.Phrase):
            if node.fieldname in fields and node.words:
                spec.phrases.append((tuple(node.words), max(1, node.slop)))
            return
        if node.is_leaf():
            try:
                expanded = node.expanded_terms(reader)
            except Exception:  # a leaf that cannot expand (e.g. a broken range) adds nothing
                expanded = []
            for fname, text in expanded:
                if fname in fields:
                    spec.terms.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
            return
        for child in node.children():
            visit(child)

    visit(q)  # type: ignore[arg-type]
    return spec


def find_matches(text: str, spec: MatchSpec, analyzer: NewsAnalyzer) -> list[tuple[int, int]]:
    """Return the character spans of the words of ``text`` that the query matched."""
    if not text or not spec:
        return []
    spans = list(analyzer.spans(text))
    hits: set[tuple[int, int]] = set()
    if spec.terms:
        hits.update((s, e) for t, s, e in spans if t in spec.terms)
    if spec.phrases:
        terms = [t for t, _, _ in spans]
        for words, slop in spec.phrases:
            first = words[0]
            n = len(words)
            for i, t in enumerate(terms):
                if t != first:
                    continue
                chosen = [i]
                pos = i
                for w in words[1:]:
                    for j in range(pos + 1, min(pos + 1 + slop, len(terms))):
                        if terms[j] == w:
                            chosen.append(j)
                            pos = j
                            break
                    else:
                        break
                if len(chosen) == n:
                    hits.update((spans[j][1], spans[j][2]) for j in chosen)
    return sorted(hits)


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
    for i, (s, e) in enumerate(spans):
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

