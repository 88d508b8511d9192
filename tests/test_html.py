"""The HTML reader: real saved pages from ../shared/corpora and made-up edge cases."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from conftest import REPO, need_corpus, run_process
from newsgrep.ingest.readers import kind_of, read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.html_meta import cut_site_name
from newsgrep.models import Article

BENCH = ("html", "article-extraction-benchmark")


def read(path: Path) -> Article:
    kind = kind_of(path)
    assert kind == "html"
    (a,) = read_articles(FileContext(path, f"t/{path.name}", kind))
    return a


def page(tmp_path: Path, html: str | bytes, name: str = "page.html") -> Article:
    path = tmp_path / name
    data = html.encode("utf-8") if isinstance(html, str) else html
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return read(path)


def bench_page(prefix: str) -> tuple[Article, dict[str, str]]:
    folder = need_corpus(*BENCH)
    (path,) = (folder / "html").glob(prefix + "*.html.gz")
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return read(path), truth[path.name.split(".")[0]]


# --- real pages -----------------------------------------------------------------------------------

@pytest.mark.corpus
def test_wsj_page_metadata_and_body() -> None:
    a, truth = bench_page("042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856")
    assert a.title == "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play…and Pay"
    assert a.date is not None and a.date.startswith("2019-11-19")
    assert a.source == "WSJ"
    assert a.author == "Sarah E. Needleman"
    assert a.url == truth["url"]
    assert a.lang == "en"
    assert a.body.startswith("Gaming used to be so simple.")
    assert not a.body.startswith(a.title)


@pytest.mark.corpus
def test_article_split_into_chunks_is_read_whole() -> None:
    # wired.com puts the article in several <div class="... article__body ..."> with ads between.
    a, truth = bench_page("2f42ef1d3ea0")
    assert "This phalanx of apps comprises an army of independent contractors" in a.body
    assert a.body.startswith(truth["articleBody"][:60])
    assert a.title == "The Future of Banking Is … You're Broke"  # "| WIRED" cut off


@pytest.mark.corpus
def test_entities_escaped_twice_in_og_title_are_decoded() -> None:
    folder = need_corpus(*BENCH)
    titles = [read(p).title for p in sorted((folder / "html").glob("*.html.gz"))[:60]]
    assert not [t for t in titles if "&#" in t or "&nbsp;" in t or "&amp;" in t]


@pytest.mark.corpus
def test_index_of_the_benchmark_folder_has_every_page(tmp_path: Path) -> None:
    from newsgrep import api

    html = need_corpus(*BENCH, "html")
    report = api.build_index([str(html)], str(tmp_path / "ix"), jobs=2)
    assert report.ok and report.articles == 181 and report.files_read == 181


@pytest.mark.corpus
@pytest.mark.subprocess
def test_extraction_benchmark_quick_run() -> None:
    need_corpus(*BENCH)
    out = run_process([sys.executable, str(REPO / "benchmarks" / "extraction.py"), "--quick", "--jobs", "1"],
                      timeout=600).out
    rows = {line.split("|")[1].split()[0]: line.split("|")
            for line in out.splitlines() if line.startswith(("| newsgrep", "| trafilatura"))}
    assert set(rows) == {"newsgrep", "trafilatura"}
    f1 = float(rows["newsgrep"][4])
    assert f1 > 0.85  # a sanity check that the run scored real bodies, not a quality bar


def test_benchmark_scoring_matches_the_benchmarks_own() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import extraction
    finally:
        sys.path.pop(0)
    assert extraction.match("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = extraction.match("a b c d e", "a b c d x")  # 2 true shingles, 2 predicted
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    # Precision is averaged over pages with a prediction, recall over pages with a truth.
    m = extraction.metrics([(0.0, 0.0, 1.0), (1.0, 0.0, 0.0)])
    assert m["precision"] == 1.0 and m["recall"] == 0.5


# --- made-up edge cases -----------------------------------------------------------------------------

def test_empty_page(tmp_path: Path) -> None:
    a = page(tmp_path, "")
    assert a.title == "" and a.body == ""


def test_page_with_only_a_script(tmp_path: Path) -> None:
    a = page(tmp_path, "<html><head><script>var secret = 'x';</script></head>"
                       "<body><script>document.write('hello')</script></body></html>")
    assert a.body == "" and "secret" not in a.title and "document" not in a.body


def test_date_only_in_json_ld(tmp_path: Path) -> None:
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Valley Courier"},
        {"@type": "NewsArticle", "headline": "Bridge reopens after repairs",
         "datePublished": "2019-12-24T08:30:00+01:00", "author": {"@type": "Person", "name": "Ana Ruiz"}}]}
    body = "".join(f"<p>The river bridge reopened on Tuesday after {n} weeks of repairs, "
                   "and traffic returned to the old town by the afternoon.</p>" for n in range(6))
    a = page(tmp_path, f"<html><head><title>Bridge reopens</title><script type='application/ld+json'>"
                       f"{json.dumps(ld)}</script></head><body><article>{body}</article></body></html>")
    assert a.date == "2019-12-24T07:30:00Z"
    assert a.title == "Bridge reopens after repairs"
    assert a.author == "Ana Ruiz" and a.source == "Valley Courier"
    assert "river bridge reopened" in a.body


def test_og_title_with_site_suffix_and_published_time(tmp_path: Path) -> None:
    a = page(tmp_path, """<html lang="en-GB"><head><title>Storm hits coast | Home | The Gazette</title>
        <meta property="og:title" content="Storm hits coast - The Gazette">
        <meta property="og:site_name" content="The Gazette">
        <meta property="article:published_time" content="2020-02-09T18:00:00Z">
        <link rel="canonical" href="https://gazette.example/storm">
        </head><body><article><h1>Storm hits coast</h1>
        <p>High winds brought down trees and power lines along the coast overnight, leaving
        thousands of homes without electricity until the early hours of the morning.</p>
        <p>Forecasters expect the wind to ease by the evening, though more rain is on the way
        for the rest of the week across the region.</p></article></body></html>""")
    assert a.title == "Storm hits coast"
    assert a.source == "The Gazette"
    assert a.date == "2020-02-09T18:00:00Z"
    assert a.url == "https://gazette.example/storm"
    assert a.lang == "en"
    assert a.body.startswith("High winds brought down trees")


def test_cp1252_page_without_charset_meta(tmp_path: Path) -> None:
    html = ("<html><body><article><p>The caf\xe9 on the corner charged \xa35 for a \x93quick\x94 "
            "coffee, na\xefve tourists were told, and nobody complained about it at all.</p>"
            "<p>Its owner, Ren\xe9e, said prices would stay the same through the winter season "
            "and into the spring.</p></article></body></html>").encode("latin-1")
    a = page(tmp_path, html)
    assert "café" in a.body and "£5" in a.body and "“quick”" in a.body and "Renée" in a.body
    assert "\ufffd" not in a.body


def test_declared_legacy_charset_is_honoured(tmp_path: Path) -> None:
    text = "Москва приняла новый бюджет города на следующий год после долгих споров в думе."
    html = (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
            f"</head><body><article><p>{text}</p><p>{text}</p></article></body></html>")
    a = page(tmp_path, html.encode("cp1251"))
    assert "Москва приняла новый бюджет" in a.body


def test_short_page_falls_back_to_visible_text(tmp_path: Path) -> None:
    a = page(tmp_path, "<html><body><nav>Home News</nav><main><p>Polls close at eight.</p></main>"
                       "<footer>Contact</footer></body></html>", "note.htm.gz")
    assert "Polls close at eight." in a.body
    assert "Contact" not in a.body and "Home News" not in a.body


@pytest.mark.parametrize("title, site, expected", [
    ("Headline here | Site", "Site", "Headline here"),
    ("Headline here - The Site", "The Site", "Headline here"),
    ("Site: Headline here", "Site", "Headline here"),
    ("Opinion | Republicans follow - The New York Times", "The New York Times", "Opinion | Republicans follow"),
    ("Pay - and play - more", None, "Pay - and play - more"),
    ("Well-known headline - Other", "Site", "Well-known headline - Other"),
])
def test_cut_site_name(title: str, site: str | None, expected: str) -> None:
    assert cut_site_name(title, site) == expected


def test_xhtml_page_with_xml_declaration(tmp_path: Path) -> None:
    body = "".join(f"<p>Paragraph {i} of a long report on the river bridge reopening after "
                   "repairs in the old town.</p>" for i in range(6))
    a = page(tmp_path, '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>'
                       '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Bridge</title>'
                       f"</head><body><article>{body}</article></body></html>", "page.xhtml")
    assert a.title == "Bridge" and a.body.startswith("Paragraph 0 of a long report")
