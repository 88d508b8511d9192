"""Build the vocabulary files of an index's segments at the end of an index run (query/vocab.py)."""

from __future__ import annotations

from pathlib import Path

from newsgrep.index.query.vocab import write_missing
from newsgrep.index.store.opening import open_whoosh_index
from newsgrep.index.store.shards import shard_count, shard_dirs
from newsgrep.index.whoosh_compat.pickles import open_reader


def build_missing(index_dir: Path) -> int:
    """Write the vocabulary file of each segment of an index (ordinary or sharded) that has none,
    and remove those of segments that are gone; return how many were written."""
    n = shard_count(index_dir)
    written = 0
    keys_of: dict[str, list[str]] = {}
    for folder in (shard_dirs(index_dir, n) if n else [index_dir]):
        ix = open_whoosh_index(folder)
        reader = open_reader(ix, folder)
        try:
            written += write_missing(folder, reader, keys_of)
        finally:
            reader.close()
            ix.close()
    return written
