"""Readers: each format on real files from ../shared/corpora and on made-up edge cases."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from conftest import SAMPLE, need_corpus
from newsgrep.errors import ReadError
from newsgrep.ingest.readers import kind_of, read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.decode import decode_bytes, read_text


def read(path: Path, file_id: str = "t/x", field_map: dict[str, str] | None = None) -> list:
    kind = kind_of(path)
    assert kind is not None
    return list(read_articles(FileContext(path, file_id, kind, field_map or {})))


def test_kinds_by_suffix_without_case() -> None:
    assert kind_of(Path("a.TXT")) == "txt"
    assert kind_of(Path("a.jsonl.gz")) == "jsonl"
    assert kind_of(Path("a.Html.GZ")) == "html"
    assert kind_of(Path("a.pdf")) is None
    assert kind_of(Path("README")) is None


def test_seed_title_skips_site_chrome() -> None:
    (a,) = read(SAMPLE / "seed" / "000_149819f5d793fd8c.txt")
    assert a.title == "12,000 people flee Idlib amid regime, Russian attacks"
    for chrome in ("Search For Keyword", "Total Comments", "Please fill the fields below",
                   "code confirming note", "(57)"):
        assert chrome not in a.body
    assert "Zaman Al Wasl, Agencies" in a.body
    assert a.body.startswith("Fleeing attacks by the al-Assad regime")
    assert a.source == "seed"


@pytest.mark.corpus
def test_bbc_text_file() -> None:
    (a,) = read(need_corpus("bbc", "business", "001.txt"))
    assert a.title == "Ad sales boost Time Warner profit"
    assert a.body.startswith("Quarterly profits at US media giant TimeWarner")
    assert a.source == "business" and a.date is None


@pytest.mark.corpus
def test_bbc_latin1_byte_reads_as_pound() -> None:
    (a,) = read(need_corpus("bbc", "sport", "199.txt"))
    assert "£15.8m" in a.body
    assert "\ufffd" not in a.body


@pytest.mark.corpus
def test_every_bbc_file_decodes_without_replacement_characters() -> None:
    bbc = need_corpus("bbc")
    files = sorted(bbc.glob("*/*.txt"))
    assert len(files) == 2225
    for f in files:
        assert "\ufffd" not in read_text(f), f


def test_wikinews_csv_records() -> None:
    arts = read(SAMPLE / "wikinews" / "wikinews_2019.csv", "wikinews/wikinews_2019.csv")
    assert len(arts) == 171
    first = arts[0]
    assert first.id == "wikinews/wikinews_2019.csv#1"
    assert first.title == "Magnitogorsk apartment building collapses after explosion, dozens dead"
    assert first.date == "2019-01-04"
    assert first.url and first.url.startswith("https://en.wikinews.org")
    assert first.body.startswith("Friday, January 4, 2019")
    assert len({a.id for a in arts}) == 171


@pytest.mark.corpus
def test_scifact_jsonl_uses_own_ids(tmp_path: Path) -> None:
    src = need_corpus("ir", "scifact", "corpus.jsonl")
    lines = src.read_text(encoding="utf-8").splitlines()[:5]
    f = tmp_path / "scifact.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts = read(f)
    assert [a.id for a in arts] == [json.loads(x)["_id"] for x in lines]
    assert arts[0].title == json.loads(lines[0])["title"]
    assert arts[0].body.startswith(json.loads(lines[0])["text"][:40])


def test_jsonl_broken_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_text('{"title": "one", "text": "first"}\n{broken\n\n{"title": "two", "text": "second"}\n')
    ctx = FileContext(f, "t/mixed.jsonl", "jsonl")
    arts = list(read_articles(ctx))
    assert [a.title for a in arts] == ["one", "two"]
    assert [a.id for a in arts] == ["t/mixed.jsonl#1", "t/mixed.jsonl#3"]
    assert len(ctx.skipped) == 1 and "line 2" in ctx.skipped[0].message and not ctx.warnings


def test_json_array_and_common_keys(tmp_path: Path) -> None:
    f = tmp_path / "export.json"
    f.write_text(json.dumps([
        {"stories_id": 42, "headline": "Flood", "content": "Water rose.", "publish_date": "2020-03-01 10:00:00",
         "media_name": "Daily", "link": "http://x/1", "byline": "A. Writer", "language": "en"},
    ]))
    (a,) = read(f)
    assert (a.id, a.title, a.body, a.source, a.url, a.author, a.lang) == (
        "42", "Flood", "Water rose.", "Daily", "http://x/1", "A. Writer", "en")
    assert a.date == "2020-03-01T10:00:00Z"


def test_map_overrides_and_dotted_keys(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps({"text": "not this", "full": "this body", "meta": {"outlet": "Herald"}}) + "\n")
    (a,) = read(f, field_map={"body": "full", "source": "meta.outlet"})
    assert a.body == "this body" and a.source == "Herald"


def test_tsv_and_gzip(tmp_path: Path) -> None:
    f = tmp_path / "x.tsv.gz"
    f.write_bytes(gzip.compress(b"title\tbody\tdate\nA\tB text\t2019-05-06\n"))
    (a,) = read(f)
    assert (a.title, a.body, a.date) == ("A", "B text", "2019-05-06")


def test_ragged_csv_rows_are_skipped_and_named(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("title,body\nA,one\nB,two,extra\nC\nD,four\n")
    ctx = FileContext(f, "t/r.csv", "csv")
    arts = list(read_articles(ctx))
    assert [a.title for a in arts] == ["A", "D"]
    assert [a.id for a in arts] == ["t/r.csv#1", "t/r.csv#4"]  # record numbers keep counting
    assert [p.message.split(":")[0] for p in ctx.skipped] == ["record 2 (line 3)", "record 3 (line 4)"]


def test_text_date_from_file_name_and_header(tmp_path: Path) -> None:
    f = tmp_path / "2019-12-24-story.txt"
    f.write_text("Headline here\n\nBody text.")
    assert read(f)[0].date == "2019-12-24"
    g = tmp_path / "story.md"
    g.write_text("---\ntitle: Front matter title\ndate: 2020-01-02\nsource: Herald\n---\n\nBody.")
    (a,) = read(g)
    assert (a.title, a.date, a.source, a.body) == ("Front matter title", "2020-01-02", "Herald", "Body.")
    h = tmp_path / "20200105.txt"
    h.write_text("Date: 2020-01-06\n\nThe title\nThe body.")
    (b,) = read(h)
    assert (b.title, b.date, b.body) == ("The title", "2020-01-06", "The body.")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "junk.txt"
    f.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ReadError, match="binary"):
        read(f)


def test_broken_gzip_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "cut.txt.gz"
    data = gzip.compress(("Title\n" + " ".join(str(i * 7919) for i in range(5000))).encode())
    assert len(data) > 400
    f.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="gzip"):
        read(f)


@pytest.mark.parametrize("text, encoding", [
    ("Ça coûte 15 € à Noël, déjà réglé par le ministère.", "cp1252"),
    ("Der Bürgermeister sagte, dass die Straße gesperrt wird.", "latin-1"),
    ("Президент заявил, что правительство примет меры.", "cp1251"),
])
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == text


def test_utf8_with_bom_and_stray_byte() -> None:
    assert decode_bytes("\ufeffcafé".encode("utf-8")) == "café"
    assert decode_bytes("café ".encode() + b"\xa35") == "café £5"
