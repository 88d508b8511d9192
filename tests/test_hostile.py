"""Hostile and broken files: each is read or skipped with a warning naming it; the rest is indexed."""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import pytest

from conftest import newsgrep, newsgrep_process
from newsgrep import api

GOOD = "Shelling in Idlib\n\nResidents of Idlib fled the shelling overnight.\n"


@pytest.fixture()
def hostile(tmp_path: Path) -> Path:
    d = tmp_path / "hostile"
    d.mkdir()
    (d / "good.txt").write_text(GOOD)
    (d / "random.txt").write_bytes(random.Random(7).randbytes(20_000))
    (d / "empty.txt").write_bytes(b"")
    (d / "nul.txt").write_bytes(b"Idlib title\n\nbody\x00with\x00NUL bytes\x00" * 50)
    (d / "cp1252.txt").write_bytes("Caf\u00e9 talks in Idlib\n\nThe \u2018ceasefire\u2019 cost "
                                   "\u00a35m, na\u00efve r\u00e9sum\u00e9.\n".encode("cp1252"))
    (d / "mixed.jsonl").write_text(
        '{"title": "First Idlib", "body": "one"}\n{broken\n'
        '{"title": "Second Idlib", "body": "two"}\nnot json\n{"title": "Third Idlib", "body": "3"}\n')
    (d / "ragged.csv").write_text("title,body,date\nA Idlib,x,2019-01-01\nB Idlib,y\n"
                                  "C Idlib,z,2019-01-02,extra\n")
    gz = gzip.compress(GOOD.encode() * 2000)
    (d / "truncated.txt.gz").write_bytes(gz[: len(gz) // 2])
    (d / "script.html").write_text("<html><head><script>var Idlib = 1;</script></head>"
                                   "<body><script>run()</script></body></html>")
    (d / "oneline.txt").write_text("Long line Idlib " + "word " * 2_500_000)  # 12.5 MB, no newline
    os.symlink("loop-b.txt", d / "loop-a.txt")
    os.symlink("loop-a.txt", d / "loop-b.txt")
    (d / "sub").mkdir()
    os.symlink("..", d / "sub" / "up")  # a link to a folder above: never followed
    return d


def test_hostile_files_are_read_or_reported_and_the_rest_indexed(hostile: Path,
                                                                tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    _, out, err = newsgrep("index", str(hostile), "--index", ix, status=2)
    assert "Traceback" not in err
    skipped = {line.split(": ")[2].split("/")[-1] for line in err.splitlines()
               if line.startswith("newsgrep: skipped: ")}
    assert {"random.txt", "nul.txt", "truncated.txt.gz", "loop-a.txt", "loop-b.txt"} <= skipped
    assert "could not be indexed; the rest was indexed" in err
    assert "mixed.jsonl: line 2: not valid JSON" in err and "mixed.jsonl: line 4" in err
    assert "ragged.csv: record 2 (line 3)" in err and "ragged.csv: record 3 (line 4)" in err
    assert "empty.txt" in err and "script.html" in err
    titles = {h.title for h in api.search("Idlib", ix, api.SearchOptions(limit=None)).hits}
    assert {"Shelling in Idlib", "First Idlib", "Second Idlib", "Third Idlib", "A Idlib",
            "Café talks in Idlib", "Long line Idlib word word word"} <= {
        t[:30] if t.startswith("Long") else t for t in titles}
    assert not {"B Idlib", "C Idlib"} & titles  # ragged rows are broken records: skipped
    (cafe,) = [h for h in api.search("ceasefire", ix).hits]
    assert "£5m" in cafe.snippets[0].text and "‘ceasefire’" in cafe.snippets[0].text
    # a second run reads only what changed; the skipped files are tried (and reported) again
    err = newsgrep("index", str(hostile), "--index", ix, status=2).err
    assert " 0 added" in err


def test_index_exits_0_and_says_so_when_everything_went_in(tmp_path: Path) -> None:
    d = tmp_path / "fine"
    d.mkdir()
    (d / "a.txt").write_text(GOOD)
    err = newsgrep("index", str(d), "--index", str(tmp_path / "ix")).err
    assert "0 failed" in err and "could not be indexed" not in err


def test_unreadable_file_is_skipped_and_named(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: every file is readable (the monkeypatched test covers it)")
    d = tmp_path / "d"
    d.mkdir()
    (d / "good.txt").write_text(GOOD)
    locked = d / "locked.txt"
    locked.write_text(GOOD.replace("Shelling", "Locked"))
    locked.chmod(0)
    try:
        err = newsgrep("index", str(d), "--index", str(tmp_path / "ix"), status=2).err
    finally:
        locked.chmod(0o644)
    assert "locked.txt" in err and "ermission denied" in err
    assert [h.title for h in api.search("Idlib", str(tmp_path / "ix")).hits] == ["Shelling in Idlib"]


def test_permission_error_on_read_is_skipped_and_named(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The unreadable-file path, also where the tests run as root."""
    d = tmp_path / "d"
    d.mkdir()
    (d / "good.txt").write_text(GOOD)
    locked = d / "locked.txt"
    locked.write_text(GOOD.replace("Shelling", "Locked"))
    real_read = Path.read_bytes

    def guarded_read(self: Path) -> bytes:
        if str(self) == str(locked):
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", guarded_read)
    err = newsgrep("index", str(d), "--index", str(tmp_path / "ix"), "--jobs", "1", status=2).err
    assert "locked.txt" in err and "Permission denied" in err
    assert "Traceback" not in err
    assert [h.title for h in api.search("Idlib", str(tmp_path / "ix")).hits] == ["Shelling in Idlib"]


@pytest.mark.subprocess
def test_a_fifo_named_txt_does_not_hang_the_walk(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    d = tmp_path / "d"
    d.mkdir()
    (d / "good.txt").write_text(GOOD)
    os.mkfifo(d / "pipe.txt")
    # a subprocess with a time limit: reading the FIFO would wait for a writer forever
    err = newsgrep_process("index", str(d), "--index", str(tmp_path / "ix"), timeout=120, status=2).err
    assert "pipe.txt: not a regular file" in err and "Traceback" not in err
    assert [h.title for h in api.search("Idlib", str(tmp_path / "ix")).hits] == ["Shelling in Idlib"]


def test_records_file_with_only_bad_lines_is_reported(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "bad.jsonl").write_text("{\n[\n" + json.dumps([1, 2]) + "\n")
    (d / "good.txt").write_text(GOOD)
    err = newsgrep("index", str(d), "--index", str(tmp_path / "ix"), status=2).err  # broken records: skipped
    assert "bad.jsonl: line 1" in err and "bad.jsonl: line 2" in err and "Traceback" not in err
    assert [h.title for h in api.search("Idlib", str(tmp_path / "ix")).hits] == ["Shelling in Idlib"]
