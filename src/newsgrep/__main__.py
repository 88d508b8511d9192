"""Run newsgrep as ``python -m newsgrep``."""

from newsgrep.cli import main

main()
