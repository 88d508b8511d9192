"""Export and agency formats: splitters on small inline texts, and every real sample file of
../shared/corpora/formats read, indexed, exported and searched.

Quirks found in the samples (beyond their SOURCE.md):
- lexisnexis-txt/amcat_test.txt: of its 27 "N of M DOCUMENTS" records one holds only copyright
  lines (not an article); three of the 26 articles have no day to date them: document 12 (BMI,
  "January 2009", dated at month precision, 2009-01), 17 (India Today, only a LOAD-DATE) and 22
  (ABA, "Summer, 2008"), the last two undated.
- lexisnexis-html/tmplugin_lexisnexis_test_copyright_error.html: the error stub is counted as an
  empty record (with a warning); the other document's text is a table only (its title is its first row).
- nexisuni-docx/koheiw_guardian3.docx: documents 14, 42 and 53 have "Correction Appended" where
  the date belongs; undated. koheiw_misc.docx: a date line ends in "Final Edition".
- newsml-g2/superdesk_text.xml: the fixture's body is only "By Toby Davis"; iptc_LISTING_1 has a
  headline and no text; LISTING_6 (a package) and LISTING_24 (four "....." stubs) hold no article.
- ninjs/superdesk_ninjs2.json: firstcreated 2017-07-03 (the text's "Monday") vs versioncreated
  2017-08-24: the first is taken as the publication date.
- apa-defacto/amcat_DeFacto-Campus_Ausdruck2.htm: entry 20 is a broadcast whose source line has no
  quotes ("Cafe Puls News 08:00 vom 02.04.2013 08.00 Uhr").
- wire-text-anpa-iptc7901/superdesk_IPTC7901_odd_charset.txt: the ETX time stamp has a German month
  ("071341 GMT Okt 15").
- proquest/tmplugin_sample-1.html is the same ProQuest document (id 251439970) as the first one of
  tmplugin_malformed-html-tag.eml: indexed together, the second is reported as an id collision.
- reuters21578: NEWID 12793 has neither title nor text; NEWID 17192's date is "31-MAR-1987
  605:12:19.12" (the day is kept, the time warned about).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import need_corpus, newsgrep
from newsgrep.ingest.readers import kind_of, read_articles, sniff
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

FORMATS = ("formats",)

# folder, file, articles, undated articles (their 1-based positions among the articles read)
SAMPLES: list[tuple[str, str, int, tuple[int, ...]]] = [
    ("lexisnexis-txt", "amcat_test.txt", 26, (16, 21)),
    ("lexisnexis-txt", "amcat_abc.txt", 9, ()),
    ("lexisnexis-txt", "amcat_test2.txt", 1, ()),
    ("lexisnexis-txt", "amcat_test3.txt", 1, ()),
    ("lexisnexis-txt", "amcat_test4_no_DOCUMENTS_line.txt", 1, ()),
    ("lexisnexis-txt", "LexisNexisTools_sample.TXT", 10, ()),
    ("lexisnexis-html", "koheiw_spiegel_2012-02-01_0001.html", 49, ()),
    ("lexisnexis-html", "koheiw_afp_2013-03-12_0501.html", 74, ()),
    ("lexisnexis-html", "tmplugin_lexisnexis_test_en.html", 2, ()),
    ("lexisnexis-html", "tmplugin_lexisnexis_test_fr.html", 3, ()),
    ("lexisnexis-html", "tmplugin_lexisnexis_test_copyright_error.html", 1, ()),
    ("nexisuni-docx", "koheiw_misc.docx", 100, ()),
    ("nexisuni-docx", "koheiw_guardian1.docx", 2, ()),
    ("nexisuni-docx", "koheiw_guardian2.docx", 1, ()),
    ("nexisuni-docx", "koheiw_guardian3.docx", 62, (14, 42, 53)),
    ("nexisuni-docx", "LexisNexisTools_sample.DOCX", 10, ()),
    ("factiva-html", "koheiw_irish-independence_1_2017-11-14.html", 44, ()),
    ("factiva-html", "koheiw_nyt_1_1993-01-03.html", 27, ()),
    ("factiva-html", "koheiw_chosun_ilbo_1_2018-05-28.html", 59, ()),
    ("factiva-html", "koheiw_chinese-ui.html", 97, ()),
    ("factiva-html", "tmplugin_factiva_test.html", 2, ()),
    ("factiva-rtf", "Factiva-20200920-1048.rtf", 19, ()),
    ("factiva-xml", "tmplugin_factiva_test.xml", 3, ()),
    ("warc", "webarticlecurator_next_page_of_article.warc.gz", 25, ()),
    ("reuters-rcv1-newsitem", "tm_rcv1_2286.xml", 1, ()),
    ("reuters-rcv1-newsitem", "tm_rcv1_2330.xml", 1, ()),
    *[("nitf", f, 1, ()) for f in ("superdesk_ap-nitf.xml", "superdesk_ap_media_text_nitf.xml",
                                    "superdesk_efe_nitf.xml", "superdesk_nitf-ntb.xml", "superdesk_pa1.xml",
                                    "superdesk_aap.xml", "superdesk_nitf-fishing.xml")],
    ("newsml-g2", "superdesk_text.xml", 1, ()),
    ("newsml-g2", "superdesk_tag_reuters.com_2014_newsml_KBN0FL0NN_version_5.xml", 1, ()),
    ("newsml-g2", "superdesk_ap.xml", 3, ()),
    ("newsml-g2", "superdesk_dpa.xml", 1, ()),
    ("newsml-g2", "superdesk_ansa-newsmlg2-text.xml", 1, ()),
    ("newsml-g2", "superdesk_stt_newsml_test.xml", 1, ()),
    ("newsml-g2", "iptc_LISTING_2_NewsML-G2_Text_Document.xml", 1, ()),
    ("newsml-g2", "iptc_LISTING_22_Sports_story_in_NewsML-G2NITF.xml", 1, ()),
    ("newsml-g2", "iptc_LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml", 1, (1,)),
    *[("newsml-1", f, 1, ()) for f in ("superdesk_afp.xml", "superdesk_afp20.xml", "superdesk_ana1.xml",
                                        "iptc-ninjs-repo_businesswire-newsml-20130605006126.xml")],
    *[("ninjs", f, 1, ()) for f in ("iptc_v3.0_dpa_text.json", "iptc_v3.0_ntb_text.json",
                                     "iptc_v3.0_tt_text_image_3.json", "superdesk_ninjs2.json",
                                     "iptc_v3.0_businesswire-newsml-20130605006126.json")],
    *[("wire-text-anpa-iptc7901", f, 1, ()) for f in (
        "superdesk_ap_anpa-1.tst", "superdesk_anpa-1.tst", "superdesk_IPTC7901.txt",
        "superdesk_IPTC7901_odd_charset.txt", "superdesk_dpa_two_line.txt")],
    ("europresse-html", "tmplugin_europresse_test1.html", 3, ()),
    ("europresse-html", "tmplugin_europresse_test2.html", 4, ()),
    ("proquest", "tmplugin_format-v2.eml", 20, ()),
    ("proquest", "tmplugin_malformed-html-tag.eml", 2, ()),
    ("proquest", "tmplugin_sample-1.html", 1, ()),
    ("apa-defacto", "amcat_DeFacto-Campus_Ausdruck2.htm", 20, ()),
    ("apa-defacto", "amcat_apa_onlinemanager.rtf", 20, ()),
    ("trec-washingtonpost-jsonl", "anserini_collection2_articles.jl", 4, ()),
    ("ldc-gigaword-sgml", "nytsmall.xml", 102, ()),
]
# Files whose structure holds no article (a package, stubs) or no text (a headline only).
NO_ARTICLE = [("newsml-g2", "iptc_LISTING_6_Simple_NewsML-G2_Package.xml"),
              ("newsml-g2", "iptc_LISTING_24_News_Message_conveying_a_complete_News_Package.xml")]
# A file whose article is also in another sample (same export id): skipped as an id collision.
DUPLICATES = {"tmplugin_sample-1.html"}
# A fragment with no envelope: no publication to name (and no date).
FRAGMENTS = {"iptc_LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml"}
TITLE_ONLY = {("newsml-g2", "iptc_LISTING_1_A_NewsML-G2_News_Item.xml")}


def read(path: Path) -> tuple[list[Article], FileContext]:
    kind = kind_of(path)
    assert kind is not None, path
    ctx = FileContext(path, f"t/{path.name}", kind)
    return [a for a in read_articles(ctx) if a.title or a.body], ctx


# ---- splitters on small inline texts (no corpus needed) ----

def _ctx(tmp_path: Path, name: str, data: bytes) -> FileContext:
    path = tmp_path / name
    path.write_bytes(data)
    kind = kind_of(path)
    assert kind is not None
    return FileContext(path, f"t/{name}", kind)


NEXIS = """Download Request: Selected Items: 1-2
Terms: Idlib

                              1 of 2 DOCUMENTS

                                 The Guardian (London)

                          December 24, 2019 Tuesday
                                 Final Edition

