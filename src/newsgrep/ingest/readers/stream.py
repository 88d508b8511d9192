"""Streaming input for the export readers: bytes, text, lines and HTML elements, a piece at a time."""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newsgrep.errors import ReadError

HEAD = 65536  # what the sniffers and the encoding guess look at
CHUNK = 1 << 20  # what one read hands a parser

_DECLARED = re.compile(rb"""(?:<meta[^>]+charset\s*=\s*["']?\s*|<\?xml[^>]+encoding\s*=\s*["'])([\w.:-]+)""",
                       re.IGNORECASE)
# What browsers read these labels as (the WHATWG Encoding Standard).
_BROWSER = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "iso-8859-9": "cp1254", "gb2312": "gbk", "x-sjis": "shift_jis"}


def is_gzip(path: Path) -> bool:
    """Tell whether a file is gzip data: by its suffix, or by its magic number under another name."""
    if path.suffix.lower() == ".gz":
        return True
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"\x1f\x8b"
    except OSError:
        return False


_STREAMING: dict[str, IO[bytes]] = {}  # files being read by open_binary, by path: how far they are


@contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """Open a file for streaming reads, gunzipping ``.gz`` files (and gzip data under any name) on
    the fly."""
    try:
        f = open(path, "rb")
        raw: IO[bytes] = gzip.GzipFile(fileobj=f, mode="rb") if is_gzip(path) else f  # type: ignore[assignment]
    except OSError as exc:
        raise ReadError(f"{path}: {exc.strerror or exc}") from exc
    _STREAMING[str(path)] = f
    try:
        yield raw
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ReadError(f"{path}: broken gzip file ({exc})") from exc
    finally:
        _STREAMING.pop(str(path), None)
        raw.close()
        f.close()


def bytes_read(path: Path | str) -> int | None:
    """Return how many bytes of a file being streamed have been read from the disk (gzip data
    counted as stored), or None when it is not being streamed (a file read whole)."""
    f = _STREAMING.get(str(path))
    if f is None or f.closed:
        return None
    return f.tell()


def head_bytes(path: Path, size: int = HEAD) -> bytes:
    """Read the first bytes of a file (gunzipped), for sniffing."""
    with open_binary(path) as f:
        return f.read(size)


def _valid_utf8_prefix(head: bytes) -> bool:
    for cut in range(4):
        try:
            head[:len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def guess_encoding(head: bytes) -> str:
    """Choose the codec for a whole file from its first bytes.

    UTF-8 (its stray invalid bytes read as Windows-1252 by the error handler) unless the start is
    not UTF-8 at all; then the declared charset (as browsers read it), else Windows-1252 for
    mostly-ASCII text, else charset-normalizer's guess.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.isascii() or _valid_utf8_prefix(head):
        return "utf-8"
    if any(ord(c) > 127 for c in head.decode("utf-8", errors="ignore")):
        return "utf-8"  # UTF-8 with a few stray Latin-1 bytes
    m = _DECLARED.search(head[:8192])
    if m:
        label = m[1].decode("ascii", "replace").lower()
        label = _BROWSER.get(label, label)
        try:
            if codecs.lookup(label).name != "utf-8":
                head.decode(label)
                return label
        except (LookupError, UnicodeDecodeError):
            pass
    high = sum(1 for b in head if b >= 128)
    if high <= len(head) // 20:
        return "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    return best.encoding if best is not None else "cp1252"


@contextmanager
def open_text(path: Path, encoding: str | None = None) -> Iterator[IO[str]]:
    """Open a file as a text stream with universal newlines, its encoding guessed from its start."""
    enc = encoding or guess_encoding(head_bytes(path))
    with open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding=enc, errors="newsgrep-cp1252", newline=None)
        try:
            yield text
        except UnicodeDecodeError as exc:
            raise ReadError(f"{path}: cannot decode as {enc} ({exc})") from exc


def iter_lines(path: Path, encoding: str | None = None) -> Iterator[str]:
    """Yield a file's lines without their line ends, one at a time."""
    with open_text(path, encoding) as f:
        for line in f:
            yield line.rstrip("\n")


def html_segments(path: Path, marker: re.Pattern[str]) -> Iterator[str]:
    """Cut an HTML export into the text before the first ``marker`` and one piece per marker (each
    from its marker to the next), read a megabyte at a time.

    Each piece is parsed on its own (:func:`parse_fragment`): libxml2's HTML push parser keeps all
    the input it was fed, so one parser over a whole 100 MB export would hold 100 MB.
    """
    keep = 512  # a marker cut by the end of a read is found in the next
    with open_text(path) as f:
        buf = ""
        while True:
            chunk = f.read(CHUNK)
            buf += chunk
            start = 0
            for m in marker.finditer(buf, 1):
                if chunk and m.start() > len(buf) - keep:
                    break
                yield buf[start:m.start()]
                start = m.start()
            buf = buf[start:]
            if not chunk:
                break
            if len(buf) > 64 * CHUNK and not marker.search(buf, 1):
                raise ReadError(f"{path}: a part of over {64 * CHUNK >> 20} MB with no record boundary; "
                                "not an export newsgrep can read piece by piece")
    if buf:
        yield buf


def parse_fragment(markup: str) -> Any:
    """Parse a piece of HTML into an element that holds it (a <div>), or None if nothing parses."""
    import lxml.etree
    import lxml.html

    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def release(el: Any) -> None:
    """Free a streamed element the reader is done with, and what came before it at every level
    above it (read already), so that the tree holds little more than the path to the next element."""
    el.clear(keep_tail=True)
    node = el
    while node is not None:
        parent = node.getparent()
        if parent is None:
            break
        while node.getprevious() is not None:
            del parent[0]
        node = parent


def text_of(el: Any) -> str:
    """The text of an element, a line break for each <br>, <p> and block element."""
    parts: list[str] = []
    _collect(el, parts)
    return "".join(parts)


_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                     "blockquote", "section", "article", "header", "footer", "ul", "ol", "pre"})


def _collect(el: Any, parts: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.rsplit("}", 1)[-1].lower()
    if tag in ("script", "style", "noscript", "template"):
        return
    if tag in _BLOCKS:
        parts.append("\n")
    if el.text and isinstance(el.tag, str):
        parts.append(el.text)
    for child in el:
        _collect(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag in _BLOCKS and tag != "br":
        parts.append("\n")
