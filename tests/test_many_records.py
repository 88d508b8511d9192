"""A file read as one article that looks like many records is named on stderr (issue 27), so that
nobody counts a database export in a format newsgrep does not read as one story."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import need_corpus
from newsgrep.ingest.readers import kind_of, read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article


def _read(path: Path) -> tuple[list[Article], list[str]]:
    ctx = FileContext(path, f"t/{path.name}", kind_of(path) or "data")
    articles = list(read_articles(ctx))
    return articles, [w.message for w in ctx.warnings if "many records" in w.message]


def test_a_collection_of_records_under_txt_is_named(tmp_path: Path) -> None:
    """The Cranfield collection (SMART format: ".I n" opens each record) saved as .txt."""
    src = need_corpus("ir", "cranfield", "cran.all.1400")
    records = len(re.findall(r"^\.I \d+\s*$", src.read_text(encoding="utf-8", errors="replace"), re.MULTILINE))
    path = tmp_path / "cran.txt"
    shutil.copyfile(src, path)
    articles, warned = _read(path)
    assert len(articles) == 1
    assert len(warned) == 1 and f"repeats {records:,} times" in warned[0] and "'.I 1'" in warned[0]


def test_an_article_of_over_20000_words_is_named(tmp_path: Path) -> None:
    """A folder of BBC stories pasted into one file: far over the length of any story."""
    folder = need_corpus("bbc", "tech")
    text = "\n\n".join(p.read_text(encoding="latin-1") for p in sorted(folder.glob("*.txt"))[:80])
    words = len(re.findall(r"\w+", text))
    assert words > 20_000
    path = tmp_path / "pasted.txt"
    path.write_text(text, encoding="utf-8")
    _, warned = _read(path)
    assert len(warned) == 1 and "words" in warned[0]


def test_field_headers_repeating_are_named(tmp_path: Path) -> None:
    """A clipping list: each item opens with the same labelled fields."""
    items = [f"Titel: Meldung {i}\nQuelle: Der Standard\nDatum: {i:02d}.03.2019\n\nEin Satz über Wien.\n"
             for i in range(1, 13)]
    path = tmp_path / "clippings.txt"
    path.write_text("\n".join(items), encoding="utf-8")
    _, warned = _read(path)
    assert len(warned) == 1 and "'Titel:'" in warned[0] and "12 times" in warned[0]


def test_single_stories_are_not_named() -> None:
    """No story of a real single-article corpus (the BBC's business folder) is taken for many."""
    folder = need_corpus("bbc", "business")
    files = sorted(folder.glob("*.txt"))
    assert len(files) > 500
    flagged = [p.name for p in files if _read(p)[1]]
    assert flagged == []


def test_the_warning_prints_under_quiet(tmp_path: Path) -> None:
    from newsgrep.cli import cli

    src = need_corpus("ir", "cranfield", "cran.all.1400")
    (tmp_path / "c").mkdir()
    shutil.copyfile(src, tmp_path / "c" / "cran.txt")
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "c"), "--index", str(tmp_path / "ix"), "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert "cran.txt" in result.output and "looks like many records" in result.output
