"""Progress of an index run on stderr: a rich bar in a terminal, messages only otherwise."""

from __future__ import annotations

import time
from typing import Any

from newsgrep.render.output import err


class BarProgress:
    """A progress bar on stderr that moves by bytes read (inside a file too), with files done,
    articles and MB/s."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        self.bar = Progress(TextColumn("indexing"), BarColumn(),
                            TextColumn("{task.fields[done]:,}/{task.fields[files]:,} files · "
                                       "{task.fields[articles]:,} articles · {task.fields[mbps]:.1f} MB/s"),
                            TimeElapsedColumn(), console=self.console, transient=True)
        self.task: Any = None
        self.articles = 0
        self.files = 0
        self.size = 0
        self.started = 0.0

    def __enter__(self) -> BarProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]

    def start(self, files: int, size: int) -> None:
        """Start the bar for this many files and bytes."""
        self.started = time.perf_counter()
        self.task = self.bar.add_task("index", total=max(size, 1), done=0, files=files, articles=0, mbps=0.0)

    def advance(self, files: int, articles: int, size: int) -> None:
        """Move the bar on."""
        self.articles += articles
        self.files += files
        self.size += size
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        self.bar.update(self.task, advance=size, done=self.files, articles=self.articles,
                        mbps=self.size / 1e6 / elapsed)

    def message(self, text: str) -> None:
        """Say something above the bar."""
        self.bar.console.print(f"newsgrep: {text}", markup=False, highlight=False)


class LineProgress:
    """No bar: messages as lines on stderr (none when quiet)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def start(self, files: int, size: int) -> None:
        """Nothing to draw."""

    def advance(self, files: int, articles: int, size: int) -> None:
        """Nothing to draw."""

    def message(self, text: str) -> None:
        """Say a message unless quiet."""
        if not self.quiet:
            err(text)
