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


def _field_labels(lines: list[str]) -> str | None:
    """Find two or more field labels that repeat together, one record after another."""
    labels = Counter(m[1].strip() for line in lines if (m := _LABEL.match(line)))
    common = [(k, n) for k, n in labels.most_common() if n >= MIN_REPEATS]
    if len(common) < 2:
        return None
    (a, na), (b, nb) = common[0], common[1]
    if min(na, nb) < 0.7 * max(na, nb):
        return None
    return f"the fields {a + ':'!r} and {b + ':'!r} repeat {min(na, nb):,} times, like records' headers"


def many_records(text: str) -> str | None:
    """Say what makes a text read as one article look like many records, or None."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    found = _counter_header(lines) or _field_labels(lines)
    if found:
        return found
    words = sum(1 for _ in _WORD.finditer(text))
    if words > MAX_WORDS:
        return f"{words:,} words, longer than any one story"
    return None
