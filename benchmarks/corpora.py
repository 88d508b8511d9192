"""Real corpora from ../shared/corpora in forms newsgrep reads, for tests and benchmarks only.

Reuters-21578 ships as SGML; converting it is the job of a test helper or a benchmark, never of the
product (a researcher's own exports are JSON, CSV or text).
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = Path(os.environ.get("NEWSGREP_CORPORA", HERE.parent.parent / "shared" / "corpora"))

_DOC = re.compile(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', re.S)
_FIELD = {k: re.compile(rf"<{k}>(.*?)</{k}>", re.S) for k in ("TITLE", "BODY", "DATE")}
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_D = re.compile(r"<D>(.*?)</D>")
_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})")
_MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def reuters_date(raw: str) -> str | None:
    """Read a Reuters <DATE> (" 2-MAR-1987 09:28:48.30", sub-seconds and junk tolerated)."""
    m = _DATE.search(raw)
    if not m or m[2].upper() not in _MONTHS:
        return None
    d, mon, y, hh, mm, ss = int(m[1]), _MONTHS[m[2].upper()], int(m[3]), int(m[4]), int(m[5]), int(m[6])
    return f"{y:04d}-{mon:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}"


def reuters_records() -> list[dict[str, object]]:
    """Read every Reuters-21578 story that has a title or a body, as a plain record."""
    out = []
    for sgm in sorted((CORPORA / "reuters21578").glob("reut2-*.sgm.gz")):
        text = gzip.decompress(sgm.read_bytes()).decode("latin-1")
        for newid, doc in _DOC.findall(text):
            got = {k: (m.group(1) if (m := p.search(doc)) else "") for k, p in _FIELD.items()}
            title = _CONTROL.sub("", html.unescape(got["TITLE"])).strip()
            body = _CONTROL.sub("", html.unescape(got["BODY"])).strip()
            if not (title or body):
                continue
            topics = _TOPICS.search(doc)
            out.append({"id": f"reuters-{newid}", "title": title, "body": body,
                        "date": reuters_date(got["DATE"]), "source": "Reuters",
                        "topics": _D.findall(topics.group(1)) if topics else [],
                        "file": sgm.name})
    return out


def build_reuters(dest: Path) -> Path:
    """Write Reuters-21578 as JSON Lines (one file per SGML file) into ``dest``, once."""
    if dest.exists():
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    files: dict[str, list[str]] = {}
    for rec in reuters_records():
        name = str(rec.pop("file")).replace(".sgm.gz", ".jsonl")
        files.setdefault(name, []).append(json.dumps(rec, ensure_ascii=False))
    for name, lines in files.items():
        (tmp / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.rename(dest)
    return dest
