"""A file read as one article that looks like many records is named on stderr (issue 27), so that
nobody counts a database export in a format newsgrep does not read as one story."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import need_corpus, newsgrep
from newsgrep.ingest.readers import kind_of, read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

pytestmark = pytest.mark.corpus  # BBC, Cranfield and saved pages


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
    assert len(warned) == 1 and "'Titel:'" in warned[0] and "'Quelle:'" in warned[0] and "12 times" in warned[0]


def test_single_stories_are_not_named() -> None:
    """No story of a real single-article corpus (the BBC's business folder) is taken for many."""
    folder = need_corpus("bbc", "business")
    files = sorted(folder.glob("*.txt"))
    assert len(files) > 500
    flagged = [p.name for p in files if _read(p)[1]]
    assert flagged == []


def test_the_warning_prints_under_quiet(tmp_path: Path) -> None:
    src = need_corpus("ir", "cranfield", "cran.all.1400")
    (tmp_path / "c").mkdir()
    shutil.copyfile(src, tmp_path / "c" / "cran.txt")
    ran = newsgrep("index", str(tmp_path / "c"), "--index", str(tmp_path / "ix"), "-q")
    assert "cran.txt" in ran.err and "looks like many records" in ran.err


def test_a_numbered_headline_list_is_named(tmp_path: Path) -> None:
    """A Mediargus-style list (apa-defacto/SOURCE.md describes AmCAT's mediargus.txt: numbered
    headlines, each over a "De Morgen, woensdag 30 november 2011, p. 23, 853w." line)."""
    days = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    items = [f"{i}. Kop van bericht {i}\n\nDe Morgen, {days[i % 7]} {i} november 2011, p. {i + 2}, {100 + i}w.\n\n"
             f"Een korte samenvatting van bericht {i} over de politiek.\n\n" for i in range(1, 13)]
    path = tmp_path / "lijst.txt"
    path.write_text("\n".join(items), encoding="utf-8")
    _, warned = _read(path)
    assert len(warned) == 1 and "12 numbered headlines" in warned[0]


def test_a_numbered_list_in_a_story_is_not_named(tmp_path: Path) -> None:
    path = tmp_path / "tips.txt"
    path.write_text("Ten tips for savers\n\n" + "\n\n".join(f"{i}. Save a little more each month, tip {i}."
                                                          for i in range(1, 11)), encoding="utf-8")
    _, warned = _read(path)
    assert warned == []


def test_a_clipping_page_of_many_items_is_named(tmp_path: Path) -> None:
    """A clipping service's HTML page: numbered items, each headline over a source and date line,
    whatever part of the page the extractor takes as the article."""
    items = "".join(f"<div class='hit'><h3>{i}. Meldung Nummer {i} aus Wien</h3><p class='src'>Der Standard, "
                    f"{i:02d}.03.2019</p><p>Ein Satz zu Meldung {i} über den Gemeinderat.</p></div>"
                    for i in range(1, 46))
    path = tmp_path / "clipping.html"
    path.write_text(f"<html><head><title>Pressespiegel</title></head><body>{items}</body></html>",
                    encoding="utf-8")
    _, warned = _read(path)
    assert len(warned) == 1 and "45 numbered headlines" in warned[0]


def test_saved_news_pages_are_not_named() -> None:
    """No page of the article-extraction benchmark (real news pages, one story each) is taken for many."""
    pages = sorted(need_corpus("html", "article-extraction-benchmark", "html").glob("*.html.gz"))[:60]
    assert len(pages) == 60
    flagged = [p.name for p in pages if _read(p)[1]]
    assert flagged == []
