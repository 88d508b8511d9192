"""The index schema and the settings recorded with an index.

- ``title``, ``body``: index terms with positions (stemmed; phrases, ranking).
- ``wtitle``, ``wbody``: the written forms of the same text (folded, not stemmed, stopwords kept)
  with their positions (the same positions as the terms'): what wildcards, fuzzy words and
  spelling variants match, and what a phrase's stopwords and wildcards match at their places.
- ``dtitle``, ``wdtitle``: a title derived from the body (a record without a headline): found by
  ``title:`` only, so that a plain word counts its words once, where the body has them;
  ``title_derived`` (stored) says so.
- ``source``, ``author``: written forms with positions (``source:"le monde"``); ``source_key``
  the whole name lower-cased (``--source``); ``date`` the publication instant (UTC, a column
  and numeric terms for ranges), ``date_text`` the date as the source gave it.
- ``source_name`` and ``minhash`` columns: per-article values read without the stored fields.
"""

from __future__ import annotations

from typing import Any

from whoosh import columns, fields, formats

from newsgrep.index.query.analysis import NewsAnalyzer
from newsgrep.text.analysis import DEFAULT_ANALYSIS, AnalysisSettings

# Bump when the schema or what goes into it changes; an index built otherwise is rebuilt.
SCHEMA_VERSION = 6
SEARCH_FIELDS = ("title", "body")           # what a word without a field searches
# where their written forms are (source and author are written forms themselves)
WRITTEN_FIELDS = {"title": "wtitle", "body": "wbody", "dtitle": "wdtitle"}
TITLE_FIELDS = ("title", "dtitle")          # what title: searches (a derived title too)


def _written_field(analyzer: NewsAnalyzer) -> Any:
    return fields.FieldType(format=formats.Positions(), analyzer=analyzer, scorable=False,
                            stored=False)


def build_schema(settings: AnalysisSettings = DEFAULT_ANALYSIS) -> fields.Schema:
    """Return the schema of a newsgrep index analysed with these settings."""
    terms = NewsAnalyzer(settings, "term")
    written = NewsAnalyzer(settings, "written")
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        path=fields.ID(stored=True),
        title=fields.TEXT(analyzer=terms, stored=True, phrase=True),
        body=fields.TEXT(analyzer=terms, stored=True, phrase=True),
        wtitle=_written_field(written),
        wbody=_written_field(written),
        dtitle=fields.TEXT(analyzer=terms, stored=False, phrase=True),
        wdtitle=_written_field(written),
        title_derived=fields.STORED(),
        date=fields.DATETIME(sortable=True),
        date_text=fields.STORED(),
        source=fields.TEXT(analyzer=written, stored=True, phrase=True),
        source_key=fields.ID(),
        author=fields.TEXT(analyzer=written, stored=True, phrase=True),
        url=fields.STORED(),
        lang=fields.STORED(),
        extra=fields.STORED(),
        source_name=fields.COLUMN(columns.VarBytesColumn()),
        minhash=fields.COLUMN(columns.VarBytesColumn()),
    )


def analysis_settings(settings: AnalysisSettings = DEFAULT_ANALYSIS) -> str:
    """Describe everything that decides what goes into the index."""
    return f"schema={SCHEMA_VERSION};{settings.describe()}"


def index_analysis(schema: Any) -> AnalysisSettings:
    """Return the analysis settings an index's schema was built with."""
    analyzer = schema["body"].analyzer
    return analyzer.settings if isinstance(analyzer, NewsAnalyzer) else DEFAULT_ANALYSIS
