"""The only package that imports whoosh: schema, analysis, writing, searching, highlighting."""

from newsgrep.index.lean import preload

preload()
