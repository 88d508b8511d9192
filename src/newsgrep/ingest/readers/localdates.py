"""Dates as export interfaces write them, in their language ("27. Februar 2012 Montag 9:50 PM GMT+1",
"2018 年 10 月 7 日", "mardi 14 mars 2006"), read with dateparser's CLDR locale data."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import lru_cache

from newsgrep.ingest.dates import numeric_day

# The interface languages of the exports newsgrep reads; dateparser tries these, in this order.
INTERFACE_LANGS = ("en", "de", "fr", "nl", "da", "es", "it", "pt", "sv", "nb", "fi", "hu", "zh", "ko", "ja")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_NUMERIC_DMY = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_SLASHED = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_TIME = re.compile(r"(?<![\d.])\d{1,2}\s?[:h]\s?\d{2}(?!\d)|\d\s?[AaPp]\.?[Mm]\b")
_NOISE = re.compile(r"[()]")
_SETTINGS = {"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": True,
             "TIMEZONE": "UTC", "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def _parse(text: str, langs: tuple[str, ...]) -> date | datetime | None:
    m = _ISO_DAY.search(text) or None
    if m and not _TIME.search(text):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    m = _NUMERIC_DMY.search(text)
    if m and not _TIME.search(text):
        return numeric_day(int(m[1]), int(m[2]), int(m[3]), dotted=True)[0]
    slashed = _SLASHED.search(text)
    if slashed:  # the one policy (ingest.dates.numeric_day): an ambiguous one is not guessed
        found = numeric_day(int(slashed[1]), int(slashed[2]), int(slashed[3]), dotted=False)[0]
        if found is None:
            return None
        if not _TIME.search(text):
            return found
    import dateparser  # CLDR month and weekday names of every language, time zone names

    cleaned = _NOISE.sub(" ", text).strip()
    try:
        got: datetime | None = dateparser.parse(cleaned, languages=list(langs), settings=_SETTINGS)
    except (ValueError, OverflowError, LookupError):
        got = None
    if got is None and m:
        return numeric_day(int(m[1]), int(m[2]), int(m[3]), dotted=True)[0]
    if got is None:
        return None
    if not _TIME.search(text):
        day: date = got.date()
        return day
    utc: datetime = got.astimezone(timezone.utc)
    return utc


def parse_local_date(text: str | None, langs: tuple[str, ...] = INTERFACE_LANGS) -> date | datetime | None:
    """Read a date line of an export in any interface language: a date, a UTC date-time, or None.

    Only short lines with a year are tried (dateparser is slow on text that is not a date);
    a time without a zone is taken as UTC.
    """
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) > 90 or not _YEAR.search(text):
        return None
    return _parse(text, tuple(langs))


@lru_cache(maxsize=8192)  # an export repeats its header lines' forms: each is tried once
def split_date_line(text: str, langs: tuple[str, ...] = INTERFACE_LANGS) -> tuple[date | datetime | None, str]:
    """Read a date line that may end in edition words ("December 19, 1991, Sunday, Late Edition"):
    the date, and what follows it."""
    words = text.split()
    if not 0 < len(words) <= 14:
        return None, text
    got = parse_local_date(text, langs)
    if got is not None:
        return got, ""
    parts = text.split(",")
    for k in range(len(parts) - 1, 0, -1):
        got = parse_local_date(",".join(parts[:k]), langs)
        if got is not None:
            return got, ",".join(parts[k:]).strip()
    for k in range(len(words) - 1, max(2, len(words) - 8), -1):  # "November 5, 2002 Tuesday Final Edition"
        got = parse_local_date(" ".join(words[:k]), langs)
        if got is not None:
            return got, " ".join(words[k:])
    return None, text


_MONTH_YEAR = re.compile(r"^\s*([^\W\d_]{3,12})\.?,?\s+(\d{4})\s*$")


@lru_cache(maxsize=1024)
def month_of(text: str, langs: tuple[str, ...] = INTERFACE_LANGS) -> str | None:
    """Read a month-only date line ("January 2009", "Januar 2009", "mars 2006") as "2009-01", or None."""
    m = _MONTH_YEAR.match(text or "")
    if not m:
        return None
    import dateparser

    settings = {**_SETTINGS, "REQUIRE_PARTS": ["month", "year"]}
    try:
        got = dateparser.parse(f"{m[1]} {m[2]}", languages=list(langs), settings=settings)
    except (ValueError, OverflowError, LookupError):
        return None
    if got is None or got.year != int(m[2]):
        return None
    return f"{got.year:04d}-{got.month:02d}"


def looks_like_date_line(text: str, langs: tuple[str, ...] = INTERFACE_LANGS) -> bool:
    """Tell whether a short line is a date (with its weekday, time and edition words at most)."""
    return split_date_line(text, langs)[0] is not None
