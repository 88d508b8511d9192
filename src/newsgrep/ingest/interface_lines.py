"""Interface lines: the widgets a scraped page keeps around the article. Pure str -> str."""

from __future__ import annotations

import re

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
