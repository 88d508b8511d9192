"""Research commands on real corpora: timeline, kwic, show, stats, export, --variants, --dedup."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from oracle import read_reuters

from conftest import SAMPLE, need_corpus, newsgrep
from newsgrep import api
from newsgrep.api import SearchOptions


@pytest.mark.corpus
def test_coffee_timeline_adds_up_and_has_every_month(reuters_index: Path) -> None:
    ix = str(reuters_index)
    _, out, err = newsgrep("timeline", "coffee", "--by", "month", "--json", "--index", ix)
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["period"] for r in rows] == [f"1987-{m:02d}" for m in range(2, 11)]
    hits = int(newsgrep("search", "coffee", "-c", "--index", ix).out)
    assert sum(r["count"] for r in rows) == hits
    for r in rows:
        assert r["total"] >= r["count"] >= 0
        assert r["share"] == (round(r["count"] / r["total"], 6) if r["total"] else 0)
        # each month's count is the count of a search filtered to that month
        assert r["count"] == api.count("coffee", ix, SearchOptions(since=r["period"], until=r["period"]))
    _, out, _ = newsgrep("timeline", "coffee", "--by", "month", "--index", ix, "--color", "never")
    assert out.splitlines()[0].startswith("1987-02 ") and "█" in out


@pytest.mark.corpus
def test_timeline_respects_filters_and_periods(reuters_index: Path) -> None:
    ix = str(reuters_index)
    tl = api.timeline("coffee", ix, SearchOptions(since="1987-03", until="1987-03"), by="week")
    assert tl.rows and all(r.period.startswith("1987-W") for r in tl.rows)
    assert sum(r.count for r in tl.rows) == api.count("coffee", ix, SearchOptions(since="1987-03", until="1987-03"))
    days = api.timeline("coffee", ix, SearchOptions(since="1987-03-02", until="1987-03-06"), by="day")
    assert days.rows and days.rows[0].period >= "1987-03-02" and len(days.rows) <= 5
    assert sum(r.count for r in days.rows) == api.count(
        "coffee", ix, SearchOptions(since="1987-03-02", until="1987-03-06"))


@pytest.mark.corpus
def test_kwic_on_reuters(reuters_index: Path) -> None:
    ix = str(reuters_index)
    _, out, _ = newsgrep("kwic", "coffee", "--width", "30", "--json", "--index", ix, "--since", "1987-10")
    rows = [json.loads(x) for x in out.splitlines()]
    assert rows
    for r in rows:
        assert list(r) == ["id", "date", "left", "match", "right"]
        assert r["match"].lower().startswith("coffee")
        assert len(r["left"]) <= 30 and len(r["right"]) <= 30
        assert r["date"] >= "1987-10"
    _, out, _ = newsgrep("kwic", "coffee", "--sort", "right", "--csv", "--index", ix, "--since", "1987-10")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["id", "date", "left", "match", "right"] and len(table) == len(rows) + 1
    rights = [r[4].lower().split() for r in table[1:]]
    assert rights == sorted(rights)
    _, out, _ = newsgrep("kwic", "coffee", "--index", ix, "--since", "1987-10", "--color", "never")
    lines = out.splitlines()
    assert len(lines) == len(rows)
    col = lines[0].lower().index("coffee")
    assert all(line.lower().index("coffee", col - 2) in range(col - 2, col + 3) for line in lines[:20])


@pytest.mark.corpus
def test_show_stats_export_on_reuters(reuters_index: Path) -> None:
    ix = str(reuters_index)
    first = next(api.search("coffee quota", ix).hits)
    _, out, _ = newsgrep("show", first.id, "--index", ix, "--json")
    rec = json.loads(out)
    assert list(rec) == ["id", "path", "title", "body", "date", "source", "url", "author", "lang",
                                      "extra"]
    assert rec["id"] == first.id and "quota" in rec["body"].lower()
    _, out, _ = newsgrep("show", first.id, "--index", ix, "--query", "coffee", "--color", "always")
    assert "\x1b[1;31m" in out and first.title.split()[0] in out and "date: 1987-" in out
    newsgrep("show", "no-such-id", "--index", ix, status=1)
    _, out, _ = newsgrep("stats", "--json", "--index", ix)
    st = json.loads(out)
    assert st["articles"] > 20000 and st["first_date"].startswith("1987-02")
    assert st["last_date"].startswith("1987-10") and st["sources"] == {"Reuters": st["articles"]}
    stories = read_reuters(need_corpus("reuters21578"))  # the raw SGML, read by the oracle
    assert st["articles"] == len(stories) and st["undated"] == sum(1 for d in stories if d.date is None)
    assert st["size_bytes"] > 1_000_000 and st["index"] == ix
    _, out, _ = newsgrep("export", "coffee", "--csv", "--index", ix, "--until", "1987-03-05")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["id", "path", "title", "body", "date", "source", "url", "author", "lang"]
    assert len(table) - 1 == api.count("coffee", ix, SearchOptions(until="1987-03-05"))
    _, out, _ = newsgrep("export", "coffee", "--index", ix, "--sort", "oldest", "--since", "1987-10")
    dates = [json.loads(x)["date"] for x in out.splitlines()]
    assert dates == sorted(dates) and len(dates) > 3


def test_export_everything_without_query(sample_index: Path) -> None:
    _, out, _ = newsgrep("export", "--index", str(sample_index))
    rows = [json.loads(x) for x in out.splitlines()]
    assert len(rows) == 172
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    seed = [r for r in rows if r["source"] == "seed"][0]
    assert seed["title"] == "12,000 people flee Idlib amid regime, Russian attacks"
    assert "Search For Keyword" not in seed["body"]


def _variant_corpus(tmp_path: Path) -> Path:
    docs = tmp_path / "syria"
    docs.mkdir()
    (docs / "seed.txt").write_bytes((SAMPLE / "seed" / "000_149819f5d793fd8c.txt").read_bytes())
    texts = {
        "a.txt": "Shelling near Maarat al-Numan\n\nThe town of Maarat al-Numan was shelled again.",
        "b.txt": "Displaced families\n\nFamilies fled Ma'arrat al-Nu'man towards the border.",
        "c.txt": "Highway battle\n\nFighting reached Maarrat an-Numan on the M5 highway.",
        "d.txt": "Hospital hit\n\nA hospital in Maʿarrat al-Nuʿmān was damaged.",
        "decoy.txt": "Cabinet news\n\nThe minister Numan Kurtulmus met officials. Later, Marrat "
                     "Smith, a visiting economist, spoke about trade.",
    }
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def test_variants_find_all_spellings_not_the_decoy(tmp_path: Path) -> None:
    docs = _variant_corpus(tmp_path)
    ix = str(tmp_path / "ix")
    api.build_index([str(docs)], ix)
    plain = {h.id for h in api.search('"Maarat al-Numan"', ix, SearchOptions(limit=None)).hits}
    assert plain == {"syria/a.txt"}
    found = {h.id for h in api.search("Maarat al-Numan", ix, SearchOptions(limit=None, variants=True)).hits}
    assert found == {"syria/a.txt", "syria/b.txt", "syria/c.txt", "syria/d.txt", "syria/seed.txt"}
    _, out, err = newsgrep("search", "Maarat al-Numan", "--variants", "--json", "--index", ix, "-n", "0")
    terms = {r["id"]: r["matched_terms"] for r in map(json.loads, out.splitlines())}
    assert set(terms["syria/seed.txt"]) >= {"marratinnuman", "maaret", "numaan", "numan"}
    assert "syria/decoy.txt" not in terms
    _, out, err = newsgrep("search", "Maarat al-Numan", "--variants", "--index", ix, "--color", "never")
    assert "spellings found" in err and "marratinnuman (1)" in err


@pytest.mark.corpus
def test_dedup_groups_reprints_of_a_wire_story(tmp_path: Path) -> None:
    bbc = need_corpus("bbc")
    story = (bbc / "business" / "001.txt").read_text(encoding="utf-8").split("\n")
    title, paras = story[0], [p for p in story[1:] if p.strip()]
    docs = tmp_path / "wire"
    docs.mkdir()
    body = "\n\n".join(paras)
    (docs / "2005-01-10-original.txt").write_text(f"{title}\n\n{body}")
    (docs / "2005-01-11-herald.txt").write_text(
        f"TimeWarner profits jump on adverts\n\nBy our business staff\n\n{body.replace('Quarterly', 'Three-monthly')}")
    (docs / "2005-01-12-gazette.txt").write_text(f"{title} (wire)\n\n" + "\n\n".join(paras[:-1]))
    for name in ("business/002.txt", "business/003.txt", "tech/001.txt"):
        src = bbc / name
        (docs / name.replace("/", "-")).write_text(src.read_text(encoding="utf-8", errors="replace"))
    ix = str(tmp_path / "ix")
    api.build_index([str(docs)], ix)
    q = "TimeWarner"
    assert api.count(q, ix) == 3
    hits = list(api.search(q, ix, SearchOptions(dedup=True)).hits)
    assert len(hits) == 1
    assert hits[0].id == "wire/2005-01-10-original.txt"
    assert set(hits[0].duplicates or ()) == {"wire/2005-01-11-herald.txt", "wire/2005-01-12-gazette.txt"}
    assert api.count(q, ix, SearchOptions(dedup=True)) == 1
    _, out, _ = newsgrep("search", q, "--dedup", "--json", "--index", ix)
    row = json.loads(out)
    assert row["duplicates"] == ["wire/2005-01-11-herald.txt", "wire/2005-01-12-gazette.txt"]  # sorted
    other = {h.id for h in api.search("profit OR games OR sales", ix, SearchOptions(dedup=True, limit=None)).hits}
    assert len(other) >= 3  # different stories stay apart


@pytest.mark.corpus
def test_dedup_on_bbc_finds_the_known_duplicate(bbc_index: Path) -> None:
    hits = list(api.search('"quit claim"', str(bbc_index), SearchOptions(dedup=True, limit=None)).hits)
    plain = list(api.search('"quit claim"', str(bbc_index), SearchOptions(limit=None)).hits)
    assert len(plain) >= 2 and len(hits) == len(plain) - 1
    grouped = [h for h in hits if h.duplicates]
    assert grouped and {grouped[0].id, *grouped[0].duplicates} == {"bbc/politics/218.txt", "bbc/politics/253.txt"}


def test_explain_describes_the_query(sample_index: Path) -> None:
    _, out, err = newsgrep("search", "Idlib refugee*", "--explain", "--index", str(sample_index), "-c")
    assert out == "1\n"
    assert "all words (AND)" in err and "idlib" in err and "refuge" in err
    assert "matching articles: 1" in err
