"""The index schema, its ranking model and the settings recorded with an index."""

from __future__ import annotations

from math import log
from typing import Any

from whoosh import columns, fields, scoring
from whoosh.analysis import LowercaseFilter, RegexTokenizer

from newsgrep.index.query.analysis import NewsAnalyzer

# Bump when the schema or what goes into it changes; an index built otherwise is rebuilt.
SCHEMA_VERSION = 4
TITLE_BOOST = 2.0
SEARCH_FIELDS = ("title", "body")


def news_analyzer() -> NewsAnalyzer:
    """Return the analysis chain for titles and bodies."""
    return NewsAnalyzer()


def build_schema() -> fields.Schema:
    """Return the schema of a newsgrep index."""
    analyzer = news_analyzer()
    source_analyzer = RegexTokenizer() | LowercaseFilter()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        path=fields.ID(stored=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, phrase=True, multitoken_query="phrase"),
        body=fields.TEXT(analyzer=analyzer, stored=True, phrase=True, multitoken_query="phrase"),
        date=fields.DATETIME(sortable=True),
        date_text=fields.STORED(),
        source=fields.TEXT(analyzer=source_analyzer, stored=True, phrase=True,
                           multitoken_query="phrase"),
        source_key=fields.ID(),
        url=fields.STORED(),
        author=fields.STORED(),
        lang=fields.STORED(),
        extra=fields.STORED(),
        source_name=fields.COLUMN(columns.VarBytesColumn()),
        minhash=fields.COLUMN(columns.VarBytesColumn()),
    )


def analysis_settings() -> str:
    """Describe everything that decides what goes into the index."""
    return f"schema={SCHEMA_VERSION};{news_analyzer().settings()}"


class NewsBM25F(scoring.BM25F):
    """Whoosh's BM25F with Lucene's idf, log(1 + (N - df + 0.5) / (df + 0.5)), which does not
    keep very common words heavy the way Whoosh's log(N / (df + 1)) + 1 does."""

    def idf(self, searcher: Any, fieldname: str, text: bytes) -> float:
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        dc = parent.doc_count_all()
        return log(1 + (dc - n + 0.5) / (n + 0.5))


def weighting() -> scoring.WeightingModel:
    """Return the ranking model."""
    return NewsBM25F(B=0.75, K1=1.2)
