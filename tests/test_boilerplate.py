"""Learned site boilerplate: the rule, and indexing real articles wrapped in a site's chrome."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, need_corpus, newsgrep
from newsgrep import api
from newsgrep.index.store import boilerplate as boilerplate_store
from newsgrep.index.store import catalog as store
from newsgrep.ingest.boilerplate import (
    article_keys,
    drop_lines,
    line_key,
    threshold,
)

HEADER = ["THE DAILY PLANET", "Home | World | Business | Sport"]
FOOTER = ["Share this story with your friends", "© 2019 The Daily Planet. All rights reserved."]
SHARED = "The minister said the talks would continue next week in Geneva."


def wikinews(n: int) -> list[dict[str, str]]:
    """Return n real Wikinews articles (CC BY 2.5) from the sample corpus."""
    with open(SAMPLE / "wikinews" / "wikinews_2019.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows[:n]


def write_site(folder: Path, rows: list[dict[str, str]], start: int = 0) -> list[Path]:
    """Save articles as a scraper would: the site's header, the article, the site's footer.
    The first two articles also share one sentence, as reprints do."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, r in enumerate(rows, start):
        extra = [SHARED] if i < 2 else []
        text = "\n".join(HEADER + ["", r["title"], "", r["text"], *extra, ""] + FOOTER) + "\n"
        path = folder / f"{r['date']}-{i:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def count(query: str, ix: Path) -> int:
    return api.count(query, str(ix))


def titles(ix: Path) -> set[str]:
    return {a.title for a in api.export(None, str(ix))}


# --- the rule ----------------------------------------------------------------------------------------

def test_line_keys_fold_case_and_spacing_only() -> None:
    assert line_key("Share  this story") == line_key("share this STORY ")
    assert line_key("Total Comments (0)") != line_key("Total Comments (1)")
    assert line_key("") is None and line_key("***") is None
    assert line_key("x" * 400) is None  # a paragraph, not chrome
    assert article_keys(["a line", "A line", "other"]) == [line_key("a line"), line_key("other")]


@pytest.mark.parametrize("occurrences, articles, boilerplate", [
    (2, 2, False), (3, 3, False), (4, 4, True),
    (7, 401, False),  # a columnist's bio under 7 of BBC tech's 401 articles
    (20, 401, False), (21, 401, True), (30, 401, True), (49, 1000, False), (50, 1000, True),
])
def test_two_or_three_articles_sharing_a_line_is_not_boilerplate(occurrences: int, articles: int,
                                                                 boilerplate: bool) -> None:
    """The rule production applies (the catalog's query keeps lines at or over the threshold)."""
    assert (occurrences >= threshold(articles)) is boilerplate


def test_an_article_that_is_mostly_learned_lines_keeps_them() -> None:
    learned = frozenset(k for k in article_keys(HEADER + FOOTER))
    article = HEADER + ["Title", "A long enough paragraph of the article itself, " * 3] + FOOTER
    assert drop_lines(article, learned) == article[2:4]
    duplicate = ["A reprinted line", "Another reprinted line"]
    assert drop_lines(duplicate, frozenset(article_keys(duplicate))) == duplicate


# --- real articles in a site's chrome ----------------------------------------------------------------

def test_site_chrome_is_learned_and_dropped(tmp_path: Path) -> None:
    rows = wikinews(30)
    write_site(tmp_path / "planet", rows)
    ix = tmp_path / "ix"
    report = api.build_index([str(tmp_path / "planet")], str(ix))
    assert report.ok and report.articles == 30
    assert count('"daily planet"', ix) == 0
    assert count('"all rights reserved"', ix) == 0
    assert count('share story friends', ix) == 0
    assert count(f'"{SHARED}"', ix) == 2          # two articles sharing a sentence keep it
    assert titles(ix) == {r["title"] for r in rows}  # the header no longer passes for the title
    hits = list(api.search('"Magnitogorsk"', str(ix)).hits)
    assert hits and all("Planet" not in s.text for h in hits for s in h.snippets)


def test_learning_follows_incremental_indexing(tmp_path: Path) -> None:
    rows = wikinews(13)
    site, ix = tmp_path / "planet", tmp_path / "ix"
    write_site(site, rows[:3])
    api.build_index([str(site)], str(ix))
    assert count('"daily planet"', ix) == 3        # three articles are too few to learn from
    added = write_site(site, rows[3:], start=3)
    report = api.build_index([str(site)], str(ix))
    assert (report.added, report.updated, report.unchanged) == (10, 3, 0)  # the 3 re-cleaned
    assert count('"daily planet"', ix) == 0
    assert titles(ix) == {r["title"] for r in rows}
    for path in added:
        path.unlink()
    report = api.build_index([str(site)], str(ix))
    assert report.removed == 10
    assert count('"daily planet"', ix) == 3        # back to three: nothing is learned any more


