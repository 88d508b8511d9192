"""One file is one set of articles, whatever path reaches it; nothing is skipped silently; a
skipped record leaves no trace; reading options are part of a file's state."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import need_corpus
from newsgrep import api
from newsgrep.api import SearchOptions
from newsgrep.errors import UsageError

QUERIES = ["Yukos", "prime minister", '"interest rates"', "econom*", "Blair OR Brown"]


def _ranked(ix: Path) -> list[list[tuple[str, float]]]:
    return [[(h.id, h.score) for h in api.search(q, str(ix), SearchOptions(limit=20, snippets=False)).hits]
            for q in QUERIES]


def _size(ix: Path) -> int:
    return sum(f.stat().st_size for f in ix.iterdir() if f.suffix == ".seg")


@pytest.fixture(scope="module")
def bbc_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The BBC corpus copied (with its README.TXT and SOURCE.md), and an index of it."""
    root = tmp_path_factory.mktemp("identity")
    data = root / "data" / "bbc"
    shutil.copytree(need_corpus("bbc"), data)
    ix = root / "ix"
    report = api.build_index([str(data)], str(ix))
    assert report.ok and report.articles == 2225 and report.files_read == 2225
    assert sorted(report.not_articles) == ["README.TXT", "SOURCE.md"]  # documentation, not news
    return data, ix


@pytest.mark.corpus
def test_a_folder_through_a_link_or_a_dotdot_spelling_changes_nothing(bbc_copy: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    data, ix = bbc_copy
    before, size = _ranked(ix), _size(ix)
    link = tmp_path / "bbc-link"
    os.symlink(data, link)
    dotdot = data / "business" / ".." / ".." / "bbc"
    for spelling in (link, dotdot, Path(os.path.relpath(data))):
        report = api.build_index([str(spelling)], str(ix))
        assert report.ok and (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 2225)
        assert not report.skipped
    assert _ranked(ix) == before and _size(ix) == size
    assert api.count("Yukos", str(ix)) == len(list(api.search("Yukos", str(ix), SearchOptions(limit=None)).hits)) > 0


@pytest.mark.corpus
def test_remove_takes_any_spelling_and_nothing_indexed_is_an_error(bbc_copy: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    data, ix = bbc_copy
    work = tmp_path / "ix"
    shutil.copytree(ix, work)
    link = tmp_path / "sport-link"
    os.symlink(data / "sport", link)
    report = api.remove([str(link)], str(work))
    assert report.removed == 511 and report.articles == 511
    assert api.count("football", str(work), SearchOptions(source="sport")) == 0
    with pytest.raises(UsageError, match="nothing indexed at"):
        api.remove([str(data / "sport" / ".." / "sport")], str(work))
    with pytest.raises(UsageError, match="nothing indexed at"):
        api.remove([str(tmp_path / "nowhere")], str(work))


@pytest.mark.corpus
def test_a_skipped_record_leaves_no_trace(tmp_path: Path) -> None:
    """A record skipped for its id is not in the statistics: the scores equal those of an index
    built without it, in one process and in worker processes."""
    bbc = need_corpus("bbc")
    clean = tmp_path / "clean"
    shutil.copytree(bbc / "business", clean / "business")
    with_dup = tmp_path / "dup"
    shutil.copytree(clean, with_dup)
    # a JSON Lines export, walked after business/ (sorted paths), whose second record reuses
    # the id of an article of business/
    records = [{"id": "x1", "title": "Yukos and Gazprom", "body": "Yukos Yukos Yukos oil Gazprom"},
               {"id": "dup/business/001.txt", "title": "Yukos Yukos", "body": "Yukos " * 50}]
    (clean / "zz.jsonl").write_text(json.dumps(records[0]) + "\n")
    (with_dup / "zz.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    for jobs in (1, 2):
        a = api.build_index([str(clean)], str(tmp_path / f"a{jobs}"), jobs=jobs)
        b = api.build_index([str(with_dup)], str(tmp_path / f"b{jobs}"), jobs=jobs)
        assert a.ok and not b.ok and len(b.skipped) == 1 and "already used" in b.skipped[0].message
        ra = [[(i.replace("clean/", ""), s) for i, s in q] for q in _ranked(tmp_path / f"a{jobs}")]
        rb = [[(i.replace("dup/", ""), s) for i, s in q] for q in _ranked(tmp_path / f"b{jobs}")]
        assert ra == rb


def test_new_reading_options_read_the_file_again(tmp_path: Path) -> None:
    data = tmp_path / "x.jsonl"
    data.write_text(json.dumps({"title": "T", "body": "Idlib", "meta": {"outlet": "Herald"},
                                "source": "Wire"}) + "\n")
    ix = str(tmp_path / "ix")
    api.build_index([str(data)], ix)
    assert api.search("Idlib", ix).hits.__next__().source == "Wire"
    report = api.build_index([str(data)], ix, field_map=["source=meta.outlet"])
    assert (report.updated, report.unchanged) == (1, 0)
    (hit,) = api.search("Idlib", ix).hits
    assert hit.source == "Herald"
    again = api.build_index([str(data)], ix, field_map=["source=meta.outlet"])
    assert (again.updated, again.unchanged) == (0, 1)


def test_ignore_files_and_no_ignore(tmp_path: Path) -> None:
    d = tmp_path / "news"
    (d / "drafts").mkdir(parents=True)
    (d / "a.txt").write_text("Idlib one\n\nbody")
    (d / "notes.txt").write_text("Idlib notes\n\nbody")
    (d / "drafts" / "b.txt").write_text("Idlib draft\n\nbody")
    (d / "LICENSE").write_text("MIT")
    (d / "README.md").write_text("# About\n\nIdlib corpus")
    (d / "scan.pdf").write_bytes(b"%PDF")
    (d / "data.xlsx").write_bytes(b"PK")
    (d / ".newsgrepignore").write_text("notes.txt\ndrafts/\n")
    report = api.build_index([str(d)], str(tmp_path / "ix"))
    assert report.ok and report.articles == 1
    assert sorted(report.not_articles) == ["README.md", "drafts/", "notes.txt"]
    assert report.other_types == {".pdf": 1, ".xlsx": 1, "(no suffix)": 1}
    every = api.build_index([str(d)], str(tmp_path / "ix2"), no_ignore=True)
    assert every.articles == 4 and not every.not_articles  # LICENSE has no suffix: not read


def test_the_summary_adds_up_and_says_plurals_right(tmp_path: Path) -> None:
    from newsgrep.render.report import summary

    d = tmp_path / "one"
    d.mkdir()
    (d / "a.txt").write_text("Idlib\n\nbody")
    (d / "README.txt").write_text("about")
    report = api.build_index([str(d)], str(tmp_path / "ix"))
    line = summary(report)
    assert line.startswith("indexed 1 article from 1 file ") and "1 added" in line
    assert "skipped 1 file that is not articles (README.txt; --no-ignore reads them)" in line
