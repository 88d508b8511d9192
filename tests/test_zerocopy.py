"""Index files are read through the memory map, not copied whole into the process."""

from __future__ import annotations

import io
import mmap
import pickle
from pathlib import Path
from typing import Any

import pytest

import newsgrep.index  # noqa: F401  (installs the zero-copy reader)
from conftest import SAMPLE
from newsgrep.index.whoosh_compat.zerocopy import MemoryFile


def test_memory_file_reads_like_a_file() -> None:
    data = b"first line\nsecond\n" + pickle.dumps({"a": (1, 2.5, b"x")}, 2) + b"tail"
    f = MemoryFile(memoryview(data))
    assert f.readline() == b"first line\n"
    assert f.read(3) == b"sec" and f.tell() == 14
    assert f.readline() == b"ond\n"
    assert pickle.load(f) == {"a": (1, 2.5, b"x")}  # type: ignore[arg-type]
    assert f.read() == b"tail" and f.read(5) == b""
    f.seek(-4, 2)
    assert f.read(2) == b"ta"
    f.seek(0)
    assert list(f)[:2] == [b"first line\n", b"second\n"]


def test_buffer_files_do_not_copy_the_segment(tmp_path: Path) -> None:
    from whoosh.filedb.structfile import BufferFile

    path = tmp_path / "seg"
    path.write_bytes(b"\x00" * 4096 + b"payload")
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        view = memoryview(mm)[4096:]
        bf = BufferFile(view, name="x")
        assert not isinstance(bf.file, io.BytesIO)
        assert bf.read(7) == b"payload" and bf.get(0, 3) == b"pay"
        bf.file._buf.release()  # type: ignore[attr-defined]
        view.release()


def test_search_works_through_the_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgrep import api

    ix = str(tmp_path / "ix")
    assert api.build_index([str(SAMPLE / "seed")], ix).articles == 1
    views: list[Any] = []
    wrap = MemoryFile.__init__

    def spy(self: MemoryFile, buf: Any) -> None:
        views.append(buf)
        wrap(self, buf)

    monkeypatch.setattr(MemoryFile, "__init__", spy)
    hits = list(api.search("Idlib", ix).hits)
    assert hits and hits[0].title.startswith("12,000 people flee Idlib")
    # the segment's files were read as views of the memory-mapped file, not as copies
    assert views and all(isinstance(v, memoryview) and isinstance(v.obj, mmap.mmap) for v in views)
