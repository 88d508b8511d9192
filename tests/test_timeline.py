"""timeline: periods cut by --since/--until, the undated count on every row, rows per source, and
sharded answers equal to one index's. Expected numbers come from the raw files (regexes here)."""

from __future__ import annotations

import collections
import csv
import gzip
import html
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import SAMPLE, need_corpus, newsgrep
from newsgrep import api

pytestmark = pytest.mark.corpus  # Reuters-21578 and BBC indexes

# Reuters-21578 files around the cut weeks of March 1987: 000-001 run from 26 February to
# 5 March, 011-012 from 30 March to 3 April, so both weeks that --since 1987-03-01 --until
# 1987-03-31 cut (W09, from 23 February; W14, to 5 April) hold articles on both sides of the cut.
REUTERS_FILES = ("reut2-000.sgm.gz", "reut2-001.sgm.gz", "reut2-011.sgm.gz", "reut2-012.sgm.gz")

_DOC = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_TEXT = re.compile(r"<TEXT[^>]*>(.*?)</TEXT>", re.S)
_TAG = re.compile(r"<[^>]+>")
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}


def reuters_days(files: list[Path], word: re.Pattern[str]) -> tuple[collections.Counter[date | None],
                                                                     collections.Counter[date | None]]:
    """Count, per day of <DATE>, the stories with any text and those whose text the word matches."""
    stories: collections.Counter[date | None] = collections.Counter()
    hits: collections.Counter[date | None] = collections.Counter()
    for f in files:
        raw = gzip.decompress(f.read_bytes()).decode("latin-1")
        for doc in _DOC.findall(raw):
            m = _TEXT.search(doc)
            text = html.unescape(_TAG.sub(" ", m[1])) if m else ""
            if not text.strip():
                continue
            d = _DATE.search(doc)
            day = date(int(d[3]), _MONTHS[d[2].upper()], int(d[1])) if d else None
            stories[day] += 1
            hits[day] += bool(word.search(text))
    return stories, hits


