"""Untrusted input: crafted index pickles, and article text aimed at the terminal."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import struct
from pathlib import Path

import pytest

from conftest import newsgrep, newsgrep_process
from newsgrep import api
from newsgrep.errors import UnsafeIndex
from newsgrep.index.whoosh_compat import install
from newsgrep.index.whoosh_compat.pickles import RestrictedUnpickler, safe_loads

# --- untrusted indexes ------------------------------------------------------------------------

class _System:
    """Unpickles as os.system(command)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (self.command,))


def _find_object_gadget(command: str) -> bytes:
    """A pickle that fetches os.system through whoosh.util.loading.find_object, then calls it."""
    return (b"\x80\x02cwhoosh.util.loading\nfind_object\nq\x00X\x09\x00\x00\x00os.systemq\x01\x85q\x02Rq\x03"
            + b"X" + struct.pack("<I", len(command)) + command.encode() + b"\x85q\x04R.")


def _small_index(tmp: Path) -> Path:
    corpus = tmp / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Shelling in Idlib\n\nIdlib was shelled.\n")
    ix = tmp / "ix"
    assert api.build_index([str(corpus)], str(ix)).ok
    return ix


def _rewrite_toc(ix: Path, schema: bytes | None = None, segments: bytes | None = None,
                 version: int | None = None) -> None:
    """Replace the schema or segments pickle (or the format version) in the index's TOC."""
    from whoosh.filedb.structfile import StructFile

    (toc,) = ix.glob("_articles_*.toc")
    f = StructFile(io.BytesIO(toc.read_bytes()))
    head = [f.read_varint() for _ in range(3)]
    magic, fmt = f.read_int(), f.read_int()
    release = [f.read_varint() for _ in range(3)]
    old_schema = f.read_string()
    gen, unused = f.read_int(), f.read_int()
    old_segments = f.file.read()
    out = StructFile(io.BytesIO())
    for v in head:
        out.write_varint(v)
    out.write_int(magic)
    out.write_int(fmt if version is None else version)
    for v in release:
        out.write_varint(v)
    if version is not None:  # Whoosh's legacy loader reads the schema length as a varint
        out.write_varint(len(schema or old_schema))
        out.write(schema or old_schema)
    else:
        out.write_string(schema or old_schema)
    out.write_int(gen)
    out.write_int(unused)
    out.write(segments or old_segments)
    toc.write_bytes(out.file.getvalue())


@pytest.mark.subprocess
@pytest.mark.parametrize("where", ["schema", "segments", "find_object", "legacy"])
def test_crafted_index_is_refused_and_runs_nothing(tmp_path: Path, where: str) -> None:
    ix = _small_index(tmp_path)
    marker = tmp_path / "pwned"
    command = f"touch {marker}"
    evil = pickle.dumps(_System(command), 2)
    if where == "schema":
        _rewrite_toc(ix, schema=evil)
    elif where == "segments":
        _rewrite_toc(ix, segments=evil)
    elif where == "find_object":
        _rewrite_toc(ix, schema=_find_object_gadget(command))
    else:
        _rewrite_toc(ix, schema=evil, version=-110)
    for args in (["search", "Idlib"], ["index", str(tmp_path / "c")], ["stats"],
                 ["search", "Idlib", "--json"]):
        # a fresh process, as a user would run it
        err = newsgrep_process(*args, "--index", str(ix), timeout=120, status=2).err
        assert not marker.exists(), f"{where}: the crafted pickle ran a command ({args[0]})"
        assert "Traceback" not in err
        assert ("refused to open the index" in err if where != "legacy"
                else "damaged or was not written by newsgrep" in err), err


def test_refusal_message_is_one_clear_line(tmp_path: Path) -> None:
    ix = _small_index(tmp_path)
    _rewrite_toc(ix, schema=pickle.dumps(_System("true"), 2))
    err = newsgrep("search", "Idlib", "--index", str(ix), status=2).err
    assert err.count("\n") == 1 and "refused to open the index" in err and "system" in err
    assert "Traceback" not in err


def test_damaged_toc_is_a_clear_error(tmp_path: Path) -> None:
    ix = _small_index(tmp_path)
    (toc,) = ix.glob("_articles_*.toc")
    toc.write_bytes(toc.read_bytes()[:40])
    err = newsgrep("search", "Idlib", "--index", str(ix), status=2).err
    assert "damaged" in err and "Traceback" not in err


@pytest.mark.parametrize("module,name", [("os", "system"), ("posix", "system"),
                                          ("builtins", "eval"), ("subprocess", "Popen"),
                                          ("whoosh.util.loading", "find_object"),
                                          ("whoosh.filedb.filestore", "FileStorage"),
                                          ("whoosh.analysis.filters", "_some_private")])
def test_unpickler_refuses_everything_but_index_classes(module: str, name: str) -> None:
    with pytest.raises(UnsafeIndex):
        RestrictedUnpickler(io.BytesIO(b"")).find_class(module, name)


