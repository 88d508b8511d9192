"""Paging long output as git does: $NEWSGREP_PAGER, else $PAGER, else less, with LESS=FRX when
LESS is unset (quit when the text fits one screen, keep colours, leave the screen as it was)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys


def pager_command() -> list[str] | None:
    """Return the pager to run, or None when it is turned off ("cat" or empty)."""
    from newsgrep.settings import pager

    cmd = pager().strip()
    if not cmd or cmd == "cat":
        return None
    return shlex.split(cmd)


def page(text: str) -> None:
    """Show text through the pager (straight to stdout when there is none or it fails)."""
    cmd = pager_command()
    if cmd is None:
        sys.stdout.write(text)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text.encode("utf-8", "replace"))
        proc.stdin.close()
    except BrokenPipeError:  # the user quit the pager early
        pass
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager, as in git
            continue