def test_remove_then_index_reconsiders_the_folder(tmp_path: Path) -> None:
    site, ix = tmp_path / "planet", tmp_path / "ix"
    paths = write_site(site, wikinews(6))
    api.build_index([str(site)], str(ix))
    assert count('"daily planet"', ix) == 0
    for p in paths[:3]:
        api.remove([str(p)], str(ix))
        p.unlink()
    api.build_index([str(site)], str(ix))
    assert count('"daily planet"', ix) == 3


def test_keep_boilerplate_flag_is_remembered(tmp_path: Path) -> None:
    site, ix = tmp_path / "planet", tmp_path / "ix"
    write_site(site, wikinews(8))
    newsgrep("index", str(site), "--index", str(ix), "-q", "--keep-boilerplate")
    assert count('"daily planet"', ix) == 8
    write_site(site, wikinews(9)[8:], start=8)     # a new file, no flag: the choice holds
    newsgrep("index", str(site), "--index", str(ix), "-q")
    assert count('"daily planet"', ix) == 9
    newsgrep("index", str(site), "--index", str(ix), "-q", "--drop-boilerplate")
    assert count('"daily planet"', ix) == 0
    assert count('"Geneva"', ix) >= 2


def test_folders_are_learned_apart(tmp_path: Path) -> None:
    rows = wikinews(12)
    write_site(tmp_path / "corpus" / "planet", rows[:6])
    other = tmp_path / "corpus" / "plain"
    other.mkdir(parents=True)
    for i, r in enumerate(rows[6:]):
        (other / f"{i}.txt").write_text(f"THE DAILY PLANET\n\n{r['title']}\n\n{r['text']}\n",
                                         encoding="utf-8")
    ix = tmp_path / "ix"
    api.build_index([str(tmp_path / "corpus")], str(ix))
    # Learned in planet/ (6 of 6), but a line only 6 files of plain/ have is learned there on
    # its own count, not borrowed from planet/.
    catalog = store.open_catalog(ix)
    try:
        learned = boilerplate_store.describe(catalog)
    finally:
        catalog.close()
    assert learned[str(tmp_path / "corpus" / "planet")] == 4
    assert learned[str(other)] == 1


@pytest.mark.corpus
def test_bbc_has_no_boilerplate(bbc_index: Path) -> None:
    need_corpus("bbc")
    catalog = store.open_catalog(bbc_index)
    try:
        learned = boilerplate_store.describe(catalog)
        now = {g: boilerplate_store.group_lines(catalog, g) for g in learned}
    finally:
        catalog.close()
    assert len(learned) == 5
    assert all(n == 0 for n in learned.values()), learned
    assert all(not keys for keys in now.values())


def test_sample_corpus_seed_is_not_touched(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    shutil.copytree(SAMPLE / "seed", seed)
    ix = tmp_path / "ix"
    api.build_index([str(seed)], str(ix))
    (hit,) = api.search("Idlib", str(ix)).hits
    assert hit.title == "12,000 people flee Idlib amid regime, Russian attacks"


@pytest.mark.parametrize("name, header, date", [
    ("2019-12-24-story.txt", "", "2019-12-24"),
    ("story-20191224.md", "", "2019-12-24"),
    ("story.txt", "Date: 24 December 2019\n\n", "2019-12-24"),
    ("story.txt", "Date: 2019-12-24T10:30:00Z\nSource: Reuters\n\n", "2019-12-24T10:30:00Z"),
    ("story.md", "---\ntitle: \"Front matter title\"\ndate: 2019-12-24\n---\n", "2019-12-24"),
])
def test_text_dates_survive_learning(tmp_path: Path, name: str, header: str, date: str) -> None:
    # Header lines repeat across a folder (same date, same source) but are never learned away.
    folder = tmp_path / "site"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}-{name}").write_text(f"{header}Headline {i}\n\nStory number {i} text.\n",
                                            encoding="utf-8")
    ix = tmp_path / "ix"
    api.build_index([str(folder)], str(ix))
    hits = list(api.search("story", str(ix), api.SearchOptions(limit=None)).hits)
    assert len(hits) == 6 and all(h.date == date for h in hits)
    if "Source:" in header:
        assert all(h.source == "Reuters" for h in hits)
