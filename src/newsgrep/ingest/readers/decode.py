"""Bytes to text: UTF-8 first, then detection; binary files refused."""

from __future__ import annotations

import codecs
import gzip
import re
import unicodedata
import zlib
from pathlib import Path

from newsgrep.errors import ReadError

_SNIFF = 8192
# binary if many; the framing bytes of agency wire text (SOH, STX, ETX, EOT, DC1, DC3, SYN, US) are text's
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (1, 2, 3, 4, 9, 10, 12, 13, 17, 19, 22, 27, 31))


def _cp1252_byte(err: UnicodeError) -> tuple[str, int]:
    """Decode each byte UTF-8 rejects as Windows-1252 (Latin-1 where cp1252 has a hole)."""
    assert isinstance(err, UnicodeDecodeError)
    bad = err.object[err.start:err.end]
    out = []
    for b in bad:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out), err.end


codecs.register_error("newsgrep-cp1252", _cp1252_byte)


def looks_binary(data: bytes) -> bool:
    """Tell whether bytes are not text: NUL bytes or many control bytes near the start."""
    head = data[:_SNIFF]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C
    return controls > len(head) * 0.05


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode a file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else by detection."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"{name}: broken UTF-16 text") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if looks_binary(data):
        raise ReadError(f"{name}: binary file, not text")
    # Mostly UTF-8 with a few stray bytes (a file pasted together from two sources): keep the UTF-8
    # and read each stray byte as Windows-1252, the usual culprit.
    valid_multibyte = data.decode("utf-8", errors="ignore")
    if any(ord(c) > 127 for c in valid_multibyte):
        return data.decode("utf-8", errors="newsgrep-cp1252")
    return _detect(data)


_SYMBOLS = set("£€$¥¢©®°±«»–—‘’‚“”„…•·§¶¿¡×÷µ¼½¾¹²³ªº")


def _oddness(text: str) -> int:
    """Count the marks of a wrong decoding: controls, unassigned characters, and symbols
    wedged inside words ("Za¿ó³æ" is Polish read as Windows-1252)."""
    odd = 0
    prev_letter = False
    n = len(text)
    for i, ch in enumerate(text):
        o = ord(ch)
        if o < 128:
            prev_letter = ch.isalpha()
            continue
        cat = unicodedata.category(ch)
        if cat[0] in "CZ" and ch not in "\u00a0":
            odd += 3
        elif not ch.isalpha():
            if ch not in _SYMBOLS:
                odd += 2
            elif prev_letter and i + 1 < n and text[i + 1].isalpha():
                odd += 2
        prev_letter = ch.isalpha()
    return odd


def _detect(data: bytes) -> str:
    """Pick the decoding of non-UTF-8 text that reads most like language.

    Candidates are Windows-1252 (the usual encoding of Western news text) and charset-normalizer's
    best guesses; the one with the fewest marks of a wrong decoding wins. On a tie, mostly-ASCII
    text (a few accented letters or a pound sign) goes to Windows-1252, where detection on so
    little evidence is unreliable; other text follows charset-normalizer's order.
    """
    from charset_normalizer import from_bytes

    sample = data[: 1 << 20]
    guesses = [m.encoding for m in from_bytes(sample)][:4]
    high = sum(1 for b in sample if b >= 128)
    letters = sum(1 for b in sample if 65 <= (b | 32) <= 122 and (b | 32) >= 97) + high
    mostly_ascii = high <= 0.5 * max(letters, 1)
    order = (["cp1252"] + guesses) if mostly_ascii else (guesses + ["cp1252"])
    best: tuple[int, int, str] | None = None
    for rank, enc in enumerate(dict.fromkeys(order)):
        try:
            text = sample.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        score = (_oddness(text), rank, enc)
        if best is None or score < best:
            best = score
    if best is not None:
        try:
            return data.decode(best[2])
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="newsgrep-cp1252")


# a UTF-8 sequence read as Windows-1252: a lead byte (Â..ô) then continuation bytes as cp1252 shows them
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                       "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}")


def undo_mojibake(text: str) -> str:
    """Read back UTF-8 that was decoded as Windows-1252 ("OhrenstÃ¶psel" is "Ohrenstöpsel"), a
    sequence at a time; a sequence that is not UTF-8 so read stays as it is."""
    def back(m: re.Match[str]) -> str:
        try:
            return m[0].encode("cp1252").decode("utf-8")
        except UnicodeError:
            return m[0]

    return _MOJIBAKE.sub(back, text) if ("Ã" in text or "Â" in text or "â€" in text) else text


def read_bytes(path: Path) -> bytes:
    """Read a file, gunzipping ``.gz`` files; unreadable files raise ReadError."""
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise ReadError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise ReadError(f"{path}: {exc.strerror or exc}") from exc
    if path.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":  # gzip data under any name too
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ReadError(f"{path}: broken gzip file ({exc})") from exc
    return data


def read_text(path: Path) -> str:
    """Read a file as text, whatever its encoding; binary files raise ReadError."""
    data = read_bytes(path)
    if looks_binary(data):
        raise ReadError(f"{path}: binary file, not text")
    return decode_bytes(data, str(path))
