"""Agency formats (issue 27): titles from NITF and NewsML headline elements, sources from NITF's
src-name, ANPA headline packages and tables as text, wire trailers' dates read or warned about.
Each case starts from a real sample of ../shared/corpora/formats, changed in the one way the case
is about; what is expected is read from the sample's own markup."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import need_corpus
from newsgrep.ingest.readers import read_articles, sniff
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

WIRE = ("formats", "wire-text-anpa-iptc7901")


def _read(path: Path, kind: str) -> tuple[list[Article], FileContext]:
    ctx = FileContext(path, f"t/{path.name}", kind)
    return list(read_articles(ctx)), ctx


def test_nitf_source_from_src_name(tmp_path: Path) -> None:
    raw = need_corpus("formats", "nitf", "superdesk_pa1.xml").read_bytes()
    src_name = re.search(rb'<from-src src-name="([^"]+)"', raw)
    assert src_name is not None
    path = tmp_path / "pa.xml"
    path.write_bytes(re.sub(rb"<doc\.copyright[^>]*/>", b"", raw))  # no copyright holder to name it
    (a,), _ = _read(path, "xml")
    assert a.source == src_name[1].decode()


def test_newsml_g2_title_from_inline_nitf_head_title(tmp_path: Path) -> None:
    """An item whose only headline is the inline NITF's <head><title> is titled by it, not its byline."""
    raw = need_corpus("formats", "newsml-g2", "iptc_LISTING_22_Sports_story_in_NewsML-G2NITF.xml").read_text(
        encoding="utf-8")
    hl1 = re.search(r"<hl1>(.*?)</hl1>", raw, re.DOTALL)
    assert hl1 is not None
    headline = " ".join(hl1[1].split())
    text = re.sub(r"<headline>.*?</headline>", "", raw, flags=re.DOTALL)
    text = text.replace(hl1[0], "").replace("<body>", f"<head><title>{headline}</title></head><body>", 1)
    path = tmp_path / "item.xml"
    path.write_text(text, encoding="utf-8")
    (a,), _ = _read(path, "xml")
    assert a.title == headline


def _anpa(tmp_path: Path, name: str, text: str) -> Path:
    """An ANPA story with the real sample's framing (SYN SYN SOH header, STX) and trailer."""
    raw = need_corpus(*WIRE, "superdesk_anpa-1.tst").read_bytes().decode("latin-1")
    head = raw[:raw.index("\x02") + 1]
    tail = raw[raw.index("\x03"):]
    path = tmp_path / name
    path.write_bytes((head + text + tail).encode("latin-1"))
    return path


def test_anpa_headline_package_is_its_headlines(tmp_path: Path) -> None:
    headlines = [f"Headline number {i} of the evening package" for i in range(1, 9)]
    text = "^*9006< ^AP-Top-Entertainment-Headlines,0176<\n^AP Top Entertainment News at 11:23 p.m. EST<\n" + \
        "".join(f"^{h}\n" for h in headlines) + "\n"
    (a,), _ = _read(_anpa(tmp_path, "package.tst", text), "txt")
    assert a.title == "AP Top Entertainment News at 11:23 p.m. EST"
    assert [ln for ln in a.body.split("\n") if ln.strip()] == headlines


def test_anpa_table_is_text_not_binary(tmp_path: Path) -> None:
    rows = [f"Team {i};{20 - i};{i + 10};.{500 + i};{i}" for i in range(1, 16)]
    text = ("^BC-BBO--Baseball Glance<\n^Baseball Standings=\n^By The Associated Press=\n^EAST DIVISION=\n"
            "^;W;L;Pct;GB\n" + "\n".join(rows[:8]) + "\n^WEST DIVISION=\n" + "\n".join(rows[8:]) + "\n")
    path = _anpa(tmp_path, "table.tst", text)
    articles, ctx = _read(path, "txt")
    assert sniff(ctx) == "wire"
    (a,) = articles
    assert a.title == "Baseball Standings" and a.author == "The Associated Press"
    body = a.body.split("\n")
    assert all(r in body for r in rows) and "EAST DIVISION" in body and "WEST DIVISION" in body


def test_a_feed_of_short_stories_is_not_binary(tmp_path: Path) -> None:
    """A captured feed of many short stories: the framing bytes are many, and the format's own."""
    raw = need_corpus(*WIRE, "superdesk_anpa-1.tst").read_bytes().decode("latin-1")
    head = raw[:raw.index("\x02") + 1]
    stories = [f"{head}^Story {i} headline<\n\t   A line.\n\x03\x04" for i in range(40)]
    data = "".join(stories).encode("latin-1")
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13, 27))
    assert controls > 0.05 * len(data)  # what made it "binary" before
    path = tmp_path / "feed.txt"
    path.write_bytes(data)
    articles, ctx = _read(path, "txt")
    assert [a.title for a in articles] == [f"Story {i} headline" for i in range(40)]


def test_dpa_trailer_without_zone_gives_the_day(tmp_path: Path) -> None:
    raw = need_corpus(*WIRE, "superdesk_dpa_two_line.txt").read_bytes()
    stamp = re.search(rb"\x03(\d\d)(\d\d)(\d\d) GMT (\w{3}) (\d\d)", raw)
    assert stamp is not None
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    day = f"20{stamp[5].decode()}-{months.index(stamp[4].decode()) + 1:02d}-{stamp[1].decode()}"
    local = tmp_path / "local.txt"
    local.write_bytes(raw.replace(stamp[0], b"\x03" + stamp[1] + b"1259 " + stamp[4] + b" " + stamp[5]))
    (a,), ctx = _read(local, "txt")
    assert a.date == day and not ctx.warnings
    broken = tmp_path / "broken.txt"
    broken.write_bytes(raw.replace(stamp[0], b"\x03" + stamp[1] + b"1259 Xyz " + stamp[5]))
    (b,), ctx = _read(broken, "txt")
    assert b.date is None and len(ctx.warnings) == 1 and "undated" in ctx.warnings[0].message
