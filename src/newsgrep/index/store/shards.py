"""Sharded indexes: N ordinary newsgrep indexes under one folder, and a manifest saying so.

    DIR/newsgrep-shards.json      {"format": 1, "shards": N}
    DIR/newsgrep.sqlite           the catalog of the files read (and boilerplate counts)
    DIR/settings.txt              the analysis settings, as in any index
    DIR/shard-000/ ... shard-N-1/ each an ordinary newsgrep index (searchable on its own)

An article goes to the shard its id hashes to (CRC-32 of the id's UTF-8, modulo N): stable
across runs and machines, so one large file is spread over every shard and a changed file's
articles are found again, in whichever shard, by their path.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

from newsgrep.errors import UsageError

MANIFEST = "newsgrep-shards.json"
MAX_SHARDS = 4096


def shard_count(index_dir: Path) -> int | None:
    """Return the number of shards of a sharded index, or None for an ordinary index (or none)."""
    try:
        data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the shard manifest {index_dir / MANIFEST}: {exc}") from exc
    n = data.get("shards") if isinstance(data, dict) else None
    if not isinstance(n, int) or not 1 <= n <= MAX_SHARDS:
        raise UsageError(f"the shard manifest {index_dir / MANIFEST} is damaged (shards: {n!r})")
    return n


def create(index_dir: Path, shards: int) -> None:
    """Make a folder a sharded index of ``shards`` shards (atomically written manifest)."""
    if not 1 <= shards <= MAX_SHARDS:
        raise UsageError(f"--shards takes 1 to {MAX_SHARDS}, not {shards}")
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps({"format": 1, "shards": shards}) + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)


def shard_dirs(index_dir: Path, shards: int) -> list[Path]:
    """Return the folders of a sharded index's shards, in order."""
    return [index_dir / f"shard-{k:03d}" for k in range(shards)]


def route(article_id: str, shards: int) -> int:
    """Return the shard an article goes to: a stable hash of its id."""
    return zlib.crc32(article_id.encode("utf-8", "surrogatepass")) % shards if shards > 1 else 0
