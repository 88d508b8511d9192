"""The errors newsgrep reports to its users, each with its exit status."""

from __future__ import annotations


class NewsgrepError(Exception):
    """An error the user can act on: one clear line, exit status 2."""

    exit_code = 2


class UsageError(NewsgrepError):
    """A bad option value: a malformed date, an unknown field, ..."""


class QueryError(NewsgrepError):
    """A query that cannot be parsed."""


class IndexMissing(NewsgrepError):
    """No index where one was looked for."""


class IndexOutdated(NewsgrepError):
    """The index was built with other analysis settings and needs a rebuild."""


class IndexLocked(NewsgrepError):
    """Another process holds the index's write lock."""


class UnsafeIndex(NewsgrepError):
    """The index's stored schema would load something newsgrep does not trust."""


class ReadError(NewsgrepError):
    """A file that cannot be read as articles (binary, broken, unreadable)."""


class Interrupted(NewsgrepError):
    """The user stopped a run (Ctrl-C); what was committed before is kept."""

    exit_code = 130
