"""Text cleaning: control characters, whitespace and interface lines. Pure str -> str."""

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
    """Collapse runs of spaces in each line, trim lines, and keep at most one blank line."""
    lines = [line.strip() for line in _RUNS.sub(" ", text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str) -> str:
    """Make untrusted article text safe and tidy: no controls, normalised whitespace."""
    return normalize_space(strip_controls(text))


def one_line(text: str) -> str:
    """Flatten text to one line (titles, CSV cells)."""
    return _SPACES.sub(" ", strip_controls(text).replace("\n", " ")).strip()


# --- interface lines --------------------------------------------------------------------------
# A scraped page saved as text keeps the widgets around the article: a search box label, share
# and print buttons, comment counters and forms, newsletter prompts. Such a line is short and made
# (almost) only of the vocabulary of web interfaces; an article sentence, even a short one, is not.
_UI_WORDS = frozenset("""
    search keyword keywords go submit comment comments reply replies post posts total leave write
    add view show hide load more read all please fill field fields below above required
    code confirming confirm captcha verification note name email e-mail mail website your you
    share shares tweet facebook twitter whatsapp telegram linkedin pinterest reddit print
    subscribe subscription newsletter follow us sign log login logout register in up out
    advertisement advertising sponsored ad ads skip to content main menu navigation home top back
    click here tap continue reading related articles article stories story tags tag topics
    this the a an of for on our about and or with be first no yet cookie cookies accept privacy
    policy terms use send copy link print-friendly version font size text
""".split())
# Words that mark a line as interface rather than a terse sentence made of common words.
_UI_MARKERS = frozenset("""
    search keyword keywords comment comments reply submit share tweet subscribe newsletter
    login logout sign captcha confirming advertisement sponsored print-friendly cookie cookies
    fields required print menu navigation skip more facebook twitter whatsapp telegram linkedin
    pinterest reddit
""".split())
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_HAS_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_COUNTERS = re.compile(r"^[\W_]*(?:[(\[|]\s*\d[\d,.]*\s*[)\]|]?[\W_]*)+$|^[^\w]+$", re.UNICODE)


def is_interface_line(line: str) -> bool:
    """Tell whether a line is a web page's interface text rather than article text.

    The rule: a line of at most 8 words whose words all come from the vocabulary of page
    widgets (search, comment, share, subscribe, log in, ...) with at least one word that only
    widgets use, or a short line of bracketed counters or bare punctuation ("(57) (52)", "***").
    """
    text = line.strip()
    if not text:
        return False
    if len(text) <= 40 and not _HAS_LETTER.search(text) and _COUNTERS.match(text):
        return True
    if len(text) > 80:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if not words or len(words) > 8:
        return False
    return all(w in _UI_WORDS for w in words) and any(w in _UI_MARKERS for w in words)


def drop_interface_lines(text: str) -> str:
    """Remove interface lines from text, keeping everything else as it is."""
    return "\n".join(line for line in text.split("\n") if not is_interface_line(line))
