"""RTF decoded as its bytes are, and the APA online form read as its own articles (issue 27).

No real APA online RTF is in ../shared/corpora/formats (SOURCE.md of apa-defacto names AmCAT's
`apa/online.rtf` as not copied), so the online form is built here as that exporter writes it: each
article opens with an italic `"Source" gefunden am DD.MM.YYYY HH:MM Uhr` line, then a bold
headline, the paragraphs, and a rule of underscores; UTF-8 bytes inside an RTF that says `\\ansi`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import need_corpus
from newsgrep.ingest.readers import read_articles, sniff
from newsgrep.ingest.readers.base import FileContext
from newsgrep.models import Article

_P = "\\plain\\f0\\fs20\\par\\pard\\plain\\highlight1\\cf2\\plain\\f0\\fs20"
ITEMS = [
    ("Kurier.at", "28.12.2017", "10:36", "Doskozil: Nein zu Superministerium",
     ["Mit Ohrenstöpsel und zusätzlichem Gehörschutz ausgestattet hat sich der Minister gezeigt.",
      "Kein Ressortwechsel: Er hält an der bisherigen Einteilung fest."]),
    ("derStandard.at", "27.12.2017", "09:05", "Karmasin-Vorschlag: Eheschließung erst ab 18",
     ["Die Familienministerin will Kinderehen in Österreich unterbinden."]),
    ("Die Presse", "26.12.2017", "18:00", "Experte kritisiert teure Pensionsparallelwelten",
     ["Sozialforscher Bernd Marin fordert höhere Antrittsalter ein.", "Foto: /Grafik",
      "Die Anrechnung von Kindererziehungszeiten begrüßt Marin."]),
]


def _escape(text: str, escaped: bool) -> str:
    """Write non-ASCII letters as raw UTF-8 (as the exporter does) or as \\'xx escapes of UTF-8 bytes."""
    if not escaped:
        return text
    return "".join(ch if ord(ch) < 128 else "".join(f"\\'{b:02x}" for b in ch.encode("utf-8")) for ch in text)


def online_rtf(escaped: bool = False) -> bytes:
    out = ["{\\rtf\\ansi{\\fonttbl{\\f0\\fnil\\fcharset0\\fprq1 Arial;}}"
           "{\\colortbl;\\red255\\green255\\blue255;\\red0\\green0\\blue0;}"]
    for source, day, time, title, paras in ITEMS:
        out.append(f'\\plain\\f0\\fs20\\cf2 \\plain\\f0\\fs20\\i\\cf2 "{source}" gefunden am {day} {time} Uhr'
                   f"\\plain\\f0\\fs20\\cf2 {_P}{_P}\\cf2 \\plain\\f0\\fs20\\b\\cf2 {_escape(title, escaped)}"
                   f"\\plain\\f0\\fs20\\cf2 {_P}")
        for p in paras:
            out.append(f"{_P}\\cf2 {_escape(p, escaped)}{_P}")
        out.append(f"{_P}\\cf2 \\par\\pard\\plain{'_' * 67}\\par\\pard\\plain")
    out.append("}")
    return "".join(out).encode("utf-8")


def _read(path: Path) -> tuple[str, list[Article]]:
    ctx = FileContext(path, f"t/{path.name}", "rtf")
    return sniff(ctx), list(read_articles(ctx))


@pytest.mark.parametrize("escaped", [False, True], ids=["raw-utf8", "escaped-utf8"])
def test_apa_online_form_is_read_as_its_articles(tmp_path: Path, escaped: bool) -> None:
    path = tmp_path / "online.rtf"
    path.write_bytes(online_rtf(escaped))
    fmt, articles = _read(path)
    assert fmt == "apa-rtf"
    assert [(a.source, a.title) for a in articles] == [(s, t) for s, _, _, t, _ in ITEMS]
    for a, (_, day, time, _, paras) in zip(articles, ITEMS):
        d, m, y = day.split(".")
        assert a.date == f"{y}-{m}-{d}T{time}:00Z"
        assert [ln for ln in a.body.split("\n") if ln.strip()] == paras  # no rule of underscores
        assert "Ã" not in a.body + a.title and "Â" not in a.body + a.title


def test_a_word_of_the_online_form_is_found(tmp_path: Path) -> None:
    from newsgrep import api

    (tmp_path / "apa").mkdir()
    (tmp_path / "apa" / "online.rtf").write_bytes(online_rtf())
    api.build_index([str(tmp_path / "apa")], str(tmp_path / "ix"))
    hits = list(api.search("Ohrenstöpsel", str(tmp_path / "ix"), api.SearchOptions(limit=None)).hits)
    assert [h.title for h in hits] == [ITEMS[0][3]]


def test_windows_1252_bytes_of_an_ansi_rtf_stay_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "plain.rtf"
    text = "Größere Straßen – „Anführung“ in Köln"
    path.write_bytes(b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}\\f0 " + text.encode("cp1252") + b"\\par}")
    fmt, (a,) = _read(path)
    assert fmt == "rtf"
    assert a.title == text


@pytest.mark.parametrize(("folder", "name"), [("factiva-rtf", "Factiva-20200920-1048.rtf"),
                                               ("apa-defacto", "amcat_apa_onlinemanager.rtf")])
def test_real_rtf_exports_have_no_mojibake(folder: str, name: str) -> None:
    path = need_corpus("formats", folder, name)
    raw = path.read_bytes()
    # the articles' part: from APA's first record header on (not its page footer's notice)
    first = re.search(rb'" vom \d\d\.\d\d\.\d{4}', raw)
    raw = raw[first.start():] if first else raw
    # the words with non-ASCII letters the file writes as \\uN escapes (each with its fallback)
    escape = r"\\u(\d+)(?:\?|\\'[0-9a-fA-F]{2}){0,2}"
    words = {m[0] for m in re.finditer(rf"(?:[A-Za-z]|{escape})+", raw.decode("latin-1")) if "\\u" in m[0]}
    expected = {re.sub(escape, lambda m: chr(int(m[1])), w) for w in words}
    _, articles = _read(path)
    text = "\n".join(f"{a.title}\n{a.body}\n{a.source}\n{a.extra}" for a in articles)
    assert "Ã" not in text
    letters = [w for w in expected if len(w) > 4 and w.isalpha()]
    assert letters and all(w in text for w in letters), [w for w in letters if w not in text]
