"""Indexes held in memory (Whoosh's RamStorage): for tests and for trying settings quickly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newsgrep.index.query.schema import build_schema
from newsgrep.index.write.reading import article_doc
from newsgrep.models import Article
from newsgrep.text.analysis import DEFAULT_ANALYSIS, AnalysisSettings


def memory_index(articles: Iterable[Article], analysis: AnalysisSettings = DEFAULT_ANALYSIS,
                 segments: int = 1) -> Any:
    """Return a Whoosh index in memory holding the articles (in ``segments`` commits)."""
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(build_schema(analysis))
    items = list(articles)
    per = max(1, -(-len(items) // max(1, segments)))
    for start in range(0, len(items), per):
        with ix.writer() as w:
            for a in items[start:start + per]:
                w.add_document(**article_doc(a))
    return ix
