"""One LexisNexis document, as blocks of lines (TXT paragraphs or HTML DIVs), into an Article.

A document is: centred header blocks (copyright, publication, date and edition), a headline (a
bare block or a ``HEADLINE:``/``KOP:`` field), ``LABEL: value`` fields up to ``LENGTH:``, the body,
then trailing fields (``LOAD-DATE:``, ``LANGUAGE:``, ``SUBJECT:`` ...) and a copyright block. The
labels are in the interface language; the tables below name them in the languages seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import lang_code, local_date, make_article, word_count
from newsgrep.ingest.readers.localdates import looks_like_date_line, month_of, split_date_line
from newsgrep.models import Article
from newsgrep.text.clean import one_line

# "1 of 240 DOCUMENTS", "1 of 1 DOCUMENT", "12 von 49 DOKUMENTEN", "3 sur 10 DOCUMENTS"
SEPARATOR = re.compile(r"^\s*(\d+)\s+\S{1,5}\s+(\d+)\s+DO[CK]U?MENT\w*\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([A-ZÄÖÜÉÈÀÇÅØÆÑ][A-ZÄÖÜÉÈÀÇÅØÆÑ0-9\-/ ]{0,28}[A-ZÄÖÜÉÈÀÇÅØÆÑ]):[ \t\u00a0]*(.*)$")
HEADLINE = {"HEADLINE", "LEADALL", "LEAD", "KOP", "TITEL", "TITRE", "TITULAR", "TITLE", "OVERSKRIFT", "TITOLO",
            "SCHLAGZEILE"}
BODY = {"BODY", "TEXT", "TEKST", "TEXTE", "TEXTO", "TESTO", "CORPS"}
LENGTH = {"LENGTH", "LÄNGE", "LONGUEUR", "LENGTE", "LONGITUD", "LÆNGDE", "LUNGHEZZA", "LÄNGD"}
AUTHOR = {"BYLINE", "AUTOR", "AUTEUR", "AUTHOR", "SIGNATURE", "BY", "FORFATTER", "AUTORE"}
SECTION = {"SECTION", "RUBRIK", "RUBRIQUE", "RUBRIEK", "SECCION", "SECCIÓN", "SEKTION", "SEZIONE"}
LANGUAGE = {"LANGUAGE", "SPRACHE", "LANGUE", "TAAL", "IDIOMA", "SPROG", "LINGUA", "SPRÅK"}
LOAD_DATE = {"LOAD-DATE", "DATE-CHARGEMENT", "UPDATE", "LAADDATUM", "FECHA-CARGA"}
# Fields that may still come after LENGTH: before the body starts.
_HEAD_AFTER_LENGTH = HEADLINE | AUTHOR | SECTION | BODY | {"DATELINE", "ORTSZEILE", "SOURCE", "QUELLE",
                                                        "EDITION", "AUSGABE", "SHOW", "GUESTS"}
# Trailing fields without a hyphen (LOAD-DATE, PUBLICATION-TYPE, ... are told by theirs).
_TRAILER = LANGUAGE | LOAD_DATE | {
    "SUBJECT", "SUJET", "THEMA", "ONDERWERP", "GEOGRAPHIC", "ORGANIZATION", "ORGANISATION", "PERSON",
    "PEOPLE", "COMPANY", "INDUSTRY", "TICKER", "GRAPHIC", "GRAFIK", "NOTES", "NOTE", "TRANSCRIPT", "URL",
    "CITY", "STATE", "COUNTRY", "DISTRIBUTION", "SERIES", "CORRECTION", "ZEITUNGS-CODE", "TERMS",
    "LOCALISATION-GEO", "SOCIETE", "SECTEUR", "PERSONNE", "BRANCHE", "FIRMA", "PERSONEN", "REGION"}
_COPYRIGHT = re.compile(r"^\s*(?:Copyright|©|\(c\)|Alle Rechte|All Rights Reserved)", re.IGNORECASE)
_URL = re.compile(r"^\s*https?://\S+$")
_PCT = re.compile(r"\s*\(\d{1,3}%\)")


@dataclass
class Block:
    """A paragraph of a LexisNexis document: its lines, and whether it was centred."""

    lines: list[str]
    centred: bool = False
    label: str | None = None
    value: str = ""

    def __post_init__(self) -> None:
        m = _LABEL.match(self.lines[0]) if self.lines else None
        if m and not self.centred:
            self.label = m[1].strip().upper()
            self.value = "\n".join([m[2], *self.lines[1:]]).strip()

    @property
    def text(self) -> str:
        """Return the block's lines as one string."""
        return "\n".join(ln.strip() for ln in self.lines).strip()


