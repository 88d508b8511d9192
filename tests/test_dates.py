"""Dates: what articles write, and what users type after --since/--until."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from newsgrep.errors import UsageError
from newsgrep.ingest.dates import normalize_date, parse_cli_date, to_instant


@pytest.mark.parametrize("raw, iso", [
    ("2019-12-24", "2019-12-24"), ("20191224", "2019-12-24"), ("2019-12", "2019-12"),
    ("2019", "2019"), ("2019-12-24T10:30:00Z", "2019-12-24T10:30:00Z"),
    ("2019-12-24 10:30", "2019-12-24T10:30:00Z"), ("2019-12-24T01:50:59.403000", "2019-12-24T01:50:59Z"),
    ("2019-12-24T10:30:00+05:30", "2019-12-24T05:00:00Z"), ("24/12/2019", "2019-12-24"),
    ("12/24/2019", "2019-12-24"), ("24.12.2019", "2019-12-24"), ("05/06/2019", None), ("31/02/2019", None),
    ("Tue, 24 Dec 2019 10:30:00 +0100", "2019-12-24T09:30:00Z"),
    ("December 24, 2019", "2019-12-24"), ("24 Dec 2019", "2019-12-24"),
    ("Friday, January 4, 2019", "2019-01-04"), ("", None), ("not a date", None), ("2019-13-01", None),
])
def test_normalize_date(raw: str, iso: str | None) -> None:
    assert normalize_date(raw) == iso


def test_an_unreadable_date_is_warned_about(tmp_path: Path) -> None:
    from newsgrep.ingest.readers import read_articles
    from newsgrep.ingest.readers.base import FileContext

    f = tmp_path / "x.jsonl"
    f.write_text('{"title": "A", "body": "x", "date": "05/06/2019"}\n'
                 '{"title": "B", "body": "y", "date": "24/12/2019"}\n')
    ctx = FileContext(f, "t/x.jsonl", "jsonl")
    a, b = read_articles(ctx)
    assert a.date is None and b.date == "2019-12-24"
    (w,) = ctx.warnings
    assert "t/x.jsonl#1" in w.message and "ambiguous" in w.message and "undated" in w.message


def test_cli_date_errors_say_what_is_wrong() -> None:
    with pytest.raises(UsageError, match="there is no month 13"):
        parse_cli_date("1987-13", end=False)
    with pytest.raises(UsageError, match="there is no day 30 in 2019-02"):
        parse_cli_date("2019-02-30", end=True)


def test_instants_are_utc() -> None:
    assert to_instant("2019-12-24T10:30:00+01:00") == datetime(2019, 12, 24, 9, 30)
    assert to_instant("2019-12") == datetime(2019, 12, 1)


def test_cli_dates_are_inclusive() -> None:
    assert parse_cli_date("2019-12", end=True) == datetime(2020, 1, 1)
    assert parse_cli_date("2019-12-31", end=True) == datetime(2020, 1, 1)
    assert parse_cli_date("2019", end=False) == datetime(2019, 1, 1)
    with pytest.raises(UsageError):
        parse_cli_date("24/12/2019", end=False)
    with pytest.raises(UsageError):
        parse_cli_date("2019-02-30", end=False)


@pytest.mark.parametrize("text, want", [
    ("05/06/2019", None),            # ambiguous with slashes: not guessed, by either reader
    ("24/12/2019", "2019-12-24"), ("12/24/2019", "2019-12-24"),
    ("05.06.2019", "2019-06-05"),    # with dots: day-first, the European form
    ("31.12.2019", "2019-12-31"), ("31/02/2019", None), ("31.02.2019", None),
])
def test_one_numeric_date_policy_for_every_reader(text: str, want: str | None) -> None:
    """The article readers (read_date) and the exports' interface-language reader agree."""
    from newsgrep.ingest.dates import read_date
    from newsgrep.ingest.readers.localdates import parse_local_date

    local = parse_local_date(text)
    assert read_date(text)[0] == want
    assert (local.isoformat()[:10] if local else None) == want
