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
    skipped: list[FileProblem] = field(default_factory=list)
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
        """Record a doubt about part of the file (an unreadable date, ...); it is still read."""
        self.warnings.append(FileProblem(str(self.path), message))

    def skip(self, message: str) -> None:
        """Record a broken record that is not indexed (say where: line N, record N, byte N);
        the rest of the file is read, and the run's exit status says something was skipped."""
        self.skipped.append(FileProblem(str(self.path), message))

    def date(self, value: object, where: str = "") -> str | None:
        """Normalise a date the file gives (ISO 8601, or None); a value that is there but cannot
        be read as a date is warned about (``where``: which record), and the article is undated."""
        from newsgrep.ingest.dates import read_date

        got, problem = read_date(value)
        if got is None and problem:
            self.warn(f"{where + ': ' if where else ''}the date {str(value)[:60]!r} is {problem}; "
                      "the article is undated")
        return got

