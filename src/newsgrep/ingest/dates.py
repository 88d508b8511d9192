"""Dates: parse what articles and users write into ISO strings and UTC instants."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from newsgrep.errors import UsageError

_PARTIAL = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_ISO_DT = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"]
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]{3,9})\.?,?\s+(\d{4})\s*$")  # "January 2009", "Jan. 2009"
_WORDY = re.compile(
    r"^\s*(?:[A-Za-z]+,?\s+)?(?:(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})"
    r"|([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}))\b"
)


def _valid(y: int, m: int = 1, d: int = 1) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return 1000 <= y <= 2999


_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def numeric_day(a: int, b: int, y: int, dotted: bool) -> tuple[date | None, str | None]:
    """Read a numeric date ``a/b/y``: the one policy of every reader. With dots it is day-first
    (``05.06.2019`` is 5 June: the European form; month-first dates are written with slashes);
    with slashes or hyphens it is read only when one reading alone is a real day
    (``24/12/2019``), and an ambiguous one (``05/06/2019``) is not guessed."""
    if dotted:
        return (date(y, b, a), None) if 1 <= b <= 12 and _valid(y, b, a) else (None, "not a real day")
    readings = {(y, mo, d) for d, mo in ((a, b), (b, a)) if 1 <= mo <= 12 and _valid(y, mo, d)}
    if len(readings) == 1:
        y, mo, d = readings.pop()
        return date(y, mo, d), None
    return None, "ambiguous (day and month could be either way)" if readings else "not a real day"


def iso_datetime(dt: datetime) -> str:
    """Write a date-time in the one form newsgrep uses: UTC, to the second, with Z (a time
    without a zone is taken as UTC)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_date(value: object) -> tuple[str | None, str | None]:
    """Read a date as an article gives it: (ISO 8601 as precise as given, or None; what is wrong).

    The one form: ``2019``, ``2019-12``, ``2019-12-24``, or ``2019-12-24T08:15:00Z`` (UTC, to the
    second) when a time is known. Numeric dates as ``numeric_day`` reads them: with dots
    day-first, with slashes only when one reading is possible (``05/06/2019`` is not guessed).
    """
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return (iso_datetime(value), None) if _valid(value.year) else (None, "out of range")
    if isinstance(value, date):
        return (value.isoformat(), None) if _valid(value.year) else (None, "out of range")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value) / (1000 if value > 1e11 else 1)
        try:
            return iso_datetime(datetime.fromtimestamp(seconds, tz=timezone.utc)), None
        except (OverflowError, OSError, ValueError):
            return None, "not a time stamp"
    text = str(value).strip()
    if not text:
        return None, None
    if len(text) > 64:
        return None, "too long to be a date"
    m = _PARTIAL.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        if not _valid(y, mo, d):
            return None, "not a real day"
        if m[3]:
            return f"{y:04d}-{mo:02d}-{d:02d}", None
        return (f"{y:04d}-{mo:02d}" if m[2] else f"{y:04d}"), None
    m = _COMPACT.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        return (f"{y:04d}-{mo:02d}-{d:02d}", None) if _valid(y, mo, d) else (None, "not a real day")
    m = _NUMERIC.match(text)
    if m:
        got, problem = numeric_day(int(m[1]), int(m[2]), int(m[3]), dotted="." in text)
        return (got.isoformat() if got else None), problem
    m = _ISO_DT.match(text)
    if m:
        try:
            dt = datetime.fromisoformat(re.sub(r"Z$", "+00:00", text.replace(" ", "T", 1)))
        except ValueError:
            dt = None
        if dt is not None and _valid(dt.year):
            return iso_datetime(dt), None
    try:
        from email.utils import parsedate_to_datetime  # only for RFC 2822 dates; slow to import

        dt = parsedate_to_datetime(text)
        if _valid(dt.year):
            return iso_datetime(dt), None
    except (TypeError, ValueError, IndexError):
        pass
    m = _MONTH_YEAR.match(text)
    if m and _MONTHS.get(m[1][:3].lower()) and (len(m[1]) == 3 or m[1].lower().startswith(
            _MONTH_NAMES[_MONTHS[m[1][:3].lower()] - 1])):
        y = int(m[2])
        return (f"{y:04d}-{_MONTHS[m[1][:3].lower()]:02d}", None) if _valid(y) else (None, "out of range")
    m = _WORDY.match(text)
    if m:
        if m[1]:
            d, mon, y = int(m[1]), m[2][:3].lower(), int(m[3])
        else:
            mon, d, y = m[4][:3].lower(), int(m[5]), int(m[6])
        month = _MONTHS.get(mon)
        if month and _valid(y, month, d):
            return f"{y:04d}-{month:02d}-{d:02d}", None
    return None, "not a date newsgrep can read"


def normalize_date(value: object) -> str | None:
    """Return an ISO 8601 date or UTC date-time (see read_date), or None."""
    return read_date(value)[0]


def to_instant(iso: str | None) -> datetime | None:
    """Return the naive UTC instant an ISO string from :func:`read_date` starts at."""
    if not iso:
        return None
    m = _PARTIAL.match(iso)
    if m:
        return datetime(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    try:
        dt = datetime.fromisoformat(re.sub(r"Z$", "+00:00", iso))
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def _next_period(y: int, mo: int | None, d: int | None) -> datetime:
    if d is not None and mo is not None:
        return datetime(y, mo, d) + timedelta(days=1)
    if mo is not None:
        return datetime(y + (mo == 12), mo % 12 + 1, 1)
    return datetime(y + 1, 1, 1)


def period_bounds(text: str) -> tuple[datetime, datetime]:
    """Return the first instant of a period written ``2019``, ``2019-12`` or ``2019-12-24`` and
    the first instant after it (UTC, naive). Raises ValueError saying what is wrong."""
    m = _PARTIAL.match(text or "")
    if not m:
        raise ValueError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    y = int(m[1])
    mo = int(m[2]) if m[2] else None
    d = int(m[3]) if m[3] else None
    if not 1000 <= y <= 2999:
        raise ValueError(f"{text!r}: the year {y} is out of range")
    if mo is not None and not 1 <= mo <= 12:
        raise ValueError(f"{text!r}: there is no month {mo}")
    if d is not None and not _valid(y, mo or 1, d):
        raise ValueError(f"{text!r}: there is no day {d} in {y:04d}-{mo:02d}")
    return datetime(y, mo or 1, d or 1), _next_period(y, mo, d)


def parse_cli_date(text: str, *, end: bool) -> datetime:
    """Parse ``2019``, ``2019-12`` or ``2019-12-24`` into the first instant of that period,
    or with ``end`` the first instant after it (so that --until is inclusive)."""
    try:
        start, after = period_bounds(text)
    except ValueError as exc:
        raise UsageError(f"bad date {exc}") from None
    return after if end else start