Thousands flee Idlib as strikes go on

BYLINE: Jane Doe

SECTION: WORLD; Pg. 3

LENGTH: 24 words

Thousands of families left Idlib on Monday as air strikes hit
the province for a second week.

LOAD-DATE: December 26, 2019

LANGUAGE: ENGLISH

                  Copyright 2019 Guardian News and Media Limited


                              2 of 2 DOCUMENTS

                                  Der Spiegel

                            Mittwoch 31. August 2011

LÄNGE: 3 Wörter

Im Juli ist Japans Erholung ins Stocken geraten.

SPRACHE: GERMAN; DEUTSCH
"""


def test_nexis_txt_split_fields_and_interface_languages(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, "download.txt", NEXIS.encode("utf-8"))
    assert sniff(ctx) == "nexis-txt"
    a, b = read_articles(ctx)
    assert (a.title, a.source, a.author, a.date) == (
        "Thousands flee Idlib as strikes go on", "The Guardian (London)", "Jane Doe", "2019-12-24")
    assert a.body.startswith("Thousands of families") and "LOAD-DATE" not in a.body and "Copyright" not in a.body
    assert a.extra and a.extra["section"] == "WORLD; Pg. 3" and a.extra["length"] == 24
    assert a.extra["load_date"] == "2019-12-26" and a.lang == "en"
    assert (b.source, b.date, b.lang) == ("Der Spiegel", "2011-08-31", "de")
    assert b.title == "Im Juli ist Japans Erholung ins Stocken geraten."  # no headline: the first sentence
    assert a.id == "t/download.txt#1" and b.id == "t/download.txt#2"


def test_plain_text_is_not_a_nexis_download(tmp_path: Path) -> None:
    from newsgrep.ingest.readers import format_of

    ctx = _ctx(tmp_path, "note.txt", b"A title\n\nSome text about 1 of 2 things.\n")
    assert sniff(ctx) == "txt" == format_of(ctx.path)
    (tmp_path / "download.txt").write_text(NEXIS, encoding="utf-8")
    assert format_of(tmp_path / "download.txt") == "nexis-txt"


def test_iptc7901_wire_story_with_control_bytes(tmp_path: Path) -> None:
    story = (b"\x01eca062 4 i 211 ccccb   dpa 061\r\n\r\nGermany-politics/\r\n\x02Talks could fail =\r\n\r\n"
             b"   Berlin (dpa) - Negotiations could fail, a senior member warned M\xfcller.\r\n\r\n"
             b"# dpa NOTEBOOK\r\n\r\ndpa wsz\r\n\x03131137 GMT Nov 13 \r\n\x7f\x04")
    ctx = _ctx(tmp_path, "story.txt", story)
    assert sniff(ctx) == "wire"
    (a,) = read_articles(ctx)
    assert (a.title, a.source, a.date) == ("Talks could fail", "dpa", "2013-11-13T11:37:00Z")
    assert a.body == "Berlin (dpa) - Negotiations could fail, a senior member warned Müller."


def test_local_dates_of_interface_languages() -> None:
    from newsgrep.ingest.readers.localdates import parse_local_date, split_date_line

    assert str(parse_local_date("Mittwoch 31. August 2011")) == "2011-08-31"
    assert str(parse_local_date("2018 年 10 月 7 日")) == "2018-10-07"
    assert str(parse_local_date("2018년 5월 28일")) == "2018-05-28"
    assert str(parse_local_date("mardi 14 mars 2006")) == "2006-03-14"
    assert str(parse_local_date("02.04.2013")) == "2013-04-02"
    assert parse_local_date("January 20, 2009 Tuesday 8:27 PM AEST").isoformat() == "2009-01-20T10:27:00+00:00"
    assert parse_local_date("Correction Appended") is None
    got, rest = split_date_line("November 5, 2002 Tuesday Final Edition")
    assert str(got) == "2002-11-05" and rest == "Final Edition"


def test_kinds_of_the_export_suffixes() -> None:
    for name, kind in [("a.XML", "xml"), ("a.sgm.gz", "sgml"), ("a.DOCX", "docx"), ("a.rtf", "rtf"),
                       ("a.eml", "eml"), ("a.warc.gz", "warc"), ("a.jl", "jsonl"), ("nyt_eng_199501.gz", "sgml")]:
        assert kind_of(Path(name)) == kind, name


def test_xml_formats_by_root_element(tmp_path: Path) -> None:
    from newsgrep.ingest.readers import xml_format

    assert xml_format('<?xml version="1.0"?>\n<nitf><head/></nitf>') == "nitf"
    assert xml_format('<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">') == "newsml-g2"
    assert xml_format("\n<NewsML Version=\"1.2\">") == "newsml-1"
    assert xml_format('<newsitem itemid="1">') == "rcv1"
    assert xml_format("<DOCS><DOC id=\"X\">") == "sgml"
    assert xml_format("<rss version=\"2.0\">") is None


def test_rtf_pieces_join_into_the_same_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgrep.ingest.readers import rtf

    body = "".join(f"Paragraph {i} caf\\'e9 {{\\b bold}} text.\\par\n" for i in range(400))
    path = tmp_path / "a.rtf"
    path.write_text("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}\n" + body + "}", encoding="ascii")
    whole = [ln for ln in rtf.rtf_lines(path) if ln.strip()]
    monkeypatch.setattr(rtf, "CHUNK", 512)
    pieces = [ln for ln in rtf.rtf_lines(path) if ln.strip()]
    assert whole == pieces and len(whole) == 400 and whole[7] == "Paragraph 7 café bold text."


def test_warc_record_problems_are_skipped_not_fatal(tmp_path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = BytesIO()
    writer = WARCWriter(buf, gzip=True)
    page = (b"<html><head><title>Idlib talks</title><meta property='article:published_time' "
            b"content='2020-01-15'></head><body><article><p>Talks on Idlib resumed in January with "
            b"Turkey and Russia, officials said on Wednesday.</p></article></body></html>")
    for status, uri in (("200 OK", "https://news.example/a"), ("404 Not Found", "https://news.example/b")):
        headers = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(page),
                                                      http_headers=headers))
    ctx = _ctx(tmp_path, "crawl.warc.gz", buf.getvalue())
    (a,) = read_articles(ctx)
    assert a.title == "Idlib talks" and a.date == "2020-01-15" and a.url == "https://news.example/a"
    assert a.source == "news.example" and "Talks on Idlib" in a.body


def test_broken_records_are_skipped_with_their_position(tmp_path: Path) -> None:
    wapo = ('{"id": "a1", "article_url": "https://wp.example/a", "title": "Idlib talks", "published_date": '
            '1472713234000, "contents": [{"type": "sanitized_html", "content": "<p>Talks resumed.</p>"}, null]}\n'
            '{"id": "a2", "article_url": broken\n')
    ctx = _ctx(tmp_path, "wp.jl", wapo.encode())
    assert sniff(ctx) == "wapo"
    (a,) = read_articles(ctx)
    assert (a.id, a.title, a.body, a.date) == ("a1", "Idlib talks", "Talks resumed.", "2016-09-01T07:00:34Z")
    assert len(ctx.skipped) == 1 and "record 2 (line 2)" in ctx.skipped[0].message

    sgml = ('<DOC id="APW_ENG_20030101.0001" type="story">\n<HEADLINE>Strike ends</HEADLINE>\n<TEXT>\n<P>\n'
            'Dock workers &AMP; drivers went back to work.\n</P>\n</TEXT>\n</DOC>\n<DOC id="APW_ENG_20030101.0002">\n'
            '<TEXT>cut off')
    ctx = _ctx(tmp_path, "apw_eng_200301.sgml", sgml.encode())
    (b,) = read_articles(ctx)
    assert (b.id, b.title, b.date, b.source, b.lang) == (
        "APW_ENG_20030101.0001", "Strike ends", "2003-01-01", "Associated Press Worldstream", "en")
    assert b.body == "Dock workers & drivers went back to work."
    assert len(ctx.skipped) == 1 and "record 2 (line 9)" in ctx.skipped[0].message


def test_ninjs_is_told_from_a_record_file(tmp_path: Path) -> None:
    item = {"uri": "urn:newsml:dpa.com:1", "versionCreated": "2019-05-10T16:02:28+02:00", "language": "de",
            "headlines": [{"role": "main", "value": "Elfmeter"}], "copyrightHolder": "dpa",
            "bodies": [{"role": "html", "contentType": "text/html", "value": "<p>Ein Satz.</p><p>Noch einer.</p>"}]}
    ctx = _ctx(tmp_path, "item.json", json.dumps(item).encode())
    assert sniff(ctx) == "ninjs"
    (a,) = read_articles(ctx)
    assert (a.id, a.title, a.body, a.source, a.lang) == (
        "urn:newsml:dpa.com:1", "Elfmeter", "Ein Satz.\n\nNoch einer.", "dpa", "de")
    plain = _ctx(tmp_path, "records.json", b'[{"title": "A", "text": "B"}]')
    assert sniff(plain) == "json"


# ---- the real samples ----

@pytest.mark.corpus
@pytest.mark.parametrize(("folder", "name", "count", "undated"), SAMPLES,
                         ids=[s[1] for s in SAMPLES])
def test_sample_file(folder: str, name: str, count: int, undated: tuple[int, ...]) -> None:
    path = need_corpus(*FORMATS, folder, name)
    articles, ctx = read(path)
    assert len(articles) == count
    assert tuple(i for i, a in enumerate(articles, 1) if not a.date) == undated
    for a in articles:
        assert a.title and (a.source or name in FRAGMENTS), a
        assert len(a.body) >= 10, a
    assert len({a.id for a in articles}) == count


@pytest.mark.corpus
@pytest.mark.parametrize(("folder", "name"), NO_ARTICLE)
def test_containers_without_articles(folder: str, name: str) -> None:
    articles, _ = read(need_corpus(*FORMATS, folder, name))
    assert articles == []


@pytest.mark.corpus
def test_headline_only_item() -> None:
    (folder, name), = TITLE_ONLY
    (a,), _ = read(need_corpus(*FORMATS, folder, name))
    assert a.title == 'Fed to halt QE to avert "bubble"' and a.date and a.source


@pytest.mark.corpus
def test_nexis_txt_matches_amcat_ground_truth() -> None:
    folder = need_corpus(*FORMATS, "lexisnexis-txt")
    truth = json.loads((folder / "amcat_test_body_sols.json").read_text(encoding="utf-8"))
    articles, _ = read(folder / "amcat_test.txt")
    assert len(articles) == len(truth) == 26
    for a, t in zip(articles, truth):
        assert a.source
        # AmCAT keeps bylines and a trailing "LANGUAGE:" in its text; compare the body's last words
        words = [w for w in re.findall(r"\w{6,}", t["text"][-400:]) if not w.isupper()][-3:]
        hay = a.body + json.dumps(a.extra, ensure_ascii=False)  # AmCAT puts the GRAPHIC caption in the text
        assert all(w in hay for w in words), (a.id, words)
        if a.date and "T" in a.date:
            # AmCAT keeps the local time; ours is UTC: the same minute, a whole time zone apart
            ours = datetime.fromisoformat(a.date.replace("Z", "+00:00")).replace(tzinfo=None)
            offset = ours - datetime.fromisoformat(t["date"])
            assert offset.total_seconds() % 1800 == 0 and abs(offset) <= timedelta(hours=14), (a.id, a.date, t)
        elif a.date and len(a.date) == 7:  # a month-only date ("January 2009"): AmCAT writes its first day
            assert t["date"][:10] == f"{a.date}-01", (a.id, a.date, t["date"])
        elif a.date:
            assert a.date == t["date"][:10], (a.id, a.date, t["date"])


@pytest.mark.corpus
def test_reuters21578_folder() -> None:
    folder = need_corpus("reuters21578")
    total = with_text = dated = 0
    problems = 0
    for path in sorted(folder.glob("*.sgm.gz")):
        ctx = FileContext(path, f"r/{path.name}", "sgml")
        for a in read_articles(ctx):
            total += 1
            with_text += bool(a.title or a.body)
            dated += bool(a.date)
        problems += len(ctx.warnings) + len(ctx.skipped)
    assert (total, with_text, dated) == (21578, 21577, 21578)
    assert problems == 1  # NEWID 17192's time


# ---- through the command line: index, export, search ----

@pytest.fixture(scope="module")
def formats_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = need_corpus(*FORMATS)
    ix = tmp_path_factory.mktemp("formats") / "ix"
    # skipped records (exit 2): the Nexis error stub, and ProQuest's sample-1.html, the same
    # document (same ProQuest id) as one in malformed-html-tag.eml, so its id collides
    err = newsgrep("index", str(folder), "--index", str(ix), "-q", "--exclude", "*_sols.json", status=2).err
    assert "could not export this document" in err
    assert "'proquest-251439970' is already used" in err
    return ix


@pytest.mark.corpus
def test_index_and_export_every_sample(formats_index: Path) -> None:
    records = newsgrep("export", "--json", "--index", str(formats_index)).json()
    by_file: dict[str, int] = {}
    for r in records:
        by_file[Path(r["path"]).name] = by_file.get(Path(r["path"]).name, 0) + 1
    for _folder, name, count, undated in SAMPLES:
        if name in DUPLICATES:
            assert name not in by_file
            continue
        assert by_file.get(name) == count, name
        dated = sum(1 for r in records if Path(r["path"]).name == name and r["date"])
        assert dated == count - len(undated), name


@pytest.mark.corpus
def test_a_headline_word_finds_each_file(formats_index: Path) -> None:
    from newsgrep import api

    for folder, name, _, _ in SAMPLES:
        if name in DUPLICATES:
            continue
        articles, _ = read(CORPUS_FORMATS() / folder / name)
        words = sorted(re.findall(r"[^\W\d_]{2,}", articles[0].title), key=len, reverse=True)
        assert words, name
        hits = list(api.search(f'"{words[0]}"', str(formats_index), api.SearchOptions(limit=None)).hits)
        assert any(Path(h.path).name == name for h in hits), (name, words[0])


def CORPUS_FORMATS() -> Path:  # noqa: N802 - read as a constant
    return need_corpus(*FORMATS)


@pytest.mark.corpus
def test_a_web_page_about_an_export_service_is_a_web_page(tmp_path: Path) -> None:
    """Words an article may contain ("Factiva", "ProQuest", "Europresse", "1 of 3 documents")
    never make a saved page an export: only the exports' own page structure does."""
    from newsgrep.ingest.readers import format_of

    page = tmp_path / "story.html"
    page.write_text("<html><head><title>Dow Jones sells Factiva stake</title></head><body><article>"
                    "<h1>Dow Jones sells Factiva stake</h1><p>ProQuest and Europresse, DeFacto and "
                    "LexisNexis users, doc_id fans: 1 of 3 documents was leaked.</p></article></body></html>")
    assert format_of(page) == "html"
    for path in sorted(need_corpus("html", "article-extraction-benchmark", "html").glob("*.html.gz")):
        assert format_of(path) == "html", path.name
