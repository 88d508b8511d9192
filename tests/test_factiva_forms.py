"""Factiva headers in every display form (issue 27): the one-line blog form loses no article of a
download, and the header lines after the source code are told apart (edition, pages, issue)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import need_corpus
from newsgrep.ingest.readers import read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

# The multi-line header of the real RTF download: word count, date, time, source, code, language.
_HEADER = re.compile(r"\\par \\uc2 (\d[\d,]*) \\uc2 words\\par \\uc2 ([^\\]+?)\\par (\d\d:\d\d)\\par "
                     r"\\uc2 ([^\\]+?)\\par \\uc2 ([A-Z]+)\\par \\uc2 English\\par ")


def _read(path: Path, kind: str) -> list[Article]:
    ctx = FileContext(path, f"t/{path.name}", kind)
    articles = list(read_articles(ctx))
    assert not ctx.skipped, ctx.skipped
    return articles


def test_blog_entries_with_a_one_line_header_are_read(tmp_path: Path) -> None:
    """The real download with its timed headers rewritten in the blog form
    ("WSJ Blogs, 11:02, 2 December 2019, 665 words, By WSJ Staff, (English)")."""
    src = need_corpus("formats", "factiva-rtf", "Factiva-20200920-1048.rtf")
    raw = src.read_bytes().decode("latin-1")
    documents = len(re.findall(r"\\uc2 Document [A-Za-z0-9]{15,40}\\par", raw))
    rewritten, changed = _HEADER.subn(
        lambda m: f"\\par \\uc2 {m[4]}, {m[3]}, {m[2]}, {m[1]} words, (English)\\par ", raw)
    assert changed >= 3
    blog = tmp_path / "blogs.rtf"
    blog.write_bytes(rewritten.encode("latin-1"))
    original, got = _read(src, "rtf"), _read(blog, "rtf")
    assert len(got) == len(original) == documents
    for a, b in zip(original, got):
        assert (b.id, b.title, b.date, b.source, b.lang) == (a.id, a.title, a.date, a.source, a.lang)
        assert b.body.split("\n")[-1] == a.body.split("\n")[-1]
    assert sum(1 for b in got if b.date and "T" in b.date) >= changed  # the time of the one line kept


def test_factiva_html_edition_holds_only_the_edition() -> None:
    """NYT 1993: each header has the edition "Late Edition - Final" and a page; neither the page
    nor the language ends up in `edition`."""
    path = need_corpus("formats", "factiva-html", "koheiw_nyt_1_1993-01-03.html")
    raw = path.read_bytes().decode("latin-1")
    editions = len(re.findall(r">\s*Late Edition - Final\s*<", raw))
    articles = _read(path, "html")
    extras = [a.extra or {} for a in articles]
    assert sum(e.get("edition") == "Late Edition - Final" for e in extras) == editions > 0
    for e in extras:
        assert not re.search(r"\d|English", e.get("edition", "")), e
        if "pages" in e:
            assert re.fullmatch(r"[A-Z]{0,2}\d{1,4}[A-Z]?(?:[-,]\s*[A-Z]{0,2}\d{1,4}[A-Z]?)*", e["pages"])
