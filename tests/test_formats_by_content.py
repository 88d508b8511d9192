"""Files read by what they hold, not by their names (issue 27): every real export sample of
../shared/corpora/formats renamed to .txt (or given no suffix) is read as under its own name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import need_corpus
from newsgrep.ingest.files import walk
from newsgrep.ingest.readers import kind_of, read_articles, sniff
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

pytestmark = pytest.mark.corpus  # every shared export sample, renamed


def _samples() -> list[Path]:
    from conftest import CORPORA

    folder = CORPORA / "formats"
    if not folder.exists():
        return []
    return sorted(p for p in folder.glob("*/*") if p.name != "SOURCE.md" and not p.name.endswith("_sols.json"))


def _fields(articles: list[Article]) -> list[tuple[object, ...]]:
    # ids left out: where a record has none, its id is made from the file's name
    return [(a.title, a.body, a.date, a.source, a.author, a.url, a.lang) for a in articles]


def _read(path: Path, kind: str | None = None) -> tuple[str, list[Article]]:
    ctx = FileContext(path, f"t/{path.name}", kind or kind_of(path) or "data")
    return sniff(ctx), list(read_articles(ctx))


SAMPLES = _samples()


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_an_export_renamed_txt_gives_the_same_articles(path: Path, tmp_path: Path) -> None:
    need_corpus("formats")
    own_format, own = _read(path)
    renamed = tmp_path / path.parent.name / (path.name.split(".")[0] + ".txt")  # same folder name: same source
    renamed.parent.mkdir()
    shutil.copyfile(path, renamed)
    got_format, got = _read(renamed)
    assert got_format == own_format
    assert _fields(got) == _fields(own)


def test_exports_without_a_suffix_are_found_and_read(tmp_path: Path) -> None:
    """A download saved with no suffix (or one newsgrep does not know) is found by the walk when
    its content is an export's; plain text and other files under such names are not."""
    formats = need_corpus("formats")
    picks = {"factiva-html/tmplugin_factiva_test.html": "download", "nitf/superdesk_pa1.xml": "item.dat",
             "lexisnexis-txt/amcat_abc.txt": "abc", "factiva-rtf/Factiva-20200920-1048.rtf": "f.doc",
             "nexisuni-docx/koheiw_guardian1.docx": "guardian.bin"}
    for src, name in picks.items():
        shutil.copyfile(formats / src, tmp_path / name)
    (tmp_path / "notes").write_text("A note to self\n\nnot an export\n", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    found = walk(tmp_path)
    assert sorted(f.path.name for f in found.files) == sorted(picks.values())
    assert sum(found.other_types.values()) == 2
    for f in found.files:
        src = next(s for s, n in picks.items() if n == f.path.name)
        assert _fields(_read(f.path, f.kind)[1]) == _fields(_read(formats / src)[1])


def test_json_lines_under_txt_are_records(tmp_path: Path) -> None:
    """JSON Lines named .txt: one article per line, with the keys' own title and text."""
    records = [{"title": f"Headline {i}", "text": f"Body of story {i}. It has words.", "date": f"2020-01-0{i}"}
               for i in range(1, 6)]
    path = tmp_path / "stories.txt"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    fmt, articles = _read(path)
    assert fmt == "jsonl"
    assert [(a.title, a.body, a.date) for a in articles] == [(r["title"], r["text"], r["date"]) for r in records]


def test_washington_post_lines_under_txt(tmp_path: Path) -> None:
    src = need_corpus("formats", "trec-washingtonpost-jsonl", "anserini_collection2_articles.jl")
    lines = [ln for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
    path = tmp_path / "wapo.txt"
    shutil.copyfile(src, path)
    fmt, articles = _read(path)
    assert fmt == "wapo"
    assert [a.id for a in articles] == [json.loads(ln)["id"] for ln in lines]


def test_words_about_formats_do_not_make_a_text_an_export(tmp_path: Path) -> None:
    """Content marks are structure, never words: a story about Factiva, WARC or JSON is plain text."""
    path = tmp_path / "story.txt"
    path.write_text("WARC files and {braces}\n\n<b>Factiva</b> and ProQuest sell NITF feeds.\n"
                    "1 of 2 documents was a <nitf> sample.\n", encoding="utf-8")
    assert _read(path)[0] == "txt"
    table = tmp_path / "table.csv"
    table.write_text('{"a": 1},x\n{"b": 2},y\n', encoding="utf-8")
    assert _read(table)[0] == "csv"


def test_markup_in_a_story_is_not_an_export(tmp_path: Path) -> None:
    """A text that opens with an inline tag is a web fragment at most, never Factiva XML."""
    path = tmp_path / "note.txt"
    path.write_text("<b>Factiva</b> and Dow Jones said on Monday that the service will close.\n", encoding="utf-8")
    assert _read(path)[0] == "html"
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert _read(empty)[0] == "txt"