@dataclass
class _Doc:
    fields: dict[str, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)


def _is_trailer(b: Block) -> bool:
    if b.centred or _COPYRIGHT.match(b.lines[0]):
        return True
    return b.label is not None and ("-" in b.label or b.label in _TRAILER)


def _date_index(blocks: list[Block]) -> int | None:
    """Find the header's date block among the first blocks."""
    for i, b in enumerate(blocks[:7]):
        if b.label is not None or len(b.lines) > 3:
            if len(b.lines) > 6:
                return None
            continue
        first = one_line(b.lines[0])
        if _is_copyright(first) or _URL.match(first):
            continue
        if looks_like_date_line(first) or (len(b.lines) > 1 and looks_like_date_line(one_line(" ".join(b.lines[:2])))):
            return i
        if b.centred and len(b.lines) > 1 and _date_line(one_line(b.lines[-1])):
            return i  # publication, issue and date in one centred block ("BMI ... / ... / January 2009")
    return None


def _date_line(line: str) -> bool:
    """Tell a header's date line: a day ("December 24, 2019 Tuesday") or a month ("January 2009")."""
    return month_of(line) is not None or looks_like_date_line(line)


def _merge_labels(blocks: list[Block]) -> list[Block]:
    """Join a field whose label stands alone ("CORRECTION:") with the paragraph that follows it."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if prev is not None and prev.label is not None and not prev.value and b.label is None \
                and not b.centred and prev.label not in BODY:
            prev.value = b.text
            prev.lines = prev.lines + b.lines
            continue
        out.append(b)
    return out


def _is_copyright(line: str) -> bool:
    return bool(_COPYRIGHT.match(line)) or "rights reserved" in line.lower()


def parse_blocks(blocks: list[Block], ctx: FileContext, n: int, where: str) -> Article:
    """Turn the blocks of the n-th document into an Article."""
    doc = _Doc()
    blocks = _merge_labels(blocks)
    d = _date_index(blocks)
    if d is not None:
        end = d + 1
        while end < len(blocks) and blocks[end].centred and blocks[end].label is None:
            end += 1
    else:
        end = 0
        while end < len(blocks) and blocks[end].centred:
            end += 1
    date_text = edition = url = source = None
    title = ""
    notes: list[str] = []
    for i, b in enumerate(blocks[:end]):
        if i == d and len(b.lines) > 1 and not looks_like_date_line(one_line(b.lines[0])) \
                and not looks_like_date_line(one_line(" ".join(b.lines[:2]))) and _date_line(one_line(b.lines[-1])):
            date_text = one_line(b.lines[-1])  # the date under the publication's lines
            if source is None:
                source = one_line(b.lines[0])
                notes.extend(one_line(ln) for ln in b.lines[1:-1] if ln.strip())
            else:
                notes.extend(one_line(ln) for ln in b.lines[:-1] if ln.strip())
        elif i == d:
            first = one_line(b.lines[0])
            if looks_like_date_line(first) or len(b.lines) == 1:
                date_text, more = first, b.lines[1:]
            else:
                date_text, more = one_line(" ".join(b.lines[:2])), b.lines[2:]
            if more and re.match(r"^\s*\d{1,2}[:.]\d{2}\b", more[0]):  # "13:38 Central European Time"
                date_text = f"{date_text} {one_line(more.pop(0))}"
            got, tail = split_date_line(date_text)
            if got is not None and tail:
                date_text = date_text[:len(date_text) - len(tail)].rstrip(" ,")
                more.insert(0, tail)
            if more:
                edition = one_line(" ".join(more))
        elif b.label is not None:
            doc.fields.setdefault(b.label, b.value)
        elif _URL.match(b.lines[0]):
            url = "".join(ln.strip() for ln in b.lines)
        elif not b.centred and not title and source is not None:  # a headline above the date
            title = b.text
        elif _is_copyright(b.lines[0]):
            doc.fields.setdefault("copyright", one_line(b.text))
            named = [ln for ln in b.lines if not _is_copyright(ln)]
            if named and source is None:  # "Copyright 2003 Le Monde" / "Le Monde" in one block
                source = one_line(" ".join(named))
        elif source is None:
            source = one_line(b.text)
        else:
            notes.append(one_line(b.text))
    rest = blocks[end:]
    i = 0
    author = None
    if not title:
        title = _pick(doc.fields, HEADLINE) or ""
    bare = rest[0].label is None and word_count(rest[0].text) is None and not rest[0].centred if rest else False
    if bare and not title:
        title = rest[0].text
        i = 1
    if i < len(rest) - 1 and rest[i].label is None and len(rest[i].lines) == 1 and len(rest[i].text) < 60 \
            and (rest[i + 1].label is not None or word_count(rest[i + 1].text) is not None) \
            and title and not rest[i].centred:  # a byline line between the headline and the fields
        author = rest[i].text
        i += 1
    seen_length = False
    body_parts: list[str] = []
    while i < len(rest):
        b = rest[i]
        wc = word_count(b.text) if b.label is None else None
        if wc is not None:
            doc.fields.setdefault("LENGTH", b.text)
            seen_length = True
            i += 1
            continue
        if b.label is None or (seen_length and b.label not in _HEAD_AFTER_LENGTH) or _is_trailer(b):
            break
        if b.label in BODY:
            if b.value:
                body_parts.append(b.value)
            i += 1
            break
        doc.fields.setdefault(b.label, b.value)
        seen_length = seen_length or b.label in LENGTH
        i += 1
    j = len(rest)
    while j > i and _is_trailer(rest[j - 1]):
        j -= 1
    body_parts.extend(b.text for b in rest[i:j])
    for b in rest[j:]:
        if b.label is not None:
            doc.fields.setdefault(b.label, b.value)
        elif _COPYRIGHT.match(b.lines[0]):
            doc.fields.setdefault("copyright", one_line(b.text))
    if author:
        doc.fields.setdefault("BYLINE", author)
    return _article(doc, ctx, n, where, title=title, body="\n\n".join(body_parts), date_text=date_text,
                    source=source, url=url, edition=edition, notes=notes)


def _pick(fields: dict[str, str], names: set[str]) -> str | None:
    for name in names:
        if name in fields:
            return fields.pop(name)
    return None


def _article(doc: _Doc, ctx: FileContext, n: int, where: str, *, title: str, body: str,
             date_text: str | None, source: str | None, url: str | None, edition: str | None,
             notes: list[str]) -> Article:
    f = doc.fields
    title = title or _pick(f, HEADLINE) or ""
    author = _pick(f, AUTHOR)
    section = _pick(f, SECTION)
    length = _pick(f, LENGTH)
    language = _pick(f, LANGUAGE)
    load = _pick(f, LOAD_DATE)
    graphic = f.get("GRAPHIC") or f.get("GRAFIK")
    if not body.strip():  # an item whose only text is its caption or highlight (a photo, a flash)
        body = graphic or f.get("HIGHLIGHT") or ""
    extra: dict[str, object] = {
        "section": one_line(section or ""), "edition": edition,
        "length": word_count(one_line(length or "")) if length else None,
        "load_date": local_date(ctx, load, where) if load else None,
        "dateline": one_line(f.pop("DATELINE", "") or f.pop("ORTSZEILE", "")),
        "note": "; ".join(notes) or None,
    }
    for key, value in f.items():
        key = key.lower().replace("-", "_")
        if key in ("copyright",):
            continue
        value = _PCT.sub("", one_line(value)) if key in ("subject", "sujet", "geographic", "company", "organization",
                                                           "person", "industry", "localisation_geo", "societe",
                                                           "secteur_activite", "pub_subject") else one_line(value)
        extra.setdefault(key, value)
    return make_article(ctx, n, title=title, body=body, date=local_date(ctx, date_text, where),
                        source=source, author=author, url=url or f.get("URL"), lang=lang_code(language),
                        extra=extra)
