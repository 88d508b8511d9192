"""RTF as a stream of text lines: the file is cut at top-level paragraph ends into pieces of about
a megabyte, and striprtf converts each piece with the document's header (code page, font table)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from newsgrep.errors import ReadError
from newsgrep.ingest.readers.stream import CHUNK, open_binary

_TOKENS = re.compile(r"\\[\\{}]|[{}]|\\par\b|\\bin(\d+)")
_FONTTABLE = re.compile(r"{[^{}]*\\fonttbl")
_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")


def _header_end(text: str) -> int:
    """Find where the font table group closes (what each piece needs of the header), or 0."""
    m = _FONTTABLE.search(text)
    if not m:
        return 0
    depth = 1
    for t in re.finditer(r"\\[\\{}]|[{}]", text[m.end():]):
        if t[0] == "{":
            depth += 1
        elif t[0] == "}":
            depth -= 1
            if depth == 0:
                return m.end() + t.end()
    return 0


def raw_encoding(head: bytes) -> str:
    """Choose how to read the 8-bit bytes an RTF file holds as they are (not as ``\\'xx``): UTF-8
    when they are UTF-8 (exporters write it inside files that declare ``\\ansi``), else the
    declared ANSI code page (Windows-1252 when none is declared)."""
    from newsgrep.ingest.readers.stream import _valid_utf8_prefix

    if any(b >= 128 for b in head) and _valid_utf8_prefix(head):
        return "utf-8"
    m = _CODEPAGE.search(head[:4096])
    if m:
        try:
            return codecs.lookup(f"cp{int(m[1])}").name
        except LookupError:
            pass
    return "cp1252"


def _pieces(path: Path) -> Iterator[tuple[str, str]]:
    """Yield (header, piece) pairs: each piece a run of whole top-level paragraphs."""
    with open_binary(path) as raw:
        buf = ""
        header = ""
        depth = 0
        scanned = 0
        cut = 0
        decoder: codecs.IncrementalDecoder | None = None
        while True:
            data = raw.read(CHUNK)
            if decoder is None:
                decoder = codecs.getincrementaldecoder(raw_encoding(data))(errors="newsgrep-cp1252")
            text = decoder.decode(data, final=not data)
            if text:
                buf += text  # RTF is 7-bit; 8-bit bytes are text in the encoding they are in
            if not header and (len(buf) > 4 * CHUNK or not data or _header_end(buf)):
                end = _header_end(buf)
                header = buf[:end] if end else "{\\rtf1"
                if not buf.startswith("{\\rtf"):
                    raise ReadError(f"{path}: not an RTF file")
                buf = buf[end:] if end else buf[buf.find(" ") + 1 if buf.startswith("{\\rtf1") else 0:]
                depth, scanned, cut = 1, 0, 0
            stop = len(buf) - 16 if data else len(buf)  # a token cut by the end of the buffer waits
            pos = scanned
            for t in _TOKENS.finditer(buf, scanned):
                if t.start() >= stop:
                    pos = t.start()
                    break
                tok = t[0]
                if tok == "{":
                    depth += 1
                elif tok == "}":
                    depth -= 1
                elif tok.startswith("\\par") and depth == 1:
                    cut = t.end()
                pos = t.end()
            else:
                pos = max(pos, stop)
            scanned = pos
            if cut and (len(buf) >= CHUNK or not data):
                yield header, buf[:cut]
                buf = buf[cut:]
                scanned = max(scanned - cut, 0)
                cut = 0
            if not data:
                if buf.strip():
                    yield header, buf
                return


def rtf_lines(path: Path) -> Iterator[str]:
    """Yield the text lines of an RTF file, one at a time."""
    from striprtf.striprtf import rtf_to_text  # the RTF reader: code pages, \\uN, font charsets

    from newsgrep.ingest.readers.decode import undo_mojibake

    rest = ""
    for header, piece in _pieces(path):
        body = piece.rstrip()
        if body.endswith("}"):
            body = body[:-1]  # the document's own closing brace, in the last piece
        # UTF-8 written as \\'xx escapes in an RTF that declares ANSI comes out as mojibake: read back
        text = rest + undo_mojibake(rtf_to_text(header + body + "}", errors="replace"))  # type: ignore[no-untyped-call]
        lines = text.split("\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest
