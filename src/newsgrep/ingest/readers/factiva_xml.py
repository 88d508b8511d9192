"""Factiva XML (PPS / Factiva API "ppsArticleResponse"): one article per <article>, streamed."""

from __future__ import annotations

from collections.abc import Iterator

from newsgrep.ingest.readers.agency_xml import first_text, iter_items
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import lang_code, make_article
from newsgrep.ingest.readers.stream import text_of
from newsgrep.models import Article
from newsgrep.text.clean import one_line


def read_factiva_xml(ctx: FileContext) -> Iterator[Article]:
    """Read a Factiva XML response: headline, lead and tail paragraphs, publication date and source."""
    for n, art in enumerate(iter_items(ctx, ("article",)), 1):
        an = first_text(art, "accessionNo") or first_text(art, "reference").rsplit("/", 1)[-1]
        paragraphs = [text_of(p).strip() for p in art.xpath("leadParagraph/paragraph | tailParagraphs/paragraph")]
        when = first_text(art, "publicationDate/dateTime", "publicationDate/date")
        count = first_text(art, "wordCount")
        yield make_article(
            ctx, n, id=an or None, title=first_text(art, "headline"), body="\n\n".join(p for p in paragraphs if p),
            date=ctx.date(when, f"article {n} ({an})") if when else None,
            source=first_text(art, "sourceName"), author=first_text(art, "byline") or None,
            lang=lang_code(first_text(art, "baseLanguage")),
            extra={"section": first_text(art, "sectionName"), "edition": first_text(art, "edition"),
                   "pages": first_text(art, "pages"), "length": int(count) if count.isdigit() else None,
                   "source_code": first_text(art, "sourceCode"), "publisher": first_text(art, "publisherName"),
                   "subjects": [one_line(s) for s in art.xpath("newsSubject/name/text()")],
                   "regions": [one_line(s) for s in art.xpath("region/name/text()")],
                   "companies": [one_line(s) for s in art.xpath("company/name/text()")],
                   "industries": [one_line(s) for s in art.xpath("industry/name/text()")],
                   "notes": first_text(art, "notes")})
