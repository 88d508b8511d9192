"""The TREC Washington Post Corpus (JSON Lines): one article per line, its text in typed blocks."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import html_text, make_article
from newsgrep.ingest.readers.stream import iter_lines
from newsgrep.models import Article


def record_article(rec: Mapping[str, Any], ctx: FileContext, n: int) -> Article:
    """Turn one corpus record into an Article: the paragraphs of its sanitized_html blocks."""
    paragraphs: list[str] = []
    kicker = None
    captions: list[str] = []
    date_value = rec.get("published_date")
    for block in rec.get("contents") or []:
        if not isinstance(block, Mapping):
            continue  # the corpus has null entries
        kind = block.get("type")
        if kind == "sanitized_html":
            text = html_text(str(block.get("content") or ""))
            if text.strip():
                paragraphs.append(text.strip())
        elif kind == "kicker":
            kicker = block.get("content")
        elif kind == "image" and block.get("fullcaption"):
            captions.append(html_text(str(block["fullcaption"])))
        elif kind == "date" and date_value is None:
            date_value = block.get("content")
    if isinstance(date_value, (int, float)) and not isinstance(date_value, bool):
        from datetime import datetime, timezone

        date_value = datetime.fromtimestamp(date_value / 1000, tz=timezone.utc)
    return make_article(ctx, n, id=str(rec.get("id") or "") or None, title=str(rec.get("title") or ""),
                        body="\n\n".join(paragraphs), date=ctx.date(date_value, f"record {n}"),
                        source=str(rec.get("source") or "The Washington Post"),
                        author=str(rec.get("author") or "") or None, url=rec.get("article_url"), lang="en",
                        extra={"section": kicker, "type": rec.get("type"), "captions": captions})


def read_wapo(ctx: FileContext) -> Iterator[Article]:
    """Read a TREC Washington Post JSON Lines file; broken lines are reported and skipped."""
    n = 0
    for lineno, line in enumerate(iter_lines(ctx.path), 1):
        if not line.strip():
            continue
        n += 1
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            ctx.skip(f"record {n} (line {lineno}): not valid JSON ({exc.msg}), skipped")
            continue
        if not isinstance(rec, Mapping):
            ctx.skip(f"record {n} (line {lineno}): not an object, skipped")
            continue
        yield record_article(rec, ctx, n)
