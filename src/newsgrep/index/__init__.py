"""The only package that imports whoosh: schema, analysis, writing, searching, highlighting."""
