"""How a query was read, for --explain and a methods section: the tree, each word's index terms."""

from __future__ import annotations

from collections.abc import Sequence

from newsgrep.hits import ExplainedWord, Explanation
from newsgrep.index.query.bound import Bound, BoundQuery, Dates, Every, Exact, Match, Seq, Terms, leaves
from newsgrep.index.search.searcher import Searcher

MAX_TERMS = 40  # terms listed per word; a wider wildcard says how many more


def describe(node: Bound) -> str:
    """Write a bound query as a readable tree: +must, plain should, -must_not."""
    if isinstance(node, Match):
        parts = [f"+{describe(n)}" for n in node.must] + [describe(n) for n in node.should]
        parts += [f"-{describe(n)}" for n in node.must_not]
        if not node.must and not node.should:
            parts.insert(0, "(every article)")
        return "(" + " ".join(parts) + ")"
    if isinstance(node, Terms):
        where = "|".join(node.fields)
        if node.written is not None:
            shown = ",".join(node.written[:8]) + (",..." if len(node.written) > 8 else "")
            return f"{where}:{{{shown}}}"
        return f"{where}:" + ("|".join(node.terms) if node.terms else "(nothing)")
    if isinstance(node, Seq):
        inner = " ".join(describe(p) for p in node.parts)
        if node.slop is None:
            return f'"{inner}"'
        return f'"{inner}"~{node.slop}' + (" in order" if node.ordered else "")
    if isinstance(node, Dates):
        lo = node.start.isoformat() if node.start else ""
        hi = node.end.isoformat() if node.end else ""
        return f"date:[{lo}, {hi})"
    if isinstance(node, Exact):
        return f"{node.field}={'|'.join(node.values)}"
    assert isinstance(node, Every)
    return "(every article)"


def _word(searchers: Sequence[Searcher], node: Terms) -> ExplainedWord:
    if node.written is not None:
        words, fields = node.written, node.wfields
    else:
        words, fields = node.terms, node.fields
    rows = []
    for w in words[:MAX_TERMS]:
        n = 0
        for s in searchers:  # every shard of a sharded index: an article is in one of them
            docs: set[int] = set()
            for f in fields:
                docs |= s.evaluator.docs_with(f, [w])[w]
            n += len(docs)
        rows.append((w, n))
    return ExplainedWord(node.label, node.kind, node.fields, tuple(rows), max(0, len(words) - MAX_TERMS))


def explain(s: Searcher | Sequence[Searcher], bound: BoundQuery, mode: str, matches: int) -> Explanation:
    """Describe a bound query: its tree, each word with its terms and their article counts (in
    one index, or in every shard of a sharded one)."""
    searchers = [s] if isinstance(s, Searcher) else list(s)
    words: list[ExplainedWord] = []
    notes: list[str] = []
    for leaf in leaves(bound.root):
        if isinstance(leaf, Terms):
            words.append(_word(searchers, leaf))
        elif isinstance(leaf, Seq):
            words.extend(_word(searchers, p) for p in leaf.parts)
            if any(p.written is not None for p in leaf.parts):
                notes.append(f"{leaf.label}: the words marked as written (stopwords, wildcards, fuzzy "
                             "words, spellings) are matched as written at their places")
        elif isinstance(leaf, Dates):
            notes.append(f"{leaf.label}: dated articles from {leaf.start or 'the first'} "
                         f"up to (not including) {leaf.end or 'the last'}, UTC; undated never match")
    return Explanation(query=bound.text, parsed=describe(bound.root), mode=mode, words=tuple(words),
                       matches=matches, notes=tuple(dict.fromkeys([*bound.notes, *notes])))
