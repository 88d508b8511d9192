"""An index records the versions that decide its terms (PyStemmer's, and what its Snowball
algorithm makes of a set of words) and asks for a rebuild when they change."""

from __future__ import annotations

from pathlib import Path

import pytest
import Stemmer

from conftest import SAMPLE
from newsgrep import api
from newsgrep.errors import IndexOutdated
from newsgrep.index.store.catalog import read_settings
from newsgrep.text import analysis


@pytest.fixture()
def seed_index(tmp_path: Path) -> str:
    ix = str(tmp_path / "ix")
    assert api.build_index([str(SAMPLE / "seed")], ix).articles == 1
    return ix


def test_the_index_records_the_stemmers_version(seed_index: str) -> None:
    recorded = read_settings(Path(seed_index)) or ""
    assert f"stem=english@pystemmer-{Stemmer.version()}:" in recorded


def test_another_stemmer_asks_for_a_rebuild_and_index_rebuilds(seed_index: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert api.count("Idlib", seed_index) == 1
    monkeypatch.setattr(analysis, "stemmer_version", lambda name: "@pystemmer-99.0:00000000")
    with pytest.raises(IndexOutdated, match="rebuild"):
        api.count("Idlib", seed_index)
    assert api.build_index([str(SAMPLE / "seed")], seed_index).rebuilt
    assert api.count("Idlib", seed_index) == 1


def test_the_digest_follows_what_the_algorithm_makes_of_words(monkeypatch: pytest.MonkeyPatch) -> None:
    here = analysis.stemmer_version("english")
    real = Stemmer.Stemmer

    class Changed:
        """A stemmer of the same version whose rules cut one word otherwise."""

        def __init__(self, name: str) -> None:
            self.real = real(name)

        def stemWords(self, words: list[str]) -> list[str]:  # noqa: N802 (PyStemmer's name)
            return [w[:3] if w == "generously" else s for w, s in zip(words, self.real.stemWords(words))]

    monkeypatch.setattr(Stemmer, "Stemmer", Changed)
    analysis.stemmer_version.cache_clear()
    try:
        assert analysis.stemmer_version("english") != here
        assert analysis.stemmer_version("english").startswith(f"@pystemmer-{Stemmer.version()}:")
    finally:
        analysis.stemmer_version.cache_clear()
    assert analysis.stemmer_version(None) == ""
