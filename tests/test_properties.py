"""Property-based tests: arbitrary bytes and text never raise anything but newsgrep's own errors."""

from __future__ import annotations

import gzip
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgrep import api
from newsgrep.errors import NewsgrepError
from newsgrep.ingest.readers import read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.decode import decode_bytes
from newsgrep.models import Article, Hit, Snippet
from newsgrep.text.clean import clean_text, one_line, strip_controls

BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
# Text that looks like the things readers parse, mixed with anything at all.
SYNTAX = st.sampled_from(["{", "}", "[", "]", '"', ",", ":", "\n", "\t", "<p>", "</p>", "<script>",
                          "---", "title: ", "Date: 2019-12-24", "\x1b[2J", "\x00", "\r", "\ufeff",
                          "\udc80", "Idlib", "null", "1e999", "\\u0000", "<!--", "&amp;", "\x9b"])
TEXTISH = st.lists(st.one_of(SYNTAX, st.text(max_size=20)), max_size=30).map("".join)
KINDS = {"txt": "a.txt", "md": "a.md", "html": "a.html", "json": "a.json", "jsonl": "a.jsonl",
         "csv": "a.csv", "tsv": "a.tsv"}


def _read(kind: str, data: bytes, gz: bool = False) -> list[Article]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (KINDS[kind] + (".gz" if gz else ""))
        path.write_bytes(gzip.compress(data) if gz else data)
        ctx = FileContext(path, "t/" + path.name, kind)
        try:
            articles = list(read_articles(ctx))
        except NewsgrepError:
            return []
    for a in articles:
        for value in (a.title, a.body, a.source or "", a.url or "", a.author or "", a.id):
            assert not BAD.search(value), (kind, value)
    return articles


@SETTINGS
@given(kind=st.sampled_from(sorted(KINDS)), data=st.binary(max_size=2000))
def test_readers_take_any_bytes(kind: str, data: bytes) -> None:
    _read(kind, data)


@SETTINGS
@given(kind=st.sampled_from(sorted(KINDS)), text=TEXTISH,
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig"]),
       gz=st.booleans())
def test_readers_take_any_text_in_any_encoding(kind: str, text: str, encoding: str,
                                               gz: bool) -> None:
    _read(kind, text.encode(encoding, errors="replace"), gz)


@SETTINGS
@given(data=st.binary(max_size=4000))
def test_decoding_any_bytes_gives_text_or_a_read_error(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except NewsgrepError:
        return
    assert isinstance(text, str)


@SETTINGS
@given(text=st.text(max_size=500) | TEXTISH)
def test_cleaning_leaves_no_controls_and_is_idempotent(text: str) -> None:
    for clean in (strip_controls, clean_text, one_line):
        out = clean(text)
        assert not BAD.search(out.replace("\n", "").replace("\t", "")), repr(out)
        assert "\x1b" not in out
        assert clean(out) == out
    assert "\n" not in one_line(text)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("props")
    corpus = tmp / "c"
    corpus.mkdir()
    (corpus / "2019-12-24-idlib.txt").write_text(
        "Shelling in Idlib\n\nResidents of Idlib and Maarat al-Numan fled; the ceasefire failed.\n")
    (corpus / "other.txt").write_text("Markets\n\nShares rose in London [sic] (AP).\n")
    ix = tmp / "ix"
    assert api.build_index([str(corpus)], str(ix)).ok
    return str(ix)


QUERY = st.lists(st.one_of(st.sampled_from(
    ["Idlib", "AND", "OR", "NOT", "(", ")", '"', "*", "?", "~", "~2", "^", "title:", "date:",
     "date:[", " to ", "]", "{", "}", "source:", ">", "<", "2019", "-", "+", "'", ":", "\\", " "]),
    st.text(max_size=8)), max_size=12).map("".join)


@SETTINGS
@given(query=QUERY, any_terms=st.booleans())
def test_any_query_gives_hits_or_a_query_error(small_index: str, query: str,
                                               any_terms: bool) -> None:
    options = api.SearchOptions(limit=3, any_terms=any_terms)
    try:
        hits = list(api.search(query, small_index, options).hits)
        api.count(query, small_index, options)
    except NewsgrepError:
        return
    for hit in hits:
        for s in hit.snippets:
            assert all(0 <= a < b <= len(s.text) for a, b in s.highlights)


@SETTINGS
@given(since=st.text(max_size=12), until=st.text(max_size=12))
def test_any_date_option_gives_hits_or_a_usage_error(small_index: str, since: str,
                                                     until: str) -> None:
    try:
        list(api.search("Idlib", small_index, api.SearchOptions(since=since or None,
                                                                until=until or None)).hits)
    except NewsgrepError:
        pass


@SETTINGS
@given(title=st.text() | TEXTISH, path=(st.text() | TEXTISH).filter(bool),
       source=st.none() | TEXTISH, snippet=st.text() | TEXTISH, url=st.none() | TEXTISH)
def test_json_output_is_valid_json_for_any_text(title: str, path: str, source: str | None,
                                                snippet: str, url: str | None) -> None:
    from newsgrep.render.jsonl import hit_dict, write_json

    hit = Hit(rank=1, score=1.5, id=path, path=path, title=title, date=None, source=source,
              url=url, snippets=(Snippet(snippet, ((0, min(1, len(snippet))),)),),
              matched_terms=("x",))
    out = io.StringIO()
    write_json(hit_dict(hit), out)
    line = out.getvalue()
    assert line.endswith("\n") and line.count("\n") == 1
    line.encode("utf-8")  # writable to a UTF-8 stdout
    back = json.loads(line)
    assert back["title"] == title and back["path"] == path and back["source"] == source
