"""ProQuest deliveries: "Your ProQuest Research" e-mails (.eml, the stdlib email package decodes the
MIME) and saved HTML; one article per DocID anchor, its fields read by their labels."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsgrep.errors import ReadError
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import html_text, lang_code, local_date, make_article
from newsgrep.models import Article
from newsgrep.text.clean import one_line

_ANCHOR = re.compile(r'<a\s+name="DocID_[^"]*"\s*>', re.IGNORECASE)
_TITLE = re.compile(r'<p[^>]*font-weight:\s*bold[^>]*>(.*?)</p>', re.IGNORECASE | re.DOTALL)
_FIELD = re.compile(r"<strong[^>]*>\s*([^<:]{2,40}):\s*</strong>(.*?)</p>", re.IGNORECASE | re.DOTALL)
_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.IGNORECASE | re.DOTALL)


def _document(chunk: str, ctx: FileContext, n: int) -> Article | None:
    m = _TEXT.search(chunk)
    body = ""
    rest = chunk
    if m:
        inner = re.sub(r"^\s*html&gt;", "", m[1])  # the old format's stray "html&gt;"
        body = "\n".join(ln for ln in html_text(inner).split("\n") if ln.strip() != "Enlarge this image.")
        rest = chunk[:m.start()] + chunk[m.end():]
    fields: dict[str, str] = {}
    for f in _FIELD.finditer(rest):
        fields.setdefault(one_line(f[1]).lower(), one_line(html_text(f[2])))
    t = _TITLE.search(chunk)
    title = one_line(html_text(t[1])) if t else ""
    doc_id = fields.get("proquest document id")
    where = f"document {n} ({doc_id or 'no id'})"
    if not body:
        abstract = fields.get("abstract", "")
        body = abstract if abstract and abstract != "None available." else ""
    if not title and not body:
        ctx.skip(f"{where}: neither headline nor text; skipped")
        return None
    source = fields.get("publication title", "").split(";")[0].strip() or None
    return make_article(
        ctx, n, id=f"proquest-{doc_id}" if doc_id else None, title=title, body=body,
        date=local_date(ctx, fields.get("publication date"), where), source=source,
        author=fields.get("author"), url=fields.get("document url"),
        lang=lang_code(fields.get("language of publication")),
        extra={"section": fields.get("section"), "pages": fields.get("pages"), "subjects": fields.get("subject"),
               "location": fields.get("location"), "document_type": fields.get("document type"),
               "publisher": fields.get("publisher"), "database": fields.get("database")})


def _split(html: str, ctx: FileContext) -> Iterator[Article]:
    starts = [m.start() for m in _ANCHOR.finditer(html)]
    for n, (a, b) in enumerate(zip(starts, [*starts[1:], len(html)]), 1):
        got = _document(html[a:b], ctx, n)
        if got is not None:
            yield got


def read_proquest_html(ctx: FileContext) -> Iterator[Article]:
    """Read a saved ProQuest page or fragment."""
    yield from _split(ctx.text(), ctx)


def read_proquest_eml(ctx: FileContext) -> Iterator[Article]:
    """Read a ProQuest e-mail: its text/html part, one article per DocID anchor."""
    import email
    from email import policy

    try:
        msg = email.message_from_bytes(ctx.raw(), policy=policy.default)
    except (ValueError, TypeError) as exc:
        raise ReadError(f"{ctx.path}: not a readable e-mail ({exc})") from exc
    found = False
    for part in msg.walk():
        if part.get_content_type() != "text/html":
            continue
        found = True
        try:
            html = part.get_content()
        except (LookupError, UnicodeError) as exc:
            raise ReadError(f"{ctx.path}: cannot decode the HTML part ({exc})") from exc
        if isinstance(html, str):
            yield from _split(html, ctx)
    if not found:
        raise ReadError(f"{ctx.path}: an e-mail without an HTML part, not a ProQuest delivery")
