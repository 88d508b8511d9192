"""Text cleaning: control characters and whitespace. Pure str -> str. (Interface lines: see
newsgrep.ingest.interface_lines; kept apart because a search needs only this module.)"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the escape sequences that start with ESC
# (CSI ... final byte, OSC ... BEL/ST, other two-byte escapes).
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, to BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"    # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]"                    # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"            # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"   # 8-bit OSC
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")  # lone halves, or undecodable bytes of a file name
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# What _SPACES changes, and only that: runs of two or more, and single spaces other than " ".
_RUNS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_BLANKS = re.compile(r"\n{3,}")


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters, keeping newline and tab."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ESCAPES.sub("", text)
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))


def normalize_space(text: str) -> str:
    """Collapse runs of spaces in each line, trim lines, and keep at most one blank line.

    Each regular expression runs only where it can change something: scanning a whole article
    with ``_RUNS`` costs more than the rest of the cleaning, and most articles are ASCII text with
    no run to collapse, which two substring tests (done in C) tell.
    """
    if not text.isascii() or "  " in text or "\t" in text:
        text = _RUNS.sub(" ", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in text:
        text = _BLANKS.sub("\n\n", text)
    return text.strip()


def clean_text(text: str) -> str:
    """Make untrusted article text safe and tidy: no controls, normalised whitespace."""
    return normalize_space(strip_controls(text))


def one_line(text: str) -> str:
    """Flatten text to one line (titles, CSV cells)."""
    return _SPACES.sub(" ", strip_controls(text).replace("\n", " ")).strip()
