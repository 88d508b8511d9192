"""The written-form vocabulary read a field's stretch at a time is Whoosh's lexicon, exactly."""

from __future__ import annotations

from pathlib import Path

from newsgrep.index.search.searcher import Searcher
from newsgrep.index.whoosh_compat.lexicon import field_terms


def _decoded(terms: object) -> list[str]:
    return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in terms]  # type: ignore[attr-defined]


def test_field_terms_equal_whooshs_lexicon(sample_index: Path) -> None:
    with Searcher(sample_index) as s:
        reader = s.reader
        leaves = [reader] if reader.is_atomic() else [r for r, _ in reader.leaf_readers()]
        fields = ["title", "body", "wtitle", "wbody", "dtitle", "wdtitle", "source", "id", "path", "nosuch"]
        for leaf in leaves:
            for f in fields:
                want = _decoded(leaf.lexicon(f)) if f in leaf.schema and f != "nosuch" else []
                assert field_terms(leaf, f) == want, f
        assert field_terms(leaves[0], "wbody")  # the sample corpus has words
