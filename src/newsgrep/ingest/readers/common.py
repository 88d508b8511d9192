"""What the export readers share: building an Article, the title fallback, dates, labels."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.localdates import INTERFACE_LANGS, month_of, parse_local_date
from newsgrep.models import Article
from newsgrep.text.clean import clean_text, one_line

TITLE_MAX = 100       # characters of a first sentence taken as a title
TITLE_LINE_MAX = 150  # a body's first line up to this long is a title as it is
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s")
# "808 words", "877 Wörter", "143 mots", "353 woorden", "8165 字", "306 Wörter"
WORD_COUNT = re.compile(r"^\s*(\d[\d.,\s]*)\s*(?:words?|w[oö]rter|mots|woorden|palabras|parole|palavras|ord|"
                        r"sanaa|szó|字|단어|語|wörter)\s*$", re.IGNORECASE)


def first_sentence(body: str, limit: int = TITLE_MAX) -> str:
    """Take the first sentence of a body as a title, cut at a word to at most ``limit`` characters."""
    line = next((p for p in body.split("\n\n") if p.strip()), "").replace("\n", " ")
    for m in _SENTENCE_END.finditer(line):
        word = line[:m.start()].rsplit(None, 1)[-1] if line[:m.start()].strip() else ""
        core = word.rstrip(".!?")
        if "." not in core and not (len(core) <= 3 and core[:1].isupper()):  # not "Mr.", "U.S.", "Jan."
            line = line[:m.start()]
            break
    line = one_line(line)
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else line[:limit]).rstrip(" ,;:-") + "…"


def derive_title(body: str) -> str:
    """Make a title for a record without one: the body's first line when it is at most
    TITLE_LINE_MAX characters, else its first sentence (cut at a word to about TITLE_MAX)."""
    line = one_line(next((ln for ln in body.split("\n") if ln.strip()), ""))
    if len(line) <= TITLE_LINE_MAX:
        return line
    return first_sentence(body)


def make_article(ctx: FileContext, n: int, *, id: str | None = None, title: str | None = "",
                 body: str | None = "", date: str | None = None, source: str | None = None,
                 author: str | None = None, url: str | None = None, lang: str | None = None,
                 extra: dict[str, Any] | None = None) -> Article:
    """Build the n-th (1-based) Article of an export: text cleaned, a title even when the record has
    none, the export's id or ``file_id#n``, empty extras left out."""
    text = clean_text(body or "")
    head = one_line(title or "")
    if head and text.startswith(head):  # a body that repeats the headline as its first line
        first, _, rest = text.partition("\n")
        if one_line(first) == head:
            text = rest.lstrip("\n")
    derived = not head and bool(text.strip())
    head = head or derive_title(text)
    kept = {k: _plain(v) for k, v in (extra or {}).items() if v not in (None, "", [], {})}
    return Article(
        id=one_line(id or "") or f"{ctx.file_id}#{n}",
        path=str(ctx.path),
        title=head,
        body=text,
        date=date,
        source=one_line(source or "") or None,
        url=one_line(url or "") or None,
        author=one_line(author or "") or None,
        lang=one_line(lang or "").lower() or None,
        extra=kept or None,
        title_derived=derived,
    )


def _plain(value: Any) -> Any:
    """Make an extra value plain JSON data: lxml's string results are str subclasses that the
    index's restricted unpickler rightly refuses."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return str(value)


def local_date(ctx: FileContext, text: str | None, where: str,
               langs: tuple[str, ...] = INTERFACE_LANGS) -> str | None:
    """Read a date an export writes in its interface language; warn when it is there but unreadable."""
    if not text or not text.strip():
        return None
    got: date | datetime | str | None = parse_local_date(text, langs)
    if got is None:
        got = month_of(text, langs)  # "January 2009": kept at month precision
    return ctx.date(got if got is not None else text, where)


def word_count(text: str) -> int | None:
    """Read "808 words" (in any interface language) as 808, or None."""
    m = WORD_COUNT.match(text)
    if not m:
        return None
    digits = re.sub(r"\D", "", m[1])
    return int(digits) if digits else None


def lang_code(name: str | None) -> str | None:
    """Turn a language as exports name it ("ENGLISH", "GERMAN; DEUTSCH", "Français", "de-DE") into a code."""
    if not name:
        return None
    text = name.strip()
    if re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", text):
        return text.replace("_", "-").split("-")[0].lower()
    first = re.split(r"[;,/]", text)[0].strip().lower()
    found: str | None = _LANG_NAMES.get(first)
    if found is None and first.endswith("文"):  # Factiva's Chinese interface: 德文 where CLDR has 德语
        found = _LANG_NAMES.get(first[:-1] + "语")
    return found


def _lang_names() -> dict[str, str]:
    """Map language names in the languages of the interfaces to ISO 639-1 codes (babel's CLDR data)."""
    try:
        from babel import Locale
    except ImportError:  # pragma: no cover - babel comes with dateparser's dependencies
        return {}
    codes = ("en", "de", "fr", "nl", "da", "es", "it", "pt", "sv", "nb", "no", "fi", "hu", "pl", "ru",
             "zh", "ja", "ko", "ar", "tr", "el", "cs", "he")
    out: dict[str, str] = {}
    for ui in ("en", "de", "fr", "nl", "da", "es", "zh", "ko", "ja", "it", "pt", "sv"):
        names = Locale.parse(ui).languages
        for code in codes:
            name = names.get(code)
            if name:
                out.setdefault(name.lower(), code)
    for code in codes:  # each language's own name (Deutsch, Français, 한국어)
        own = Locale.parse(code).get_display_name(code)
        if own:
            out.setdefault(own.lower().split(" (")[0], code)
    out.setdefault("francaise", "fr")
    out.setdefault("espanol", "es")
    return out


class _LazyNames(dict[str, str]):
    def get(self, key: str, default: Any = None) -> Any:
        if not self:
            self.update(_lang_names())
        return super().get(key, default)


_LANG_NAMES = _LazyNames()


def html_text(markup: str | None) -> str:
    """Take the text of an HTML fragment (a ninjs body, a NewsML inlineData), a line per paragraph."""
    if not markup or not markup.strip():
        return ""
    if "<" not in markup:
        import html

        return html.unescape(markup)
    import lxml.html

    from newsgrep.ingest.readers.stream import text_of

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return markup
    return text_of(root)
