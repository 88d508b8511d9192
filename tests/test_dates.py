"""Dates: what articles write, and what users type after --since/--until."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsgrep.errors import UsageError
from newsgrep.ingest.dates import normalize_date, parse_cli_date, to_instant


@pytest.mark.parametrize("raw, iso", [
    ("2019-12-24", "2019-12-24"), ("20191224", "2019-12-24"), ("2019-12", "2019-12"),
    ("2019", "2019"), ("2019-12-24T10:30:00Z", "2019-12-24T10:30:00+00:00"),
    ("2019-12-24 10:30", "2019-12-24T10:30:00"),
    ("Tue, 24 Dec 2019 10:30:00 +0100", "2019-12-24T10:30:00+01:00"),
    ("December 24, 2019", "2019-12-24"), ("24 Dec 2019", "2019-12-24"),
    ("Friday, January 4, 2019", "2019-01-04"), ("", None), ("not a date", None), ("2019-13-01", None),
])
def test_normalize_date(raw: str, iso: str | None) -> None:
    assert normalize_date(raw) == iso


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
