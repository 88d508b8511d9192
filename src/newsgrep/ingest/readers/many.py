"""Telling when a file read as one article looks like many records (a database export in a format
newsgrep does not read, a feed, a clipping list), so that nobody counts it as one story."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

MAX_WORDS = 20_000  # longer than any one news story
MIN_REPEATS = 5     # record headers seen this many times make a list of records

_RECORD = r"(?:documents?|dokumente?|doc|articles?|artikel|items?|records?|stor(?:y|ies)|treffer|hits?|results?|" \
          r"meldung|nachricht|bericht|no|nr|#)"
# "1 of 100 DOCUMENTS", "Document 3 of 45", "Dokument 2 von 38", "Article 4", "Nr. 5", "#6", ".I 7"
_COUNTER = re.compile(rf"^\W{{0,4}}(?:{_RECORD}\.?\s*)?(\d{{1,6}})\s*(?:of|von|de|sur|van|/)\s*\d{{1,6}}\b.{{0,40}}$"
                      rf"|^\W{{0,4}}{_RECORD}\.?\s*(\d{{1,6}})\W{{0,4}}$"
                      r"|^\W{0,2}[^\W\d_]{1,3}\W{0,2}\s+(\d{1,6})$", re.IGNORECASE)  # ".I 12" (SMART)
# "Title: ...", "Quelle: ...", "DATE: ...": a field label at the start of a short line
_LABEL = re.compile(r"^([^\W\d_][\w .-]{0,24}?)\s*:(?:\s.{0,100})?$")
_WORD = re.compile(r"\w+")


def _counter_header(lines: list[str]) -> str | None:
    """Find a line shape with a running number (1, 2, 3, ...) that repeats like a record header."""
    runs: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line in lines:
        if len(line) > 80:
            continue
        m = _COUNTER.match(line)
        if not m or not re.search(r"[^\W\d_]", line):
            continue
        shape = re.sub(r"\d+", "#", line.lower())
        runs[shape].append((int(m[1] or m[2] or m[3]), line))
    for _shape, seen in sorted(runs.items(), key=lambda kv: -len(kv[1])):
        if len(seen) < MIN_REPEATS:
            break
        numbers = [n for n, _ in seen]
        steps = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
        if steps >= 0.8 * (len(numbers) - 1):
            return f"a record header with a running count repeats {len(seen):,} times ({seen[0][1]!r})"
    return None


_NUMBERED = re.compile(r"^(\d{1,4})[.)]\s+\S")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def _numbered_items(lines: list[str]) -> str | None:
    """Find numbered headlines (1, 2, 3, ...) each with a dated line under it: a headline list
    ("1. Het compromis is springlevend" / "De Morgen, woensdag 30 november 2011, p. 23, 853w.")."""
    seen = [(int(m[1]), line) for line, nxt in zip(lines, lines[1:])
            if (m := _NUMBERED.match(line)) and len(nxt) <= 120 and _YEAR.search(nxt)]
    if len(seen) < MIN_REPEATS:
        return None
    numbers = [n for n, _ in seen]
    steps = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
    if steps < 0.8 * (len(numbers) - 1):
        return None
    return f"{len(seen):,} numbered headlines with a dated line under each ({seen[0][1][:40]!r})"


def _field_labels(lines: list[str]) -> str | None:
    """Find three or more field labels that repeat together, one record after another (two could
    be the speakers of an interview, or a review's "Rating:" and "Verdict:")."""
    labels = Counter(m[1].strip() for line in lines if (m := _LABEL.match(line)))
    common = [(k, n) for k, n in labels.most_common() if n >= MIN_REPEATS]
    if len(common) < 3:
        return None
    top = common[:3]
    low, high = min(n for _, n in top), max(n for _, n in top)
    if low < 0.7 * high:
        return None
    names = ", ".join(repr(k + ":") for k, _ in top)
    return f"the fields {names} repeat {low:,} times, like records' headers"


def many_records(text: str) -> str | None:
    """Say what makes a text read as one article look like many records, or None."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    found = _counter_header(lines) or _numbered_items(lines) or _field_labels(lines)
    if found:
        return found
    if len(text) <= 2 * MAX_WORDS:  # words are parted by at least one character: no more than that
        return None
    words = len(_WORD.findall(text))
    if words > MAX_WORDS:
        return f"{words:,} words, longer than any one story"
    return None


_NOT_SHOWN = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def many_records_in_markup(markup: str) -> str | None:
    """Say what makes a whole web page look like a list of many records (a clipping service's or
    database's result page), whatever part of it the extractor took as the article; or None."""
    import html

    text = html.unescape(_TAG.sub("\n", _NOT_SHOWN.sub(" ", markup)))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return _counter_header(lines) or _numbered_items(lines) or _field_labels(lines)
