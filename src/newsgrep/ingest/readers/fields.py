"""Records (dicts from JSON or CSV) to Articles: keys found by common names or mapped."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from newsgrep.errors import UsageError
from newsgrep.ingest.dates import normalize_date
from newsgrep.ingest.readers.base import FileContext
from newsgrep.ingest.readers.common import derive_title
from newsgrep.models import Article
from newsgrep.text.clean import clean_text, one_line

# Common key names per Article field, most specific first; compared without case, "_" or "-".
KEY_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "_id", "stories_id", "story_id", "article_id", "doc_id", "docid", "uuid", "guid"),
    "title": ("title", "headline", "heading", "head"),
    "body": ("body", "text", "content", "article", "articlebody", "article_text", "full_text",
             "fulltext", "maintext", "story", "bodytext", "description", "summary"),
    "date": ("date", "published", "publish_date", "pubdate", "published_at", "publishedat",
             "date_published", "datepublished", "publication_date", "pub_date", "datetime",
             "timestamp", "created_at", "time", "publish_date_utc"),
    "source": ("source", "media_name", "publisher", "site", "site_name", "sitename", "outlet",
               "media", "newspaper", "publication", "domain", "feed"),
    "url": ("url", "link", "canonical_url", "canonical", "href", "permalink", "uri"),
    "author": ("author", "byline", "authors", "creator", "writer"),
    "lang": ("lang", "language", "locale"),
}
MAPPABLE = tuple(KEY_NAMES)


def _norm(key: str) -> str:
    return re.sub(r"[\s_\-]", "", key.lower())


def parse_field_map(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Parse ``--map FIELD=KEY`` options into {field: key}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, key = pair.partition("=")
        field = field.strip().lower()
        if not sep or not key.strip():
            raise UsageError(f"bad --map {pair!r}: use FIELD=KEY, e.g. body=text")
        if field not in KEY_NAMES:
            raise UsageError(f"bad --map {pair!r}: FIELD is one of {', '.join(MAPPABLE)}")
        mapping[field] = key.strip()
    return mapping


def _lookup(record: Mapping[str, Any], key: str) -> Any:
    """Get a value by exact key, else by a dotted path (``source.name``)."""
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        for k in ("name", "title", "text", "value", "@value", "url"):
            if k in value:
                return _text(value[k])
        return None
    if isinstance(value, (list, tuple)):
        parts = [t for t in (_text(v) for v in value) if t]
        return ", ".join(parts) if parts else None
    text = str(value).strip()
    return text or None


class FieldResolver:
    """Find, once per file, which key of its records feeds each Article field."""

    def __init__(self, field_map: Mapping[str, str] | None = None) -> None:
        self.field_map = dict(field_map or {})
        self._keys: dict[frozenset[str], dict[str, str]] = {}

    def keys_for(self, record: Mapping[str, Any]) -> dict[str, str]:
        """Return {field: key} for a record's key set."""
        sig = frozenset(record)
        found = self._keys.get(sig)
        if found is None:
            by_norm: dict[str, str] = {}
            for key in record:
                by_norm.setdefault(_norm(str(key)), key)
            found = {}
            taken: set[str] = set()
            for field, names in KEY_NAMES.items():
                if field in self.field_map:
                    found[field] = self.field_map[field]
                    taken.add(self.field_map[field])
                    continue
                for name in names:
                    hit = by_norm.get(_norm(name))
                    if hit is not None and hit not in taken:
                        found[field] = hit
                        taken.add(hit)
                        break
            self._keys[sig] = found
        return found

    def article(self, record: Mapping[str, Any], *, default_id: str, path: str,
                default_source: str | None, ctx: FileContext | None = None) -> Article:
        """Build the Article of one record (a date that cannot be read is warned about on ctx)."""
        keys = self.keys_for(record)
        got = {f: _text(_lookup(record, k)) for f, k in keys.items()}
        date_value = _lookup(record, keys["date"]) if "date" in keys else None
        raw = date_value if isinstance(date_value, (int, float)) and not isinstance(date_value, bool) \
            else got.get("date")
        date = ctx.date(raw, f"record {default_id}") if ctx is not None else normalize_date(raw)
        title = one_line(got.get("title") or "")
        body = clean_text(got.get("body") or "")
        return Article(
            id=one_line(got.get("id") or default_id),
            path=path,
            title=title or derive_title(body),
            body=body,
            date=date,
            source=one_line(got.get("source") or "") or default_source,
            url=one_line(got.get("url") or "") or None,
            author=one_line(got.get("author") or "") or None,
            lang=one_line(got.get("lang") or "") or None,
            title_derived=not title and bool(body.strip()),
        )
