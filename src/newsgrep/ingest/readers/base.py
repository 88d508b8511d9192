"""What every reader is given: the file, its id and the user's field mapping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsgrep.ingest.readers.decode import read_bytes, read_text
from newsgrep.models import FileProblem


@dataclass
class FileContext:
    """One file to read: where it is, what to call its articles, what went wrong."""

    path: Path
    file_id: str
    kind: str
    field_map: dict[str, str] = field(default_factory=dict)
    warnings: list[FileProblem] = field(default_factory=list)
    size: int = 0
    boilerplate: frozenset[int] = frozenset()  # keys of learned boilerplate lines to leave out

    @property
    def default_source(self) -> str | None:
        """Name the source after the file's folder."""
        from newsgrep.text.clean import one_line

        return one_line(self.path.parent.name) or None

    def text(self) -> str:
        """Read the whole file as text."""
        text = read_text(self.path)
        self.size = len(text)
        return text

    def raw(self) -> bytes:
        """Read the whole file as bytes (gunzipped)."""
        data = read_bytes(self.path)
        self.size = len(data)
        return data

    def warn(self, message: str) -> None:
        """Record a problem with part of the file; the rest is read."""
        self.warnings.append(FileProblem(str(self.path), message))

