"""Site boilerplate learned from a corpus: lines that many articles of one folder repeat. Pure.

A saved page keeps its site's chrome (a header, a footer, a share prompt, a comment counter) in
every article of that site. Such a line is found by counting, per folder, in how many articles
each line occurs: a line is boilerplate when it occurs in at least ``MIN_ARTICLES`` articles and
in at least ``MIN_SHARE`` of the folder's articles. A line that two or three articles share (a
quotation, a reprinted paragraph) stays. Dropping is also held back for an article whose learned
lines would make up more than half its text: that is a duplicate or a near-empty page, not an
article wrapped in chrome.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable, Sequence

MIN_ARTICLES = 4       # a line repeated in fewer articles than this is never boilerplate
MIN_SHARE = 0.05       # ... nor one that fewer than this share of the folder's articles repeat
MAX_LINE = 300         # longer lines are paragraphs of text, not chrome; they are not counted
MAX_DROPPED_SHARE = 0.5  # never drop more than this share of an article's characters

_SPACES = re.compile(r"\s+")
_WORDISH = re.compile(r"\w")


def line_key(line: str) -> int | None:
    """Return a 64-bit key for a line (case and spacing folded), or None if it is not counted."""
    if len(line) > 4 * MAX_LINE:
        return None
    text = line.strip()
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    if not text or len(text) > MAX_LINE or not _WORDISH.search(text):
        return None
    digest = hashlib.blake2b(text.casefold().encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def article_keys(lines: Iterable[str]) -> list[int]:
    """Return the distinct keys of an article's countable lines, in first-seen order."""
    seen: dict[int, None] = {}
    for line in lines:
        key = line_key(line)
        if key is not None:
            seen.setdefault(key, None)
    return list(seen)


def threshold(articles: int) -> int:
    """Return the fewest articles a line must occur in to be boilerplate in a folder this big
    (the one rule: at least MIN_ARTICLES, and at least MIN_SHARE of them)."""
    import math

    return max(MIN_ARTICLES, math.ceil(MIN_SHARE * articles - 1e-9))


def drop_lines(lines: Sequence[str], boilerplate: frozenset[int]) -> list[str]:
    """Remove an article's boilerplate lines, unless they would be most of its text."""
    if not boilerplate:
        return list(lines)
    keep: list[str] = []
    dropped = total = 0
    for line in lines:
        total += len(line.strip())
        if line_key(line) in boilerplate:
            dropped += len(line.strip())
        else:
            keep.append(line)
    if not dropped or dropped > MAX_DROPPED_SHARE * total:
        return list(lines)
    return keep


def pack(keys: Iterable[int]) -> bytes:
    """Pack line keys into bytes for storage."""
    return array("q", keys).tobytes()


def unpack(data: bytes | None) -> list[int]:
    """Unpack line keys stored by :func:`pack`."""
    out = array("q")
    if data:
        out.frombytes(data)
    return out.tolist()
