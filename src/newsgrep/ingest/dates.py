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


def normalize_date(value: object) -> str | None:
    """Return an ISO 8601 date or date-time as precise as ``value`` gives, or None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value) / (1000 if value > 1e11 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text or len(text) > 64:
        return None
    m = _PARTIAL.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        if not _valid(y, mo, d):
            return None
        if m[3]:
            return f"{y:04d}-{mo:02d}-{d:02d}"
        return f"{y:04d}-{mo:02d}" if m[2] else f"{y:04d}"
    m = _COMPACT.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        return f"{y:04d}-{mo:02d}-{d:02d}" if _valid(y, mo, d) else None
    m = _ISO_DT.match(text)
    if m:
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            dt = None
        if dt is not None and _valid(dt.year):
            return dt.isoformat()
    try:
        from email.utils import parsedate_to_datetime  # only for RFC 2822 dates; slow to import

        dt = parsedate_to_datetime(text)
        if _valid(dt.year):
            return dt.isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    m = _WORDY.match(text)
    if m:
        if m[1]:
            d, mon, y = int(m[1]), m[2][:3].lower(), int(m[3])
        else:
            mon, d, y = m[4][:3].lower(), int(m[5]), int(m[6])
        month = _MONTHS.get(mon)
        if month and _valid(y, month, d):
            return f"{y:04d}-{month:02d}-{d:02d}"
    return None


def to_instant(iso: str | None) -> datetime | None:
    """Return the naive UTC instant an ISO string from :func:`normalize_date` starts at."""
    if not iso:
        return None
    m = _PARTIAL.match(iso)
    if m:
        return datetime(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    try:
        dt = datetime.fromisoformat(iso)
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
