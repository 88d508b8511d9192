"""Build newsgrep's compiled core (newsgrep._core) where a C compiler is found; the metadata is in
pyproject.toml. The extension is optional: without a compiler, pip installs the pure-Python path."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("newsgrep._core", ["src/newsgrep/_core.c"], optional=True,
                             extra_compile_args=["-O2"])])
