"""Cleaning: control characters, whitespace, and the interface-line rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgrep.ingest.interface_lines import drop_interface_lines, is_interface_line
from newsgrep.text.clean import clean_text, strip_controls


@pytest.mark.parametrize("line", [
    "Search For Keyword.", "Total Comments (0)", "Comments About This Article",
    "Please fill the fields below.", "*code confirming note", "(57)    (52)",
    # the same rule on other sites' widgets
    "Share this article", "Leave a reply", "Sign up for our newsletter", "Follow us on Twitter",
    "Advertisement", "Print", "Read more", "Skip to main content", "Comments (12)", "***",
])
def test_interface_lines_are_recognised(line: str) -> None:
    assert is_interface_line(line)


@pytest.mark.parametrize("line", [
    "12,000 people flee Idlib amid regime, Russian attacks", "Aggression in December alone",
    "Zaman Al Wasl, Agencies", "Search and rescue was suspended on Tuesday",
    "He posted a comment on Twitter about the search", "2019", "1,000", "Comments on the budget",
    "Dec. 2: Airstrikes hit two marketplaces in Idlib, leaving a total of 14 civilians killed.",
])
def test_article_lines_are_kept(line: str) -> None:
    assert not is_interface_line(line)


def test_drop_interface_lines_keeps_the_rest() -> None:
    text = "Search For Keyword.\nReal news line.\nTotal Comments (0)\nAnother line."
    assert drop_interface_lines(text) == "Real news line.\nAnother line."


def test_escape_sequences_are_removed() -> None:
    hostile = "safe\x1b[2J\x1b]52;c;ZXZpbA==\x07 text\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \x9b31m"
    out = strip_controls(hostile)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert out.startswith("safe") and "text" in out and "link" in out


def test_clean_text_normalises_space() -> None:
    assert clean_text("a \u00a0 b\r\n\r\n\r\n\r\nc  ") == "a b\n\nc"


@given(st.text())
def test_cleaning_never_leaves_controls(text: str) -> None:
    out = clean_text(text)
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in out)