@pytest.fixture(scope="module")
def reuters_march(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """An index of four Reuters-21578 SGML files, read by newsgrep's own SGML reader."""
    folder = need_corpus("reuters21578")
    files = [folder / name for name in REUTERS_FILES]
    ix = tmp_path_factory.mktemp("reuters-march") / "ix"
    report = api.build_index([str(f) for f in files], str(ix))
    assert report.articles > 3000
    return ix, files


def cli_run(args: list[str], status: int = 0) -> tuple[int, str]:
    """Run a command line through the suite's harness, which fails unless it exits with ``status``."""
    ran = newsgrep(*args, status=status)
    return ran.status, ran.out


def _json_rows(args: list[str]) -> tuple[int, list[dict[str, object]]]:
    code, out = cli_run(args)
    return code, [json.loads(line) for line in out.splitlines()]


def test_a_cut_week_counts_and_totals_only_its_days_inside_the_filter(reuters_march: tuple[Path, list[Path]]) -> None:
    ix, files = reuters_march
    stories, hits = reuters_days(files, re.compile(r"\bcoffees?\b", re.I))
    since, until = date(1987, 3, 1), date(1987, 3, 31)
    inside = [since + timedelta(n) for n in range((until - since).days + 1)]
    expected = []
    monday = since - timedelta(since.weekday())
    while monday <= until:
        week = [monday + timedelta(n) for n in range(7)]
        days = [d for d in week if since <= d <= until]
        count, total = sum(hits[d] for d in days), sum(stories[d] for d in days)
        y, w, _ = monday.isocalendar()
        expected.append({"period": f"{y}-W{w:02d}", "count": count, "total": total,
                         "share": round(count / total, 6) if total else 0.0,
                         "partial": len(days) < 7, "undated": 0})
        monday += timedelta(7)
    while expected and expected[-1]["count"] == 0:  # rows run from the first to the last week with a hit
        expected.pop()
    while expected and expected[0]["count"] == 0:
        expected.pop(0)
    assert expected[0]["period"] == "1987-W09" and expected[0]["partial"] and expected[-1]["period"] == "1987-W14"
    # the cut weeks hold articles outside the filter, which must not be counted
    assert stories[date(1987, 2, 26)] and stories[date(1987, 4, 1)] and sum(hits[d] for d in inside) > 20
    code, rows = _json_rows(["timeline", "coffee", "--by", "week", "--since", "1987-03-01", "--until", "1987-03-31",
                             "--json", "--index", str(ix)])
    assert code == 0 and rows == expected
    code, out = cli_run(["timeline", "coffee", "--by", "week", "--since", "1987-03-01", "--until", "1987-03-31",
                         "--csv", "--index", str(ix)])
    lines = list(csv.reader(out.splitlines()))
    assert lines[0] == ["period", "count", "total", "share", "partial", "undated"]
    assert [(r[0], int(r[1]), int(r[2]), r[4]) for r in lines[1:]] == [
        (e["period"], e["count"], e["total"], "true" if e["partial"] else "false") for e in expected]
    code, out = cli_run(["timeline", "coffee", "--by", "week", "--since", "1987-03-01", "--until", "1987-03-31",
                         "--color", "never", "--index", str(ix)])
    marked = [line.split()[0] for line in out.splitlines() if line.rstrip().endswith("partial")]
    assert marked == [e["period"] for e in expected if e["partial"]] == ["1987-W09", "1987-W14"]


def test_a_day_filter_inside_one_month_marks_it_partial(reuters_march: tuple[Path, list[Path]]) -> None:
    ix, files = reuters_march
    stories, hits = reuters_days(files, re.compile(r"\bcoffees?\b", re.I))
    code, rows = _json_rows(["timeline", "coffee", "--by", "month", "--since", "1987-03-02", "--json",
                             "--index", str(ix)])
    march = [date(1987, 3, d) for d in range(2, 32)]
    april = [date(1987, 4, d) for d in range(1, 31)]
    assert code == 0 and rows == [
        {"period": "1987-03", "count": sum(hits[d] for d in march), "total": sum(stories[d] for d in march),
         "share": round(sum(hits[d] for d in march) / sum(stories[d] for d in march), 6), "partial": True,
         "undated": 0},
        {"period": "1987-04", "count": sum(hits[d] for d in april), "total": sum(stories[d] for d in april),
         "share": round(sum(hits[d] for d in april) / sum(stories[d] for d in april), 6), "partial": False,
         "undated": 0}]


def _sample_articles() -> list[tuple[str, str | None, str, str]]:
    """Read the sample corpus raw: (text, date, source, title) of each article."""
    out = []
    with (SAMPLE / "wikinews" / "wikinews_2019.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out.append((row["title"] + "\n" + row["text"], row["date"] or None, "wikinews", row["title"]))
    seed = next((SAMPLE / "seed").glob("*.txt")).read_text(encoding="utf-8")
    out.append((seed, None, "seed", seed.splitlines()[0]))
    return out


@pytest.fixture(scope="module")
def sample_one_and_sharded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample corpus as one index and as a sharded index of three shards."""
    tmp = tmp_path_factory.mktemp("sample-shards")
    one, sharded = tmp / "one", tmp / "sharded"
    assert api.build_index([str(SAMPLE)], str(one), exclude=["README.md"]).articles == 172
    assert api.build_index([str(SAMPLE)], str(sharded), exclude=["README.md"], shards=3).articles == 172
    return one, sharded


def test_by_source_counts_every_match_dated_or_not(sample_one_and_sharded: tuple[Path, Path]) -> None:
    one, _ = sample_one_and_sharded
    word = re.compile(r"\brussia(?:'s)?\b", re.I)
    articles = _sample_articles()
    matches = collections.Counter(src for text, _, src, _ in articles if word.search(text))
    totals = collections.Counter(src for _, _, src, _ in articles)
    undated = sum(1 for text, day, _, _ in articles if day is None and word.search(text))
    assert matches["seed"] == 1 and undated == 1  # the seed article is undated
    code, rows = _json_rows(["timeline", "Russia", "--by", "source", "--json", "--index", str(one)])
    assert code == 0 and rows == [
        {"source": s, "count": matches[s], "total": totals[s], "share": round(matches[s] / totals[s], 6),
         "partial": False, "undated": undated} for s in sorted(matches, key=lambda s: (-matches[s], s))]
    for row in rows:  # each row is what search -c --source counts
        assert cli_run(["search", "Russia", "-c", "--source", str(row["source"]), "--index", str(one)])[1] == \
            f"{row['count']}\n"


def test_by_source_adds_up_to_search_count_per_source_on_bbc(bbc_index: Path) -> None:
    bbc = need_corpus("bbc")
    word = re.compile(r"\bblair(?:'s)?\b", re.I)
    matches: collections.Counter[str] = collections.Counter()
    totals: collections.Counter[str] = collections.Counter()
    for f in bbc.glob("*/*.txt"):
        totals[f.parent.name] += 1
        matches[f.parent.name] += bool(word.search(f.read_text(encoding="latin-1")))
    code, rows = _json_rows(["timeline", "Blair", "--by", "source", "--json", "--index", str(bbc_index)])
    assert code == 0
    assert {r["source"]: (r["count"], r["total"]) for r in rows} == {
        s: (matches[s], totals[s]) for s in matches if matches[s]}
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    for r in rows:
        code, out = cli_run(["search", "Blair", "-c", "--source", str(r["source"]), "--index", str(bbc_index)])
        assert int(out) == r["count"]


def test_undated_matches_are_on_every_row(sample_one_and_sharded: tuple[Path, Path]) -> None:
    one, _ = sample_one_and_sharded
    word = re.compile(r"\brussia(?:'s)?\b", re.I)
    dated = [day for text, day, _, _ in _sample_articles() if day and word.search(text)]
    code, rows = _json_rows(["timeline", "Russia", "--by", "year", "--json", "--index", str(one)])
    assert code == 0 and rows == [{"period": "2019", "count": len(dated), "total": 171,
                                   "share": round(len(dated) / 171, 6), "partial": False, "undated": 1}]


@pytest.mark.parametrize("args", [
    ("Russia", "--by", "week", "--since", "2019-03-13", "--until", "2019-10-02"),
    ("Russia", "--by", "month", "--since", "2019-03-13", "--mentions"),
    ("Russia OR Syria", "--by", "source"),
    ("Russia Syria", "--any", "--by", "source", "--mentions"),
    ("Russia", "--by", "day", "--until", "2019-02", "--source", "wikinews"),
])
def test_sharded_timelines_equal_one_index(sample_one_and_sharded: tuple[Path, Path], args: tuple[str, ...]) -> None:
    one, sharded = sample_one_and_sharded
    for fmt in ("--json", "--csv"):
        expected = cli_run(["timeline", *args, fmt, "--index", str(one)])
        assert expected[0] == 0 and expected[1]
        assert cli_run(["timeline", *args, fmt, "--index", str(sharded)]) == expected
