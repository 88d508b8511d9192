"""The only package that imports whoosh: storage, writing, query analysis, searching.

Importing it installs newsgrep's patches of Whoosh (``whoosh_compat.install``) before anything
else loads Whoosh.
"""

from newsgrep.index.whoosh_compat import install as _install

_install()
