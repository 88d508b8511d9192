"""Records in one form (issue 27): dates as `2019`, `2019-12`, `2019-12-24` or
`2019-12-24T08:15:00Z` from every reader; month-only header dates kept at month precision with the
publication not run together with the lines under it; an export's error stub counted as an empty
record, with no error exit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import need_corpus, newsgrep
from newsgrep.ingest.readers import kind_of, read_articles
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

pytestmark = pytest.mark.corpus  # the shared export samples, indexed

ONE_FORM = re.compile(r"^\d{4}(?:-\d\d(?:-\d\d(?:T\d\d:\d\d:\d\dZ)?)?)?$")
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December")


def _read(path: Path) -> list[Article]:
    return list(read_articles(FileContext(path, f"t/{path.name}", kind_of(path) or "data")))


def test_every_reader_writes_dates_in_one_form() -> None:
    formats = need_corpus("formats")
    paths = [p for p in sorted(formats.glob("*/*")) if p.name != "SOURCE.md" and not p.name.endswith("_sols.json")]
    paths.append(sorted(need_corpus("reuters21578").glob("*.sgm.gz"))[0])
    dates = {p.name: [a.date for a in _read(p) if a.date] for p in paths}
    bad = {name: [d for d in ds if not ONE_FORM.match(d)] for name, ds in dates.items()}
    assert {k: v for k, v in bad.items() if v} == {}
    reuters = next(v for k, v in dates.items() if k.endswith(".sgm.gz"))
    assert reuters and all(d.endswith("Z") and "T" in d for d in reuters)  # Reuters stamps have a time


def test_month_only_header_date_and_its_publication() -> None:
    path = need_corpus("formats", "lexisnexis-txt", "amcat_test.txt")
    raw = path.read_text(encoding="utf-8", errors="replace")
    records = re.split(r"^\s*\d+ of \d+ DOCUMENTS\s*$", raw, flags=re.MULTILINE)[1:]
    expected = []
    for rec in records:
        header = rec.strip("\n").split("\n\n\n")[0]  # the centred blocks before the fields
        for block in re.split(r"\n\s*\n", header):
            lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
            m = re.fullmatch(rf"({MONTHS}) (\d{{4}})", lines[-1]) if len(lines) > 1 else None
            if m and not lines[0].lower().startswith("copyright"):
                month = MONTHS.split("|").index(m[1]) + 1
                expected.append((lines[0], f"{m[2]}-{month:02d}"))
    assert expected  # the BMI report of January 2009
    articles = _read(path)
    got = [(a.source, a.date) for a in articles]
    for source, month in expected:
        assert (source, month) in got


def test_error_stub_is_an_empty_record_without_error_exit(tmp_path: Path) -> None:
    src = need_corpus("formats", "lexisnexis-html", "tmplugin_lexisnexis_test_copyright_error.html")
    raw = src.read_text(encoding="utf-8", errors="replace")
    stubs = len(re.findall(r"We are sorry but there is an error in this document", raw))
    assert stubs == 1
    (tmp_path / "nexis").mkdir()
    (tmp_path / "nexis" / src.name).write_bytes(src.read_bytes())
    ran = newsgrep("index", str(tmp_path / "nexis"), "--index", str(tmp_path / "ix"))
    assert "could not export this document" in ran.err
    assert f"{stubs} record with no title and no text" in ran.err
