"""The only package that imports whoosh: schema, analysis, writing, searching, highlighting."""

from newsgrep.index.lean import preload

preload()

from newsgrep.index.zerocopy import install as _zero_copy  # noqa: E402

_zero_copy()
