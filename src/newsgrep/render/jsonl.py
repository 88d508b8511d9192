"""JSON Lines and CSV output of hits and articles."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import IO, Any

from newsgrep.hits import Hit
from newsgrep.text.clean import one_line, strip_controls

HIT_KEYS = ("rank", "score", "id", "path", "title", "date", "source", "url", "snippets",
            "matched_terms")
CSV_HIT_COLUMNS = ("rank", "score", "id", "path", "title", "date", "source", "url", "snippet")


def hit_dict(hit: Hit) -> dict[str, Any]:
    """Return a hit as the JSON object of the contract."""
    out: dict[str, Any] = {
        "rank": hit.rank, "score": hit.score, "id": hit.id, "path": hit.path,
        "title": hit.title, "date": hit.date, "source": hit.source, "url": hit.url,
        "snippets": [{"text": s.text, "highlights": [list(h) for h in s.highlights]}
                     for s in hit.snippets],
        "matched_terms": list(hit.matched_terms),
    }
    if hit.qid is not None:
        out["qid"] = hit.qid
    if hit.duplicates is not None:
        out["duplicates"] = list(hit.duplicates)
    return out


def write_json(obj: Mapping[str, Any], out: IO[str]) -> None:
    """Write one JSON object as a line."""
    line = json.dumps(obj, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an undecodable file name): escape it
        line = json.dumps(obj)
    out.write(line + "\n")


def csv_writer(out: IO[str]) -> Any:
    """Return a CSV writer with the conventions of spreadsheets (RFC 4180, CRLF)."""
    return csv.writer(out, lineterminator="\r\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return strip_controls(str(value))


def hit_row(hit: Hit) -> list[str]:
    """Return a hit as a CSV row."""
    snippet = " … ".join(one_line(s.text) for s in hit.snippets)
    return [str(hit.rank), f"{hit.score:.6f}", _cell(hit.id), _cell(hit.path), _cell(hit.title),
            _cell(hit.date), _cell(hit.source), _cell(hit.url), snippet]


def record_row(record: Mapping[str, Any], columns: tuple[str, ...]) -> list[str]:
    """Return any record as a CSV row of the given columns."""
    return [_cell(record.get(c)) for c in columns]
