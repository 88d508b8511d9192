"""Ctrl-C is never lost, even when it lands where Python swallows exceptions (a fork hook)."""

from __future__ import annotations

import signal

import pytest

from newsgrep.index.store import lock as durable


def test_swallowed_ctrl_c_is_raised_at_the_next_safe_point(capsys: pytest.CaptureFixture[str]) -> None:
    with durable._catching_interrupts():
        assert signal.getsignal(signal.SIGINT) is durable._on_sigint
        try:  # what a finalizer or an at-fork hook does with the exception: drop it
            durable._on_sigint(signal.SIGINT, None)
        except KeyboardInterrupt:
            pass
        with pytest.raises(KeyboardInterrupt):
            durable.check_interrupt()
    assert signal.getsignal(signal.SIGINT) is not durable._on_sigint
    with durable._catching_interrupts():
        durable.check_interrupt()  # a new run starts without the old interrupt