def test_a_real_schema_round_trips_and_every_whoosh_load_is_restricted() -> None:
    import whoosh.codec.whoosh3 as w3
    import whoosh.columns
    import whoosh.filedb.structfile as sf
    import whoosh.formats

    from newsgrep.index.query.schema import build_schema

    schema = build_schema()
    assert safe_loads(pickle.dumps(schema, 2)).names() == schema.names()
    install()
    assert w3.loads is safe_loads and whoosh.columns.loads is safe_loads
    assert whoosh.formats.loads is safe_loads and sf.load_pickle.__name__ == "safe_load"
    import whoosh.index

    assert whoosh.index.toc_loaders == {}


# --- terminal safety --------------------------------------------------------------------------

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"                         # set the clipboard
OSC8 = "\x1b]8;;https://evil.example/\x1b\\"                   # start a fake hyperlink
OSC8_END = "\x1b]8;;\x1b\\"
ATTACKS = [OSC52, OSC8, OSC8_END, "\x1b[2J", "\x1b[31m", "\x9b2J", "\x9d0;title\x9c", "\x07",
           "\x08", "\x1bc", "\x1bP+q\x1b\\", "\x7f", "\u0085", "\ud800"]
PADDING = " The shelling went on through the night, residents said. " * 20
SGR = re.compile(r"\x1b\[[0-9;]*m")
BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _hostile_corpus(tmp: Path) -> Path:
    folder = tmp / "corpus" / ("wire\x1b]52;c;ZXZpbA==\x07" if os.name != "nt" else "wire")
    folder.mkdir(parents=True)
    title = "Idlib [bold red]not markup[/bold red] [link=https://x.example]y[/link] " + "".join(ATTACKS)
    body = ("Idlib " + OSC8 + "click" + OSC8_END + " shelling " + "".join(ATTACKS)
            + " [/] [i]brackets[/i] stay text." + PADDING + "\n")
    (folder / ("story\x1b[2J.txt")).write_text(title + "\n\n" + body, encoding="utf-8",
                                               errors="surrogatepass")
    record = {"title": "Idlib json \x00" + "".join(ATTACKS), "body": "Idlib body " + "".join(ATTACKS),
              "source": "src" + OSC52, "url": "https://x.example/" + OSC8, "author": "\x1b[5mA"}
    (folder / "records.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return tmp / "corpus"


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    ix = tmp / "ix"
    assert api.build_index([str(_hostile_corpus(tmp))], str(ix)).ok
    return ix


@pytest.mark.parametrize("extra", [[], ["--color", "always"], ["--json"], ["--csv"], ["-l"],
                                   ["--color", "always", "-n", "0"]])
def test_no_control_sequence_reaches_the_terminal(hostile_index: Path, extra: list[str]) -> None:
    _, out, err = newsgrep("search", "Idlib", "--index", str(hostile_index), *extra)
    text = SGR.sub("", out) if "always" in extra else out
    assert "\x1b" not in text, f"escape sequence in {extra} output: {text!r}"
    assert not BAD.search(text.replace("\r\n", "\n")), repr(text)
    assert not BAD.search(err)
    if "always" in extra:
        assert "[bold red]" in text and "[link=https://x.example]" in text  # shown, not obeyed
        assert "click" in text
    if "--json" in extra:
        for line in out.splitlines():
            hit = json.loads(line)  # valid JSON; the path is kept exact, escaped as \u001b
            for value in (hit["title"], hit["source"] or "", hit["url"] or "",
                          *(s["text"] for s in hit["snippets"])):
                assert not BAD.search(value), repr(value)


def test_stored_article_text_has_no_controls(hostile_index: Path) -> None:
    for hit in api.search("Idlib", str(hostile_index), api.SearchOptions(limit=None)).hits:
        for value in (hit.title, hit.source or "", hit.url or "",
                      *(s.text for s in hit.snippets)):
            assert not BAD.search(value), repr(value)
        assert "[bold red]not markup[/bold red]" in hit.title or hit.title.startswith("Idlib json")


def test_rich_markup_in_article_text_is_printed_literally() -> None:
    from rich.console import Console

    from newsgrep.models import Hit, Snippet
    from newsgrep.render.terminal import render_hit

    hit = Hit(rank=1, score=1.0, id="x[/]", path="/tmp/[red]p[/red].txt",
              title="[blink]Breaking[/blink] [link=file:///etc/passwd]news[/link]", date=None,
              source="[b]src[/b]", url=None,
              snippets=(Snippet("[bold]Idlib[/bold] \x1b[2Jcleared", ((6, 11),)),),
              matched_terms=("idlib",))
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, color_system="truecolor", markup=False,
                      highlight=False, width=200)
    render_hit(console, hit)
    out = SGR.sub("", buf.getvalue())
    for literal in ("[blink]Breaking[/blink]", "[link=file:///etc/passwd]news[/link]", "[b]src[/b]",
                    "[bold]Idlib[/bold]"):
        assert literal in out
    assert "\x1b" not in out and "\x1b]8" not in buf.getvalue()


def test_error_messages_are_stripped(tmp_path: Path) -> None:
    bad = tmp_path / "no\x1b]52;c;ZXZpbA==\x07such"
    err = newsgrep("index", str(bad), "--index", str(tmp_path / "ix"), status=2).err
    assert "no such file" in err and "\x1b" not in err and "\x07" not in err
