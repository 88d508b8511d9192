"""Raw agency wire text: ANPA-1312 (AP) and IPTC 7901 (dpa), stories framed by control bytes.

A file may hold one story or a captured feed of many: each story starts at SOH (0x01), its
header runs to STX (0x02), and its text to ETX (0x03) and EOT (0x04).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone

from newsgrep.ingest.dates import iso_datetime
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import make_article
from newsgrep.ingest.readers.localdates import parse_local_date
from newsgrep.ingest.readers.stream import CHUNK, open_text
from newsgrep.models import Article
from newsgrep.text.clean import one_line

SOH, STX, ETX, EOT = "\x01", "\x02", "\x03", "\x04"
# "AP-WF-02-20-16 0337GMT": agency, wire, month-day-year, time
_ANPA_END = re.compile(r"([A-Z]{2,})-\w+-(\d\d)-(\d\d)-(\d\d) (\d\d)(\d\d)GMT")
# "212101 GMT Nov 18": day, hour, minute, [zone,] month, year ("211259 Nov 18": local time, zone unsaid)
_IPTC_END = re.compile(r"(\d\d)(\d\d)(\d\d)(?: (GMT|UTC|UT))? (\w{3,4})\.? (\d\d)\b")
_STAMP = re.compile(r"\b\d{6}\b.{0,12}\b\d\d\b")  # what may be a trailer time stamp newsgrep cannot read
_DATELINE_AGENCY = re.compile(r"\((AP|dpa|AFP|Reuters|UPI|PA|AAP|CP|EFE|ANSA)\)")
_MARKS = re.compile(r"\s*[<=]\s*$")  # the end-of-line quad marks of ANPA header lines
_SELECTOR = re.compile(r"^\*\d+<\s*\^?")  # "*9006< ^": a selector code before the slug
_BYLINE_TITLE = re.compile(r"\b(?:Writer|Press|Correspondent|Editor|Reporter|Columnist|Critic|Staff)\b")
_SIGN_OFF = re.compile(r"^(?:dpa|AP|afp)(?: [a-z]{2,4})+$")


def sniff(head: str) -> bool:
    """Tell whether a text file starts like an agency wire story (SOH ... STX)."""
    if SOH not in head[:64] or STX not in head[:2048]:
        return False  # most text files: the control-byte count below is not needed
    return "\x00" not in head[:8192]  # the framing bytes are the format's own, however many


def _messages(ctx: FileContext) -> Iterator[tuple[int, str]]:
    """Yield each SOH-framed message with its starting character offset."""
    buf = ""
    offset = 0
    with open_text(ctx.path) as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            buf += chunk
            parts = buf.split(SOH)
            for part in parts[1:-1] if buf.startswith(SOH) or len(parts) > 2 else []:
                yield offset, part
                offset += len(part) + 1
            buf = SOH + parts[-1] if len(parts) > 1 else buf
    for part in buf.split(SOH)[1:]:
        if part.strip():
            yield offset, part


def read_wire(ctx: FileContext) -> Iterator[Article]:
    """Read ANPA-1312 or IPTC 7901 stories, one article per SOH ... EOT message."""
    n = 0
    for offset, message in _messages(ctx):
        if STX not in message:
            ctx.skip(f"message {n + 1} (character {offset}): no STX, the story text is missing; skipped")
            n += 1
            continue
        n += 1
        head, _, text = message.partition(STX)
        text, _, tail = text.partition(ETX)
        if head.lstrip("\x16").startswith(tuple("abcdefghijklmnopqrstuvwxyz")) and "dpa" in head.split("\n")[0]:
            yield _iptc7901(ctx, n, head, text, tail)
        elif "^" in text[:400]:
            yield _anpa(ctx, n, head, text, tail)
        else:
            yield _iptc7901(ctx, n, head, text, tail)


def _lines(text: str) -> list[str]:
    return [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _anpa(ctx: FileContext, n: int, head: str, text: str, tail: str) -> Article:
    found = re.search(r"\b[A-Z]{2}-[\w-]+(?: [\w-]+)?", head)
    slug = found[0] if found else None
    lines = _lines(text)
    marked = []
    i = 0
    while i < len(lines) and (lines[i].startswith("^") or not lines[i].strip()):
        if lines[i].strip():
            marked.append(lines[i][1:].strip())
        i += 1
    title = ""
    author = None
    notes = []
    listed: list[str] = []  # header lines past the headline that are text: a headline package's headlines
    top: list[str] = []  # header lines after the byline: a table's headings, read as text
    for k, line in enumerate(marked):
        clean = _MARKS.sub("", line).strip()
        if k == 0 and re.match(r"^[A-Z]{2}-", _SELECTOR.sub("", clean)):
            continue  # the slug again ("*9006< ^AP-Top-Entertainment-Headlines,0176" after a selector)
        if clean.startswith(("AP Photo", "Eds:", "(Eds:", "Editor's Note", "With AP Photo")):
            notes.append(clean)
        elif clean.lower().startswith("by ") and author is None:
            author = clean[3:].strip()
        elif author is not None and not top and _BYLINE_TITLE.search(clean):
            notes.append(clean)  # the byline's title: "AP Sports Writer"
        elif author is not None:
            top.append(clean)
        elif not title:
            title = clean
        else:
            listed.append(clean)
    rest = [_MARKS.sub("", ln.strip().lstrip("^")).strip() for ln in lines[i:]]
    rest = [ln for ln in rest if ln and ln != "___"]
    if not rest and listed:
        rest, listed = listed, []  # a headline package: the headlines are its text
    notes.extend(listed)
    body = "\n\n".join(top + rest)
    m = _ANPA_END.search(tail)
    date = None
    source = None
    if m:
        source = m[1]
        try:
            date = iso_datetime(datetime(2000 + int(m[4]), int(m[2]), int(m[3]), int(m[5]), int(m[6]),
                                         tzinfo=timezone.utc))
        except ValueError:
            ctx.warn(f"story {n}: cannot read the time stamp {m[0]!r}; the article is undated")
    agency = _DATELINE_AGENCY.search(body[:300])
    return make_article(ctx, n, title=title, body=body, date=ctx.date(date, f"story {n}"),
                        source=source or (agency[1] if agency else None), author=author,
                        extra={"format": "ANPA-1312", "slug": slug, "notes": "; ".join(notes) or None})


def _iptc7901(ctx: FileContext, n: int, head: str, text: str, tail: str) -> Article:
    header = [ln.strip() for ln in _lines(head) if ln.strip()]
    fields = header[0].split() if header else []
    agency = fields[-2] if len(fields) >= 2 else None
    slug = header[1] if len(header) > 1 else None
    lines = _lines(text)
    top: list[str] = []
    i = 0
    while i < len(lines) and len(top) < 6:
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        top.append(line)
        if line.endswith("="):
            break
    else:
        i, top = 0, []
    urgency = None
    author = None
    title_parts = []
    for k, line in enumerate(top):
        clean = line.rstrip("=").strip()
        if k == 0 and len(top) > 1 and clean.isupper() and len(clean) < 20:
            urgency = clean
        elif clean.lower().startswith("by "):
            author = clean[3:].split(",")[0].strip()
        elif clean:
            title_parts.append(clean)
    body_lines: list[str] = []
    for line in lines[i:]:
        s = line.strip()
        if s.startswith("#") or s == "* * * *":
            break
        body_lines.append(s)
    while body_lines and (not body_lines[-1] or _SIGN_OFF.match(body_lines[-1])):
        body_lines.pop()
    date = None
    m = _IPTC_END.search(tail)
    if m:
        # with a zone the time is kept; without one only the day is sure
        stamp = f"{int(m[1])} {m[5]} 20{m[6]}" + (f" {m[2]}:{m[3]}" if m[4] else "")
        got = parse_local_date(stamp, ("en", "de"))
        date = ctx.date(got if got is not None else m[0], f"story {n}")
    elif _STAMP.search(tail):
        ctx.warn(f"story {n}: cannot read the time stamp {one_line(tail)[:40]!r}; the article is undated")
    return make_article(ctx, n, title=" ".join(title_parts), body="\n".join(body_lines), date=date,
                        source=agency, author=author,
                        extra={"format": "IPTC 7901", "slug": slug, "urgency": urgency})
